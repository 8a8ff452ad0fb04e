/**
 * Telegram receiver: Bot API `sendMessage` on `<api_url>/bot<token>/sendMessage`, sent as
 * Alertmanager 0.25's client sends it (a JSON object of strings, keys in Go's sorted order).
 * The message is a template (HTML-escaped when parse_mode is HTML, the default), at most 4096
 * runes. Telegram answers `{"ok": false, ...}` for refused messages; that is a permanent failure.
 * One deliberate difference: a trailing slash of api_url is dropped (0.25 would request
 * `//bot<token>/sendMessage`).
 */
import type { YamlValue } from '../../config/alertmanagerYaml.ts';
import type { GlobalConfig } from '../../config/alertmanagerConfig.ts';
import { parseHttpConfig, type HttpClientConfig } from '../../config/alertmanagerHttpConfig.ts';
import { classifyHttpResponse, postRaw } from '../httpClient.ts';
import { fieldRenderer, templateInput } from '../templating.ts';
import { truncateRunes } from '../truncate.ts';
import { ReceiverError, type ReceiverKind } from './types.ts';

export interface TelegramConfig {
  sendResolved: boolean;
  http: HttpClientConfig;
  apiUrl: string;
  botToken: string;
  chatId: number;
  message: string;
  disableNotifications: boolean;
  parseMode: string;
}

export const telegramReceiver: ReceiverKind<TelegramConfig> = {
  key: 'telegram_configs',
  name: 'telegram',
  parseConfig(raw: YamlValue, global: GlobalConfig): TelegramConfig {
    const m = raw.map(['send_resolved', 'http_config', 'api_url', 'bot_token', 'bot_token_file', 'chat_id', 'message', 'disable_notifications', 'parse_mode']);
    if (m.has('bot_token_file')) throw m.get('bot_token_file').error('bot_token_file: not supported by promlite, use bot_token');
    if (m.optString('bot_token', '') === '') throw m.error('missing bot_token on telegram_config');
    if (m.optInt('chat_id', 0) === 0) throw m.error('missing chat_id on telegram_config');
    const parseMode = m.optString('parse_mode', 'HTML');
    if (!['', 'Markdown', 'MarkdownV2', 'HTML'].includes(parseMode)) throw m.get('parse_mode').error(`unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string`);
    return {
      sendResolved: m.optBool('send_resolved', true),
      http: parseHttpConfig(m.get('http_config'), global.httpConfig),
      apiUrl: (m.has('api_url') ? m.get('api_url').url() : global.telegramApiUrl).replace(/\/$/, ''),
      botToken: m.get('bot_token').string(),
      chatId: m.get('chat_id').int(),
      message: m.optString('message', '{{ template "telegram.default.message" . }}'),
      disableNotifications: m.optBool('disable_notifications', false),
      parseMode,
    };
  },
  create(c, deps) {
    return {
      name: 'telegram',
      sendResolved: c.sendResolved,
      async notify(ctx, alerts) {
        const r = fieldRenderer(deps.templater, templateInput(ctx, alerts, deps.externalURL), 'telegram');
        const text = truncateRunes(c.parseMode === 'HTML' ? r.html(c.message, 'message') : r.text(c.message, 'message'), 4096);
        // Keys in the order Go marshals a map[string]string: sorted.
        const params: Record<string, string> = { chat_id: String(c.chatId) };
        if (c.disableNotifications) params.disable_notification = 'true';
        params.disable_web_page_preview = 'true';
        if (c.parseMode) params.parse_mode = c.parseMode;
        params.text = text;
        const url = `${c.apiUrl}/bot${c.botToken}/sendMessage`;
        const res = await postRaw(url, JSON.stringify(params), c.http);
        classifyHttpResponse(res, url);
        let ok = true;
        let description = '';
        try {
          const body = JSON.parse(res.body) as { ok?: boolean; description?: string };
          ok = body.ok !== false;
          description = body.description ?? '';
        } catch {
          // A 2xx without JSON: treat as delivered.
        }
        if (!ok) throw new ReceiverError(`telegram: ${description || 'request refused'}`, false, 'clientError');
      },
    };
  },
};
