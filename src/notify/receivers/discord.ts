/**
 * Discord receiver: one embed colored red while firing and green when resolved, posted to the
 * webhook URL as Alertmanager 0.25 does. Unlike 0.25 (but like later Alertmanagers), the title
 * is cut to 256 runes and the description to 4096, Discord's embed limits: 0.25 sends longer
 * texts as they are and Discord refuses them.
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
const MAX_TITLE_RUNES = 256;
const MAX_DESCRIPTION_RUNES = 4096;

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
    if (!m.has('webhook_url')) throw m.error('no discord webhook URL provided');
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
        const embed = { title: truncateRunes(t(c.title, 'title'), MAX_TITLE_RUNES), description: truncateRunes(t(c.message, 'message'), MAX_DESCRIPTION_RUNES), color: firing ? COLOR_RED : COLOR_GREEN };
        await postJson(c.webhookUrl, { content: '', embeds: [embed] }, c.http);
      },
    };
  },
};
