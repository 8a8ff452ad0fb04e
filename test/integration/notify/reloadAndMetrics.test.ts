// Config reload keeps state and rejects bad configs without disturbing the running one; the
// notifier's metrics count alerts and silences by state.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { parseAlertmanagerConfig } from '../../../src/config/alertmanagerConfig.ts';
import { HttpSink, makeHarness, M, S, T0 } from './harness.ts';

const sink = new HttpSink();
let url = '';
const dir = mkdtempSync(join(tmpdir(), 'promlite-reload-'));
before(async () => {
  url = await sink.start();
});
after(async () => {
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cfg = (path: string, extra = '') => `
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 10s
${extra}
receivers:
- name: hook
  webhook_configs: [{url: "${url}${path}"}]
`;

test('reload: a new receiver URL takes effect, notified alerts are not re-sent, a bad config is refused', async () => {
  sink.clear();
  const h = makeHarness(cfg('/one'));
  sink.clock = h.clock;
  const keep = () => h.push({ labels: { alertname: 'A' }, startsAt: T0 });
  keep();
  await h.at(10 * S);
  assert.deepEqual(sink.received.map((r) => r.path), ['/one']);
  // Reload with another URL: same group, already notified -> nothing until something changes.
  h.notifier.applyConfig(parseAlertmanagerConfig(cfg('/two'), 'x.yml'));
  keep();
  await h.at(2 * M);
  assert.equal(sink.received.length, 1);
  h.push({ labels: { alertname: 'B' }, startsAt: T0 + 2 * M });
  await h.at(2 * M + 10 * S);
  assert.deepEqual(sink.received.map((r) => r.path), ['/one', '/two']);
  // A template file that does not parse: applyConfig throws, the running config stays.
  const bad = join(dir, 'bad.tmpl');
  writeFileSync(bad, '{{ define "x" }}{{ if }}{{ end }}');
  assert.throws(() => h.notifier.applyConfig(parseAlertmanagerConfig(cfg('/three') + `templates: ['${bad}']\n`, join(dir, 'am.yml'))), /bad\.tmpl/);
  h.push({ labels: { alertname: 'C' }, startsAt: T0 + 3 * M });
  await h.at(3 * M + 10 * S);
  assert.deepEqual(sink.received.map((r) => r.path), ['/one', '/two', '/two']);
  h.notifier.stop();
});

test('metrics: alerts and silences by state, notifications per integration', async () => {
  sink.clear();
  const registry = new Registry();
  const h = makeHarness(cfg('/m', 'inhibit_rules:\n- source_matchers: [severity=critical]\n  target_matchers: [severity=warning]\n  equal: [alertname]'), { registry });
  h.push({ labels: { alertname: 'X', severity: 'critical' }, startsAt: T0 }, { labels: { alertname: 'X', severity: 'warning' }, startsAt: T0 }, { labels: { alertname: 'Y' }, startsAt: T0 });
  h.notifier.silences.set({ matchers: [{ name: 'alertname', value: 'Y', isRegex: false, isEqual: true }], startsAt: T0, endsAt: T0 + M, createdBy: 'a', comment: 'b' });
  h.notifier.silences.set({ matchers: [{ name: 'alertname', value: 'Z', isRegex: false, isEqual: true }], startsAt: T0 + M, endsAt: T0 + 2 * M, createdBy: 'a', comment: 'b' });
  await h.at(10 * S);
  const text = await registry.metrics();
  assert.match(text, /promlite_alerts\{state="active"\} 1/);
  assert.match(text, /promlite_alerts\{state="suppressed"\} 2/);
  assert.match(text, /promlite_silences\{state="active"\} 1/);
  assert.match(text, /promlite_silences\{state="pending"\} 1/);
  assert.match(text, /promlite_notifications_total\{receiver="hook",integration="webhook"\} 1/);
  assert.match(text, /promlite_notification_latency_seconds_count\{integration="webhook"\} 1/);
  h.notifier.stop();
});
