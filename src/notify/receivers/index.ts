/**
 * Every receiver kind, one line each. Adding a receiver is one file plus one line here.
 */
import type { ReceiverKind } from './types.ts';
import { webhookReceiver } from './webhook.ts';
import { slackReceiver } from './slack.ts';
import { emailReceiver } from './email.ts';
import { pagerdutyReceiver } from './pagerduty.ts';
import { discordReceiver } from './discord.ts';
import { msteamsReceiver } from './msteams.ts';
import { telegramReceiver } from './telegram.ts';

const KINDS: ReceiverKind<any>[] = [
  webhookReceiver,
  slackReceiver,
  emailReceiver,
  pagerdutyReceiver,
  msteamsReceiver,
  discordReceiver,
  telegramReceiver,
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
