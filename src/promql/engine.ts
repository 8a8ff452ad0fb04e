/**
 * Query lifecycle: parse, apply limits (max samples, timeout, concurrency, lookback delta),
 * evaluate, and turn the evaluator's step values into Prometheus result types.
 *
 *   const engine = new Engine({ maxSamples: 50e6, timeoutMs: 120_000 });
 *   const { result, warnings } = await engine.rangeQuery(storage, 'sum(rate(x[5m]))', start, end, step);
 *
 * Errors are `QueryError`s whose `type` maps onto the API's errorType.
 */
import type { Expr } from './ast.ts';
import type { Queryable } from '../storage/interface.ts';
import { Labels, METRIC_NAME, compareLabels } from '../storage/labels.ts';
import { parseExpr } from './parser.ts';
import { PromQLParseError } from './parseError.ts';
import { resolveDurationExprs } from './durationExpr.ts';
import { Annotations } from './annotations.ts';
import { QueryError } from './errors.ts';
import { Evaluator, type QueryContext, kindName } from './evaluator.ts';
import type { EvalResult, Gen, StepSeries } from './steps.ts';
import type { QueryValue, Sample, Series } from './values.ts';

export { QueryError } from './errors.ts';
export type { QueryErrorType } from './errors.ts';

export interface EngineOptions {
  /** --query.max-samples: samples a query may hold in memory at once. */
  maxSamples?: number;
  /** --query.timeout in ms. */
  timeoutMs?: number;
  /** --query.max-concurrency: queries evaluated at once; more wait in line. */
  maxConcurrency?: number;
  /** --query.lookback-delta in ms. */
  lookbackDeltaMs?: number;
  /** Step of subqueries without one (`[5m:]`): the global evaluation interval. */
  defaultSubqueryStepMs?: number;
  /** Wall clock for the timeout (injectable for tests). */
  now?: () => number;
  /**
   * Async queries give the event loop a turn after running this long (ms), so a long query
   * does not stall scrapes and API requests. 0 pauses at every yield point.
   */
  sliceMs?: number;
}

export interface QueryOptions {
  signal?: AbortSignal;
  /** Per-query override of the lookback delta (the API's lookback_delta parameter). */
  lookbackDeltaMs?: number;
  /** When passing an already parsed Expr: its source text, for annotation positions. */
  queryText?: string;
  /** Per-query timeout (the API's `timeout` parameter); can only shorten --query.timeout. */
  timeoutMs?: number;
}

export interface QueryStats {
  /** Peak number of samples held in memory, as counted for the max-samples limit. */
  peakSamples: number;
}

export interface QueryResult {
  result: QueryValue;
  /** Rendered annotations: `PromQL warning: ... (line:col)`. */
  warnings: string[];
  infos: string[];
  stats: QueryStats;
}

export const ENGINE_DEFAULTS = {
  maxSamples: 50_000_000,
  timeoutMs: 120_000,
  maxConcurrency: 20,
  lookbackDeltaMs: 5 * 60_000,
  defaultSubqueryStepMs: 60_000,
} as const;

/** Most points a range query may return per series. */
export const MAX_POINTS_PER_SERIES = 11_000;

export class Engine {
  readonly opts: Required<Omit<EngineOptions, 'now' | 'sliceMs'>>;
  private readonly sliceMs: number;
  private readonly now: () => number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly parsed = new ParseCache(PARSE_CACHE_ENTRIES, PARSE_CACHE_MAX_QUERY_LENGTH);

  constructor(opts: EngineOptions = {}) {
    this.opts = {
      maxSamples: opts.maxSamples ?? ENGINE_DEFAULTS.maxSamples,
      timeoutMs: opts.timeoutMs ?? ENGINE_DEFAULTS.timeoutMs,
      maxConcurrency: opts.maxConcurrency ?? ENGINE_DEFAULTS.maxConcurrency,
      lookbackDeltaMs: opts.lookbackDeltaMs ?? ENGINE_DEFAULTS.lookbackDeltaMs,
      defaultSubqueryStepMs: opts.defaultSubqueryStepMs ?? ENGINE_DEFAULTS.defaultSubqueryStepMs,
    };
    this.now = opts.now ?? Date.now;
    this.sliceMs = opts.sliceMs ?? 10;
  }

  /** Evaluates `qs` at time `t` (ms). */
  async instantQuery(queryable: Queryable, qs: string | Expr, t: number, opts: QueryOptions = {}): Promise<QueryResult> {
    return this.withSlot(opts, (deadline) => runAsync(this.execInstant(queryable, qs, t, opts, deadline), this.sliceMs));
  }

  /** Evaluates `qs` at start, start+step, ... <= end (ms). */
  async rangeQuery(
    queryable: Queryable,
    qs: string | Expr,
    start: number,
    end: number,
    step: number,
    opts: QueryOptions = {},
  ): Promise<QueryResult> {
    return this.withSlot(opts, (deadline) => runAsync(this.execRange(queryable, qs, start, end, step, opts, deadline), this.sliceMs));
  }

