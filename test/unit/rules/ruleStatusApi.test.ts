import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/clock.ts';
import { MemoryStorage } from '../../../src/storage/memoryStorage.ts';
import { RuleManager } from '../../../src/rules/ruleManager.ts';
import { parseRuleFile } from '../../../src/rules/ruleFile.ts';
import { alertsApiData, rulesApiData, validateRulesType } from '../../../src/rules/ruleStatusApi.ts';
import { formatFloatExp } from '../../../src/rules/goFormat.ts';
import { ManualTimers } from '../../../src/rules/timers.ts';
import { fakeSyntax, scriptedQuery, MIN } from './fakeSyntax.ts';

const FILE = `groups:
- name: example
  interval: 30s
  rules:
  - record: job:up:sum
    expr: sum by (job) (up)
  - alert: InstanceDown
    expr: up == 0
    for: 1m
    keep_firing_for: 2m
    labels:
      severity: page
    annotations:
      summary: "{{ $labels.instance }} down"
`;

test('/api/v1/rules and /api/v1/alerts data in Prometheus shapes', async () => {
  const start = Date.UTC(2026, 0, 1, 0, 0, 0);
  const clock = new ManualClock(start);
  const timers = new ManualTimers(clock);
  const storage = new MemoryStorage();
  const mgr = new RuleManager({
    queryFn: scriptedQuery({ 'sum by (job) (up)': () => [[{ job: 'a' }, 0]], 'up == 0': () => [[{ __name__: 'up', instance: 'h:1', job: 'a' }, 0]] }),
    appendable: storage,
    syntax: fakeSyntax,
    clock,
    timers,
  });
  await mgr.applyGroups(parseRuleFile(FILE, '/etc/rules.yml', fakeSyntax));
  mgr.run();
  await timers.advance(2 * MIN);
  const data = rulesApiData(mgr.groups());
  const g = data.groups[0];
  const slot = mgr.groups()[0].lastEvaluation;
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  assert.deepEqual(Object.keys(g), ['name', 'file', 'rules', 'interval', 'limit', 'evaluationTime', 'lastEvaluation']);
  assert.equal(g.interval, 30);
  assert.equal(g.lastEvaluation, iso(slot));
  assert.deepEqual(g.rules[0], { name: 'job:up:sum', query: 'sum by (job) (up)', health: 'ok', evaluationTime: 0, lastEvaluation: iso(slot), type: 'recording' });
  const alerting = g.rules[1] as unknown as Record<string, unknown>;
  assert.deepEqual(Object.keys(alerting), ['state', 'name', 'query', 'duration', 'keepFiringFor', 'labels', 'annotations', 'alerts', 'health', 'evaluationTime', 'lastEvaluation', 'type']);
  assert.equal(alerting.state, 'firing');
  assert.equal(alerting.duration, 60);
  assert.equal(alerting.keepFiringFor, 120);
  const alerts = alertsApiData(mgr.groups()).alerts;
  assert.equal(alerts.length, 1);
  assert.deepEqual(alerts[0].labels, { alertname: 'InstanceDown', instance: 'h:1', job: 'a', severity: 'page' });
  assert.deepEqual(alerts[0].annotations, { summary: 'h:1 down' });
  assert.equal(alerts[0].state, 'firing');
  assert.equal(alerts[0].value, '0e+00');
  assert.match(alerts[0].activeAt!, /^2026-01-01T00:0\d:\d\d(\.\d+)?Z$/);
  assert.deepEqual(alerting.alerts, alerts);
  // Filters.
  assert.deepEqual(rulesApiData(mgr.groups(), { type: 'record' }).groups[0].rules.map((r) => r.name), ['job:up:sum']);
  assert.deepEqual(rulesApiData(mgr.groups(), { ruleName: ['nope'] }).groups, []);
  assert.equal(validateRulesType('bogus'), 'invalid parameter "type": not supported value "bogus"');
  assert.equal(validateRulesType('alert'), null);
  await mgr.stop();
});

test('values are formatted like Go strconv.FormatFloat(v, e, -1, 64)', () => {
  assert.equal(formatFloatExp(1), '1e+00');
  assert.equal(formatFloatExp(0.5), '5e-01');
  assert.equal(formatFloatExp(123.456), '1.23456e+02');
  assert.equal(formatFloatExp(1e100), '1e+100');
  assert.equal(formatFloatExp(-2.5e-7), '-2.5e-07');
  assert.equal(formatFloatExp(NaN), 'NaN');
  assert.equal(formatFloatExp(Infinity), '+Inf');
  assert.equal(formatFloatExp(5, true), '5E+00');
});
