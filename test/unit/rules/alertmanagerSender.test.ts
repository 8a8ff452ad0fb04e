import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Registry } from 'prom-client';
import type { AddressInfo } from 'node:net';
import { AlertmanagerSender, MAX_BATCH_SIZE } from '../../../src/rules/alertmanagerSender.ts';
import { sendAlerts, toNotifyAlert } from '../../../src/rules/sendAlerts.ts';
import type { AlertmanagerConfig } from '../../../src/config/alertingConfig.ts';
import { DEFAULT_HTTP_CLIENT } from '../../../src/config/httpClientConfig.ts';
import { relabelConfig } from '../../../src/config/relabelConfig.ts';
import { Labels } from '../../../src/storage/labels.ts';
import type { Alert } from '../../../src/notify/alert.ts';
import type { RuleAlert } from '../../../src/rules/types.ts';

async function receiver(status = 200) {
  const bodies: { url: string; body: unknown; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      bodies.push({ url: req.url!, body: JSON.parse(b), headers: req.headers });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { bodies, server, addr: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function amConfig(addr: string, over: Partial<AlertmanagerConfig> = {}): AlertmanagerConfig {
  return {
    scheme: 'http',
    pathPrefix: '',
    timeoutMs: 2000,
    apiVersion: 'v2',
    http: DEFAULT_HTTP_CLIENT,
    serviceDiscovery: [{ kind: 'static', groups: [{ source: '0', targets: [Labels.fromObject({ __address__: addr })], labels: Labels.EMPTY }] }],
    relabelConfigs: [],
    alertRelabelConfigs: [],
    line: 1,
    ...over,
  };
}

const ruleAlert = (over: Partial<RuleAlert> = {}): RuleAlert => ({
  state: 'firing',
  labels: Labels.fromObject({ alertname: 'AlwaysFiring', severity: 'page' }),
  annotations: Labels.fromObject({ summary: 'always 1' }),
  value: 1,
  activeAt: Date.UTC(2026, 10, 22, 18, 3, 58, 673),
  firedAt: Date.UTC(2026, 10, 22, 18, 3, 58, 673),
  resolvedAt: 0,
  lastSentAt: 0,
  validUntil: Date.UTC(2026, 10, 22, 18, 9, 0, 673),
  keepFiringSince: 0,
  ...over,
});

test('toNotifyAlert: startsAt = firedAt, endsAt = validUntil or resolvedAt, generatorURL table link', () => {
  const a = toNotifyAlert(ruleAlert(), 'vector(1)', 'http://vm:19190/');
  assert.equal(a.generatorURL, 'http://vm:19190/graph?g0.expr=vector%281%29&g0.tab=1');
  assert.equal(a.startsAt, ruleAlert().firedAt);
  assert.equal(a.endsAt, ruleAlert().validUntil);
  const r = toNotifyAlert(ruleAlert({ state: 'inactive', resolvedAt: 123 }), 'sum(x) > 1', 'http://h');
  assert.equal(r.endsAt, 123);
  assert.equal(r.generatorURL, 'http://h/graph?g0.expr=sum%28x%29+%3E+1&g0.tab=1');
});

test('posts JSON arrays to /api/v2/alerts with external labels, as Prometheus does', async (t) => {
  const rx = await receiver();
  t.after(() => rx.server.close());
  const sender = new AlertmanagerSender();
  sender.applyConfig({ alertRelabelConfigs: [], alertmanagers: [amConfig(rx.addr, { pathPrefix: '/am' })] }, { replica: 'a', severity: 'ignored' });
  const notify = sendAlerts((alerts) => sender.send(alerts), 'http://vm:19190');
  notify('vector(1)', [ruleAlert()]);
  await sender.flush();
  assert.equal(rx.bodies.length, 1);
  assert.equal(rx.bodies[0].url, '/am/api/v2/alerts');
  assert.equal(rx.bodies[0].headers['content-type'], 'application/json');
  assert.deepEqual(rx.bodies[0].body, [
    {
      annotations: { summary: 'always 1' },
      endsAt: '2026-11-22T18:09:00.673Z',
      startsAt: '2026-11-22T18:03:58.673Z',
      generatorURL: 'http://vm:19190/graph?g0.expr=vector%281%29&g0.tab=1',
      labels: { alertname: 'AlwaysFiring', replica: 'a', severity: 'page' },
    },
  ]);
  assert.deepEqual(sender.alertmanagersApiData(), { activeAlertmanagers: [{ url: `http://${rx.addr}/am/api/v2/alerts` }], droppedAlertmanagers: [] });
});

test('batches of at most 64, alert_relabel_configs drop alerts, failures do not throw', async (t) => {
  const rx = await receiver();
  const bad = await receiver(500);
  t.after(() => {
    rx.server.close();
    bad.server.close();
  });
  const sender = new AlertmanagerSender();
  sender.applyConfig({
    alertRelabelConfigs: [relabelConfig({ sourceLabels: ['drop'], regex: 'yes', action: 'drop' })],
    alertmanagers: [amConfig(rx.addr), amConfig(bad.addr)],
  });
  const alerts: Alert[] = [];
  for (let i = 0; i < 130; i++) alerts.push({ labels: { alertname: 'A', i: String(i), ...(i % 10 === 0 ? { drop: 'yes' } : {}) }, annotations: {}, startsAt: 1000, endsAt: 2000, generatorURL: '' });
  sender.send(alerts);
  await sender.flush();
  const sizes = rx.bodies.map((b) => (b.body as unknown[]).length);
  assert.deepEqual(sizes, [MAX_BATCH_SIZE, 117 - MAX_BATCH_SIZE]);
  assert.equal(bad.bodies.length, 2);
});

test('the queue drops the oldest alerts beyond its capacity', async () => {
  const registry = new Registry();
  const sender = new AlertmanagerSender({ queueCapacity: 3, registry });
  // An Alertmanager is configured but none discovered: alerts are dropped, nothing throws.
  sender.applyConfig({ alertRelabelConfigs: [], alertmanagers: [amConfig('x', { serviceDiscovery: [] })] });
  sender.send([1, 2, 3, 4, 5].map((i) => ({ labels: { alertname: `A${i}` }, annotations: {}, startsAt: 1, endsAt: 0, generatorURL: '' })));
  await sender.flush();
  assert.deepEqual(sender.alertmanagersApiData(), { activeAlertmanagers: [], droppedAlertmanagers: [] });
  // 2 dropped for capacity, then the 3 queued ones because no Alertmanager is known.
  const dropped = (await registry.getSingleMetric('prometheus_notifications_dropped_total')!.get()).values[0].value;
  assert.equal(dropped, 5);
});

test('the built-in notifier gets the same prepared alerts, synchronously', async () => {
  const got: Alert[][] = [];
  const registry = new Registry();
  const sender = new AlertmanagerSender({ inProcess: (a) => got.push(a), registry });
  sender.applyConfig({ alertRelabelConfigs: [relabelConfig({ sourceLabels: ['severity'], regex: 'none', action: 'drop' })], alertmanagers: [] }, { replica: 'b' });
  sender.send([
    { labels: { alertname: 'A', severity: 'page' }, annotations: {}, startsAt: 1, endsAt: 2, generatorURL: 'g' },
    { labels: { alertname: 'B', severity: 'none' }, annotations: {}, startsAt: 1, endsAt: 2, generatorURL: 'g' },
  ]);
  assert.deepEqual(got, [[{ labels: { alertname: 'A', replica: 'b', severity: 'page' }, annotations: {}, startsAt: 1, endsAt: 2, generatorURL: 'g' }]]);
  await sender.flush();
  // No external Alertmanager configured: nothing is counted as dropped.
  assert.equal((await registry.getSingleMetric('prometheus_notifications_dropped_total')!.get()).values[0]?.value ?? 0, 0);
});
