/**
 * promtool's rule unit tests (`promtool test rules`, docs/configuration/unit_testing_rules.md):
 * the same file format, the same evaluation loop (rules evaluated at every
 * evaluation_interval from 0, alerts compared at the evaluation at or before `eval_time`),
 * the same pass/fail decisions and the same messages.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { systemClock } from '../clock.ts';
import { Labels, compareLabels } from '../storage/labels.ts';
import { MemoryStorage } from '../storage/memoryStorage.ts';
import type { Queryable } from '../storage/interface.ts';
import { AlertingRule } from './alertingRule.ts';
import { expandGlob } from '../config/glob.ts';
import { Group, type Rule } from './group.ts';
import { formatFloatExp, goLabelsString } from './goFormat.ts';
import { RecordingRule } from './recordingRule.ts';
import { readRuleFile, RuleFileError, type GroupSpec } from './ruleFile.ts';
import { RuleMetrics } from './ruleMetrics.ts';
import { formatDuration as formatPromDuration, formatGoDuration } from '../config/duration.ts';
import { parseUnitTestFile, type AlertTestCase, type TestGroup, type UnitTestFile } from './unitTestFile.ts';
import { parseSeriesDesc, parseValues } from '../promql/promqltest.ts';
import { STALE_NAN } from '../storage/staleMarker.ts';
import { realTimers } from './timers.ts';
import type { QueryFn, RuleSyntax } from './types.ts';
import { processIO, type CommandIO } from './commandIO.ts';
import { Engine } from '../promql/engine.ts';
import { engineQueryFn } from './engineQueryFn.ts';
import { promliteRuleSyntax } from './ruleSyntax.ts';

export interface RuleTestDeps {
  syntax: RuleSyntax;
  /** A query function evaluating PromQL over `queryable` (the engine). */
  queryFnFor(queryable: Queryable): QueryFn;
}

export type { CommandIO } from './commandIO.ts';

/** The real parser, templates and PromQL engine. */
export function defaultRuleTestDeps(): RuleTestDeps {
  const engine = new Engine();
  return { syntax: promliteRuleSyntax, queryFnFor: (q) => engineQueryFn(engine, q) };
}

/** Runs `promtool test rules FILE...`; returns the exit code (0 all passed, 1 otherwise). */
export async function testRulesCommand(files: readonly string[], io: CommandIO = processIO, deps: RuleTestDeps = defaultRuleTestDeps()): Promise<number> {
  let failed = false;
  for (const f of files) {
    io.out(`Unit Testing:  ${f}\n`);
    const errs = await ruleUnitTestFile(f, deps, io);
    if (errs.length > 0) {
      io.err('  FAILED:\n');
      for (const e of errs) {
        io.err(e + '\n');
        io.out('\n');
      }
      failed = true;
    } else {
      io.out('  SUCCESS\n');
    }
    io.out('\n');
  }
  return failed ? 1 : 0;
}

/** Runs the tests of one file; returns the failure messages (empty = passed). */
export async function ruleUnitTestFile(file: string, deps: RuleTestDeps, io: CommandIO = processIO): Promise<string[]> {
  let parsed: UnitTestFile;
  try {
    parsed = parseUnitTestFile(readFileSync(file, 'utf8'));
  } catch (e) {
    return [(e as Error).message];
  }
  const order = new Map<string, number>();
  for (const [i, g] of parsed.groupEvalOrder.entries()) {
    if (order.has(g)) return [`group name repeated in evaluation order: ${g}`];
    order.set(g, i);
  }
  // Rule files are relative to the test file; globs allowed; no match is only a warning.
  const ruleFiles: string[] = [];
  for (const p of parsed.ruleFiles) {
    const joined = isAbsolute(p) ? p : join(dirname(file), p);
    const matches = expandGlob(resolve(joined)).map((m) => (isAbsolute(joined) ? m : relative(process.cwd(), m)));
    if (matches.length === 0) io.err(`  WARNING: no file match pattern ${joined}\n`);
    ruleFiles.push(...matches);
  }
  const errs: string[] = [];
  for (const tg of parsed.tests) {
    if (tg.interval === 0) tg.interval = parsed.evaluationInterval;
    errs.push(...(await runTestGroup(tg, parsed.evaluationInterval, order, ruleFiles, deps)));
  }
  return errs;
}

