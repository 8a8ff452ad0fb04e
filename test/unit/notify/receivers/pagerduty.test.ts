// PagerDuty receiver: config parsing (errors with file:line), the v1/v2 messages, key files,
// truncation and size limits, retry classification and no secret in error text. The payloads
// themselves are compared with the real Alertmanager in test/interop/notify.pagerduty.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ManualClock } from '../../../../src/clock.ts';
import { parseAlertmanagerConfig } from '../../../../src/config/alertmanagerConfig.ts';
import { ConfigError } from '../../../../src/config/alertmanagerYaml.ts';
import { createNotificationTemplater } from '../../../../src/notify/templating.ts';
import { ReceiverError, type Integration } from '../../../../src/notify/receivers/types.ts';
import { pagerdutyReceiver, type PagerdutyConfig } from '../../../../src/notify/receivers/pagerduty.ts';
import type { NotifyAlert } from '../../../../src/notify/templateData.ts';
import { HttpSink } from '../../../integration/notify/harness.ts';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const SECRET = 'R0uT1nGkEy';
const sink = new HttpSink();
let base = '';
const dir = mkdtempSync(join(tmpdir(), 'promlite-pd-'));
before(async () => {
  base = await sink.start();
});
after(async () => {
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

function parse(yaml: string): PagerdutyConfig {
  const cfg = parseAlertmanagerConfig(`route: {receiver: r}\nreceivers:\n- name: r\n  pagerduty_configs:\n  - ${yaml.replaceAll('\n', '\n    ')}\n`, 'am.yml');
  return cfg.receivers[0].integrations[0].config as PagerdutyConfig;
}

function integration(yaml: string): Integration {
  return pagerdutyReceiver.create(parse(yaml), {
    clock: new ManualClock(T0),
    logger: pino({ level: 'silent' }),
    templater: createNotificationTemplater([]),
    externalURL: 'http://promlite.test',
  });
}

function alert(labels: Record<string, string>, annotations: Record<string, string> = {}, endsAt = T0 + 60_000): NotifyAlert {
  return { fingerprint: '', labels, annotations, startsAt: T0 - 60_000, endsAt, generatorURL: 'http://prom/graph' };
}

const GROUP_KEY = '{}:{alertname="Disk"}';
const ctx = { groupKey: GROUP_KEY, receiverName: 'r', groupLabels: { alertname: 'Disk' }, now: T0, repeatIntervalMs: 0, muteTimeIntervals: [], activeTimeIntervals: [] };
const firing = [alert({ alertname: 'Disk', team: 'db' }, { summary: 'full' })];

async function send(yaml: string, alerts = firing): Promise<any> {
  sink.clear();
  await integration(yaml).notify(ctx, alerts);
  assert.equal(sink.received.length, 1);
  return sink.received[0];
}

async function failure(integ: Integration, alerts = firing): Promise<ReceiverError> {
  const err = await integ.notify(ctx, alerts).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ReceiverError, `expected a ReceiverError, got ${String(err)}`);
  return err;
}

function configError(yaml: string): ConfigError {
  try {
    parse(yaml);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail('config was accepted');
}

test('config: errors name file and line, like Alertmanager 0.25 check-config', () => {
  assert.match(configError('{}').message, /^am\.yml:5: missing service or routing key in PagerDuty config$/);
  assert.match(configError(`routing_key: a\nrouting_key_file: /x`).message, /^am\.yml:5: at most one of routing_key & routing_key_file must be configured$/);
  assert.match(configError(`service_key: a\nservice_key_file: /x`).message, /at most one of service_key & service_key_file/);
  assert.match(configError(`routing_key: a\nurl: ftp://x`).message, /^am\.yml:6: .*unsupported scheme "ftp" for URL$/);
  assert.match(configError(`routing_key: a\nserverity: x`).message, /^am\.yml:6: unknown field "serverity"/);
  assert.match(configError(`routing_key: a\nimages: [{source: x}]`).message, /^am\.yml:6: unknown field "source"/);
});

test('config: defaults (v2, global URL, send_resolved, severity and source fallbacks)', () => {
  const c = parse(`routing_key: k`);
  assert.equal(c.api, 'v2');
  assert.equal(c.url, 'https://events.pagerduty.com/v2/enqueue');
  assert.equal(c.sendResolved, true);
  assert.equal(c.severity, 'error');
  assert.equal(c.source, c.client);
  assert.deepEqual(Object.keys(c.details).sort(), ['firing', 'num_firing', 'num_resolved', 'resolved']);
  const empty = parse(`routing_key: k\nseverity: ''\nsource: ''\nclient: me`);
  assert.equal(empty.severity, 'error');
  assert.equal(empty.source, 'me');
  // A service key selects v1 even when a routing key is set too (Alertmanager does the same).
  const v1 = parse(`routing_key: k\nservice_key: s`);
  assert.equal(v1.api, 'v1');
  assert.equal(v1.key, 's');
  assert.equal(v1.url, 'https://events.pagerduty.com/generic/2010-04-15/create_event.json');
});

test('v2: trigger then resolve with the same dedup key, the SHA-256 of the group key', async () => {
  const yaml = `routing_key: '${SECRET}'\nurl: ${base}/v2/enqueue\nclass: disk\ncomponent: '{{ .CommonLabels.team }}'\ngroup: ''`;
  const { body, path, headers } = await send(yaml);
  assert.equal(path, '/v2/enqueue');
  assert.equal(headers['content-type'], 'application/json');
  const hash = createHash('sha256').update(GROUP_KEY).digest('hex');
  assert.deepEqual(Object.keys(body), ['routing_key', 'dedup_key', 'event_action', 'payload', 'client', 'client_url']);
  assert.equal(body.routing_key, SECRET);
  assert.equal(body.dedup_key, hash);
  assert.equal(body.event_action, 'trigger');
  assert.deepEqual(body.payload, {
    summary: '[FIRING:1] Disk (db)',
    source: 'Alertmanager',
    severity: 'error',
    class: 'disk',
    component: 'db',
    custom_details: {
      firing: 'Labels:\n - alertname = Disk\n - team = db\nAnnotations:\n - summary = full\nSource: http://prom/graph\n',
      num_firing: '1',
      num_resolved: '0',
      resolved: '',
    },
  });
  assert.equal(body.client, 'Alertmanager');
  assert.equal(body.client_url, 'http://promlite.test/#/alerts?receiver=r');

  const resolved = await send(yaml, [alert({ alertname: 'Disk', team: 'db' }, { summary: 'full' }, T0 - 1000)]);
  assert.equal(resolved.body.event_action, 'resolve');
  assert.equal(resolved.body.dedup_key, hash);
  assert.equal(resolved.body.payload.summary, '[RESOLVED] Disk (db)');
  assert.equal(resolved.body.payload.custom_details.num_resolved, '1');
});

test('v2: templated routing key, images and links without src/href are dropped, details merged and sorted', async () => {
  const { body } = await send(`routing_key: 'rk-{{ .CommonLabels.team }}'
url: ${base}/pd
details: {zeta: '{{ .Status }}', firing: custom}
images: [{src: '{{ .ExternalURL }}/i.png', alt: pic}, {alt: no-src}]
links: [{text: no-href}, {href: 'http://l', text: L}]`);
  assert.equal(body.routing_key, 'rk-db');
  assert.deepEqual(body.images, [{ src: 'http://promlite.test/i.png', alt: 'pic', href: '' }]);
  assert.deepEqual(body.links, [{ href: 'http://l', text: 'L' }]);
  assert.deepEqual(Object.keys(body.payload.custom_details), ['firing', 'num_firing', 'num_resolved', 'resolved', 'zeta']);
  assert.equal(body.payload.custom_details.firing, 'custom');
  assert.equal(body.payload.custom_details.zeta, 'firing');
});

test('v2: summary truncated to 1024 runes with an ellipsis', async () => {
  const { body } = await send(`routing_key: k\nurl: ${base}/pd\ndescription: '{{ .CommonAnnotations.long }}'`, [alert({ alertname: 'Disk' }, { long: 'ä'.repeat(2000) })]);
  assert.equal([...body.payload.summary].length, 1024);
  assert.equal(body.payload.summary, 'ä'.repeat(1023) + '…');
});

test('events over 512KB lose their details (v2 custom_details, v1 details), like Alertmanager', async () => {
  const big = [alert({ alertname: 'Disk' }, { big: 'y'.repeat(520_000) })];
  const notice = { error: 'Custom details have been removed because the original event exceeds the maximum size of 512KB' };
  const v2 = await send(`routing_key: k\nurl: ${base}/pd`, big);
  assert.deepEqual(v2.body.payload.custom_details, notice);
  const v1 = await send(`service_key: s\nurl: ${base}/v1`, big);
  assert.deepEqual(v1.body.details, notice);
  // Just under the limit nothing is removed; '<' counts 6 bytes as Go escapes it (\u003c).
  const under = await send(`routing_key: k\nurl: ${base}/pd`, [alert({ alertname: 'Disk' }, { big: 'y'.repeat(500_000) })]);
  assert.equal(typeof under.body.payload.custom_details.firing, 'string');
  const escaped = await send(`routing_key: k\nurl: ${base}/pd`, [alert({ alertname: 'Disk' }, { big: '<'.repeat(90_000) })]);
  assert.deepEqual(escaped.body.payload.custom_details, notice);
});

test('v1: service key message (client only when triggering), explicit url honoured', async () => {
  const yaml = `service_key: 'sk-{{ .CommonLabels.team }}'\nurl: ${base}/generic/2010-04-15/create_event.json`;
  const { body, path } = await send(yaml);
  assert.equal(path, '/generic/2010-04-15/create_event.json');
  assert.deepEqual(Object.keys(body), ['service_key', 'incident_key', 'event_type', 'description', 'event_action', 'payload', 'client', 'client_url', 'details']);
  assert.equal(body.service_key, 'sk-db');
  assert.equal(body.incident_key, createHash('sha256').update(GROUP_KEY).digest('hex'));
  assert.equal(body.event_type, 'trigger');
  assert.equal(body.event_action, '');
  assert.equal(body.payload, null);
  const resolved = await send(yaml, [alert({ alertname: 'Disk', team: 'db' }, {}, T0 - 1)]);
  assert.equal(resolved.body.event_type, 'resolve');
  assert.equal(resolved.body.client, undefined);
  assert.equal(resolved.body.client_url, undefined);
});

test('key files are read (and trimmed) at send time, so a rotated key needs no reload', async () => {
  const file = join(dir, 'routing.key');
  writeFileSync(file, `${SECRET}\n`);
  const integ = integration(`routing_key_file: ${file}\nurl: ${base}/pd`);
  sink.clear();
  await integ.notify(ctx, firing);
  assert.equal(sink.received[0].body.routing_key, SECRET);
  writeFileSync(file, 'rotated');
  await integ.notify(ctx, firing);
  assert.equal(sink.received[1].body.routing_key, 'rotated');

  const sfile = join(dir, 'service.key');
  writeFileSync(sfile, ' sk \n');
  assert.equal((await send(`service_key_file: ${sfile}\nurl: ${base}/v1`)).body.service_key, 'sk');

  const missing = await failure(integration(`routing_key_file: ${join(dir, 'nope')}\nurl: ${base}/pd`));
  assert.equal(missing.retryable, false);
  assert.match(missing.message, /failed to read routing key from file/);
});

test('a key that templates to nothing is a permanent error, nothing is sent', async () => {
  sink.clear();
  const err = await failure(integration(`routing_key: '{{ .CommonLabels.nothere }}'\nurl: ${base}/pd`));
  assert.equal(err.retryable, false);
  assert.match(err.message, /routing key cannot be empty/);
  assert.equal(sink.received.length, 0);
  const tmplErr = await failure(integration(`routing_key: k\nurl: ${base}/pd\ndetails: {bad: '{{ .Nope.Deeper }}'}`));
  assert.equal(tmplErr.retryable, false);
});

test('retry classification: v2 retries 5xx and 429; v1 also 403; other 4xx are permanent; no secret in errors', async () => {
  const table: [string, number, boolean][] = [
    [`routing_key: ${SECRET}\nurl: ${base}/pd`, 500, true],
    [`routing_key: ${SECRET}\nurl: ${base}/pd`, 503, true],
    [`routing_key: ${SECRET}\nurl: ${base}/pd`, 429, true],
    [`routing_key: ${SECRET}\nurl: ${base}/pd`, 400, false],
    [`routing_key: ${SECRET}\nurl: ${base}/pd`, 403, false],
    [`service_key: ${SECRET}\nurl: ${base}/v1`, 403, true],
    [`service_key: ${SECRET}\nurl: ${base}/v1`, 502, true],
    [`service_key: ${SECRET}\nurl: ${base}/v1`, 404, false],
  ];
  try {
    for (const [yaml, code, retryable] of table) {
      sink.status = () => code;
      const err = await failure(integration(yaml));
      assert.equal(err.retryable, retryable, `${yaml.split('\n')[0]} → ${code}`);
      assert.match(err.message, new RegExp(`${code}`));
      assert.ok(!err.message.includes(SECRET), err.message);
    }
  } finally {
    sink.status = () => 200;
  }
  const down = await failure(integration(`routing_key: ${SECRET}\nurl: http://127.0.0.1:9/pd`));
  assert.equal(down.retryable, true);
  assert.ok(!down.message.includes(SECRET), down.message);
});

test('http_config is honoured (authorization header)', async () => {
  const bearer = await send(`routing_key: k\nurl: ${base}/pd\nhttp_config: {authorization: {credentials: tok3n}}`);
  assert.equal(bearer.headers.authorization, 'Bearer tok3n');
  const basic = await send(`routing_key: k\nurl: ${base}/pd\nhttp_config: {basic_auth: {username: u, password: p}}`);
  assert.equal(basic.headers.authorization, 'Basic ' + Buffer.from('u:p').toString('base64'));
});
