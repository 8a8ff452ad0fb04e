/** The assertions every seed shares: targets up, rules recorded, alerts, routing, queries. */
import assert from 'node:assert/strict';
import { eventually, sleep } from '../support/wait.ts';
import { promQuery } from '../support/prometheusPeer.ts';
import type { SeedRun } from './seedHarness.ts';

export interface SeedExpectations {
  targets: number;
  /** Alert names that must fire; every other alert rule of the seed must stay inactive. */
  firing: string[];
  /** receiver → the alert names it must be notified about (no other receiver gets any). */
  routes: Record<string, string[]>;
  /** Dashboard / ad-hoc PromQL that must return non-empty, finite results. */
  queries: string[];
  /** Graph queries checked through query_range (a series with several points). */
  rangeQueries: string[];
}

const sortKeys = (o: Record<string, string[]>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
const isFiniteSample = (v: string) => Number.isFinite(Number(v));
const seriesOf = (r: any[]) => r.map((s) => JSON.stringify(Object.fromEntries(Object.entries(s.metric).sort()))).sort();

/** Waits for the expected state; notification exactness is checked after one more group interval. */
export async function checkSeed(run: SeedRun, want: SeedExpectations): Promise<void> {
  const targets = await eventually(async () => {
    const t = (await run.api('/api/v1/targets')).activeTargets;
    return t.length === want.targets && t.every((x: any) => x.health === 'up') ? t : null;
  }, `${want.targets} targets up`, 15_000);
  assert.equal(targets.length, want.targets);

  for (const name of run.recordingRules) {
    const result = await eventually(async () => {
      const r = await run.query(name);
      return r.length > 0 && r.every((s: any) => isFiniteSample(s.value[1])) ? r : null;
    }, `recording rule ${name} yields finite samples`, 15_000);
    assert.ok(result.length > 0, name);
    // Prometheus records the same series (label sets) from the same rule.
    let theirs: any[] = [];
    await eventually(async () => {
      theirs = await promQuery(run.prometheus.url, name);
      return JSON.stringify(seriesOf(theirs)) === JSON.stringify(seriesOf(result));
    }, `Prometheus records ${name} alike`, 10_000).catch(() => assert.deepEqual(seriesOf(result), seriesOf(theirs), `series of ${name}`));
  }

  let firing = new Set<string>();
  await eventually(async () => {
    firing = new Set((await run.alerts()).filter((a) => a.state === 'firing').map((a) => a.name));
    return want.firing.every((n) => firing.has(n));
  }, `alerts ${want.firing.join(', ')} firing`, 20_000).catch(async (e) => {
    const rules = (await run.api('/api/v1/rules')).groups.flatMap((g: any) => g.rules);
    const missing = rules.filter((r: any) => want.firing.includes(r.name) && !firing.has(r.name));
    throw new Error(`${e.message}; firing: ${[...firing].join(', ')}; missing: ${JSON.stringify(missing)}`);
  });
  const active = await run.alerts();
  assert.deepEqual([...new Set(active.map((a) => a.name))].sort(), [...want.firing].sort(), 'active alerts (firing or pending)');
  assert.ok(active.every((a) => a.state === 'firing'), 'no alert left pending');
  // Prometheus 2.42 on the same targets and rules fires exactly the same alerts (label sets).
  const labelSets = (alerts: Array<{ labels: Record<string, string> }>) =>
    alerts.map((a) => JSON.stringify(Object.fromEntries(Object.entries(a.labels).sort()))).sort();
  const mine = labelSets(active);
  let theirs: string[] = [];
  await eventually(async () => {
    const body = await (await fetch(`${run.prometheus.url}/api/v1/alerts`)).json();
    theirs = labelSets(body.data.alerts.filter((a: any) => a.state === 'firing'));
    return JSON.stringify(theirs) === JSON.stringify(mine);
  }, 'Prometheus fires the same alerts', 15_000).catch(() => assert.deepEqual(mine, theirs, 'firing alerts: promlite vs Prometheus'));

  const wanted = Object.fromEntries(Object.entries(want.routes).map(([r, names]) => [r, [...names].sort()]));
  const got = () => Object.fromEntries([...run.notified()].filter(([, n]) => n.size > 0).map(([r, n]) => [r, [...n].sort()]));
  await eventually(() => {
    const g = got();
    return Object.entries(wanted).every(([r, names]) => names.every((n) => g[r]?.includes(n)));
  }, `notifications ${JSON.stringify(wanted)}`, 20_000).catch((e) => {
    throw new Error(`${e.message}; got ${JSON.stringify(got())}`);
  });
  // The real Alertmanager, fed by the real Prometheus, routes the same way.
  const gotAM = () => Object.fromEntries([...run.notifiedByAlertmanager()].filter(([, n]) => n.size > 0).map(([r, n]) => [r, [...n].sort()]));
  await eventually(() => Object.entries(wanted).every(([r, names]) => names.every((n) => gotAM()[r]?.includes(n))), 'Alertmanager notifications', 20_000).catch(() =>
    assert.deepEqual(sortKeys(gotAM()), sortKeys(wanted), `receivers notified by Alertmanager 0.25; its log:\n${run.alertmanagerLog().slice(-2000)}`),
  );
  // Proving that nothing else arrives needs time to pass: one more group interval (1 s) and margin.
  await sleep(2_000);
  assert.deepEqual(sortKeys(got()), sortKeys(wanted), 'receivers notified by promlite');
  assert.deepEqual(sortKeys(gotAM()), sortKeys(wanted), 'receivers notified by Alertmanager 0.25');

  for (const q of want.queries) {
    const r = await run.query(q);
    assert.ok(r.length > 0, `query returns series: ${q}`);
    for (const s of r) assert.ok(isFiniteSample(s.value[1]), `finite value for ${q}: ${JSON.stringify(s)}`);
    // Same series as Prometheus answers (values differ: the two scrape at different instants).
    const theirs = await promQuery(run.prometheus.url, q);
    assert.deepEqual(seriesOf(r), seriesOf(theirs), `series of ${q}: promlite vs Prometheus`);
  }
  for (const q of want.rangeQueries) {
    const r = await run.queryRange(q, 10);
    assert.ok(r.length > 0, `query_range returns series: ${q}`);
    assert.ok(r.some((s: any) => s.values.length >= 3), `query_range has points over time: ${q}`);
  }
}
