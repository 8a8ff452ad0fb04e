import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertingRule } from '../../../src/rules/alertingRule.ts';
import type { RuleSpec } from '../../../src/rules/ruleFile.ts';
import { fakeSyntax, scriptedQuery, MIN } from './fakeSyntax.ts';

function rule(over: Partial<RuleSpec> = {}): AlertingRule {
  const spec: RuleSpec = {
    kind: 'alerting',
    name: 'HighLoad',
    expr: 'load > 1',
    parsedExpr: fakeSyntax.parseExpr(over.expr ?? 'load > 1'),
    for: 5 * MIN,
    keepFiringFor: 0,
    labels: { severity: 'page' },
    annotations: { summary: '{{ $labels.instance }} load {{ $value }}' },
    line: 1,
    ...over,
  };
  const r = new AlertingRule({ spec, query: spec.expr, syntax: fakeSyntax, externalLabels: { dc: 'x' } });
  r.restored = true;
  return r;
}

/** The condition holds for t in [from, to). */
function activeBetween(from: number, to: number, value = 2) {
  return scriptedQuery({ 'load > 1': (t) => (t >= from && t < to ? [[{ __name__: 'load', instance: 'a' }, value]] : []) });
}

test('inactive → pending → firing after `for`, then resolved', async () => {
  const r = rule();
  const q = activeBetween(2 * MIN, 10 * MIN);
  const states: string[] = [];
  for (let t = 0; t <= 11 * MIN; t += MIN) {
    await r.eval(t, q, 0);
    states.push(r.state());
  }
  assert.deepEqual(states, [
    'inactive', 'inactive', // 0, 1m
    'pending', 'pending', 'pending', 'pending', 'pending', // 2m..6m: activeAt 2m, needs 5m
    'firing', 'firing', 'firing', // 7m..9m
    'inactive', 'inactive', // 10m resolved
  ]);
  const all = r.allAlerts();
  assert.equal(all.length, 1, 'resolved alert is retained');
  assert.equal(all[0].activeAt, 2 * MIN);
  assert.equal(all[0].firedAt, 7 * MIN);
  assert.equal(all[0].resolvedAt, 10 * MIN);
});

test('labels drop __name__, get alertname and templated labels/annotations', async () => {
  const r = rule({ for: 0 });
  const out = await r.eval(MIN, activeBetween(0, 10 * MIN, 3), 0);
  const [a] = r.activeAlerts();
  assert.deepEqual(a.labels.toObject(), { alertname: 'HighLoad', instance: 'a', severity: 'page' });
  assert.deepEqual(a.annotations.toObject(), { summary: 'a load 3' });
  assert.equal(a.state, 'firing');
  assert.deepEqual(
    out.map((s) => [s.metric.toObject(), s.t, s.v]),
    [
      [{ __name__: 'ALERTS', alertname: 'HighLoad', alertstate: 'firing', instance: 'a', severity: 'page' }, MIN, 1],
      [{ __name__: 'ALERTS_FOR_STATE', alertname: 'HighLoad', instance: 'a', severity: 'page' }, MIN, 60],
    ],
  );
});

test('ALERTS are not written until the rule is restored', async () => {
  const r = rule({ for: 0 });
  r.restored = false;
  assert.deepEqual(await r.eval(MIN, activeBetween(0, 10 * MIN), 0), []);
});

test('a pending alert that disappears is dropped at once', async () => {
  const r = rule();
  const q = activeBetween(0, 2 * MIN);
  await r.eval(0, q, 0);
  await r.eval(MIN, q, 0);
  assert.equal(r.state(), 'pending');
  await r.eval(2 * MIN, q, 0);
  assert.equal(r.allAlerts().length, 0);
});

test('resolved alerts are kept 15 minutes, then dropped', async () => {
  const r = rule({ for: 0 });
  const q = activeBetween(0, MIN);
  await r.eval(0, q, 0);
  await r.eval(MIN, q, 0); // resolved at 1m
  await r.eval(16 * MIN, q, 0); // exactly 15m later: still kept (> not >=)
  assert.equal(r.allAlerts().length, 1);
  await r.eval(16 * MIN + 1, q, 0);
  assert.equal(r.allAlerts().length, 0);
});

