/**
 * /api/v1/rules and /api/v1/alerts data compared with a real Prometheus 2.42 evaluating the
 * same rule file: same groups, rules, fields, field order, states and value formats (times and
 * durations masked).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock.ts';
import { Engine } from '../../src/promql/engine.ts';
import { MemoryStorage } from '../../src/storage/memoryStorage.ts';
import { RuleManager } from '../../src/rules/ruleManager.ts';
import { ManualTimers } from '../../src/rules/timers.ts';
import { promliteRuleSyntax } from '../../src/rules/ruleSyntax.ts';
import { engineQueryFn } from '../../src/rules/engineQueryFn.ts';
import { alertsApiData, rulesApiData } from '../../src/rules/ruleStatusApi.ts';
import { startPrometheusPeer } from '../support/prometheusPeer.ts';
import { eventually } from '../support/wait.ts';

const RULES = `groups:
- name: shape
  interval: 1s
  rules:
  - record: job:one
    expr: vector(1)
    labels:
      team: x
  - record: plain
    expr: sum(rate(nosuch_total[5m])) by (job)
  - alert: AlwaysFiring
    expr: vector(1.5) > 0
    labels:
      severity: page
    annotations:
      summary: "value {{ $value }} {{ $labels.nosuch }}"
  - alert: Pending
    expr: label_replace(vector(0.25), "instance", "h:1", "", "")
    for: 1h
    keep_firing_for: 5m
  - alert: DuplicateLabels
    expr: label_replace(vector(1), "a", "b", "", "") or label_replace(vector(2), "a", "c", "", "")
    labels:
      a: same
- name: other
  rules:
  - alert: Never
    expr: vector(1) < 0
`;

/** Masks what legitimately differs: timestamps and durations of evaluations. */
function mask(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(mask);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'lastEvaluation' || k === 'activeAt' || k === 'keepFiringSince') out[k] = typeof x === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(x) ? 'TIME' : x;
      else if (k === 'evaluationTime') out[k] = typeof x === 'number' ? 'DURATION' : x;
      else if (k === 'file') out[k] = 'FILE';
      else out[k] = mask(x);
    }
    return out;
  }
  return v;
}

test('rules and alerts API data match Prometheus 2.42', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promlite-rules-api-'));
  writeFileSync(join(dir, 'rules.yml'), RULES);
  const prom = await startPrometheusPeer({ dir, config: 'global:\n  evaluation_interval: 1s\nrule_files: [rules.yml]\n' });
  after(() => prom.stop()); // removes dir too

  // Prometheus: wait until both groups have been evaluated at least twice (state restored).
  const want = await eventually(
    async () => {
      const rules = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as { data: { groups: { rules: { health: string }[] }[] } };
      const groups = rules.data.groups;
      if (groups.length !== 2 || !groups.every((g) => g.rules.every((r) => r.health !== 'unknown'))) return undefined;
      const alerts = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()) as { data: unknown };
      return { rules: rules.data, alerts: alerts.data };
    },
    'Prometheus to evaluate the rules',
    20_000,
    200,
  );

  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const timers = new ManualTimers(clock);
  const storage = new MemoryStorage();
  const mgr = new RuleManager({ queryFn: engineQueryFn(new Engine(), storage), appendable: storage, queryable: storage, syntax: promliteRuleSyntax, clock, timers });
  await mgr.update({ ruleFiles: ['rules.yml'], baseDir: dir, evaluationInterval: 1000 });
  mgr.run();
  await timers.advance(3000);
  const got = { rules: rulesApiData(mgr.groups()), alerts: alertsApiData(mgr.groups()) };
  await mgr.stop();
  assert.deepEqual(mask(got), mask(want));
  // Key order too (JSON text), not only content.
  assert.equal(JSON.stringify(mask(got)), JSON.stringify(mask(want)));
});
