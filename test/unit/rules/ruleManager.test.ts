import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/clock.ts';
import { MemoryStorage } from '../../../src/storage/memoryStorage.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';
import { isStaleNaN } from '../../../src/storage/staleMarker.ts';
import { RuleManager } from '../../../src/rules/ruleManager.ts';
import { RuleFileError } from '../../../src/rules/ruleFile.ts';
import { RuleMetrics } from '../../../src/rules/ruleMetrics.ts';
import { ManualTimers } from '../../../src/rules/timers.ts';
import type { QueryFn, RuleAlert } from '../../../src/rules/types.ts';
import { fakeSyntax, scriptedQuery, MIN } from './fakeSyntax.ts';

function samples(st: MemoryStorage, name: string): [number, number][] {
  const q = st.querier(-Infinity, Infinity);
  const ss = q.select([new Matcher('=', '__name__', name)]);
  const out: [number, number][] = [];
  while (ss.next()) {
    const it = ss.at().iterator();
    while (it.next()) out.push([it.atT(), it.atV()]);
  }
  return out;
}

function setup(queryFn: QueryFn, start = 1_000_000 * MIN) {
  const clock = new ManualClock(start);
  const timers = new ManualTimers(clock);
  const storage = new MemoryStorage();
  const sent: { expr: string; alerts: readonly RuleAlert[] }[] = [];
  const mgr = new RuleManager({
    queryFn,
    notifyFn: (expr, alerts) => sent.push({ expr, alerts }),
    appendable: storage,
    queryable: storage,
    syntax: fakeSyntax,
    clock,
    timers,
  });
  const dir = mkdtempSync(join(tmpdir(), 'rules-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  return { clock, timers, storage, mgr, sent, dir, file };
}

test('evaluation timestamps are aligned to interval slots with a stable group offset', async () => {
  const times: number[] = [];
  const s = setup(async (_e, t) => {
    times.push(t);
    return [];
  }, 1_000_000 * MIN + 12_345);
  s.file('a.yml', 'groups:\n- name: g\n  interval: 10s\n  rules:\n  - record: r\n    expr: x\n');
  await s.mgr.update({ ruleFiles: ['*.yml'], baseDir: s.dir });
  s.mgr.run();
  await s.timers.advance(60_000);
  assert.equal(times.length, 6);
  const offset = times[0] % 10_000;
  for (let i = 1; i < times.length; i++) {
    assert.equal(times[i] - times[i - 1], 10_000);
    assert.equal(times[i] % 10_000, offset);
  }
  assert.ok(times[0] > 1_000_000 * MIN + 12_345, 'first evaluation is in the future');
  await s.mgr.stop();
});

test('an overrunning group skips the next slot and counts it', async () => {
  let clock!: ManualClock;
  const times: number[] = [];
  const s = setup(async (_e, t) => {
    times.push(t);
    if (times.length === 2) clock.advance(25_000); // this evaluation takes 2.5 intervals
    return [];
  }, 0);
  clock = s.clock;
  s.file('a.yml', 'groups:\n- name: g\n  interval: 10s\n  rules:\n  - record: r\n    expr: x\n');
  await s.mgr.update({ ruleFiles: ['a.yml'], baseDir: s.dir });
  s.mgr.run();
  await s.timers.advance(65_000);
  const d = times.map((t) => t - times[0]);
  // Eval #2 ran from 10s to 35s: slots 20s and 30s are missed; the late tick at 35s evaluates slot 30s.
  assert.deepEqual(d.slice(0, 4), [0, 10_000, 30_000, 40_000]);
  const key = s.mgr.groups()[0].key;
  assert.equal(await RuleMetrics.value(s.mgr.metrics.iterationsMissed, key), 1);
  await s.mgr.stop();
});

test('recording rules append results and stale markers for series that disappear', async () => {
  let present = true;
  const s = setup(
    scriptedQuery({
      'sum by (job) (up)': () => [[{ job: 'a' }, 1], ...(present ? ([[{ job: 'b' }, 2]] as [Record<string, string>, number][]) : [])],
    }),
  );
  s.file('r.yml', 'groups:\n- name: g\n  interval: 1m\n  rules:\n  - record: job:up:sum\n    expr: sum by (job) (up)\n    labels:\n      team: x\n');
  await s.mgr.update({ ruleFiles: ['r.yml'], baseDir: s.dir });
  s.mgr.run();
  await s.timers.advance(2 * MIN);
  present = false;
  await s.timers.advance(MIN);
  const q = s.storage.querier(-Infinity, Infinity);
  const ss = q.select([new Matcher('=', '__name__', 'job:up:sum')], { sorted: true });
  const got: Record<string, number[]> = {};
  while (ss.next()) {
    const it = ss.at().iterator();
    const vals: number[] = [];
    while (it.next()) vals.push(isStaleNaN(it.atV()) ? -1 : it.atV());
    got[ss.at().labels.toString()] = vals;
  }
  assert.deepEqual(got, {
    'job:up:sum{job="a", team="x"}': [1, 1, 1],
    'job:up:sum{job="b", team="x"}': [2, 2, -1],
  });
  const r = s.mgr.groups()[0].rules[0];
  assert.equal(r.status.health, 'ok');
  await s.mgr.stop();
});

test('a failing rule gets health err and lastError, other rules still run; limit on recording rules', async () => {
  const s = setup(
    scriptedQuery({
      broken: () => {
        throw new Error('query timed out');
      },
      many: () => [[{ a: '1' }, 1], [{ a: '2' }, 1]],
    }),
  );
  s.file('r.yml', 'groups:\n- name: g\n  limit: 1\n  rules:\n  - record: r1\n    expr: broken\n  - record: r2\n    expr: many\n');
  await s.mgr.update({ ruleFiles: ['r.yml'], baseDir: s.dir });
  s.mgr.run();
  await s.timers.advance(MIN);
  const [r1, r2] = s.mgr.groups()[0].rules;
  assert.equal(r1.status.health, 'err');
  assert.equal(r1.status.lastError, 'query timed out');
  assert.equal(r2.status.health, 'err');
  assert.equal(r2.status.lastError, 'exceeded limit of 1 with 2 series');
  assert.deepEqual(samples(s.storage, 'r2'), [], 'a rule over its limit writes nothing');
  await s.mgr.stop();
});

test('alerts are sent through notifyFn and ALERTS series are written', async () => {
  const s = setup(scriptedQuery({ 'up == 0': () => [[{ __name__: 'up', job: 'api' }, 0]] }));
  s.file('a.yml', 'groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 2m\n');
  await s.mgr.update({ ruleFiles: ['a.yml'], baseDir: s.dir });
  s.mgr.run();
  await s.timers.advance(2 * MIN); // two evaluations: pending
  assert.equal(s.sent.length, 0, 'pending is not sent');
  await s.timers.advance(MIN); // third evaluation: 2m after the first, firing
  assert.equal(s.sent.length, 1);
  assert.equal(s.sent[0].expr, 'up == 0');
  assert.equal(s.sent[0].alerts[0].state, 'firing');
  // At start, ALERTS are written only once state was restored (after the second evaluation).
  assert.deepEqual(samples(s.storage, 'ALERTS').map((x) => x[1]), [1]);
  await s.timers.advance(MIN);
  assert.deepEqual(samples(s.storage, 'ALERTS_FOR_STATE').map((x) => x[1]), [0, 0].map(() => Math.floor(s.sent[0].alerts[0].activeAt / 1000)));
  await s.mgr.stop();
});

test('reload: a bad file fails with file:line and the old rules keep running', async () => {
  const s = setup(scriptedQuery({ x: () => [[{}, 1]], y: () => [[{}, 2]] }));
  const p = s.file('r.yml', 'groups:\n- name: g\n  rules:\n  - record: r\n    expr: x\n');
  await s.mgr.update({ ruleFiles: ['r.yml'], baseDir: s.dir });
  s.mgr.run();
  await s.timers.advance(MIN);
  s.file('r.yml', 'groups:\n- name: g\n  rules:\n  - record: r\n    expr: sum(y\n');
  await assert.rejects(s.mgr.update({ ruleFiles: ['r.yml'], baseDir: s.dir }), (e: unknown) => {
    assert.ok(e instanceof RuleFileError);
    assert.equal(e.errors[0], `${p}: 5:11: group "g", rule 1, "r": could not parse expression: 1:6: parse error: unclosed left parenthesis`);
    return true;
  });
  await s.timers.advance(MIN);
  assert.deepEqual(samples(s.storage, 'r').map((x) => x[1]), [1, 1]);
  await s.mgr.stop();
});

test('reload: an unchanged group keeps running, a changed group keeps alert state, a removed group goes stale', async () => {
  const s = setup(scriptedQuery({ 'up == 0': () => [[{ job: 'a' }, 0]], x: () => [[{}, 1]] }));
  s.file('a.yml', 'groups:\n- name: alerts\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 10m\n');
  s.file('b.yml', 'groups:\n- name: rec\n  rules:\n  - record: r\n    expr: x\n');
  s.file('c.yml', 'groups:\n- name: other\n  rules:\n  - record: r2\n    expr: x\n');
  await s.mgr.update({ ruleFiles: ['*.yml'], baseDir: s.dir });
  s.mgr.run();
  await s.timers.advance(3 * MIN);
  const before = s.mgr.groups();
  const activeAt = s.mgr.activeAlerts()[0].alert.activeAt;
  // Change the alert group (new label), drop c.yml's group.
  s.file('a.yml', 'groups:\n- name: alerts\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 10m\n  - record: extra\n    expr: x\n');
  s.file('c.yml', 'groups: []\n');
  await s.mgr.update({ ruleFiles: ['*.yml'], baseDir: s.dir });
  const after = s.mgr.groups();
  assert.equal(after.length, 2);
  assert.equal(after.find((g) => g.name === 'rec'), before.find((g) => g.name === 'rec'), 'unchanged group object kept');
  assert.notEqual(after.find((g) => g.name === 'alerts'), before.find((g) => g.name === 'alerts'));
  assert.equal(s.mgr.activeAlerts()[0].alert.activeAt, activeAt, 'alert state carried over');
  await s.timers.advance(3 * MIN);
  const r2 = samples(s.storage, 'r2');
  assert.ok(isStaleNaN(r2[r2.length - 1][1]), 'removed group marked stale');
  await s.mgr.stop();
});

test('restart: a pending alert keeps its `for` progress, shifted by the downtime', async () => {
  const storage = new MemoryStorage();
  const q = scriptedQuery({ 'up == 0': () => [[{ job: 'a' }, 0]] });
  const start = 1_000_000 * MIN;
  const mk = (clock: ManualClock, timers: ManualTimers) =>
    new RuleManager({ queryFn: q, appendable: storage, queryable: storage, syntax: fakeSyntax, clock, timers });
  const text = 'groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 30m\n';
  const dir = mkdtempSync(join(tmpdir(), 'rules-'));
  writeFileSync(join(dir, 'a.yml'), text);

  const c1 = new ManualClock(start);
  const t1 = new ManualTimers(c1);
  const m1 = mk(c1, t1);
  await m1.update({ ruleFiles: ['a.yml'], baseDir: dir });
  m1.run();
  await t1.advance(20 * MIN); // pending since the first evaluation, 19+ minutes of progress
  const firstActive = m1.activeAlerts()[0].alert.activeAt;
  const lastEval = m1.groups()[0].lastEvaluation;
  const progress = lastEval - firstActive;
  await m1.stop();

  // 15 minutes down, then restart.
  const c2 = new ManualClock(c1.now() + 15 * MIN);
  const t2 = new ManualTimers(c2);
  const m2 = mk(c2, t2);
  await m2.update({ ruleFiles: ['a.yml'], baseDir: dir });
  m2.run();
  await t2.advance(2 * MIN + 1); // two evaluations, then restore
  const a = m2.activeAlerts()[0].alert;
  assert.equal(a.state, 'pending');
  const restoreAt = m2.groups()[0].lastEvaluation; // restored right after the second evaluation
  // activeAt moved forward by the downtime (restoreAt - last ALERTS_FOR_STATE sample).
  const downAt = Math.floor(lastEval / 60_000) * 60_000; // sample at the aligned eval time
  assert.ok(Math.abs(a.activeAt - (Math.floor(firstActive / 1000) * 1000 + (restoreAt - Math.floor(downAt / 1000) * 1000))) < 60_000);
  // It fires when the remaining ~(30m - progress) have passed, not 30m after restart.
  const remaining = 30 * MIN - progress;
  await t2.advance(remaining - 3 * MIN);
  assert.equal(m2.activeAlerts()[0].alert.state, 'pending');
  await t2.advance(4 * MIN);
  assert.equal(m2.activeAlerts()[0].alert.state, 'firing');
  await m2.stop();
});

test('restart: a firing alert fires again at once; past the outage tolerance state is not restored', async () => {
  const q = scriptedQuery({ 'up == 0': () => [[{ job: 'a' }, 0]] });
  const text = 'groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 15m\n';
  const dir = mkdtempSync(join(tmpdir(), 'rules-'));
  writeFileSync(join(dir, 'a.yml'), text);
  const run = async (storage: MemoryStorage, startAt: number, minutes: number) => {
    const c = new ManualClock(startAt);
    const t = new ManualTimers(c);
    const m = new RuleManager({ queryFn: q, appendable: storage, queryable: storage, syntax: fakeSyntax, clock: c, timers: t });
    await m.update({ ruleFiles: ['a.yml'], baseDir: dir });
    m.run();
    await t.advance(minutes * MIN + 1);
    const state = m.activeAlerts()[0].alert.state;
    await m.stop();
    return { state, end: c.now() };
  };
  const st = new MemoryStorage();
  const first = await run(st, 1_000_000 * MIN, 20);
  assert.equal(first.state, 'firing');
  // Down 30 minutes (within 1h tolerance): firing again at the evaluation after the restore.
  const second = await run(st, first.end + 30 * MIN, 3);
  assert.equal(second.state, 'firing');
  // A fresh store, down 2 hours: nothing to restore within the tolerance, so pending.
  const st2 = new MemoryStorage();
  const a = await run(st2, 1_000_000 * MIN, 20);
  const b = await run(st2, a.end + 120 * MIN, 3);
  assert.equal(b.state, 'pending');
});

test('restart: an alert close to firing waits at least the grace period', async () => {
  const q = scriptedQuery({ 'up == 0': () => [[{ job: 'a' }, 0]] });
  const dir = mkdtempSync(join(tmpdir(), 'rules-'));
  writeFileSync(join(dir, 'a.yml'), 'groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 20m\n');
  const st = new MemoryStorage();
  const c1 = new ManualClock(1_000_000 * MIN);
  const t1 = new ManualTimers(c1);
  const m1 = new RuleManager({ queryFn: q, appendable: st, queryable: st, syntax: fakeSyntax, clock: c1, timers: t1 });
  await m1.update({ ruleFiles: ['a.yml'], baseDir: dir });
  m1.run();
  await t1.advance(17 * MIN); // ~4m remaining (< 10m grace)
  await m1.stop();
  const c2 = new ManualClock(c1.now() + 5 * MIN);
  const t2 = new ManualTimers(c2);
  const m2 = new RuleManager({ queryFn: q, appendable: st, queryable: st, syntax: fakeSyntax, clock: c2, timers: t2 });
  await m2.update({ ruleFiles: ['a.yml'], baseDir: dir });
  m2.run();
  await t2.advance(2 * MIN + 1);
  const restoreAt = m2.groups()[0].lastEvaluation; // restored right after the second evaluation
  const a = m2.activeAlerts()[0].alert;
  assert.equal(a.activeAt, restoreAt + 10 * MIN - 20 * MIN);
  await t2.advance(9 * MIN);
  assert.equal(m2.activeAlerts()[0].alert.state, 'pending');
  await t2.advance(2 * MIN);
  assert.equal(m2.activeAlerts()[0].alert.state, 'firing');
  await m2.stop();
});

test('query_offset: rules query and write at the evaluation time minus the offset', async () => {
  const queried: number[] = [];
  const s = setup(async (_e, t) => {
    queried.push(t);
    return [{ metric: Labels.EMPTY, t, v: 1 }];
  });
  s.file('r.yml', 'groups:\n- name: g\n  query_offset: 1m\n  rules:\n  - record: r\n    expr: x\n');
  s.file('global.yml', 'groups:\n- name: h\n  rules:\n  - record: r2\n    expr: x\n');
  await s.mgr.update({ ruleFiles: ['r.yml', 'global.yml'], baseDir: s.dir, queryOffset: 30_000 });
  s.mgr.run();
  await s.timers.advance(MIN);
  const g = s.mgr.groups().find((x) => x.name === 'g')!;
  const h = s.mgr.groups().find((x) => x.name === 'h')!;
  assert.equal(g.queryOffset, MIN, 'group setting wins');
  assert.equal(h.queryOffset, 30_000, 'global rule_query_offset otherwise');
  const slotG = g.evalTimestamp(s.clock.now());
  assert.ok(queried.includes(slotG - MIN));
  assert.deepEqual(samples(s.storage, 'r').map((x) => x[0]), [slotG - MIN]);
  await s.mgr.stop();
});

test('a reload right after start still restores alert state and then writes ALERTS', async () => {
  const s = setup(scriptedQuery({ 'up == 0': () => [[{ job: 'a' }, 0]] }));
  s.file('a.yml', 'groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n');
  await s.mgr.update({ ruleFiles: ['a.yml'], baseDir: s.dir });
  s.mgr.run();
  await s.timers.advance(MIN); // one evaluation, restore still due
  // Same name and labels (state is carried over), changed annotations (the group is replaced).
  s.file('a.yml', 'groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n    annotations:\n      x: y\n');
  await s.mgr.update({ ruleFiles: ['a.yml'], baseDir: s.dir });
  await s.timers.advance(3 * MIN);
  assert.equal((s.mgr.groups()[0].rules[0] as { restored?: boolean }).restored, true);
  assert.ok(samples(s.storage, 'ALERTS').length > 0);
  await s.mgr.stop();
});
