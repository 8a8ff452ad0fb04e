// Alertmanager API v2 routes via app.inject: shapes, defaults, filters and error codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import alertmanagerV2Routes from '../../../src/api/alertmanagerV2/index.ts';
import { makeHarness, M, T0 } from './harness.ts';

const YAML = `
route:
  receiver: default
  group_by: [alertname]
  routes:
  - matchers: [severity="critical"]
    receiver: pager
    continue: true
  - matchers: [severity=~"critical|warning"]
    receiver: chat
inhibit_rules:
- source_matchers: [severity="critical"]
  target_matchers: [severity="warning"]
  equal: [alertname]
receivers: [{name: default}, {name: pager}, {name: chat}]
`;

async function setup() {
  const h = makeHarness(YAML);
  const app = Fastify();
  await app.register(alertmanagerV2Routes, { prefix: '/api/v2', notifier: h.notifier });
  return { h, app };
}

test('POST /alerts accepts Prometheus batches and fills in defaults', async () => {
  const { h, app } = await setup();
  const body = [
    { labels: { alertname: 'Disk', severity: 'critical', instance: 'a' }, annotations: { summary: 'disk full' }, startsAt: new Date(T0).toISOString(), endsAt: new Date(T0 + 4 * M).toISOString(), generatorURL: 'http://prom/graph?g0.expr=up' },
    { labels: { alertname: 'Disk', severity: 'warning', instance: 'a' }, annotations: {}, startsAt: '0001-01-01T00:00:00.000Z', endsAt: '0001-01-01T00:00:00.000Z' },
  ];
  const res = await app.inject({ method: 'POST', url: '/api/v2/alerts', payload: body });
  assert.equal(res.statusCode, 200);
  assert.equal(res.body, '');
  const list = (await app.inject({ url: '/api/v2/alerts' })).json();
  assert.equal(list.length, 2);
  const crit = list.find((a: any) => a.labels.severity === 'critical');
  const warn = list.find((a: any) => a.labels.severity === 'warning');
  assert.deepEqual(Object.keys(crit).sort(), ['annotations', 'endsAt', 'fingerprint', 'generatorURL', 'labels', 'receivers', 'startsAt', 'status', 'updatedAt']);
  assert.match(crit.fingerprint, /^[0-9a-f]{16}$/);
  assert.deepEqual(crit.receivers, [{ name: 'pager' }, { name: 'chat' }]);
  assert.deepEqual(crit.status, { state: 'active', silencedBy: [], inhibitedBy: [] });
  assert.equal(crit.startsAt, '2026-01-05T12:00:00.000Z');
  // Zero times: startsAt = now, endsAt = now + resolve_timeout (5m).
  assert.equal(warn.startsAt, new Date(T0).toISOString());
  assert.equal(warn.endsAt, new Date(T0 + 5 * M).toISOString());
  assert.deepEqual(warn.status, { state: 'suppressed', silencedBy: [], inhibitedBy: [crit.fingerprint] });
  // Filters.
  const q = async (qs: string) => (await app.inject({ url: `/api/v2/alerts?${qs}` })).json().map((a: any) => a.labels.severity).sort();
  assert.deepEqual(await q('inhibited=false'), ['critical']);
  assert.deepEqual(await q('active=false'), ['warning']);
  assert.deepEqual(await q('filter=severity%3D~%22warn.*%22'), ['warning']);
  assert.deepEqual(await q('filter=%7Balertname%3D%22Disk%22%2C+severity%21%3D%22warning%22%7D'), ['critical']);
  assert.deepEqual(await q('receiver=pag.*'), ['critical']);
  assert.deepEqual(await q('active=true&inhibited=false&silenced=false&unprocessed=false'), ['critical']);
  const bad = await app.inject({ url: '/api/v2/alerts?filter=%7B%7B' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json(), 'bad matcher format: {{');
  h.notifier.stop();
});

test('POST /alerts validation errors', async () => {
  const { h, app } = await setup();
  let res = await app.inject({ method: 'POST', url: '/api/v2/alerts', payload: [{ labels: {} }] });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json(), 'at least one label pair required');
  res = await app.inject({ method: 'POST', url: '/api/v2/alerts', payload: { labels: { a: 'b' } } });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().code, 400);
  res = await app.inject({ method: 'POST', url: '/api/v2/alerts', payload: [{ labels: { ok: 'x' } }, { labels: { 'bad-name': 'x' } }] });
  assert.equal(res.statusCode, 400);
  assert.match(res.json(), /invalid name "bad-name"/);
  assert.equal(h.notifier.activeAlerts().length, 1, 'the valid alert of the batch is stored');
  res = await app.inject({ method: 'POST', url: '/api/v2/alerts', headers: { 'content-type': 'application/json' }, payload: '[{' });
  assert.equal(res.statusCode, 400);
  h.notifier.stop();
});

