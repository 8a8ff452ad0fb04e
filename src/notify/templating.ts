/**
 * What receivers need from the template language: execute a template string against the
 * notification data, as text or as HTML (auto-escaped). The implementation (Go text/template
 * semantics, Alertmanager's default templates and the user's `templates:` files) lives in
 * src/template; receivers only see this interface.
 */
import type { TemplateData } from './templateData.ts';

export interface NotificationTemplater {
  text(template: string, data: TemplateData): string;
  html(template: string, data: TemplateData): string;
}
