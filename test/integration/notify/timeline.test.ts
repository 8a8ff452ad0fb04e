// Timeline tests on a fake clock (Alertmanager acceptance-test style): alerts pushed at given
// times, webhook notifications expected at given times with given contents.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { HttpSink, makeHarness, M, H, S, T0 } from './harness.ts';

const sink = new HttpSink();
let url = '';
before(async () => {
  url = await sink.start();
});
after(() => sink.stop());

function config(extra = '', hookExtra = '') {
  return `
route:
  receiver: hook
  group_by: [alertname]
${extra}
receivers:
- name: hook
  webhook_configs:
  - url: ${url}/hook
${hookExtra}
`;
}

function summary() {
  return sink.received.map((r) => ({
    at: (r.at - T0) / S,
    status: r.body.status,
    alerts: r.body.alerts.map((a: any) => `${a.labels.instance ?? a.labels.alertname}:${a.status}`),
  }));
}

test('group_wait, group_interval, repeat_interval and resolution', async () => {
  sink.clear();
  const h = makeHarness(config());
  sink.clock = h.clock;
  const tAlert = (instance: string, endsAt = 0) => ({ labels: { alertname: 'Down', instance }, startsAt: T0, endsAt });
  h.push(tAlert('a'));
  await h.at(29 * S);
  assert.equal(sink.received.length, 0, 'nothing before group_wait');
  await h.at(30 * S);
  assert.deepEqual(summary(), [{ at: 30, status: 'firing', alerts: ['a:firing'] }]);
  // A second alert of the same group waits for group_interval.
  await h.at(40 * S);
  h.push(tAlert('a'), tAlert('b'));
  await h.at(30 * S + 5 * M - 1);
  assert.equal(sink.received.length, 1);
  await h.at(30 * S + 5 * M);
  assert.deepEqual(summary()[1], { at: 330, status: 'firing', alerts: ['a:firing', 'b:firing'] });
  // Nothing changes: no notification until repeat_interval (4h) has passed, at the next flush.
  for (let t = 1 * M; t <= 4 * H + 11 * M; t += M) {
    h.push(tAlert('a'), tAlert('b'));
    await h.at(t);
    if (t < 4 * H) assert.equal(sink.received.length, 2, `no repeat at ${t / S}s`);
  }
  assert.equal(sink.received.length, 3, 'repeated after repeat_interval');
  assert.equal((sink.received[2].at - T0) / S, 30 + 5 * 60 + 4 * 3600 + 5 * 60);
  // Resolve b: the next flush sends it as resolved (webhook send_resolved defaults to true).
  const tr = 4 * H + 11 * M;
  await h.at(tr);
  h.push(tAlert('a'), tAlert('b', T0 + tr));
  await h.at(tr + 5 * M);
  const last = sink.received.at(-1)!.body;
  assert.equal(last.status, 'firing');
  assert.deepEqual(last.alerts.map((a: any) => `${a.labels.instance}:${a.status}`), ['a:firing', 'b:resolved']);
  assert.equal(last.alerts[1].endsAt, new Date(T0 + tr).toISOString().replace('.000Z', 'Z'));
  assert.equal(last.groupKey, '{}:{alertname="Down"}');
  assert.equal(last.version, '4');
  assert.equal(last.externalURL, 'http://promlite.test:9090');
  h.notifier.stop();
});

test('resolve_timeout resolves alerts without endsAt; send_resolved false suppresses the resolved message', async () => {
  for (const sendResolved of [true, false]) {
    sink.clear();
    const h = makeHarness(config('global:\n  resolve_timeout: 2m', `    send_resolved: ${sendResolved}`));
    sink.clock = h.clock;
    h.push({ labels: { alertname: 'Flaky' } });
    await h.at(30 * S);
    assert.equal(sink.received.length, 1);
    assert.equal(h.notifier.activeAlerts().length, 1);
    await h.at(3 * M);
    assert.equal(h.notifier.activeAlerts().length, 0, 'resolved by resolve_timeout');
    await h.at(30 * S + 5 * M);
    if (sendResolved) {
      assert.equal(sink.received.length, 2);
      assert.equal(sink.received[1].body.status, 'resolved');
    } else {
      assert.equal(sink.received.length, 1);
    }
    // The group is gone after the resolved flush: no more notifications.
    await h.at(2 * H);
    assert.equal(sink.received.length, sendResolved ? 2 : 1);
    assert.equal(h.notifier.alertGroups().length, 0);
    h.notifier.stop();
  }
});

test('max_alerts truncates and reports truncatedAlerts', async () => {
  sink.clear();
  const h = makeHarness(config('', '    max_alerts: 2'));
  for (const i of ['1', '2', '3']) h.push({ labels: { alertname: 'Many', instance: i }, startsAt: T0 });
  await h.at(30 * S);
  assert.equal(sink.received[0].body.alerts.length, 2);
  assert.equal(sink.received[0].body.truncatedAlerts, 1);
  h.notifier.stop();
});

test('an alert older than group_wait is flushed at once', async () => {
  sink.clear();
  const h = makeHarness(config());
  h.push({ labels: { alertname: 'Old' }, startsAt: T0 - 10 * M });
  await h.at(0);
  assert.equal(sink.received.length, 1);
  h.notifier.stop();
});