async function runTestGroup(
  tg: TestGroup,
  evalInterval: number,
  order: Map<string, number>,
  ruleFiles: string[],
  deps: RuleTestDeps,
): Promise<string[]> {
  // Input series.
  const storage = new MemoryStorage();
  try {
    const app = storage.appender();
    for (const s of tg.inputSeries) {
      const labels = parseMetric(s.series, deps.syntax);
      parseValues(s.values).forEach((v, k) => {
        // null is `_` (no sample at this step); native histograms are not supported.
        if (typeof v === 'number') app.append(0, labels, k * tg.interval, v);
        else if (v === 'stale') app.append(0, labels, k * tg.interval, STALE_NAN);
      });
    }
    app.commit();
  } catch (e) {
    return [(e as Error).message];
  }
  const queryFn = deps.queryFnFor(storage);

  // Rule groups, in group_eval_order (then file order).
  let specs: GroupSpec[] = [];
  try {
    const errors: string[] = [];
    for (const f of ruleFiles) {
      try {
        specs.push(...readRuleFile(f, deps.syntax));
      } catch (e) {
        if (e instanceof RuleFileError) errors.push(...e.errors);
        else throw e;
      }
    }
    if (errors.length > 0) return errors;
  } catch (e) {
    return [(e as Error).message];
  }
  specs = specs
    .map((s, i) => ({ s, i }))
    .sort((a, b) => (order.get(a.s.name) ?? 0) - (order.get(b.s.name) ?? 0) || a.i - b.i)
    .map((x) => x.s);
  const groupDeps = {
    queryFn,
    appendable: storage,
    clock: systemClock,
    timers: realTimers,
    metrics: new RuleMetrics(),
    resendDelay: 60_000,
    outageTolerance: 3600_000,
    forGracePeriod: 600_000,
  };
  const groups = specs.map((spec) => {
    const rules: Rule[] = spec.rules.map((r) => {
      const query = deps.syntax.formatExpr ? deps.syntax.formatExpr(r.parsedExpr) : r.expr;
      if (r.kind === 'recording') return new RecordingRule(r, query);
      const ar = new AlertingRule({ spec: r, query, syntax: deps.syntax, externalLabels: tg.externalLabels, externalURL: tg.externalURL });
      ar.restored = true; // so ALERTS series are written from the first evaluation
      return ar;
    });
    return new Group(
      { name: spec.name, file: spec.file, interval: spec.interval ?? evalInterval, limit: spec.limit, queryOffset: spec.queryOffset ?? 0, rules, shouldRestore: false },
      groupDeps,
    );
  });

  // Alert tests by eval time.
  const alertTests = new Map<number, AlertTestCase[]>();
  for (const a of tg.alertTests) {
    if (a.alertname === '') {
      const where = tg.name ? ` (in TestGroup ${tg.name})` : '';
      return [`an item under alert_rule_test misses required attribute alertname at eval_time ${formatPromDuration(a.evalTime)}${where}`];
    }
    alertTests.set(a.evalTime, [...(alertTests.get(a.evalTime) ?? []), a]);
  }
  const alertEvalTimes = [...alertTests.keys()].sort((a, b) => a - b);
  const maxt = Math.max(0, ...tg.alertTests.map((a) => a.evalTime), ...tg.promqlTests.map((p) => p.evalTime));

  const errs: string[] = [];
  let curr = 0;
  for (let ts = 0; ts <= maxt; ts += evalInterval) {
    const evalErrs: string[] = [];
    for (const g of groups) {
      await g.evalAt(ts);
      for (const r of g.rules) {
        if (r.status.lastError !== null) evalErrs.push(`    rule: ${r.name}, time: ${formatGoDuration(ts)}, err: ${r.status.lastError}`);
      }
    }
    errs.push(...evalErrs);
    if (evalErrs.length > 0) return errs;

    while (curr < alertEvalTimes.length && ts <= alertEvalTimes[curr] && alertEvalTimes[curr] < ts + evalInterval) {
      const t = alertEvalTimes[curr];
      for (const tc of alertTests.get(t)!) {
        const got: ExpAlertLabels[] = [];
        for (const g of groups)
          for (const r of g.rules)
            if (r instanceof AlertingRule && r.name === tc.alertname)
              for (const a of r.activeAlerts()) if (a.state === 'firing') got.push({ labels: a.labels, annotations: a.annotations });
        const exp: ExpAlertLabels[] = tc.expAlerts.map((a) => ({
          labels: Labels.fromPairs([...Object.entries(a.labels), ['alertname', tc.alertname]]),
          annotations: Labels.fromObject(a.annotations),
        }));
        got.sort(compareAlert);
        exp.sort(compareAlert);
        if (!sameAlerts(exp, got)) {
          const testName = tg.name ? `    name: ${tg.name},\n` : '';
          errs.push(
            `${testName}    alertname: ${tc.alertname}, time: ${formatPromDuration(tc.evalTime)}, \n` +
              `        exp:${indentLines(alertsString(exp), '            ')}, \n` +
              `        got:${indentLines(alertsString(got), '            ')}`,
          );
        }
      }
      curr++;
    }
  }

  outer: for (const tc of tg.promqlTests) {
    let got: { labels: Labels; value: number }[];
    try {
      const res = await queryFn(tc.expr, tc.evalTime);
      got = res.map((s) => ({ labels: s.metric, value: s.v }));
    } catch (e) {
      errs.push(`    expr: ${JSON.stringify(tc.expr)}, time: ${formatPromDuration(tc.evalTime)}, err: ${(e as Error).message}`);
      continue;
    }
    const exp: { labels: Labels; value: number }[] = [];
    for (const s of tc.expSamples) {
      try {
        exp.push({ labels: parseMetric(s.labels, deps.syntax), value: s.value });
      } catch (e) {
        errs.push(`    expr: ${JSON.stringify(tc.expr)}, time: ${formatPromDuration(tc.evalTime)}, err: labels ${JSON.stringify(s.labels)}: ${(e as Error).message}`);
        continue outer;
      }
    }
    exp.sort((a, b) => compareLabels(a.labels, b.labels));
    got.sort((a, b) => compareLabels(a.labels, b.labels));
    const same = exp.length === got.length && exp.every((e, i) => e.labels.equals(got[i].labels) && e.value === got[i].value);
    if (!same) {
      errs.push(
        `    expr: ${JSON.stringify(tc.expr)}, time: ${formatPromDuration(tc.evalTime)},\n` +
          `        exp: ${samplesString(exp)}\n` +
          `        got: ${samplesString(got)}`,
      );
    }
  }
  return errs;
}

