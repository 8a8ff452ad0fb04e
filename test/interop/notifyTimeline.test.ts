// Timeline scenarios (Alertmanager acceptance-test style) run twice: against the real
// Alertmanager 0.25 in real time, and against promlite on a fake clock. The sequence of
// notifications (who, when, which alerts in which state) must be the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock.ts';
import { HttpSink, makeHarness } from '../integration/notify/harness.ts';
import { startAlertmanager } from '../support/alertmanagerPeer.ts';

const amSink = HttpSink.aroundTests();
const plSink = HttpSink.aroundTests();

interface Step {
  at: number;
  alerts: { name: string; instance: string; severity?: string; resolvedAt?: number }[];
}

const config = (base: string) => `
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 3s
  routes:
  - matchers: [severity="warning"]
    receiver: warn
inhibit_rules:
- source_matchers: [severity="critical"]
  target_matchers: [severity="warning"]
  equal: [instance]
receivers:
- name: hook
  webhook_configs: [{url: "${base}/hook"}]
- name: warn
  webhook_configs: [{url: "${base}/warn", send_resolved: false}]
`;

const STEPS: Step[] = [
  { at: 0, alerts: [{ name: 'Down', instance: 'a' }, { name: 'Down', instance: 'b' }, { name: 'Slow', instance: 'c', severity: 'warning' }, { name: 'Slow', instance: 'd', severity: 'warning' }] },
  { at: 1500, alerts: [{ name: 'Down', instance: 'c', severity: 'critical' }] },
  { at: 3500, alerts: [{ name: 'Down', instance: 'a', resolvedAt: 3400 }] },
];
const END = 7600;

function postable(start: number, a: Step['alerts'][number]) {
  const labels: Record<string, string> = { alertname: a.name, instance: a.instance };
  if (a.severity) labels.severity = a.severity;
  return { labels, annotations: {}, startsAt: new Date(start).toISOString(), endsAt: new Date(a.resolvedAt !== undefined ? start + a.resolvedAt : start + 3600_000).toISOString(), generatorURL: '' };
}

/** Notifications in time order; those of the same tick (within 500 ms) ordered by receiver path. */
function timeline(sink: HttpSink, start: number) {
  const list = sink.received.map((r) => ({
    at: r.at - start,
    path: r.path,
    status: r.body.status,
    alerts: r.body.alerts.map((x: any) => `${x.labels.alertname}/${x.labels.instance}:${x.status}`).sort().join(' '),
  }));
  return list.sort((a, b) => Math.round(a.at / 500) - Math.round(b.at / 500) || a.path.localeCompare(b.path));
}

test('timeline: grouping, group_interval, repeat, resolve, inhibition — same as Alertmanager', { timeout: 30_000 }, async () => {
  const am = await startAlertmanager(config(amSink.url), 'http://am.test');
  let amTimeline;
  const start = Date.now();
  try {
    for (const step of STEPS) {
      const wait = start + step.at - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await am.postAlerts(step.alerts.map((a) => postable(start, a)));
    }
    await new Promise((r) => setTimeout(r, start + END - Date.now()));
    amTimeline = timeline(amSink, start);
  } finally {
    await am.stop();
  }
  const clock = new ManualClock(start);
  plSink.clock = clock;
  const h = makeHarness(config(plSink.url), { clock });
  for (const step of STEPS) {
    await h.scheduler.advanceTo(start + step.at);
    h.push(...step.alerts.map((a) => ({ ...postable(start, a), startsAt: start, endsAt: Date.parse(postable(start, a).endsAt) })));
  }
  await h.scheduler.advanceTo(start + END);
  h.notifier.stop();
  const plTimeline = timeline(plSink, start);
  const strip = (t: typeof plTimeline) => t.map(({ at: _at, ...rest }) => rest);
  assert.deepEqual(strip(plTimeline), strip(amTimeline), `promlite ${JSON.stringify(plTimeline)}\nalertmanager ${JSON.stringify(amTimeline)}`);
  for (let i = 0; i < plTimeline.length; i++) {
    assert.ok(Math.abs(plTimeline[i].at - amTimeline[i].at) < 1000, `notification ${i} at ${plTimeline[i].at} ms vs Alertmanager ${amTimeline[i].at} ms`);
  }
  assert.ok(plTimeline.length >= 5, 'the scenario produced notifications');
});
