/**
 * PagerDuty receiver, as Alertmanager 0.25 sends it: Events API v2 with `routing_key`, or the
 * v1 generic API whenever `service_key` (or its file) is set. The dedup/incident key is the
 * SHA-256 of the group key, so the resolve event closes the incident the group opened.
 *
 * One deliberate difference: Alertmanager always posts v1 events to PagerDuty's fixed v1 URL;
 * promlite uses an explicit `url` for v1 too (so v1 can be pointed at a proxy or a test server).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { YamlValue } from '../../config/alertmanagerYaml.ts';
import type { GlobalConfig } from '../../config/alertmanagerConfig.ts';
import { parseHttpConfig, type HttpClientConfig } from '../../config/alertmanagerHttpConfig.ts';
import { classifyHttpResponse, postRaw } from '../httpClient.ts';
import { fieldRenderer, templateInput } from '../templating.ts';
import { isResolvedAt } from '../templateData.ts';
import { truncateRunes } from '../truncate.ts';
import { ReceiverError, type ReceiverKind } from './types.ts';

const V1_URL = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json';
/** PagerDuty refuses bigger events; Alertmanager then replaces the details with a notice. */
const MAX_EVENT_BYTES = 512_000;
const DETAILS_REMOVED = 'Custom details have been removed because the original event exceeds the maximum size of 512KB';
/** v2 summary and v1 description limit (runes). */
const MAX_SUMMARY_RUNES = 1024;
/** Retry codes on top of 5xx/429: the v1 API signals rate limiting with 403. */
const V1_RETRY_CODES = [403];

export interface PagerdutyConfig {
  sendResolved: boolean;
  http: HttpClientConfig;
  /** `v1` when a service key is configured (it wins over a routing key, as in Alertmanager). */
  api: 'v1' | 'v2';
  /** The routing or service key (a template), or '' when it is read from `keyFile` at send time. */
  key: string;
  keyFile: string;
  url: string;
  client: string;
  clientUrl: string;
  description: string;
  details: Record<string, string>;
  images: { src: string; alt: string; href: string }[];
  links: { href: string; text: string }[];
  source: string;
  severity: string;
  class: string;
  component: string;
  group: string;
}

const DEFAULT_DETAILS: Record<string, string> = {
  firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
  resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
  num_firing: '{{ .Alerts.Firing | len }}',
  num_resolved: '{{ .Alerts.Resolved | len }}',
};

const KEYS = [
  'send_resolved', 'http_config', 'routing_key', 'routing_key_file', 'service_key', 'service_key_file', 'url', 'client',
  'client_url', 'description', 'details', 'images', 'links', 'source', 'severity', 'class', 'component', 'group',
];

