/**
 * Evaluates an AST for all steps of a query at once. Each selector reads its series from
 * storage exactly once (through the Queryable) into typed arrays; every step is then answered
 * from those arrays. Operators, aggregations and functions live in their own modules and work
 * on the step-shaped values defined in steps.ts.
 */
import type { AtModifier, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from './ast.ts';
import type { Queryable } from '../storage/interface.ts';
import { isStaleNaN } from '../storage/staleMarker.ts';
import { Labels, compareLabels } from '../storage/labels.ts';
import { Annotations } from './annotations.ts';
import { QueryError, TOO_MANY_SAMPLES, evalError } from './errors.ts';
import {
  type EvalResult,
  type Gen,
  type RangeArg,
  type RangeSeries,
  type ScalarSteps,
  type StepSeries,
  type VectorSteps,
  SampleBuffer,
  newStepSeries,
} from './steps.ts';
import { evalBinary } from './vectorMatching.ts';
import { evalAggregate } from './aggregations.ts';
import { callFunction } from './functions/index.ts';

/** State shared by all evaluators (including subquery ones) of one query. */
export interface QueryContext {
  queryable: Queryable;
  lookbackDelta: number;
  maxSamples: number;
  /** Samples currently held, as Prometheus counts them for max-samples. */
  currentSamples: number;
  peakSamples: number;
  deadline: number;
  now: () => number;
  signal?: AbortSignal;
  annotations: Annotations;
  /** The query's own start/end, which `@ start()` / `@ end()` refer to. */
  queryStart: number;
  queryEnd: number;
  /** The query step (0 for instant queries), what step() reports. */
  queryStep: number;
  /** Step of subqueries written without one (`[5m:]`). */
  defaultSubqueryStep: number;
  /** Whether the outer query is a range query (for annotations such as sort's). */
  isRangeQuery: boolean;
  /**
   * Whether matrix selectors and start_timestamp() read per-sample start timestamps
   * (Prometheus's `use-start-timestamps` feature). Unset means yes.
   */
  startTimestamps?: boolean;
}

export class Evaluator {
  readonly n: number;
  private checks = 0;

  constructor(
    readonly ctx: QueryContext,
    /** Evaluation timestamps (ms), ascending. */
    readonly stepTimes: Float64Array,
  ) {
    this.n = stepTimes.length;
  }

  // ---- limits -------------------------------------------------------------------------

  /** Accounts for `n` more samples held in memory; throws past the limit. */
  addSamples(n: number): void {
    this.ctx.currentSamples += n;
    if (this.ctx.currentSamples > this.ctx.peakSamples) this.ctx.peakSamples = this.ctx.currentSamples;
    if (this.ctx.currentSamples > this.ctx.maxSamples) throw new QueryError('execution', TOO_MANY_SAMPLES);
  }

  releaseSamples(n: number): void {
    this.ctx.currentSamples -= n;
  }

  /** Timeout / cancellation check, cheap enough to call in loops. */
  checkAlive(): void {
    if ((++this.checks & 255) !== 0) return;
    this.checkNow();
  }

  checkNow(): void {
    if (this.ctx.signal?.aborted) throw new QueryError('canceled', 'query was canceled in expression evaluation');
    if (this.ctx.now() > this.ctx.deadline) throw new QueryError('timeout', 'query timed out in expression evaluation');
  }

  // ---- dispatch -----------------------------------------------------------------------

  *eval(e: Expr): Gen<EvalResult> {
    this.checkNow();
    switch (e.type) {
      case 'NumberLiteral':
        return this.scalar(e.val);
      case 'StringLiteral':
        return { kind: 'string', value: e.val };
      case 'ParenExpr':
        return yield* this.eval(e.expr);
      case 'UnaryExpr': {
        const v = yield* this.eval(e.expr);
        if (e.op === '+') return v;
        if (v.kind === 'scalar') return { kind: 'scalar', values: v.values.map((x) => -x) };
        if (v.kind === 'vector') {
          for (const s of v.series) {
            for (let i = 0; i < this.n; i++) s.values[i] = -s.values[i];
            s.dropName = true;
          }
          return v;
        }
        throw evalError(`unary expression only allowed on expressions of type scalar or instant vector, got "${kindName(v)}"`);
      }
      case 'VectorSelector':
        return yield* this.evalVectorSelector(e);
      case 'MatrixSelector':
        return this.evalMatrixSelector(e);
      case 'SubqueryExpr':
        return yield* this.evalSubquery(e);
      case 'BinaryExpr':
        return yield* evalBinary(this, e);
      case 'AggregateExpr':
        return yield* evalAggregate(this, e);
      case 'Call':
        return yield* callFunction(this, e);
    }
  }

  scalar(v: number): ScalarSteps {
    return { kind: 'scalar', values: new Float64Array(this.n).fill(v) };
  }

  *evalVector(e: Expr): Gen<VectorSteps> {
    const r = yield* this.eval(e);
    if (r.kind !== 'vector') throw evalError(`expected instant vector, got ${kindName(r)}`);
    return r;
  }

  *evalScalar(e: Expr): Gen<Float64Array> {
    const r = yield* this.eval(e);
    if (r.kind !== 'scalar') throw evalError(`expected scalar, got ${kindName(r)}`);
    return r.values;
  }

  *evalString(e: Expr): Gen<string> {
    const r = yield* this.eval(e);
    if (r.kind !== 'string') throw evalError(`expected string, got ${kindName(r)}`);
    return r.value;
  }

  /** A range-vector argument (matrix selector or subquery, possibly in parentheses). */
  *evalRange(e: Expr): Gen<RangeArg> {
    const r = yield* this.eval(unwrapParens(e));
    if (r.kind !== 'matrix') throw evalError(`expected range vector, got ${kindName(r)}`);
    return r;
  }

  resolveAt(at: AtModifier | null): number | null {
    if (at === null) return null;
    if (at.kind === 'timestamp') return at.t;
    return at.kind === 'start' ? this.ctx.queryStart : this.ctx.queryEnd;
  }

  /** The evaluation time of a selector at step i, after @ and offset. */
  private selectorTimes(at: AtModifier | null, offset: number): Float64Array {
    const fixed = this.resolveAt(at);
    const out = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) out[i] = (fixed ?? this.stepTimes[i]) - offset;
    return out;
  }

  // ---- selectors ----------------------------------------------------------------------

  /**
   * Streams every series matching `sel` within [mint, maxt] (stale markers dropped, as range
   * selectors do) to `cb`, one at a time; the arrays are reused between calls.
   */
  private *streamSeries(sel: VectorSelector, mint: number, maxt: number): Generator<RangeSeries, void, void> {
    const querier = this.ctx.queryable.querier(mint, maxt);
    try {
      const set = querier.select(sel.matchers, { sorted: true });
      const buf = new SampleBuffer(256);
      const current: RangeSeries = { metric: Labels.EMPTY, ts: buf.ts, vs: buf.vs, sts: undefined, dropName: false };
      let viewsOf: Float64Array | null = null; // the buffer current.ts / current.vs view
      // Storage returns the series in label order (the `sorted` hint; the Querier suite checks
      // every store), so they are not compared again here: that cost 5% of a rate query.
      while (set.next()) {
        const s = set.at();
        const it = s.iterator();
        buf.reset();
        if (it.seek(mint)) {
          if (it.atST === undefined || this.ctx.startTimestamps === false) {
            do {
              const t = it.atT();
              if (t > maxt) break;
              const v = it.atV();
              if (isStaleNaN(v)) continue;
              buf.push(t, v);
            } while (it.next());
          } else {
            // A separate loop, so that iterators without start timestamps pay nothing for them.
            do {
              const t = it.atT();
              if (t > maxt) break;
              const v = it.atV();
              if (isStaleNaN(v)) continue;
              buf.pushWithST(t, v, it.atST());
            } while (it.next());
          }
        }
        const err = it.err();
        if (err) throw evalError(err.message);
        this.checkAlive();
        if (buf.length === 0) continue;
        current.metric = s.labels;
        // The series of a selector mostly hold equally many samples: then the views of the last
        // one still fit (two typed-array objects per series were 12% of an instant rate query's garbage).
        if (viewsOf !== buf.ts || current.ts.length !== buf.length) {
          viewsOf = buf.ts;
          current.ts = buf.ts.subarray(0, buf.length);
          current.vs = buf.vs.subarray(0, buf.length);
        }
        current.sts = buf.hasST ? buf.sts!.subarray(0, buf.length) : undefined;
        yield current;
      }
      const err = set.err();
      if (err) throw evalError(err.message);
      for (const w of set.warnings()) this.ctx.annotations.warnings.add(w);
    } finally {
      querier.close();
    }
  }

  /**
   * Instant vector selector: at each step the newest sample in (T - lookback, T], unless it
   * is a stale marker. `report` picks what each step's value is: the sample's value, its
   * timestamp in seconds (what timestamp() reports) or its start timestamp in seconds (what
   * start_timestamp() reports, 0 when it has none).
   */
  *evalVectorSelector(sel: VectorSelector, report: 'value' | 'timestamp' | 'startTimestamp' = 'value'): Gen<VectorSteps> {
    const times = this.selectorTimes(sel.at, sel.offset);
    const lookback = this.ctx.lookbackDelta;
    const { min, max } = minMax(times);
    const mint = min - lookback + 1;
    const querier = this.ctx.queryable.querier(mint, max);
    const series: StepSeries[] = [];
    let total = 0;
    try {
      const set = querier.select(sel.matchers, { sorted: true });
      while (set.next()) {
        const s = set.at();
        const it = s.iterator();
        // Times never decrease, so one forward pass over the samples answers every step.
        let has = it.seek(mint);
        let curT = has ? it.atT() : Infinity;
        let curV = has ? it.atV() : 0;
        let lastT = -Infinity;
        let lastV = 0;
        const wantST = report === 'startTimestamp';
        let curST = wantST && has ? (it.atST?.() ?? 0) : 0;
        let lastST = 0;
        let out: StepSeries | null = null;
        for (let i = 0; i < this.n; i++) {
          const T = times[i];
          while (curT <= T) {
            lastT = curT;
            lastV = curV;
            lastST = curST;
            has = it.next();
            curT = has ? it.atT() : Infinity;
            curV = has ? it.atV() : 0;
            if (wantST && has) curST = it.atST?.() ?? 0;
          }
          if (lastT <= T - lookback || isStaleNaN(lastV)) continue;
          out ??= newStepSeries(s.labels, this.n);
          out.values[i] = report === 'value' ? lastV : report === 'timestamp' ? lastT / 1000 : lastST / 1000;
          out.present[i] = 1;
          total++;
        }
        const err = it.err();
        if (err) throw evalError(err.message);
        if (out) series.push(out);
        this.checkAlive();
        if ((series.length & 127) === 127) yield;
      }
      const err = set.err();
      if (err) throw evalError(err.message);
      for (const w of set.warnings()) this.ctx.annotations.warnings.add(w);
    } finally {
      querier.close();
    }
    series.sort((a, b) => compareLabels(a.metric, b.metric));
    this.addSamples(total);
    return { kind: 'vector', series };
  }

  private evalMatrixSelector(ms: MatrixSelector): RangeArg {
    const sel = ms.vectorSelector;
    const times = this.selectorTimes(sel.at, sel.offset);
    const { min, max } = minMax(times);
    return {
      kind: 'matrix',
      series: () => this.streamSeries(sel, min - ms.range + 1, max),
      range: ms.range,
      offset: sel.offset,
      at: this.resolveAt(sel.at),
    };
  }

  private *evalSubquery(sq: SubqueryExpr): Gen<RangeArg> {
    const at = this.resolveAt(sq.at);
    const step = sq.step > 0 ? sq.step : this.ctx.defaultSubqueryStep;
    const first = at ?? this.stepTimes[0];
    const last = at ?? this.stepTimes[this.n - 1];
    // Inner steps are aligned to multiples of the step, like Prometheus does.
    const start = Math.ceil((first - sq.offset - sq.range) / step) * step;
    const end = last - sq.offset;
    const inner: number[] = [];
    for (let t = start; t <= end; t += step) inner.push(t);
    const child = new Evaluator(this.ctx, Float64Array.from(inner));
    const res = inner.length > 0 ? yield* child.eval(sq.expr) : ({ kind: 'vector', series: [] } as VectorSteps);
    let series: RangeSeries[];
    if (res.kind === 'scalar') {
      series = [{ metric: Labels.EMPTY, ts: Float64Array.from(inner), vs: res.values, dropName: false }];
    } else if (res.kind === 'vector') {
      series = res.series.map((s) => stepSeriesToRange(s, child.stepTimes));
      series.sort((a, b) => compareLabels(a.metric, b.metric));
    } else {
      throw evalError(`subquery is only allowed on instant vector or scalar, got ${kindName(res)}`);
    }
    return { kind: 'matrix', series: () => series, range: sq.range, offset: sq.offset, at };
  }
}

/** Compacts a dense step series into (t, v) samples. */
export function stepSeriesToRange(s: StepSeries, times: Float64Array): RangeSeries {
  let count = 0;
  for (let i = 0; i < s.present.length; i++) count += s.present[i];
  const ts = new Float64Array(count);
  const vs = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < s.present.length; i++) {
    if (!s.present[i]) continue;
    ts[k] = times[i];
    vs[k] = s.values[i];
    k++;
  }
  return { metric: s.metric, ts, vs, dropName: s.dropName };
}

export function unwrapParens(e: Expr): Expr {
  while (e.type === 'ParenExpr') e = e.expr;
  return e;
}

export function kindName(r: EvalResult): string {
  switch (r.kind) {
    case 'scalar':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
  }
}

function minMax(a: Float64Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of a) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
