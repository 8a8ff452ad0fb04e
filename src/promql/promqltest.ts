/**
 * The promqltest script DSL (`load` / `clear` / `eval`), as Prometheus's own PromQL test files
 * use it (format: shared/research/promqltest-format.md). Two uses:
 *  - `loadedStorage("load 1m\n  up{job=\"a\"} 1 2 3")` builds a fixture store for rules/API tests;
 *  - `runTestScript(text, ...)` runs a whole file and judges every eval (conformance runner).
 *
 * Native histograms are not supported: evals that involve them are reported as skipped.
 */
import type { Storage } from '../storage/interface.ts';
import { Labels, compareLabels } from '../storage/labels.ts';
import { STALE_NAN } from '../storage/staleMarker.ts';
import { MemoryStorage } from '../storage/memoryStorage.ts';
import type { Expr } from './ast.ts';
import { parseExpr } from './parser.ts';
import { Engine, type EngineOptions, type QueryResult } from './engine.ts';
import { QueryError } from './errors.ts';
import type { QueryValue } from './values.ts';
import { RE2JS } from 're2js';
import { type EvalCommand, type LoadCommand, type SeriesLine, parseTestScript } from './promqltest/script.ts';
import { checkAnnotations, compareResult } from './promqltest/compare.ts';
import { isTimeDependent, pinAt, selectors, usesQueryBounds } from './promqltest/exprRewrite.ts';

export * from './promqltest/script.ts';

// ---- loading ------------------------------------------------------------------------------

/**
 * Appends a load block's samples (floats and stale markers; histograms are not stored), with
 * their start timestamps where an `@st` line gives them.
 */
export function applyLoad(storage: Storage, cmd: LoadCommand): void {
  const last = new Map<string, SeriesLine>();
  for (const s of cmd.series) last.set(s.labels.key(), s);
  const app = storage.appender();
  for (const s of last.values()) {
    let ref = 0;
    s.values.forEach((v, i) => {
      if (v === null || v === 'histogram') return;
      const t = i * cmd.interval;
      const offset = s.startOffsets?.[i] ?? null;
      const value = v === 'stale' ? STALE_NAN : v;
      ref = offset === null ? app.append(ref, s.labels, t, value) : app.append(ref, s.labels, t, value, t + offset);
    });
  }
  app.commit();
}

/**
 * A store holding the samples of the `load` blocks in `text` (promqltest notation), for
 * tests of rules and the API: `loadedStorage('load 1m\n  up{job="a"} 1 1 0')`.
 */
export function loadedStorage(text: string, storage: Storage = new MemoryStorage()): Storage {
  for (const cmd of parseTestScript(text)) if (cmd.kind === 'load') applyLoad(storage, cmd);
  return storage;
}

// ---- running ------------------------------------------------------------------------------

export type EvalOutcome = { status: 'pass' } | { status: 'fail'; message: string } | { status: 'skip'; reason: string };

export interface EvalReport {
  line: number;
  expr: string;
  outcome: EvalOutcome;
}

export interface RunOptions {
  newStorage?: () => Storage;
  /**
   * Also make upstream's extra checks on instant evals (default true): the @-pinned query at
   * other times, and the same query as a range query around the eval time.
   */
  strict?: boolean;
  engine?: EngineOptions;
}

/** The engine settings Prometheus's test harness uses. */
export const TEST_ENGINE_OPTIONS: EngineOptions = {
  lookbackDeltaMs: 5 * 60_000,
  defaultSubqueryStepMs: 60_000,
  timeoutMs: 100_000,
  maxSamples: 10_000,
};

/**
 * Runs a whole test script. Throws TestScriptError when the script itself is malformed; each
 * eval is judged on its own.
 */
export function runTestScript(text: string, opts: RunOptions = {}): EvalReport[] {
  const cmds = parseTestScript(text);
  const newStorage = opts.newStorage ?? (() => new MemoryStorage());
  const engine = new Engine(opts.engine ?? TEST_ENGINE_OPTIONS);
  let storage = newStorage();
  const histogramSeries = new Map<string, Labels>();
  const reports: EvalReport[] = [];
  try {
    for (const cmd of cmds) {
      if (cmd.kind === 'clear') {
        storage.close();
        storage = newStorage();
        histogramSeries.clear();
        continue;
      }
      if (cmd.kind === 'load') {
        applyLoad(storage, cmd);
        noteHistograms(cmd, histogramSeries);
        continue;
      }
      const skip = skipReason(cmd, histogramSeries);
      if (skip) {
        reports.push({ line: cmd.line, expr: cmd.expr, outcome: { status: 'skip', reason: skip } });
        continue;
      }
      reports.push({ line: cmd.line, expr: cmd.expr, outcome: runEval(engine, storage, cmd, opts.strict ?? true) });
    }
  } finally {
    storage.close();
  }
  return reports;
}

/** Remembers every series that holds native histogram samples (or is built by load_with_nhcb). */
function noteHistograms(cmd: LoadCommand, out: Map<string, Labels>): void {
  for (const s of cmd.series) {
    if (s.values.includes('histogram')) out.set(s.labels.key(), s.labels);
    if (cmd.withNhcb) {
      const n = s.labels.metricName();
      const base = n.replace(/_(bucket|count|sum)$/, '');
      if (base === n) continue;
      const l = Labels.fromPairs([...Object.entries(s.labels.without(['le']).toObject()), ['__name__', base]]);
      out.set(l.key(), l);
    }
  }
}

/**
 * Why an eval cannot be judged by a float-only engine: its expected results contain native
 * histograms, or one of its selectors matches a series that holds histogram samples (their
 * absence would change the result).
 */