export const pagerdutyReceiver: ReceiverKind<PagerdutyConfig> = {
  key: 'pagerduty_configs',
  name: 'pagerduty',
  parseConfig(raw: YamlValue, global: GlobalConfig): PagerdutyConfig {
    const m = raw.map(KEYS);
    for (const k of ['routing_key', 'service_key']) {
      if (m.has(k) && m.has(`${k}_file`)) throw m.error(`at most one of ${k} & ${k}_file must be configured`);
    }
    const api = m.has('service_key') || m.has('service_key_file') ? 'v1' : 'v2';
    const keyName = api === 'v1' ? 'service_key' : 'routing_key';
    if (!m.has(keyName) && !m.has(`${keyName}_file`)) throw m.error('missing service or routing key in PagerDuty config');
    const client = m.optString('client', '{{ template "pagerduty.default.client" . }}');
    return {
      sendResolved: m.optBool('send_resolved', true),
      http: parseHttpConfig(m.get('http_config'), global.httpConfig),
      api,
      key: m.optString(keyName, ''),
      keyFile: m.optString(`${keyName}_file`, ''),
      url: m.has('url') ? m.get('url').url() : api === 'v1' ? V1_URL : global.pagerdutyUrl,
      client,
      clientUrl: m.optString('client_url', '{{ template "pagerduty.default.clientURL" . }}'),
      description: m.optString('description', '{{ template "pagerduty.default.description" .}}'),
      details: { ...DEFAULT_DETAILS, ...Object.fromEntries(m.get('details').stringMap()) },
      images: m.get('images').list().map((v) => {
        const im = v.map(['src', 'alt', 'href']);
        return { src: im.optString('src', ''), alt: im.optString('alt', ''), href: im.optString('href', '') };
      }),
      links: m.get('links').list().map((v) => {
        const lm = v.map(['href', 'text']);
        return { href: lm.optString('href', ''), text: lm.optString('text', '') };
      }),
      // An empty source or severity falls back like Alertmanager's: the client, and "error".
      source: m.optString('source', '') || client,
      severity: m.optString('severity', '') || 'error',
      class: m.optString('class', ''),
      component: m.optString('component', ''),
      group: m.optString('group', ''),
    };
  },
  create(c, deps) {
    const keyName = c.api === 'v1' ? 'service key' : 'routing key';
    return {
      name: 'pagerduty',
      sendResolved: c.sendResolved,
      async notify(ctx, alerts) {
        const t = fieldRenderer(deps.templater, templateInput(ctx, alerts, deps.externalURL), 'pagerduty').text;
        const trigger = !alerts.every((a) => isResolvedAt(a, ctx.now));
        const hash = createHash('sha256').update(ctx.groupKey).digest('hex');
        const details: Record<string, string> = {};
        for (const k of Object.keys(c.details).sort()) details[k] = t(c.details[k], `details.${k}`);
        const summary = truncateRunes(t(c.description, 'description'), MAX_SUMMARY_RUNES);
        const key = t(c.keyFile ? readKeyFile(c.keyFile, keyName) : c.key, keyName);
        if (key === '') throw new ReceiverError(`pagerduty: ${keyName} cannot be empty`, false);

        let msg: PagerdutyMessage;
        if (c.api === 'v1') {
          msg = { service_key: key, incident_key: hash, event_type: trigger ? 'trigger' : 'resolve', description: summary, event_action: '', payload: null };
          if (trigger) {
            putIf(msg, 'client', t(c.client, 'client'));
            putIf(msg, 'client_url', t(c.clientUrl, 'client_url'));
          }
          msg.details = details;
        } else {
          const payload: Record<string, unknown> = { summary, source: t(c.source, 'source'), severity: t(c.severity, 'severity') };
          putIf(payload, 'class', t(c.class, 'class'));
          putIf(payload, 'component', t(c.component, 'component'));
          putIf(payload, 'group', t(c.group, 'group'));
          payload.custom_details = details;
          msg = { routing_key: key, dedup_key: hash, event_action: trigger ? 'trigger' : 'resolve', payload };
          putIf(msg, 'client', t(c.client, 'client'));
          putIf(msg, 'client_url', t(c.clientUrl, 'client_url'));
          const images = c.images.map((i) => ({ src: t(i.src, 'images.src'), alt: t(i.alt, 'images.alt'), href: t(i.href, 'images.href') })).filter((i) => i.src !== '');
          const links = c.links.map((l) => ({ href: t(l.href, 'links.href'), text: t(l.text, 'links.text') })).filter((l) => l.href !== '');
          if (images.length > 0) msg.images = images;
          if (links.length > 0) msg.links = links;
        }
        const res = await postRaw(c.url, encodeWithinLimit(msg), c.http);
        classifyHttpResponse(res, c.url, c.api === 'v1' ? V1_RETRY_CODES : []);
      },
    };
  },
};

type PagerdutyMessage = Record<string, unknown> & { payload: Record<string, unknown> | null };

/** Alertmanager reads key files on every notification, so a rotated key needs no reload. */
function readKeyFile(path: string, keyName: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new ReceiverError(`pagerduty: failed to read ${keyName} from file: ${(e as Error).message}`, false);
  }
}

/** JSON of the message; when it is over PagerDuty's size limit, the details become a notice. */
function encodeWithinLimit(msg: PagerdutyMessage): string {
  const body = JSON.stringify(msg);
  if (goJsonBytes(body) <= MAX_EVENT_BYTES) return body;
  if (msg.payload) msg.payload.custom_details = { error: DETAILS_REMOVED };
  else msg.details = { error: DETAILS_REMOVED };
  return JSON.stringify(msg);
}

/**
 * The byte size Go's json.Encoder gives the same message (the size Alertmanager compares with
 * the limit): it escapes <, > and & as \u00XX, \b and \f as \u00XX, and ends with a newline.
 */
function goJsonBytes(json: string): number {
  let extra = 1;
  for (let i = 0; i < json.length; i++) {
    const ch = json.charCodeAt(i);
    if (ch === 0x3c || ch === 0x3e || ch === 0x26) extra += 5;
    else if (ch === 0x2028 || ch === 0x2029) extra += 3;
    else if (ch === 0x5c && (json[i + 1] === 'b' || json[i + 1] === 'f')) extra += 4;
    else if (ch === 0x5c) i++; // skip the escaped character (e.g. a backslash)
  }
  return Buffer.byteLength(json) + extra;
}

function putIf(o: Record<string, unknown>, k: string, v: string): void {
  if (v !== '') o[k] = v;
}