  /** Synchronous instant query without the concurrency gate (rules, tests). */
  instantQuerySync(queryable: Queryable, qs: string | Expr, t: number, opts: QueryOptions = {}): QueryResult {
    return runSync(this.execInstant(queryable, qs, t, opts, this.now() + this.opts.timeoutMs));
  }

  /** Synchronous range query without the concurrency gate. */
  rangeQuerySync(queryable: Queryable, qs: string | Expr, start: number, end: number, step: number, opts: QueryOptions = {}): QueryResult {
    return runSync(this.execRange(queryable, qs, start, end, step, opts, this.now() + this.opts.timeoutMs));
  }

  private async withSlot<T>(opts: QueryOptions, run: (deadline: number) => Promise<T>): Promise<T> {
    const deadline = this.now() + Math.min(this.opts.timeoutMs, opts.timeoutMs ?? Infinity);
    if (this.active >= this.opts.maxConcurrency) {
      // A finishing query hands its slot straight to the first waiter (active stays the same).
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      if (opts.signal?.aborted) throw new QueryError('canceled', 'query was canceled in queue');
      if (this.now() > deadline) throw new QueryError('timeout', 'query timed out in queue');
      return await run(deadline);
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  private *execInstant(queryable: Queryable, qs: string | Expr, t: number, opts: QueryOptions, deadline: number): Gen<QueryResult> {
    const { expr, text } = this.parse(qs, { startMs: t, endMs: t, stepMs: 0 }, opts);
    const { ev, ctx } = this.evaluator(queryable, text, Float64Array.of(t), t, t, 0, opts, deadline);
    const res = yield* evaluate(ev, expr);
    return this.finish(ctx, toInstantValue(res, t));
  }

  private *execRange(
    queryable: Queryable,
    qs: string | Expr,
    start: number,
    end: number,
    step: number,
    opts: QueryOptions,
    deadline: number,
  ): Gen<QueryResult> {
    if (step <= 0) throw new QueryError('bad_data', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
    if (end < start) throw new QueryError('bad_data', 'end timestamp must not be before start time');
    // Prometheus's API limit, enforced here too so no caller can make the engine allocate
    // an unbounded number of steps.
    if ((end - start) / step > MAX_POINTS_PER_SERIES) {
      throw new QueryError(
        'bad_data',
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    }
    const { expr, text } = this.parse(qs, { startMs: start, endMs: end, stepMs: step }, opts);
    const times: number[] = [];
    for (let t = start; t <= end; t += step) times.push(t);
    const { ev, ctx } = this.evaluator(queryable, text, Float64Array.from(times), start, end, step, opts, deadline);
    const res = yield* evaluate(ev, expr);
    if (res.kind !== 'scalar' && res.kind !== 'vector') {
      throw new QueryError('bad_data', `invalid expression type "${kindName(res)}" for range query, must be Scalar or instant Vector`);
    }
    return this.finish(ctx, toMatrixValue(res, ev.stepTimes));
  }

  private parse(
    qs: string | Expr,
    times: { startMs: number; endMs: number; stepMs: number },
    opts: QueryOptions,
  ): { expr: Expr; text: string } {
    if (typeof qs !== 'string') return { expr: resolveDurationExprs(qs, times), text: opts.queryText ?? '' };
    try {
      return { expr: resolveDurationExprs(this.parsed.parse(qs), times), text: qs };
    } catch (e) {
      if (e instanceof PromQLParseError) throw new QueryError('bad_data', e.message);
      throw e;
    }
  }

  private evaluator(
    queryable: Queryable,
    text: string,
    times: Float64Array,
    start: number,
    end: number,
    step: number,
    opts: QueryOptions,
    deadline: number,
  ): { ev: Evaluator; ctx: QueryContext } {
    const ctx: QueryContext = {
      queryable,
      lookbackDelta: opts.lookbackDeltaMs ?? this.opts.lookbackDeltaMs,
      maxSamples: this.opts.maxSamples,
      currentSamples: 0,
      peakSamples: 0,
      deadline,
      now: this.now,
      signal: opts.signal,
      annotations: new Annotations(text),
      queryStart: start,
      queryEnd: end,
      queryStep: step,
      defaultSubqueryStep: this.opts.defaultSubqueryStepMs,
      isRangeQuery: step > 0,
    };
    return { ev: new Evaluator(ctx, times), ctx };
  }

  private finish(ctx: QueryContext, result: QueryValue): QueryResult {
    return {
      result,
      warnings: [...ctx.annotations.warnings],
      infos: [...ctx.annotations.infos],
      stats: { peakSamples: ctx.peakSamples },
    };
  }
}

/** Distinct query texts whose parsed form is kept (a few KB each). */
const PARSE_CACHE_ENTRIES = 512;
/** Longer texts are parsed every time, so the cache stays small whatever clients send. */
const PARSE_CACHE_MAX_QUERY_LENGTH = 4096;

/**
 * Parsed queries by their text, least recently used dropped first. Dashboards and rule-like
 * API clients send the same few queries over and over, and parsing costs as much as evaluating
 * a small query. Sharing an AST is safe: evaluation never mutates it (resolveDurationExprs
 * copies the nodes it changes). Parse errors are not cached.
 */
class ParseCache {
  private readonly map = new Map<string, Expr>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxLength: number,
  ) {}

  parse(text: string): Expr {
    const hit = this.map.get(text);
    if (hit !== undefined) {
      this.map.delete(text);
      this.map.set(text, hit);
      return hit;
    }
    const expr = parseExpr(text);
    if (text.length <= this.maxLength) {
      this.map.set(text, expr);
      if (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value!);
    }
    return expr;
  }
}

/** Runs an evaluation to completion without pausing (rules, tests, the sync API). */
function runSync<T>(gen: Gen<T>): T {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

/**
 * Runs an evaluation, pausing at its yield points every `sliceMs` so scrapes, API requests and
 * an AbortSignal's abort event get their turn during a long query.
 */
async function runAsync<T>(gen: Gen<T>, sliceMs: number): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/**
 * Runs the evaluator; an unexpected exception (a bug, or a storage failure) becomes an
 * 'execution' QueryError so the caller gets an error response instead of a crash.
 */
function* evaluate(ev: Evaluator, expr: Expr): Gen<EvalResult> {
  try {
    return yield* ev.eval(expr);
  } catch (e) {
    if (e instanceof QueryError) throw e;
    const err = new QueryError('execution', `internal error: ${(e as Error).message ?? String(e)}`);
    (err as Error & { cause?: unknown }).cause = e;
    throw err;
  }
}

/** Metric type and unit labels go together with the name. */
const NAME_LABELS = [METRIC_NAME, '__type__', '__unit__'];

/**
 * Delayed name removal: drops `__name__` from the series marked for it, then merges series
 * that now share a label set (an error if they overlap in time).
 */
function finalizeNames(series: StepSeries[]): StepSeries[] {
  const out: StepSeries[] = [];
  const byKey = new Map<string, StepSeries>();
  for (const s of series) {
    let metric = s.metric;
    if (s.dropName) metric = metric.without(NAME_LABELS);
    const key = metric.key();
    const prev = byKey.get(key);
    if (prev === undefined) {
      const copy = { ...s, metric, dropName: false };
      byKey.set(key, copy);
      out.push(copy);
      continue;
    }
    for (let i = 0; i < s.present.length; i++) {
      if (!s.present[i]) continue;
      if (prev.present[i]) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
      prev.present[i] = 1;
      prev.values[i] = s.values[i];
    }
  }
  return out;
}

function toInstantValue(res: EvalResult, t: number): QueryValue {
  switch (res.kind) {
    case 'scalar':
      return { type: 'scalar', t, v: res.values[0] };
    case 'string':
      return { type: 'string', t, v: res.value };
    case 'vector': {
      const samples: Sample[] = [];
      for (const s of finalizeNames(res.series)) if (s.present[0]) samples.push({ metric: s.metric, t, v: s.values[0] });
      return { type: 'vector', samples };
    }
    case 'matrix': {
      const end = (res.at ?? t) - res.offset;
      const start = end - res.range;
      const series: Series[] = [];
      for (const s of res.series()) {
        const points = [];
        for (let k = 0; k < s.ts.length; k++) if (s.ts[k] > start && s.ts[k] <= end) points.push({ t: s.ts[k], v: s.vs[k] });
        if (points.length > 0) series.push({ metric: s.dropName ? s.metric.without(NAME_LABELS) : s.metric, points });
      }
      series.sort((a, b) => compareLabels(a.metric, b.metric));
      return { type: 'matrix', series };
    }
  }
}

function toMatrixValue(res: EvalResult, times: Float64Array): QueryValue {
  let stepSeries: StepSeries[];
  if (res.kind === 'scalar') {
    stepSeries = [{ metric: Labels.EMPTY, values: res.values, present: new Uint8Array(times.length).fill(1), dropName: false }];
  } else if (res.kind === 'vector') {
    stepSeries = finalizeNames(res.series);
  } else {
    throw new QueryError('bad_data', `invalid expression type "${kindName(res)}" for range query, must be Scalar or instant Vector`);
  }
  const series: Series[] = [];
  for (const s of stepSeries) {
    const points = [];
    for (let i = 0; i < times.length; i++) if (s.present[i]) points.push({ t: times[i], v: s.values[i] });
    if (points.length > 0) series.push({ metric: s.metric, points });
  }
  series.sort((a, b) => compareLabels(a.metric, b.metric));
  return { type: 'matrix', series };
}