test('keep_firing_for keeps a firing alert after its condition stops', async () => {
  const r = rule({ for: 0, keepFiringFor: 3 * MIN });
  const q = activeBetween(0, 2 * MIN);
  const states: string[] = [];
  const since: number[] = [];
  for (let t = 0; t <= 6 * MIN; t += MIN) {
    await r.eval(t, q, 0);
    states.push(r.state());
    since.push(r.allAlerts()[0]?.keepFiringSince ?? -1);
  }
  // Condition false from 2m; keeps firing while t - 2m < 3m, i.e. at 2m, 3m, 4m.
  assert.deepEqual(states, ['firing', 'firing', 'firing', 'firing', 'firing', 'inactive', 'inactive']);
  assert.deepEqual(since.slice(0, 5), [0, 0, 2 * MIN, 2 * MIN, 2 * MIN]);
});

test('keep_firing_for does not apply to pending alerts, and resets when the condition returns', async () => {
  const r = rule({ for: 2 * MIN, keepFiringFor: 5 * MIN });
  let on = new Set([0, MIN, 2 * MIN, 4 * MIN]);
  const q = scriptedQuery({ 'load > 1': (t) => (on.has(t) ? [[{ instance: 'a' }, 2]] : []) });
  await r.eval(0, q, 0);
  await r.eval(MIN, q, 0);
  await r.eval(2 * MIN, q, 0);
  assert.equal(r.state(), 'firing');
  await r.eval(3 * MIN, q, 0); // condition false: keeps firing
  assert.equal(r.allAlerts()[0].keepFiringSince, 3 * MIN);
  await r.eval(4 * MIN, q, 0); // back: reset
  assert.equal(r.allAlerts()[0].keepFiringSince, 0);
  on = new Set();
  const p = rule({ for: 10 * MIN, keepFiringFor: 5 * MIN });
  const q2 = activeBetween(0, MIN);
  await p.eval(0, q2, 0);
  await p.eval(MIN, q2, 0);
  assert.equal(p.allAlerts().length, 0, 'pending alert is not kept');
});

test('limit: more alerts than the limit fail the rule and clear its alerts', async () => {
  const r = rule({ for: 0 });
  const q = scriptedQuery({ 'load > 1': () => [[{ instance: 'a' }, 2], [{ instance: 'b' }, 2]] });
  await assert.rejects(r.eval(0, q, 1), /exceeded limit of 1 with 2 alerts/);
  assert.equal(r.allAlerts().length, 0);
  await r.eval(0, q, 2);
  assert.equal(r.activeAlerts().length, 2);
});

test('duplicate label sets after applying labels are an error', async () => {
  const r = rule({ for: 0 });
  const q = scriptedQuery({ 'load > 1': () => [[{ __name__: 'x', instance: 'a' }, 2], [{ __name__: 'y', instance: 'a' }, 2]] });
  await assert.rejects(r.eval(0, q, 0), /same labelset after applying alert labels/);
});

test('template errors never stop evaluation', async () => {
  const r = rule({ for: 0, annotations: { summary: '{{ nosuchfunc }}' } });
  await r.eval(0, activeBetween(0, MIN), 0);
  assert.match(r.activeAlerts()[0].annotations.get('summary'), /^<error expanding template: /);
});

test('alertsToSend: firing sent at once, re-sent after the resend delay, resolved sent once more', async () => {
  const r = rule({ for: 0 });
  const q = activeBetween(0, 5 * MIN);
  const sent: [number, string, number][] = [];
  for (let t = 0; t <= 7 * MIN; t += 30_000) {
    await r.eval(t + 1, q, 0);
    for (const a of r.alertsToSend(t + 1, MIN, 30_000)) sent.push([t + 1, a.state, a.validUntil]);
  }
  assert.deepEqual(sent.map((s) => [s[0] - 1, s[1]]), [
    [0, 'firing'],
    [90_000, 'firing'], // > 1m after 0
    [180_000, 'firing'],
    [270_000, 'firing'],
    [5 * MIN, 'inactive'], // resolved since last send
    [390_000, 'inactive'], // resolved alerts keep being re-sent every resend delay
  ]);
  assert.equal(sent[0][2], 1 + 4 * MIN, 'validUntil = t + 4 × max(interval, resendDelay)');
});

test('pending alerts are never sent', async () => {
  const r = rule();
  await r.eval(0, activeBetween(0, 10 * MIN), 0);
  assert.deepEqual(r.alertsToSend(0, MIN, MIN), []);
});
