// Delivery guarantees: a receiver that fails for 10 minutes still gets the notification, a
// permanent error is not retried by the queue, and a restart resends what was pending but not
// what was delivered.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Registry } from 'prom-client';
import { ManualClock } from '../../../src/clock.ts';
import Fastify from 'fastify';
import alertmanagerV2Routes from '../../../src/api/alertmanagerV2/index.ts';
import { HttpSink, makeHarness, M, S, T0 } from './harness.ts';

const sink = new HttpSink();
let url = '';
before(async () => {
  url = await sink.start();
});
after(() => sink.stop());

const yaml = () => `
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 10s
  group_interval: 5m
receivers:
- name: hook
  webhook_configs: [{url: "${url}/hook"}]
`;

test('a receiver failing for 10 minutes gets the notification after it recovers', async () => {
  sink.clear();
  const registry = new Registry();
  const h = makeHarness(yaml(), { registry });
  sink.clock = h.clock;
  let down = true;
  sink.status = () => (down ? 503 : 200);
  const keep = () => h.push({ labels: { alertname: 'Outage' }, startsAt: T0 });
  keep();
  for (let t = 0; t < 10 * M; t += 10 * S) {
    await h.at(t);
    if (t % M === 0) keep();
  }
  assert.equal(sink.received.length, 0);
  assert.equal(h.notifier.queue.pendingCount(), 1);
  const app = Fastify();
  await app.register(alertmanagerV2Routes, { prefix: '/api/v2', notifier: h.notifier });
  const pending = (await app.inject({ url: '/api/v2/notifications/pending' })).json();
  assert.equal(pending.length, 1);
  assert.equal(pending[0].receiver, 'hook');
  assert.equal(pending[0].integration, 'webhook');
  assert.ok(pending[0].attempts >= 5);
  assert.match(pending[0].lastError, /unexpected status code 503/);
  const retries = (await app.inject({ url: '/api/v2/notifications/history?status=retry&limit=2' })).json();
  assert.equal(retries.length, 2);
  assert.equal(retries[0].groupKey, '{}:{alertname="Outage"}');
  assert.deepEqual(retries[0].alerts.map((a: any) => [a.labels.alertname, a.status]), [['Outage', 'firing']]);
  assert.equal(retries[0].alertCount, 1);
  down = false;
  await h.at(11 * M + 10 * S);
  assert.equal(sink.received.length, 1, 'delivered after recovery');
  assert.ok(sink.received[0].at - T0 <= 11 * M + 10 * S);
  assert.equal(sink.received[0].body.alerts[0].status, 'firing');
  assert.equal(h.notifier.queue.pendingCount(), 0);
  const hist = h.notifier.history.list({ limit: 1000 });
  assert.equal(hist[0].status, 'success');
  assert.ok(hist.filter((e) => e.status === 'retry').length >= 5);
  assert.match(hist[1].error, /unexpected status code 503/);
  const metrics = await registry.metrics();
  assert.match(metrics, /promlite_notifications_failed_total\{receiver="hook",integration="webhook",reason="serverError"\} \d+/);
  // No duplicate once delivered.
  for (let t = 12 * M; t < 40 * M; t += M) {
    keep();
    await h.at(t);
  }
  assert.equal(sink.received.length, 1);
  sink.status = () => 200;
  h.notifier.stop();
});

test('a 4xx answer is a permanent failure: recorded, not retried by the queue', async () => {
  sink.clear();
  const h = makeHarness(yaml());
  sink.clock = h.clock;
  let calls = 0;
  sink.status = () => (calls++, 400);
  h.push({ labels: { alertname: 'Bad' }, startsAt: T0 });
  await h.at(4 * M);
  assert.equal(calls, 1);
  assert.equal(h.notifier.queue.pendingCount(), 0);
  const [last] = h.notifier.history.list();
  assert.equal(last.status, 'failed');
  assert.match(last.error, /unexpected status code 400 from http:\/\/127\.0\.0\.1:\d+\/<redacted>: error 400/);
  sink.status = () => 200;
  h.notifier.stop();
});

test('restart: a pending notification is sent after restart, a delivered one is not sent again', async () => {
  sink.clear();
  const dir = mkdtempSync(join(tmpdir(), 'promlite-notify-'));
  try {
    const file = join(dir, 'data.db');
    const cfg = `
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 10s
  routes:
  - matchers: [alertname="Pending"]
    receiver: flaky
receivers:
- name: hook
  webhook_configs: [{url: "${url}/hook"}]
- name: flaky
  webhook_configs: [{url: "${url}/flaky"}]
`;
    const clock = new ManualClock(T0);
    let db = new Database(file);
    let h = makeHarness(cfg, { db, clock });
    sink.clock = clock;
    sink.status = (req) => (req.url === '/flaky' ? 500 : 200);
    h.push({ labels: { alertname: 'Delivered' }, startsAt: T0, endsAt: T0 + 15 * M }, { labels: { alertname: 'Pending' }, startsAt: T0, endsAt: T0 + 15 * M });
    await h.at(20 * S);
    assert.deepEqual(sink.received.map((r) => r.path), ['/hook']);
    assert.equal(h.notifier.queue.pendingCount(), 1);
    // "Crash": drop the notifier without any shutdown work, reopen the file.
    db.close();
    clock.advance(M);
    sink.status = () => 200;
    db = new Database(file);
    h = makeHarness(cfg, { db, clock });
    await h.scheduler.advance(0);
    await h.scheduler.advance(30 * S);
    assert.deepEqual(sink.received.map((r) => r.path), ['/hook', '/flaky'], 'pending one sent once, delivered one not again');
    assert.equal(h.notifier.activeAlerts().length, 2, 'alerts survived the restart');
    await h.scheduler.advance(20 * M);
    const firing = sink.received.filter((r) => r.body.status === 'firing').map((r) => r.path);
    assert.deepEqual(firing, ['/hook', '/flaky'], 'no firing notification repeated');
    h.notifier.stop();
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
