// Discord receiver: config parsing (errors with file:line), the embed (color by status,
// Discord's title/description limits), retry classification and no webhook secret in error
// text. Payloads are compared with the real Alertmanager in test/interop/notify.discord.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { ManualClock } from '../../../../src/clock.ts';
import { parseAlertmanagerConfig } from '../../../../src/config/alertmanagerConfig.ts';
import { ConfigError } from '../../../../src/config/alertmanagerYaml.ts';
import { createNotificationTemplater } from '../../../../src/notify/templating.ts';
import { ReceiverError, type Integration } from '../../../../src/notify/receivers/types.ts';
import { discordReceiver, type DiscordConfig } from '../../../../src/notify/receivers/discord.ts';
import type { NotifyAlert } from '../../../../src/notify/templateData.ts';
import { HttpSink } from '../../../integration/notify/harness.ts';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const SECRET = 'WeBhOoKtOkEn';
const sink = new HttpSink();
let base = '';
before(async () => {
  base = await sink.start();
});
after(() => sink.stop());

function parse(yaml: string): DiscordConfig {
  const cfg = parseAlertmanagerConfig(`route: {receiver: r}\nreceivers:\n- name: r\n  discord_configs:\n  - ${yaml.replaceAll('\n', '\n    ')}\n`, 'am.yml');
  return cfg.receivers[0].integrations[0].config as DiscordConfig;
}

function integration(yaml: string): Integration {
  return discordReceiver.create(parse(yaml), { clock: new ManualClock(T0), logger: pino({ level: 'silent' }), templater: createNotificationTemplater([]), externalURL: 'http://promlite.test' });
}

function alert(labels: Record<string, string>, annotations: Record<string, string> = {}, endsAt = T0 + 60_000): NotifyAlert {
  return { fingerprint: '', labels, annotations, startsAt: T0 - 60_000, endsAt, generatorURL: 'http://prom/graph' };
}

const ctx = { groupKey: '{}:{alertname="Disk"}', receiverName: 'r', groupLabels: { alertname: 'Disk' }, now: T0, repeatIntervalMs: 0, muteTimeIntervals: [], activeTimeIntervals: [] };
const firing = [alert({ alertname: 'Disk', team: 'db' }, { summary: 'full' })];

async function send(yaml: string, alerts = firing): Promise<any> {
  sink.clear();
  await integration(yaml).notify(ctx, alerts);
  assert.equal(sink.received.length, 1);
  return sink.received[0];
}

function configError(yaml: string): string {
  assert.throws(() => parse(yaml), ConfigError);
  try {
    parse(yaml);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

test('config: errors name file and line, as Alertmanager 0.25 check-config words them', () => {
  assert.equal(configError('{}'), 'am.yml:5: no discord webhook URL provided');
  assert.match(configError('webhook_url: ftp://x/y'), /^am\.yml:5: .*unsupported scheme "ftp" for URL$/);
  assert.match(configError('webhook_url: http://x/y\ncontent: c'), /^am\.yml:6: unknown field "content"/);
  assert.match(configError('webhook_url_file: /x'), /^am\.yml:5: webhook_url_file: not supported by promlite, use webhook_url$/);
  const c = parse('webhook_url: http://x/y');
  assert.equal(c.sendResolved, true);
});

test('firing and resolved embeds: default templates, red then green', async () => {
  const url = `${base}/api/webhooks/1/${SECRET}`;
  const { body, path, headers } = await send(`webhook_url: ${url}`);
  assert.equal(path, `/api/webhooks/1/${SECRET}`);
  assert.equal(headers['content-type'], 'application/json');
  assert.deepEqual(body, {
    content: '',
    embeds: [{
      title: '[FIRING:1] Disk (db)',
      description: '\n\nAlerts Firing:\nLabels:\n - alertname = Disk\n - team = db\nAnnotations:\n - summary = full\nSource: http://prom/graph\n\n\n\n',
      color: 0x992d22,
    }],
  });
  const resolved = await send(`webhook_url: ${url}`, [alert({ alertname: 'Disk', team: 'db' }, {}, T0 - 1)]);
  assert.equal(resolved.body.embeds[0].title, '[RESOLVED] Disk (db)');
  assert.equal(resolved.body.embeds[0].color, 0x2ecc71);
  // One firing alert left in the group keeps the embed red.
  const mixed = await send(`webhook_url: ${url}`, [alert({ alertname: 'Disk', i: '1' }, {}, T0 - 1), alert({ alertname: 'Disk', i: '2' })]);
  assert.equal(mixed.body.embeds[0].color, 0x992d22);
});

test('title cut to 256 runes and description to 4096 (Discord embed limits)', async () => {
  const { body } = await send(`webhook_url: ${base}/d\ntitle: '{{ .CommonAnnotations.long }}'\nmessage: '{{ .CommonAnnotations.long }}{{ .CommonAnnotations.long }}'`, [alert({ alertname: 'Disk' }, { long: '🔥'.repeat(3000) })]);
  assert.equal(body.embeds[0].title, '🔥'.repeat(255) + '…');
  assert.equal(body.embeds[0].description, '🔥'.repeat(4095) + '…');
  const short = await send(`webhook_url: ${base}/d\ntitle: '{{ .CommonAnnotations.long }}'`, [alert({ alertname: 'Disk' }, { long: 'x'.repeat(256) })]);
  assert.equal(short.body.embeds[0].title, 'x'.repeat(256));
});

test('retry classification (5xx and 429 retried, other 4xx permanent), template errors permanent, no secret in errors', async () => {
  const url = `${base}/api/webhooks/1/${SECRET}`;
  try {
    for (const [code, retryable] of [[500, true], [502, true], [429, true], [400, false], [401, false], [404, false]] as const) {
      sink.status = () => code;
      const err = await integration(`webhook_url: ${url}`).notify(ctx, firing).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ReceiverError, `${code}`);
      assert.equal(err.retryable, retryable, `${code}`);
      assert.match(err.message, new RegExp(`${code}`));
      assert.ok(!err.message.includes(SECRET), err.message);
    }
  } finally {
    sink.status = () => 200;
  }
  const down = await integration(`webhook_url: http://127.0.0.1:9/api/webhooks/1/${SECRET}`).notify(ctx, firing).then(() => undefined, (e: unknown) => e);
  assert.ok(down instanceof ReceiverError && down.retryable);
  assert.ok(!down.message.includes(SECRET), down.message);
  const bad = await integration(`webhook_url: ${url}\ntitle: '{{ .Nope.Deeper }}'`).notify(ctx, firing).then(() => undefined, (e: unknown) => e);
  assert.ok(bad instanceof ReceiverError && !bad.retryable);
});

test('http_config is honoured (authorization header)', async () => {
  const bearer = await send(`webhook_url: ${base}/d\nhttp_config: {authorization: {credentials: tok3n}}`);
  assert.equal(bearer.headers.authorization, 'Bearer tok3n');
  const basic = await send(`webhook_url: ${base}/d\nhttp_config: {basic_auth: {username: u, password: p}}`);
  assert.equal(basic.headers.authorization, 'Basic ' + Buffer.from('u:p').toString('base64'));
});
