/**
 * PagerDuty receiver: Events API v2 with `routing_key` (the default), or the v1 generic API with
 * `service_key`, the message shaped exactly as Alertmanager 0.25 sends it. The dedup/incident
 * key is the SHA-256 of the group key, so PagerDuty resolves the incident the group opened.
 */
import { createHash } from 'node:crypto';
import type { YamlValue } from '../../config/alertmanagerYaml.ts';
import type { GlobalConfig } from '../../config/alertmanagerConfig.ts';
import { parseHttpConfig, type HttpClientConfig } from '../../config/alertmanagerHttpConfig.ts';
import { postJson } from '../httpClient.ts';
import { fieldRenderer, templateInput } from '../templating.ts';
import { isResolvedAt } from '../templateData.ts';
import { truncateRunes } from '../truncate.ts';
import type { ReceiverKind } from './types.ts';

const V1_URL = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json';

export interface PagerdutyConfig {
  sendResolved: boolean;
  http: HttpClientConfig;
  routingKey: string;
  serviceKey: string;
  /** Explicit `url`, or '' for the default of the API version in use. */
  url: string;
  globalUrl: string;
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

export const pagerdutyReceiver: ReceiverKind<PagerdutyConfig> = {
  key: 'pagerduty_configs',
  name: 'pagerduty',
  parseConfig(raw: YamlValue, global: GlobalConfig): PagerdutyConfig {
    const m = raw.map([
      'send_resolved', 'http_config', 'routing_key', 'routing_key_file', 'service_key', 'service_key_file', 'url', 'client',
      'client_url', 'description', 'details', 'images', 'links', 'source', 'severity', 'class', 'component', 'group',
    ]);
    for (const k of ['routing_key_file', 'service_key_file']) if (m.has(k)) throw m.get(k).error(`${k}: not supported by promlite, use ${k.replace('_file', '')}`);
    const routingKey = m.optString('routing_key', '');
    const serviceKey = m.optString('service_key', '');
    if (routingKey === '' && serviceKey === '') throw m.error('missing service or routing key in PagerDuty config');
    const details = { ...DEFAULT_DETAILS, ...Object.fromEntries(m.get('details').stringMap()) };
    const client = m.optString('client', '{{ template "pagerduty.default.client" . }}');
    return {
      sendResolved: m.optBool('send_resolved', true),
      http: parseHttpConfig(m.get('http_config'), global.httpConfig),
      routingKey,
      serviceKey,
      url: m.has('url') ? m.get('url').url() : '',
      globalUrl: global.pagerdutyUrl,
      client,
      clientUrl: m.optString('client_url', '{{ template "pagerduty.default.clientURL" . }}'),
      description: m.optString('description', '{{ template "pagerduty.default.description" .}}'),
      details,
      images: m.get('images').list().map((v) => {
        const im = v.map(['src', 'alt', 'href']);
        return { src: im.optString('src', ''), alt: im.optString('alt', ''), href: im.optString('href', '') };
      }),
      links: m.get('links').list().map((v) => {
        const lm = v.map(['href', 'text']);
        return { href: lm.optString('href', ''), text: lm.optString('text', '') };
      }),
      source: m.optString('source', client),
      severity: m.optString('severity', 'error'),
      class: m.optString('class', ''),
      component: m.optString('component', ''),
      group: m.optString('group', ''),
    };
  },
  create(c, deps) {
    return {
      name: 'pagerduty',
      sendResolved: c.sendResolved,
      async notify(ctx, alerts) {
        const t = fieldRenderer(deps.templater, templateInput(ctx, alerts, deps.externalURL), 'pagerduty').text;
        const resolved = alerts.every((a) => isResolvedAt(a, ctx.now));
        const key = createHash('sha256').update(ctx.groupKey).digest('hex');
        const details: Record<string, string> = {};
        for (const [k, v] of Object.entries(c.details)) details[k] = t(v, `details.${k}`);
        const description = truncateRunes(t(c.description, 'description'), 1024);
        if (c.serviceKey !== '' && c.routingKey === '') {
          const eventType = resolved ? 'resolve' : 'trigger';
          const msg: Record<string, unknown> = { service_key: t(c.serviceKey), incident_key: key, event_type: eventType, description, event_action: '', payload: null };
          if (eventType === 'trigger') {
            putIf(msg, 'client', t(c.client));
            putIf(msg, 'client_url', t(c.clientUrl));
          }
          msg.details = details;
          await postJson(c.url || V1_URL, msg, c.http);
          return;
        }
        const payload: Record<string, unknown> = { summary: description, source: t(c.source), severity: t(c.severity) };
        putIf(payload, 'class', t(c.class));
        putIf(payload, 'component', t(c.component));
        putIf(payload, 'group', t(c.group));
        if (Object.keys(details).length > 0) payload.custom_details = details;
        const msg: Record<string, unknown> = { routing_key: t(c.routingKey), dedup_key: key, event_action: resolved ? 'resolve' : 'trigger', payload };
        putIf(msg, 'client', t(c.client));
        putIf(msg, 'client_url', t(c.clientUrl));
        const images = c.images.map((i) => ({ src: t(i.src), alt: t(i.alt), href: t(i.href) })).filter((i) => i.src !== '');
        const links = c.links.map((l) => ({ href: t(l.href), text: t(l.text) })).filter((l) => l.href !== '');
        if (images.length > 0) msg.images = images;
        if (links.length > 0) msg.links = links;
        await postJson(c.url || c.globalUrl, msg, c.http);
      },
    };
  },
};

function putIf(o: Record<string, unknown>, k: string, v: string): void {
  if (v !== '') o[k] = v;
}
