/**
 * Every receiver kind, one line each. Adding a receiver is one file plus one line here.
 */
import type { ReceiverKind } from './types.ts';
import { webhookReceiver } from './webhook.ts';
import { slackReceiver } from './slack.ts';
import { emailReceiver } from './email.ts';
import { unsupportedReceiver } from './unsupported.ts';

const KINDS: ReceiverKind<any>[] = [
  webhookReceiver,
  slackReceiver,
  emailReceiver,
  unsupportedReceiver('pagerduty_configs', 'pagerduty', ['routing_key', 'routing_key_file', 'service_key', 'service_key_file', 'url', 'client', 'client_url', 'description', 'details', 'images', 'links', 'source', 'severity', 'class', 'component', 'group'], true),
  unsupportedReceiver('msteams_configs', 'msteams', ['webhook_url', 'webhook_url_file', 'title', 'summary', 'text'], true),
  unsupportedReceiver('discord_configs', 'discord', ['webhook_url', 'webhook_url_file', 'title', 'message'], true),
  unsupportedReceiver('telegram_configs', 'telegram', ['api_url', 'bot_token', 'bot_token_file', 'chat_id', 'message', 'disable_notifications', 'parse_mode'], true),
];

/** Alertmanager integrations promlite rejects at config load, with a clear message. */
export const UNSUPPORTED_RECEIVER_KEYS = [
  'opsgenie_configs', 'victorops_configs', 'wechat_configs', 'pushover_configs', 'sns_configs', 'webex_configs',
];

function buildRegistry(kinds: ReceiverKind<any>[]): Map<string, ReceiverKind<any>> {
  const m = new Map<string, ReceiverKind<any>>();
  for (const k of kinds) {
    if (m.has(k.key)) throw new Error(`receiver kind ${k.key} registered twice`);
    m.set(k.key, k);
  }
  return m;
}

export const receiverKinds: ReadonlyMap<string, ReceiverKind<any>> = buildRegistry(KINDS);
