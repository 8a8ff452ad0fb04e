/**
 * Microsoft Teams receiver (incoming webhook, legacy MessageCard), as Alertmanager 0.26+ sends
 * it (0.25 had no Teams integration): title, summary and text templates, theme color by status.
 */
import type { YamlValue } from '../../config/alertmanagerYaml.ts';
import type { GlobalConfig } from '../../config/alertmanagerConfig.ts';
import { parseHttpConfig, type HttpClientConfig } from '../../config/alertmanagerHttpConfig.ts';
import { postJson } from '../httpClient.ts';
import { fieldRenderer, templateInput } from '../templating.ts';
import { isResolvedAt } from '../templateData.ts';
import type { ReceiverKind } from './types.ts';

export interface MsteamsConfig {
  sendResolved: boolean;
  http: HttpClientConfig;
  webhookUrl: string;
  title: string;
  summary: string;
  text: string;
}

export const msteamsReceiver: ReceiverKind<MsteamsConfig> = {
  key: 'msteams_configs',
  name: 'msteams',
  parseConfig(raw: YamlValue, global: GlobalConfig): MsteamsConfig {
    const m = raw.map(['send_resolved', 'http_config', 'webhook_url', 'webhook_url_file', 'title', 'summary', 'text']);
    if (m.has('webhook_url_file')) throw m.get('webhook_url_file').error('webhook_url_file: not supported by promlite, use webhook_url');
    if (!m.has('webhook_url')) throw m.error('one of webhook_url or webhook_url_file must be configured');
    return {
      sendResolved: m.optBool('send_resolved', true),
      http: parseHttpConfig(m.get('http_config'), global.httpConfig),
      webhookUrl: m.get('webhook_url').url(),
      title: m.optString('title', '{{ template "msteams.default.title" . }}'),
      summary: m.optString('summary', '{{ template "msteams.default.summary" . }}'),
      text: m.optString('text', '{{ template "msteams.default.text" . }}'),
    };
  },
  create(c, deps) {
    return {
      name: 'msteams',
      sendResolved: c.sendResolved,
      async notify(ctx, alerts) {
        const t = fieldRenderer(deps.templater, templateInput(ctx, alerts, deps.externalURL), 'msteams').text;
        const firing = alerts.some((a) => !isResolvedAt(a, ctx.now));
        const card = {
          '@context': 'http://schema.org/extensions',
          type: 'MessageCard',
          title: t(c.title, 'title'),
          summary: t(c.summary, 'summary'),
          text: t(c.text, 'text'),
          themeColor: firing ? '8C1A1A' : '2DC72D',
        };
        await postJson(c.webhookUrl, card, c.http);
      },
    };
  },
};
