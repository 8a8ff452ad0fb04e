/**
 * Discord receiver: one embed (title ≤256 runes, description ≤4096) colored red while firing
 * and green when resolved, as Alertmanager 0.25 posts it to the webhook URL.
 */
import type { YamlValue } from '../../config/alertmanagerYaml.ts';
import type { GlobalConfig } from '../../config/alertmanagerConfig.ts';
import { parseHttpConfig, type HttpClientConfig } from '../../config/alertmanagerHttpConfig.ts';
import { postJson } from '../httpClient.ts';
import { fieldRenderer, templateInput } from '../templating.ts';
import { isResolvedAt } from '../templateData.ts';
import { truncateRunes } from '../truncate.ts';
import type { ReceiverKind } from './types.ts';

const COLOR_RED = 0x992d22;
const COLOR_GREEN = 0x2ecc71;

export interface DiscordConfig {
  sendResolved: boolean;
  http: HttpClientConfig;
  webhookUrl: string;
  title: string;
  message: string;
}

export const discordReceiver: ReceiverKind<DiscordConfig> = {
  key: 'discord_configs',
  name: 'discord',
  parseConfig(raw: YamlValue, global: GlobalConfig): DiscordConfig {
    const m = raw.map(['send_resolved', 'http_config', 'webhook_url', 'webhook_url_file', 'title', 'message']);
    if (m.has('webhook_url_file')) throw m.get('webhook_url_file').error('webhook_url_file: not supported by promlite, use webhook_url');
    if (!m.has('webhook_url')) throw m.error('one of webhook_url or webhook_url_file must be configured');
    return {
      sendResolved: m.optBool('send_resolved', true),
      http: parseHttpConfig(m.get('http_config'), global.httpConfig),
      webhookUrl: m.get('webhook_url').url(),
      title: m.optString('title', '{{ template "discord.default.title" . }}'),
      message: m.optString('message', '{{ template "discord.default.message" . }}'),
    };
  },
  create(c, deps) {
    return {
      name: 'discord',
      sendResolved: c.sendResolved,
      async notify(ctx, alerts) {
        const t = fieldRenderer(deps.templater, templateInput(ctx, alerts, deps.externalURL), 'discord').text;
        const firing = alerts.some((a) => !isResolvedAt(a, ctx.now));
        const embed = { title: truncateRunes(t(c.title, 'title'), 256), description: truncateRunes(t(c.message, 'message'), 4096), color: firing ? COLOR_RED : COLOR_GREEN };
        await postJson(c.webhookUrl, { content: '', embeds: [embed] }, c.http);
      },
    };
  },
};
