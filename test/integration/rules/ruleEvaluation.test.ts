/**
 * Rules over the real PromQL engine and in-memory storage on a manual clock: recording rules
 * feed later rules of the same group, results and ALERTS are queryable with PromQL, series that
 * vanish are stale for the engine, and alert state survives a restart through ALERTS_FOR_STATE.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/clock.ts';
import { Engine } from '../../../src/promql/engine.ts';
import { loadedStorage } from '../../../src/promql/promqltest.ts';
import type { Storage } from '../../../src/storage/interface.ts';
import { RuleManager } from '../../../src/rules/ruleManager.ts';
import { ManualTimers } from '../../../src/rules/timers.ts';
import { promliteRuleSyntax } from '../../../src/rules/ruleSyntax.ts';
import { engineQueryFn } from '../../../src/rules/engineQueryFn.ts';

const MIN = 60_000;
const engine = new Engine();

async function instant(st: Storage, q: string, t: number): Promise<Record<string, number>> {
  const { result } = await engine.instantQuery(st, q, t);
  assert.equal(result.type, 'vector');
  const out: Record<string, number> = {};
  for (const s of result.type === 'vector' ? result.samples : []) out[s.metric.toString()] = s.v;
  return out;
}

function rulesDir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rules-eval-'));
  writeFileSync(join(dir, 'rules.yml'), text);
  return dir;
}

function manager(st: Storage, clock: ManualClock, timers: ManualTimers) {
  return new RuleManager({ queryFn: engineQueryFn(engine, st), appendable: st, queryable: st, syntax: promliteRuleSyntax, clock, timers });
}

test('chained recording rules, PromQL-visible results and stale series', async () => {
  const st = loadedStorage(`load 1m
  festivals_http_requests_total{status="200"} 0+60x30
  festivals_http_requests_total{status="500"} 0+6x10
`);
  const dir = rulesDir(`groups:
- name: festivals.rules
  rules:
  - record: festivals:http_requests:rate5m
    expr: sum(rate(festivals_http_requests_total[5m]))
  - record: festivals:http_errors:rate5m
    expr: sum(rate(festivals_http_requests_total{status=~"5.."}[5m]))
  - record: festivals:http_error_percentage:5m
    expr: festivals:http_errors:rate5m / festivals:http_requests:rate5m * 100
`);
  const clock = new ManualClock(0);
  const timers = new ManualTimers(clock);
  const mgr = manager(st, clock, timers);
  await mgr.update({ ruleFiles: ['rules.yml'], baseDir: dir });
  mgr.run();
  await timers.advance(10 * MIN);
  const t = mgr.groups()[0].evalTimestamp(clock.now());
  // The third rule sees what the first two wrote in the same evaluation.
  const pct = await instant(st, 'festivals:http_error_percentage:5m', t);
  assert.ok(Math.abs(pct['festivals:http_error_percentage:5m'] - 9.090909090909092) < 1e-9, JSON.stringify(pct));
  // The 5xx series ends at 10m; 5 minutes later the errors sum is empty and its recorded
  // series got a stale marker, so PromQL stops returning it at once (no 5m lookback).
  await timers.advance(7 * MIN);
  const t2 = mgr.groups()[0].evalTimestamp(clock.now());
  assert.deepEqual(await instant(st, 'festivals:http_errors:rate5m', t2), {});
  assert.deepEqual(Object.keys(await instant(st, 'festivals:http_requests:rate5m', t2)), ['festivals:http_requests:rate5m']);
  await mgr.stop();
});

test('ALERTS series and restart restore through the real engine', async () => {
  const st = loadedStorage(`load 1m
  up{job="api", instance="a:1"} 0x200
`);
  const dir = rulesDir(`groups:
- name: alerts
  rules:
  - alert: TargetDown
    expr: up == 0
    for: 30m
    labels:
      severity: page
`);
  const c1 = new ManualClock(0);
  const t1 = new ManualTimers(c1);
  const m1 = manager(st, c1, t1);
  await m1.update({ ruleFiles: ['rules.yml'], baseDir: dir });
  m1.run();
  await t1.advance(20 * MIN);
  const at = m1.groups()[0].evalTimestamp(c1.now());
  assert.deepEqual(await instant(st, 'ALERTS', at), {
    'ALERTS{alertname="TargetDown", alertstate="pending", instance="a:1", job="api", severity="page"}': 1,
  });
  const activeAt = m1.activeAlerts()[0].alert.activeAt;
  assert.deepEqual(Object.values(await instant(st, 'ALERTS_FOR_STATE', at)), [Math.floor(activeAt / 1000)]);
  await m1.stop();

  // Restart 10 minutes later: pending progress is kept. activeAt shifts by the time from the
  // last ALERTS_FOR_STATE sample to the restore (10m down + ~2 evaluations after start).
  const c2 = new ManualClock(c1.now() + 10 * MIN);
  const t2 = new ManualTimers(c2);
  const m2 = manager(st, c2, t2);
  await m2.update({ ruleFiles: ['rules.yml'], baseDir: dir });
  m2.run();
  await t2.advance(3 * MIN);
  const restored = m2.activeAlerts()[0].alert;
  assert.equal(restored.state, 'pending');
  assert.ok(restored.activeAt >= activeAt + 11 * MIN && restored.activeAt <= activeAt + 13 * MIN, `activeAt moved by ~12m: ${restored.activeAt - activeAt}`);
  // About 11 more minutes of `for` remain (not 30).
  await t2.advance(8 * MIN);
  assert.equal(m2.activeAlerts()[0].alert.state, 'pending');
  await t2.advance(5 * MIN);
  assert.equal(m2.activeAlerts()[0].alert.state, 'firing');
  await m2.stop();
});
