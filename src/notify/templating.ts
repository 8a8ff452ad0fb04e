/**
 * What receivers need from the template language: execute a template string against a
 * notification, as text or as HTML (auto-escaped). The implementation (Go text/template
 * semantics, Alertmanager's data model and default templates, the user's `templates:` files)
 * lives in src/template; receivers only see this interface.
 */
import type { NotifyAlert } from './templateData.ts';
import type { NotifyContext } from './notifyContext.ts';
import { ReceiverError } from './receivers/types.ts';
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

/** Renders a receiver's templated fields; a template error is a permanent ReceiverError. */
export function fieldRenderer(templater: NotificationTemplater, input: TemplateInput, integration: string) {
  const run = (kind: 'text' | 'html', tmpl: string, field: string) => {
    if (tmpl === '') return '';
    try {
      return templater[kind](tmpl, input);
    } catch (e) {
      throw new ReceiverError(`${integration} ${field}: ${(e as Error).message}`, false, 'other');
    }
  };
  return {
    text: (tmpl: string, field = 'template') => run('text', tmpl, field),
    html: (tmpl: string, field = 'template') => run('html', tmpl, field),
  };
}

export function templateInput(ctx: NotifyContext, alerts: NotifyAlert[], externalURL: string): TemplateInput {
  return { receiver: ctx.receiverName, groupLabels: ctx.groupLabels, alerts, externalURL, now: ctx.now };
}