test('silences: create, get, list with filter, update, expire', async () => {
  const { h, app } = await setup();
  const post = (b: unknown) => app.inject({ method: 'POST', url: '/api/v2/silences', payload: b as object });
  const base = { matchers: [{ name: 'alertname', value: 'Disk', isRegex: false, isEqual: true }], startsAt: new Date(T0).toISOString(), endsAt: new Date(T0 + 60 * M).toISOString(), createdBy: 'me', comment: 'maint' };
  const res = await post(base);
  assert.equal(res.statusCode, 200);
  const id = res.json().silenceID;
  assert.match(id, /^[0-9a-f-]{36}$/);
  const got = (await app.inject({ url: `/api/v2/silence/${id}` })).json();
  assert.deepEqual(got, {
    id,
    status: { state: 'active' },
    updatedAt: new Date(T0).toISOString(),
    comment: 'maint',
    createdBy: 'me',
    endsAt: new Date(T0 + 60 * M).toISOString(),
    matchers: [{ isEqual: true, isRegex: false, name: 'alertname', value: 'Disk' }],
    startsAt: new Date(T0).toISOString(),
  });
  assert.equal((await app.inject({ url: '/api/v2/silences?filter=alertname%3DDisk' })).json().length, 1);
  assert.equal((await app.inject({ url: '/api/v2/silences?filter=alertname%3DOther' })).json().length, 0);
  // Extending the end keeps the id; changing matchers makes a new silence and expires the old one.
  const upd = await post({ ...base, id, endsAt: new Date(T0 + 120 * M).toISOString() });
  assert.equal(upd.json().silenceID, id);
  const moved = await post({ ...base, id, matchers: [{ name: 'alertname', value: 'Other', isRegex: false }] });
  assert.notEqual(moved.json().silenceID, id);
  assert.equal((await app.inject({ url: `/api/v2/silence/${id}` })).json().status.state, 'expired');
  // Errors.
  assert.equal((await post({ ...base, endsAt: base.startsAt })).json(), 'Failed to create silence: start time must be before end time');
  assert.equal((await post({ ...base, startsAt: new Date(T0 - 120 * M).toISOString(), endsAt: new Date(T0 - 60 * M).toISOString() })).json(), "Failed to create silence: end time can't be in the past");
  assert.equal((await post({ ...base, id: '00000000-0000-0000-0000-000000000000' })).statusCode, 404);
  assert.equal((await post({ ...base, matchers: [] })).statusCode, 400);
  assert.equal((await app.inject({ url: '/api/v2/silence/nope' })).statusCode, 404);
  const del = await app.inject({ method: 'DELETE', url: `/api/v2/silence/${moved.json().silenceID}` });
  assert.equal(del.statusCode, 200);
  const delUnknown = await app.inject({ method: 'DELETE', url: '/api/v2/silence/nope' });
  assert.equal(delUnknown.statusCode, 500);
  assert.equal(delUnknown.json(), 'silence not found');
  h.notifier.stop();
});

test('status, receivers, groups and history', async () => {
  const { h, app } = await setup();
  const status = (await app.inject({ url: '/api/v2/status' })).json();
  assert.equal(status.cluster.status, 'disabled');
  assert.equal(status.versionInfo.version, '0.25.0');
  assert.match(status.config.original, /receiver: default/);
  assert.ok(status.uptime);
  assert.deepEqual((await app.inject({ url: '/api/v2/receivers' })).json(), [{ name: 'default' }, { name: 'pager' }, { name: 'chat' }]);
  h.push({ labels: { alertname: 'X', severity: 'critical' }, startsAt: T0 }, { labels: { alertname: 'Y' }, startsAt: T0 });
  const groups = (await app.inject({ url: '/api/v2/alerts/groups' })).json();
  assert.deepEqual(groups.map((g: any) => [g.receiver.name, g.labels, g.alerts.length]), [['chat', { alertname: 'X' }, 1], ['default', { alertname: 'Y' }, 1], ['pager', { alertname: 'X' }, 1]]);
  assert.deepEqual((await app.inject({ url: '/api/v2/notifications/history' })).json(), []);
  assert.equal((await app.inject({ url: '/api/v2/notifications/history?status=bogus' })).statusCode, 400);
  h.notifier.stop();
});
