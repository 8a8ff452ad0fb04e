// Microsoft Teams receiver. Alertmanager 0.25 has no msteams_configs (it rejects the key; Teams
// arrived in 0.26), so there is no 0.25 oracle: the MessageCard follows later Alertmanagers'
// documented format ({"@context","type":"MessageCard",title,summary,text,themeColor}).
// test/interop/notify.msteams.test.ts checks the rendering against Alertmanager 0.25's engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { ManualClock } from '../../../../src/clock.ts';
import { parseAlertmanagerConfig } from '../../../../src/config/alertmanagerConfig.ts';
import { ConfigError } from '../../../../src/config/alertmanagerYaml.ts';
import { createNotificationTemplater } from '../../../../src/notify/templating.ts';
import { ReceiverError, type Integration } from '../../../../src/notify/receivers/types.ts';
import { msteamsReceiver, type MsteamsConfig } from '../../../../src/notify/receivers/msteams.ts';
import type { NotifyAlert } from '../../../../src/notify/templateData.ts';
import { HttpSink } from '../../../integration/notify/harness.ts';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const SECRET = 'IncomingWebhookSeCrEt';
const sink = new HttpSink();
let base = '';
before(async () => {
  base = await sink.start();
  sink.replyBody = () => '1';
});
after(() => sink.stop());

function parse(yaml: string): MsteamsConfig {
  const cfg = parseAlertmanagerConfig(`route: {receiver: r}\nreceivers:\n- name: r\n  msteams_configs:\n  - ${yaml.replaceAll('\n', '\n    ')}\n`, 'am.yml');
  return cfg.receivers[0].integrations[0].config as MsteamsConfig;
}

function integration(yaml: string): Integration {
  return msteamsReceiver.create(parse(yaml), { clock: new ManualClock(T0), logger: pino({ level: 'silent' }), templater: createNotificationTemplater([]), externalURL: 'http://promlite.test' });
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
  try {
    parse(yaml);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message;
  }
  assert.fail('config was accepted');
}

test('config: errors name file and line; defaults', () => {
  assert.equal(configError('{}'), 'am.yml:5: one of webhook_url or webhook_url_file must be configured');
  assert.match(configError('webhook_url: ftp://x'), /^am\.yml:5: .*unsupported scheme "ftp" for URL$/);
  assert.match(configError('webhook_url: http://x\nthemeColor: red'), /^am\.yml:6: unknown field "themeColor"/);
  assert.match(configError('webhook_url_file: /x'), /^am\.yml:5: webhook_url_file: not supported by promlite, use webhook_url$/);
  assert.equal(parse('webhook_url: http://x').sendResolved, true);
});

test('MessageCard for firing and resolved groups with the default templates', async () => {
  const url = `${base}/webhookb2/${SECRET}`;
  const { body, path, headers } = await send(`webhook_url: ${url}`);
  assert.equal(path, `/webhookb2/${SECRET}`);
  assert.equal(headers['content-type'], 'application/json');
  assert.deepEqual(Object.keys(body), ['@context', 'type', 'title', 'summary', 'text', 'themeColor']);
  assert.deepEqual(body, {
    '@context': 'http://schema.org/extensions',
    type: 'MessageCard',
    title: '[FIRING:1] Disk (db)',
    summary: '[FIRING:1] Disk (db)',
    text: '\n\n# Alerts Firing:\n\nLabels:\n  - alertname = Disk\n  - team = db\n\nAnnotations:\n  - summary = full\n\nSource: http://prom/graph\n\n\n\n\n',
    themeColor: '8C1A1A',
  });
  const resolved = await send(`webhook_url: ${url}`, [alert({ alertname: 'Disk', team: 'db' }, {}, T0 - 1)]);
  assert.equal(resolved.body.title, '[RESOLVED] Disk (db)');
  assert.equal(resolved.body.themeColor, '2DC72D');
  assert.match(resolved.body.text, /^\n\n\n# Alerts Resolved:\n/);
  const mixed = await send(`webhook_url: ${url}`, [alert({ alertname: 'Disk', i: '1' }, {}, T0 - 1), alert({ alertname: 'Disk', i: '2' })]);
  assert.equal(mixed.body.themeColor, '8C1A1A');
});

test('custom title, summary and text templates', async () => {
  const { body } = await send(`webhook_url: ${base}/w\ntitle: '{{ .Status | title }}: {{ .CommonLabels.alertname }}'\nsummary: '{{ len .Alerts }} alert(s)'\ntext: '{{ range .Alerts }}**{{ .Labels.team }}** {{ .Annotations.summary }}{{ end }}'`);
  assert.equal(body.title, 'Firing: Disk');
  assert.equal(body.summary, '1 alert(s)');
  assert.equal(body.text, '**db** full');
});

test('retry classification (5xx and 429 retried, other 4xx permanent), no webhook secret in errors', async () => {
  const url = `${base}/webhookb2/${SECRET}`;
  try {
    for (const [code, retryable] of [[500, true], [503, true], [429, true], [400, false], [403, false], [404, false]] as const) {
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
  const down = await integration(`webhook_url: http://127.0.0.1:9/webhookb2/${SECRET}`).notify(ctx, firing).then(() => undefined, (e: unknown) => e);
  assert.ok(down instanceof ReceiverError && down.retryable);
  assert.ok(!down.message.includes(SECRET), down.message);
});

test('http_config is honoured (authorization header)', async () => {
  const bearer = await send(`webhook_url: ${base}/w\nhttp_config: {authorization: {credentials: tok3n}}`);
  assert.equal(bearer.headers.authorization, 'Bearer tok3n');
  const basic = await send(`webhook_url: ${base}/w\nhttp_config: {basic_auth: {username: u, password: p}}`);
  assert.equal(basic.headers.authorization, 'Basic ' + Buffer.from('u:p').toString('base64'));
});