function skipReason(cmd: EvalCommand, histSeries: Map<string, Labels>): string | null {
  if (cmd.hasHistograms) return 'native histograms: expected results contain histograms';
  if (histSeries.size === 0) return null;
  let expr: Expr;
  try {
    expr = parseExpr(cmd.expr);
  } catch (e) {
    // Syntax that only exists for native histograms (the trim operators `</` and `>/`).
    return /native histogram/.test((e as Error).message) ? 'native histograms: histogram-only syntax' : null;
  }
  for (const sel of selectors(expr)) {
    for (const l of histSeries.values()) {
      if (sel.matchers.every((m) => m.matches(l.get(m.name)))) return 'native histograms: the query reads histogram series';
    }
  }
  return null;
}

function runEval(engine: Engine, storage: Storage, cmd: EvalCommand, strict: boolean): EvalOutcome {
  const original = judge(cmd, () => query(engine, storage, cmd, cmd.expr, cmd.at));
  if (original.status !== 'pass' || !strict) return original;
  const failed = cmd.expectations.some((e) => e.type === 'fail');
  let expr: Expr | null = null;
  try {
    expr = parseExpr(cmd.expr);
  } catch {
    return original; // an expected parse failure: nothing more to check
  }
  const rangeCheck = !failed && cmd.rangeVector === null && cmd.expectString === null && !usesQueryBounds(expr);
  if (cmd.instant && rangeCheck) {
    const r = rangeModeCheck(engine, storage, cmd, expr, cmd.at);
    if (r) return { status: 'fail', message: `range-mode check: ${r}` };
  }
  if (!cmd.instant || isTimeDependent(expr)) return { status: 'pass' };
  // Step invariance: pinned with @ to the eval time, the query must give the same answer at
  // any other evaluation time.
  const T = cmd.at;
  const pinned = pinAt(expr, T);
  const times = T === 0 ? [-1000, 0, 1000] : [-10 * T, 0, T / 5, T, 10 * T];
  for (const t of times) {
    const r = judge(cmd, () => query(engine, storage, cmd, pinned, t));
    if (r.status === 'fail') return { status: 'fail', message: `with @ ${T / 1000} evaluated at ${t / 1000}s: ${r.message}` };
    if (rangeCheck) {
      const rr = rangeModeCheck(engine, storage, cmd, pinned, t);
      if (rr) return { status: 'fail', message: `range-mode check with @ ${T / 1000} at ${t / 1000}s: ${rr}` };
    }
  }
  return { status: 'pass' };
}

function query(engine: Engine, storage: Storage, cmd: EvalCommand, q: string | Expr, at: number): QueryResult {
  const opts = { queryText: cmd.expr };
  return cmd.instant ? engine.instantQuerySync(storage, q, at, opts) : engine.rangeQuerySync(storage, q, cmd.start, cmd.end, cmd.step, opts);
}

/** Runs a query and judges its outcome (error, annotations, result) against the eval. */
function judge(cmd: EvalCommand, run: () => QueryResult): EvalOutcome {
  const failExp = cmd.expectations.find((e) => e.type === 'fail');
  let res: QueryResult;
  try {
    res = run();
  } catch (e) {
    if (!(e instanceof QueryError) || e.message.startsWith('internal error:')) {
      const cause = (e as Error & { cause?: Error }).cause ?? e;
      return { status: 'fail', message: `engine crashed: ${(cause as Error).stack ?? cause}` };
    }
    if (!failExp) return { status: 'fail', message: `unexpected error: ${e.message}` };
    if (failExp.mode === 'msg' && e.message !== failExp.text) {
      return { status: 'fail', message: `expected error ${JSON.stringify(failExp.text)}, got ${JSON.stringify(e.message)}` };
    }
    if (failExp.mode === 'regex' && !RE2JS.compile(failExp.text!).matcher(e.message).find()) {
      return { status: 'fail', message: `expected error matching ${JSON.stringify(failExp.text)}, got ${JSON.stringify(e.message)}` };
    }
    return { status: 'pass' };
  }
  if (failExp) return { status: 'fail', message: `expected error${failExp.text ? ' ' + JSON.stringify(failExp.text) : ''} but got none` };
  const annot = checkAnnotations(cmd, res);
  if (annot) return { status: 'fail', message: annot };
  const msg = compareResult(cmd, res.result);
  return msg === null ? { status: 'pass' } : { status: 'fail', message: msg };
}

/**
 * Upstream's range-mode check: a range query from t-1m to t+1m (step 1m) must succeed, be
 * sorted, and its points at t must match the instant expectation (order not checked).
 */
function rangeModeCheck(engine: Engine, storage: Storage, cmd: EvalCommand, q: string | Expr, t: number): string | null {
  let res: QueryResult;
  try {
    res = engine.rangeQuerySync(storage, q, t - 60_000, t + 60_000, 60_000, { queryText: cmd.expr });
  } catch (e) {
    return `range query failed: ${(e as Error).message}`;
  }
  if (res.result.type !== 'matrix') return `range query returned ${res.result.type}`;
  const series = res.result.series;
  for (let k = 1; k < series.length; k++) {
    if (compareLabels(series[k - 1].metric, series[k].metric) >= 0) return 'range query result is not sorted by labels';
  }
  let atT: QueryValue;
  if (cmd.scalar !== null) {
    const p = series[0]?.points.find((x) => x.t === t);
    atT = { type: 'scalar', t, v: p ? p.v : NaN };
  } else {
    atT = {
      type: 'vector',
      samples: series.flatMap((s) => s.points.filter((p) => p.t === t).map((p) => ({ metric: s.metric, t, v: p.v }))),
    };
  }
  const unordered: EvalCommand = { ...cmd, expectations: cmd.expectations.filter((e) => e.type !== 'ordered') };
  return compareResult(unordered, atT);
}
