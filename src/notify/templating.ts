/**
 * What receivers need from the template language: execute a template string against a
 * notification, as text or as HTML (auto-escaped). The implementation (Go text/template
 * semantics, Alertmanager's data model and default templates, the user's `templates:` files)
 * lives in src/template; receivers only see this interface.
 */
import type { NotifyAlert } from './templateData.ts';
import { loadTemplateFiles } from '../template/alertmanagerTemplates.ts';
import { buildTemplateData } from '../template/alertmanagerData.ts';

/** The inputs of Alertmanager's template.Data (built by the template module). */
export interface TemplateInput {
  receiver: string;
  groupLabels: Record<string, string>;
  alerts: NotifyAlert[];
  externalURL: string;
  /** An alert is resolved when its endsAt is set and not after now. */
  now: number;
}

export interface NotificationTemplater {
  text(template: string, input: TemplateInput): string;
  html(template: string, input: TemplateInput): string;
}

/**
 * The real templater: Alertmanager's default templates plus the config's `templates:` globs
 * (absolute). Throws (a TemplateError naming file and line) when a template file does not parse.
 */
export function createNotificationTemplater(templateGlobs: string[], now: () => number = Date.now): NotificationTemplater {
  const templates = loadTemplateFiles(templateGlobs, process.cwd(), { now });
  const data = (input: TemplateInput) =>
    buildTemplateData({ receiver: input.receiver, groupLabels: input.groupLabels, alerts: input.alerts, externalURL: input.externalURL, now: input.now });
  return {
    text: (template, input) => templates.executeText(template, data(input)),
    html: (template, input) => templates.executeHtml(template, data(input)),
  };
}
