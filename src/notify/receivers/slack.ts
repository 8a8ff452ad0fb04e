/**
 * Slack receiver: the incoming-webhook payload exactly as Alertmanager 0.25 builds it (one
 * attachment; title truncated to 1024 runes; empty optional fields omitted), every field a
 * template over the notification data. send_resolved defaults to false.
 */
import type { YamlValue } from '../../config/alertmanagerYaml.ts';
import type { GlobalConfig } from '../../config/alertmanagerConfig.ts';
import { parseHttpConfig, type HttpClientConfig } from '../../config/alertmanagerHttpConfig.ts';
import { postJson } from '../httpClient.ts';
import { fieldRenderer, templateInput } from '../templating.ts';
import { truncateRunes } from '../truncate.ts';
import type { ReceiverKind } from './types.ts';

interface SlackField {
  title: string;
  value: string;
  short?: boolean;
}

interface SlackAction {
  type: string;
  text: string;
  url: string;
  style: string;
  name: string;
  value: string;
}

export interface SlackConfig {
  apiUrl: string;
  sendResolved: boolean;
  http: HttpClientConfig;
  channel: string;
  username: string;
  color: string;
  title: string;
  titleLink: string;
  pretext: string;
  text: string;
  fields: SlackField[];
  shortFields: boolean;
  footer: string;
  fallback: string;
  callbackId: string;
  iconEmoji: string;
  iconUrl: string;
  imageUrl: string;
  thumbUrl: string;
  linkNames: boolean;
  mrkdwnIn: string[];
  actions: SlackAction[];
}

const KEYS = [
  'send_resolved', 'http_config', 'api_url', 'api_url_file', 'channel', 'username', 'color', 'title', 'title_link',
  'pretext', 'text', 'fields', 'short_fields', 'footer', 'fallback', 'callback_id', 'icon_emoji', 'icon_url',
  'image_url', 'thumb_url', 'link_names', 'mrkdwn_in', 'actions',
];

export const slackReceiver: ReceiverKind<SlackConfig> = {
  key: 'slack_configs',
  name: 'slack',
  parseConfig(raw: YamlValue, global: GlobalConfig): SlackConfig {
    const m = raw.map(KEYS);
    if (m.has('api_url_file')) throw m.get('api_url_file').error('api_url_file: not supported by promlite, use api_url');
    const apiUrl = m.has('api_url') ? m.get('api_url').url() : global.slackApiUrl;
    if (!apiUrl) throw m.error('no global Slack API URL set');
    const s = (k: string, d: string) => m.optString(k, d);
    return {
      apiUrl,
      sendResolved: m.optBool('send_resolved', false),
      http: parseHttpConfig(m.get('http_config'), global.httpConfig),
      channel: s('channel', ''),
      username: s('username', '{{ template "slack.default.username" . }}'),
      color: s('color', '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}'),
      title: s('title', '{{ template "slack.default.title" . }}'),
      titleLink: s('title_link', '{{ template "slack.default.titlelink" . }}'),
      pretext: s('pretext', '{{ template "slack.default.pretext" . }}'),
      text: s('text', '{{ template "slack.default.text" . }}'),
      fields: m.get('fields').list().map((f) => {
        const fm = f.map(['title', 'value', 'short']);
        if (!fm.has('title') || !fm.has('value')) throw fm.error('missing title or value in Slack field configuration');
        return { title: fm.get('title').string(), value: fm.get('value').string(), short: fm.has('short') ? fm.get('short').bool() : undefined };
      }),
      shortFields: m.optBool('short_fields', false),
      footer: s('footer', '{{ template "slack.default.footer" . }}'),
      fallback: s('fallback', '{{ template "slack.default.fallback" . }}'),
      callbackId: s('callback_id', '{{ template "slack.default.callbackid" . }}'),
      iconEmoji: s('icon_emoji', '{{ template "slack.default.iconemoji" . }}'),
      iconUrl: s('icon_url', '{{ template "slack.default.iconurl" . }}'),
      imageUrl: s('image_url', ''),
      thumbUrl: s('thumb_url', ''),
      linkNames: m.optBool('link_names', false),
      mrkdwnIn: m.has('mrkdwn_in') ? m.get('mrkdwn_in').stringList() : [],
      actions: m.get('actions').list().map((a) => {
        const am = a.map(['type', 'text', 'url', 'style', 'name', 'value', 'confirm']);
        if (!am.has('type') || !am.has('text')) throw am.error('missing type or text in Slack action configuration');
        if (!am.has('url') && !am.has('name')) throw am.error('missing name or url in Slack action configuration');
        return { type: am.get('type').string(), text: am.get('text').string(), url: am.optString('url', ''), style: am.optString('style', ''), name: am.optString('name', ''), value: am.optString('value', '') };
      }),
    };
  },
  create(c, deps) {
    return {
      name: 'slack',
      sendResolved: c.sendResolved,
      async notify(ctx, alerts) {
        const t = fieldRenderer(deps.templater, templateInput(ctx, alerts, deps.externalURL), 'slack').text;
        const attachment: Record<string, unknown> = {};
        const put = (k: string, v: string | undefined) => {
          if (v) attachment[k] = v;
        };
        put('title', truncateRunes(t(c.title), 1024));
        put('title_link', t(c.titleLink));
        put('pretext', t(c.pretext));
        attachment.text = t(c.text);
        attachment.fallback = t(c.fallback);
        attachment.callback_id = t(c.callbackId);
        if (c.fields.length > 0) attachment.fields = c.fields.map((f) => ({ title: t(f.title), value: t(f.value), short: f.short ?? c.shortFields }));
        if (c.actions.length > 0) {
          attachment.actions = c.actions.map((a) => {
            const o: Record<string, string> = { type: t(a.type), text: t(a.text) };
            for (const [k, v] of [['url', a.url], ['style', a.style], ['name', a.name], ['value', a.value]] as const) {
              const r = t(v);
              if (r) o[k] = r;
            }
            return o;
          });
        }
        put('image_url', t(c.imageUrl));
        put('thumb_url', t(c.thumbUrl));
        attachment.footer = t(c.footer);
        put('color', t(c.color));
        attachment.mrkdwn_in = c.mrkdwnIn.length > 0 ? c.mrkdwnIn : ['fallback', 'pretext', 'text'];
        const req: Record<string, unknown> = {};
        const top = (k: string, v: string) => {
          if (v) req[k] = v;
        };
        top('channel', t(c.channel));
        top('username', t(c.username));
        top('icon_emoji', t(c.iconEmoji));
        top('icon_url', t(c.iconUrl));
        if (c.linkNames) req.link_names = true;
        req.attachments = [attachment];
        await postJson(c.apiUrl, req, c.http);
      },
    };
  },
};
