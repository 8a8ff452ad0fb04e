/**
 * Email receiver (nodemailer): To/From/Subject and extra headers are templates, the HTML body
 * defaults to Alertmanager's `email.default.html`, and a plain-text alternative is always
 * included (promlite's default text template, or the user's `text`). STARTTLS is required
 * unless require_tls is false; port 465 uses implicit TLS. send_resolved defaults to false.
 */
import type { Transporter } from 'nodemailer';
import type { YamlValue } from '../../config/alertmanagerYaml.ts';
import type { GlobalConfig } from '../../config/alertmanagerConfig.ts';
import { checkHostPort } from '../../config/alertmanagerConfig.ts';
import { parseTlsConfig, type TlsConfig } from '../../config/alertmanagerHttpConfig.ts';
import { fieldRenderer, templateInput } from '../templating.ts';
import { ReceiverError, type ReceiverKind } from './types.ts';

export interface EmailConfig {
  to: string;
  from: string;
  smarthost: { host: string; port: number };
  hello: string;
  authUsername: string;
  authPassword: string;
  authIdentity: string;
  /** CRAM-MD5 secret (used when no password is set, as Alertmanager does). */
  authSecret: string;
  headers: Record<string, string>;
  html: string;
  text: string;
  requireTls: boolean;
  tls: TlsConfig;
  sendResolved: boolean;
}

/** The text body when `text` is not configured (Alertmanager 0.25 has no text default). */
export const DEFAULT_EMAIL_TEXT = `{{ .Alerts | len }} alert{{ if gt (len .Alerts) 1 }}s{{ end }} for {{ range .GroupLabels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}
{{ if gt (len .Alerts.Firing) 0 }}
[{{ .Alerts.Firing | len }}] Firing
{{ range .Alerts.Firing }}
Labels:
{{ range .Labels.SortedPairs }}  {{ .Name }} = {{ .Value }}
{{ end }}Annotations:
{{ range .Annotations.SortedPairs }}  {{ .Name }} = {{ .Value }}
{{ end }}Source: {{ .GeneratorURL }}
{{ end }}{{ end }}{{ if gt (len .Alerts.Resolved) 0 }}
[{{ .Alerts.Resolved | len }}] Resolved
{{ range .Alerts.Resolved }}
Labels:
{{ range .Labels.SortedPairs }}  {{ .Name }} = {{ .Value }}
{{ end }}Annotations:
{{ range .Annotations.SortedPairs }}  {{ .Name }} = {{ .Value }}
{{ end }}Source: {{ .GeneratorURL }}
{{ end }}{{ end }}
View in Alertmanager: {{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}
`;

const KEYS = [
  'send_resolved', 'to', 'from', 'smarthost', 'hello', 'auth_username', 'auth_password', 'auth_password_file',
  'auth_secret', 'auth_identity', 'headers', 'html', 'text', 'require_tls', 'tls_config',
];

function titleCase(h: string): string {
  return h.replace(/(^|[^A-Za-z0-9])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

export const emailReceiver: ReceiverKind<EmailConfig> = {
  key: 'email_configs',
  name: 'email',
  parseConfig(raw: YamlValue, global: GlobalConfig): EmailConfig {
    const m = raw.map(KEYS);
    const to = m.optString('to', '');
    if (to === '') throw m.error('missing to address in email config');
    const from = m.optString('from', global.smtpFrom);
    if (from === '') throw m.error('no global mail from address set');
    const smarthost = m.has('smarthost') ? m.get('smarthost').string() : global.smtpSmarthost;
    if (smarthost === '') throw m.error('no global SMTP smarthost set');
    if (m.has('smarthost')) checkHostPort(m.get('smarthost'), smarthost);
    if (m.has('auth_password_file')) throw m.get('auth_password_file').error('auth_password_file: not supported by promlite, use auth_password');
    const headers: Record<string, string> = {};
    for (const [k, v] of m.get('headers').stringMap()) {
      const n = titleCase(k);
      if (n in headers) throw m.get('headers').error(`duplicate header "${n}" in email config`);
      headers[n] = v;
    }
    headers.Subject ??= '{{ template "email.default.subject" . }}';
    headers.To ??= to;
    headers.From ??= from;
    const i = smarthost.lastIndexOf(':');
    const tls = m.has('tls_config') ? parseTlsConfig(m.get('tls_config')) : { insecureSkipVerify: false };
    return {
      to,
      from,
      smarthost: { host: smarthost.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(smarthost.slice(i + 1)) },
      hello: m.optString('hello', global.smtpHello),
      authUsername: m.optString('auth_username', global.smtpAuthUsername),
      authPassword: m.optString('auth_password', global.smtpAuthPassword),
      authIdentity: m.optString('auth_identity', global.smtpAuthIdentity),
      authSecret: m.optString('auth_secret', global.smtpAuthSecret),
      headers,
      html: m.optString('html', '{{ template "email.default.html" . }}'),
      text: m.optString('text', DEFAULT_EMAIL_TEXT),
      requireTls: m.optBool('require_tls', global.smtpRequireTls),
      tls,
      sendResolved: m.optBool('send_resolved', false),
    };
  },
  create(c, deps) {
    // nodemailer (~12 MB of memory) is loaded on the first mail: most setups send none.
    let transport: Transporter | undefined;
    const getTransport = async (): Promise<Transporter> => {
      if (transport) return transport;
      const { default: nodemailer } = await import('nodemailer');
      transport = nodemailer.createTransport({
        host: c.smarthost.host,
        port: c.smarthost.port,
        secure: c.smarthost.port === 465,
        requireTLS: c.requireTls && c.smarthost.port !== 465,
        ignoreTLS: !c.requireTls && c.smarthost.port !== 465,
        name: c.hello,
        auth: !c.authUsername ? undefined : c.authPassword || !c.authSecret ? { user: c.authUsername, pass: c.authPassword } : { user: c.authUsername, pass: c.authSecret },
        authMethod: c.authUsername && !c.authPassword && c.authSecret ? 'CRAM-MD5' : undefined,
        tls: { rejectUnauthorized: !c.tls.insecureSkipVerify, ca: c.tls.ca, cert: c.tls.cert, key: c.tls.key, servername: c.tls.serverName },
        connectionTimeout: 30_000,
        greetingTimeout: 30_000,
        socketTimeout: 60_000,
      });
      return transport;
    };
    return {
      name: 'email',
      sendResolved: c.sendResolved,
      async notify(ctx, alerts) {
        const r = fieldRenderer(deps.templater, templateInput(ctx, alerts, deps.externalURL), 'email');
        const render = (fn: 'text' | 'html', tmpl: string, what: string) => r[fn](tmpl, what);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(c.headers)) headers[k] = render('text', v, `header ${k}`);
        const { Subject: subject, To: to, From: from, ...extra } = headers;
        const text = c.text ? render('text', c.text, 'text') : undefined;
        const html = c.html ? render('html', c.html, 'html') : undefined;
        try {
          await (await getTransport()).sendMail({
            from,
            to,
            subject,
            text,
            html,
            headers: extra,
            envelope: { from: render('text', c.from, 'from'), to: render('text', c.to, 'to') },
          });
        } catch (e) {
          const err = e as Error & { responseCode?: number; code?: string };
          const permanent = (err.responseCode !== undefined && err.responseCode >= 500) || err.code === 'EAUTH' || err.code === 'EENVELOPE';
          throw new ReceiverError(`send email to ${to}: ${err.message}`, !permanent, permanent ? 'clientError' : 'other');
        }
      },
    };
  },
};

