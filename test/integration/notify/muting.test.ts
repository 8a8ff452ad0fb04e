// Inhibition, silences and time intervals on a fake clock.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { HttpSink, makeHarness, M, S, T0, H } from './harness.ts';

const sink = new HttpSink();
let url = '';
before(async () => {
  url = await sink.start();
});
after(() => sink.stop());

const names = () => sink.received.flatMap((r) => r.body.alerts.map((a: any) => `${r.path}:${a.labels.alertname}/${a.labels.severity}:${a.status}`));

test('warnings are inhibited by criticals with the same alertname (seed inhibition)', async () => {
  sink.clear();
  const h = makeHarness(`
route:
  receiver: default
  group_by: [alertname, severity]
  routes:
  - matchers: [severity="critical"]
    receiver: pager
  - matchers: [severity="warning"]
    receiver: chat
inhibit_rules:
- source_matchers: [severity="critical"]
  target_matchers: [severity="warning"]
  equal: [alertname]
receivers:
- name: default
- name: pager
  webhook_configs: [{url: "${url}/pager"}]
- name: chat
  webhook_configs: [{url: "${url}/chat"}]
`);
  h.push(
    { labels: { alertname: 'DiskFull', severity: 'critical' }, startsAt: T0 },
    { labels: { alertname: 'DiskFull', severity: 'warning' }, startsAt: T0 },
    { labels: { alertname: 'HighLoad', severity: 'warning' }, startsAt: T0 },
  );
  await h.at(30 * S);
  assert.deepEqual(names().sort(), ['/chat:HighLoad/warning:firing', '/pager:DiskFull/critical:firing']);
  const warn = h.notifier.activeAlerts().find((a) => a.labels.alertname === 'DiskFull' && a.labels.severity === 'warning')!;
  const crit = h.notifier.activeAlerts().find((a) => a.labels.severity === 'critical')!;
  assert.deepEqual(h.notifier.alertStatus(warn.labels), { state: 'suppressed', silencedBy: [], inhibitedBy: [crit.fingerprint] });
  // The critical resolves: the warning is no longer inhibited and goes out at the next flush.
  await h.at(M);
  h.push({ labels: { alertname: 'DiskFull', severity: 'critical' }, startsAt: T0, endsAt: T0 + M }, { labels: { alertname: 'DiskFull', severity: 'warning' }, startsAt: T0 }, { labels: { alertname: 'HighLoad', severity: 'warning' }, startsAt: T0 });
  sink.clear();
  await h.at(30 * S + 5 * M);
  assert.deepEqual(names().sort(), ['/chat:DiskFull/warning:firing', '/pager:DiskFull/critical:resolved']);
  h.notifier.stop();
});

test('a silenced alert is not sent; it goes out once the silence expires', async () => {
  sink.clear();
  const h = makeHarness(`
route:
  receiver: hook
  group_wait: 10s
  group_interval: 1m
receivers:
- name: hook
  webhook_configs: [{url: "${url}/hook"}]
`);
  const id = h.notifier.silences.set({ matchers: [{ name: 'alertname', value: 'Noisy', isRegex: false, isEqual: true }], startsAt: T0, endsAt: T0 + 10 * M, createdBy: 't', comment: 'maintenance' });
  const keep = () => h.push({ labels: { alertname: 'Noisy', job: 'x' }, startsAt: T0 });
  keep();
  assert.deepEqual(h.notifier.alertStatus({ alertname: 'Noisy', job: 'x' }).silencedBy, [id]);
  for (let t = M; t <= 10 * M; t += M) {
    await h.at(t);
    keep();
  }
  assert.equal(sink.received.length, 0);
  await h.at(11 * M);
  assert.equal(sink.received.length, 1);
  assert.equal(h.notifier.silences.countByState().expired, 1);
  h.notifier.stop();
});

test('mute_time_intervals and active_time_intervals', async () => {
  sink.clear();
  // T0 is Monday 12:00 UTC.
  const h = makeHarness(`
route:
  receiver: none
  group_wait: 0s
  group_interval: 1m
  routes:
  - matchers: [team=muted]
    receiver: hook
    mute_time_intervals: [lunch]
  - matchers: [team=active]
    receiver: hook
    active_time_intervals: [lunch]
time_intervals:
- name: lunch
  time_intervals:
  - weekdays: [monday:friday]
    times: [{start_time: "12:00", end_time: "12:30"}]
receivers:
- name: none
- name: hook
  webhook_configs: [{url: "${url}/hook"}]
`);
  sink.clock = h.clock;
  const keep = () => h.push({ labels: { alertname: 'A', team: 'muted' }, startsAt: T0 }, { labels: { alertname: 'B', team: 'active' }, startsAt: T0 });
  keep();
  await h.at(1 * S);
  const teams = () => sink.received.map((r) => r.body.alerts[0].labels.team);
  assert.deepEqual(teams(), ['active']);
  for (let t = M; t <= 31 * M; t += M) {
    await h.at(t);
    keep();
  }
  assert.deepEqual(teams(), ['active', 'muted']);
  assert.equal((sink.received[1].at - T0) / M, 30, 'muted route notifies when the interval ends');
  h.notifier.stop();
});

test('time intervals honour location and negative days of month', async () => {
  const { intervalContains } = await import('../../../src/notify/timeInterval.ts');
  const ti = { times: [{ start: 9 * 60, end: 17 * 60 }], weekdays: [], daysOfMonth: [{ start: -1, end: -1 }], months: [], years: [], location: 'America/New_York' };
  // 2026-01-31 14:00 UTC = 09:00 in New York, last day of January.
  assert.equal(intervalContains(ti, Date.UTC(2026, 0, 31, 14, 0)), true);
  assert.equal(intervalContains(ti, Date.UTC(2026, 0, 31, 13, 59)), false);
  assert.equal(intervalContains(ti, Date.UTC(2026, 0, 30, 14, 0)), false);
  assert.equal(intervalContains({ ...ti, location: 'UTC' }, Date.UTC(2026, 0, 31, 14, 0)), true);
  void H;
});
