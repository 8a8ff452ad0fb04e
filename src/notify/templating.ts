/**
 * What receivers need from the template language: execute a template string against a
 * notification, as text or as HTML (auto-escaped). The implementation (Go text/template
 * semantics, Alertmanager's data model and default templates, the user's `templates:` files)
 * lives in src/template; receivers only see this interface.
 */
import type { NotifyAlert } from './templateData.ts';

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