/** A series description on its own (`name{l="v"}`), as promtool's parser.ParseMetric. */
function parseMetric(text: string, syntax?: RuleSyntax): Labels {
  try {
    const { labels, rest } = parseSeriesDesc(text.trim());
    if (rest.trim() !== '') throw new Error(`unexpected ${JSON.stringify(rest.trim())} after series description`);
    return labels;
  } catch (e) {
    // The PromQL parser words (and positions) errors the way promtool prints them.
    try {
      syntax?.parseExpr(text);
    } catch (pe) {
      throw pe;
    }
    throw e;
  }
}

interface ExpAlertLabels {
  labels: Labels;
  annotations: Labels;
}

function compareAlert(a: ExpAlertLabels, b: ExpAlertLabels): number {
  return compareLabels(a.labels, b.labels) || compareLabels(a.annotations, b.annotations);
}

function sameAlerts(a: ExpAlertLabels[], b: ExpAlertLabels[]): boolean {
  return a.length === b.length && a.every((x, i) => x.labels.equals(b[i].labels) && x.annotations.equals(b[i].annotations));
}

function alertsString(la: ExpAlertLabels[]): string {
  if (la.length === 0) return '[]';
  const one = (l: ExpAlertLabels) => `Labels:${goLabelsString(l.labels)}\nAnnotations:${goLabelsString(l.annotations)}`;
  let s = '[\n0:' + indentLines('\n' + one(la[0]), '  ');
  la.slice(1).forEach((l, i) => {
    s += ',\n' + String(i + 1) + ':' + indentLines('\n' + one(l), '  ');
  });
  return s + '\n]';
}

function indentLines(lines: string, indent: string): string {
  return lines
    .split('\n')
    .map((l, i) => (i > 0 ? indent + l : l))
    .join('\n');
}

function samplesString(s: { labels: Labels; value: number }[]): string {
  if (s.length === 0) return 'nil';
  return s.map((x) => `${goLabelsString(x.labels)} ${formatFloatExp(x.value, true)}`).join(', ');
}
