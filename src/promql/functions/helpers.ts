/**
 * Shared shapes for function implementations: element-wise maps over an instant vector and
 * per-step windows over a range vector.
 */
import type { Call, Expr } from '../ast.ts';
import type { Labels } from '../../storage/labels.ts';
import type { Evaluator } from '../evaluator.ts';
import { type EvalResult, type Gen, type StepSeries, type VectorSteps, newStepSeries } from '../steps.ts';

export type FunctionImpl = (ev: Evaluator, call: Call) => Gen<EvalResult>;

/** A function whose result needs no sub-evaluation (pi(), time(), start() ...). */
export function constant(f: (ev: Evaluator, call: Call) => EvalResult): FunctionImpl {
  return function* (ev, call) {
    return f(ev, call);
  };
}

/** Applies `f` to every present value of the vector argument, in place. */
export function* mapVector(
  ev: Evaluator,
  arg: Expr,
  f: (v: number, step: number) => number,
  keepName = false,
): Gen<VectorSteps> {
  const vec = yield* ev.evalVector(arg);
  for (const s of vec.series) {
    for (let i = 0; i < ev.n; i++) if (s.present[i]) s.values[i] = f(s.values[i], i);
    if (!keepName) s.dropName = true;
  }
  return vec;
}

/** One window of one series for one step: samples lo..hi-1 lie in (rangeStart, rangeEnd]. */
export interface Window {
  ts: Float64Array;
  vs: Float64Array;
  /** Start timestamps parallel to ts (0: none), or null when the series has none at all. */
  sts: Float64Array | null;
  lo: number;
  hi: number;
  rangeStart: number;
  rangeEnd: number;
  /** Range length in ms. */
  range: number;
  /** The step's own evaluation time (before offset/@). */
  stepTime: number;
  step: number;
  metric: Labels;
  /**
   * Ordinal of the series within this evaluation, for per-series caches: consecutive series
   * may come in the same (reused) arrays, so array identity does not tell them apart.
   */
  series: number;
}

/**
 * Evaluates `fn` over the range argument's window at every step. `fn` returns undefined for
 * "no output at this step".
 */
export function* overWindows(
  ev: Evaluator,
  arg: Expr,
  fn: (w: Window) => number | undefined,
  keepName = false,
  /** Called once for each series that has samples in at least one step's window. */
  onSeriesWithSamples?: (metric: Labels) => void,
): Gen<VectorSteps> {
  const r = yield* ev.evalRange(arg);
  const out: StepSeries[] = [];
  const w: Window = {
    ts: new Float64Array(0),
    vs: new Float64Array(0),
    sts: null,
    lo: 0,
    hi: 0,
    rangeStart: 0,
    rangeEnd: 0,
    range: r.range,
    stepTime: 0,
    step: 0,
    metric: null as unknown as Labels,
    series: -1,
  };
  let total = 0;
  let visited = 0;
  // Window ends per step, the same for every series.
  const n = ev.n;
  const stepTimes = ev.stepTimes;
  const ends = new Float64Array(n);
  for (let i = 0; i < n; i++) ends[i] = (r.at ?? stepTimes[i]) - r.offset;
  const range = r.range;
  for (const s of r.series()) {
    ev.checkAlive();
    if ((++visited & 63) === 0) yield;
    let res: StepSeries | null = null;
    // Locals, not fields: fn() is opaque to the compiler, which would reload fields after it.
    const ts = s.ts;
    const len = ts.length;
    w.ts = ts;
    w.vs = s.vs;
    w.sts = s.sts ?? null;
    w.metric = s.metric;
    w.series++;
    let lo = 0;
    let hi = 0;
    let maxWindow = 0;
    let prevEnd = -Infinity;
    for (let i = 0; i < n; i++) {
      const end = ends[i];
      const start = end - range;
      if (end < prevEnd) {
        lo = 0;
        hi = 0;
      }
      prevEnd = end;
      while (lo < len && ts[lo] <= start) lo++;
      if (hi < lo) hi = lo;
      while (hi < len && ts[hi] <= end) hi++;
      w.lo = lo;
      w.hi = hi;
      w.rangeStart = start;
      w.rangeEnd = end;
      w.stepTime = stepTimes[i];
      w.step = i;
      if (hi - lo > maxWindow) maxWindow = hi - lo;
      if (hi === lo) continue;
      const v = fn(w);
      if (v === undefined) continue;
      res ??= newStepSeries(s.metric, n, !keepName || s.dropName);
      res.values[i] = v;
      res.present[i] = 1;
      total++;
    }
    // Prometheus holds one window at a time while stepping through a series.
    ev.addSamples(maxWindow);
    ev.releaseSamples(maxWindow);
    if (maxWindow > 0) onSeriesWithSamples?.(s.metric);
    if (res !== null) out.push(res);
  }
  ev.addSamples(total);
  return { kind: 'vector', series: out };
}
