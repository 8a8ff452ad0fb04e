// One kit run for every HTTP receiver (like Alertmanager's notify/test): the retry-code table,
// send_resolved defaults, and no secret in error text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { ManualClock } from '../../../src/clock.ts';
import { parseAlertmanagerConfig } from '../../../src/config/alertmanagerConfig.ts';
import { ReceiverError, type Integration } from '../../../src/notify/receivers/types.ts';
import { createNotificationTemplater } from '../../../src/notify/templating.ts';
import { fingerprint } from '../../../src/notify/fingerprint.ts';
import { HttpSink, T0 } from './harness.ts';

const sink = new HttpSink();
let base = '';
before(async () => {
  base = await sink.start();
});
after(() => sink.stop());

const SECRET = 'SeCrEt123';
const KINDS: { key: string; yaml: (url: string) => string; sendResolved: boolean }[] = [
  { key: 'webhook', yaml: (u) => `webhook_configs: [{url: "${u}/hook"}]`, sendResolved: true },
  { key: 'slack', yaml: (u) => `slack_configs: [{api_url: "${u}/services/${SECRET}"}]`, sendResolved: false },
  { key: 'pagerduty', yaml: (u) => `pagerduty_configs: [{routing_key: "${SECRET}", url: "${u}/v2/enqueue"}]`, sendResolved: true },
  { key: 'discord', yaml: (u) => `discord_configs: [{webhook_url: "${u}/api/webhooks/1/${SECRET}"}]`, sendResolved: true },
  { key: 'msteams', yaml: (u) => `msteams_configs: [{webhook_url: "${u}/webhook/${SECRET}"}]`, sendResolved: true },
  { key: 'telegram', yaml: (u) => `telegram_configs: [{api_url: "${u}", bot_token: "${SECRET}", chat_id: 42}]`, sendResolved: true },
];

function integrationFor(yaml: string): Integration {
  const cfg = parseAlertmanagerConfig(`route: {receiver: r}\nreceivers:\n- name: r\n  ${yaml}\n`, 'kit.yml');
  const ic = cfg.receivers[0].integrations[0];
  return ic.kind.create(ic.config, { clock: new ManualClock(T0), logger: pino({ level: 'silent' }), templater: createNotificationTemplater([]), externalURL: 'http://promlite.test' });
}

const labels = { alertname: 'KitAlert', severity: 'page' };
const alerts = [{ fingerprint: fingerprint(labels), labels, annotations: { summary: 'kit' }, startsAt: T0 - 60_000, endsAt: T0 + 60_000, generatorURL: '' }];
const ctx = { groupKey: '{}:{alertname="KitAlert"}', receiverName: 'r', groupLabels: { alertname: 'KitAlert' }, now: T0, repeatIntervalMs: 0, muteTimeIntervals: [], activeTimeIntervals: [] };

const CODES: [number, 'ok' | 'retry' | 'permanent'][] = [
  [200, 'ok'],
  [202, 'ok'],
  [400, 'permanent'],
  [404, 'permanent'],
  [429, 'retry'],
  [500, 'retry'],
  [503, 'retry'],
];

for (const kind of KINDS) {
  test(`receiver kit: ${kind.key}`, async () => {
    const integ = integrationFor(kind.yaml(base));
    assert.equal(integ.name, kind.key);
    assert.equal(integ.sendResolved, kind.sendResolved, 'send_resolved default');
    for (const [code, want] of CODES) {
      sink.clear();
      sink.status = () => code;
      const err = await integ.notify(ctx, alerts).then(() => undefined, (e: unknown) => e);
      if (want === 'ok') {
        assert.equal(err, undefined, `${code}`);
        assert.equal(sink.received.length, 1);
      } else {
        assert.ok(err instanceof ReceiverError, `${code} gives a ReceiverError`);
        assert.equal(err.retryable, want === 'retry', `${code} retryable`);
        assert.ok(!err.message.includes(SECRET), `no secret in "${err.message}"`);
        assert.match(err.message, new RegExp(`${code}`));
      }
    }
    // A receiver that is not listening: retryable, and still no secret.
    const down = integrationFor(kind.yaml('http://127.0.0.1:9'));
    const err = await down.notify(ctx, alerts).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ReceiverError && err.retryable);
    assert.ok(!err.message.includes(SECRET));
    sink.status = () => 200;
  });
}

test('receiver kit: telegram refusal in a 200 answer is permanent', async () => {
  const integ = integrationFor(KINDS.find((k) => k.key === 'telegram')!.yaml(base));
  sink.replyBody = () => '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}';
  const err = await integ.notify(ctx, alerts).then(() => undefined, (e: unknown) => e);
  sink.replyBody = () => 'ok';
  assert.ok(err instanceof ReceiverError && !err.retryable);
  assert.match(err.message, /chat not found/);
});

test('receiver kit: pagerduty v1 (service_key) payload', async () => {
  sink.clear();
  const integ = integrationFor(`pagerduty_configs: [{service_key: "sk", url: "${base}/v1"}]`);
  await integ.notify(ctx, alerts);
  const body = sink.received[0].body;
  assert.equal(body.service_key, 'sk');
  assert.equal(body.event_type, 'trigger');
  assert.equal(body.payload, null);
  assert.equal(body.description, '[FIRING:1] KitAlert (page)');
  assert.match(body.incident_key, /^[0-9a-f]{64}$/);
  assert.equal(body.details.num_firing, '1');
});
