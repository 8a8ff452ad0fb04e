/** Aggregations over time: the `*_over_time` family and double_exponential_smoothing. */
import type { Call } from '../ast.ts';
import type { Evaluator } from '../evaluator.ts';
import { evalError } from '../errors.ts';
import type { EvalResult, Gen } from '../steps.ts';
import { avgOverTime, kahanSumInc } from '../kahan.ts';
import { goG, quantile } from '../aggregations.ts';
import { type Window, overWindows } from './helpers.ts';

type Impl = (ev: Evaluator, call: Call) => Gen<EvalResult>;

function windowValues(w: Window): number[] {
  return Array.from(w.vs.subarray(w.lo, w.hi));
}

function stdvar(w: Window): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let k = w.lo; k < w.hi; k++) {
    const f = w.vs[k];
    count++;
    const delta = f - (mean + cMean);
    [mean, cMean] = kahanSumInc(delta / count, mean, cMean);
    [aux, cAux] = kahanSumInc(delta * (f - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

/** Timestamp (s) of the sample picked by `better`; on ties the later sample wins. */
function tsOf(w: Window, better: (candidate: number, current: number) => boolean): number {
  let best = w.lo;
  for (let k = w.lo + 1; k < w.hi; k++) {
    const cur = w.vs[best];
    const v = w.vs[k];
    if (Number.isNaN(cur) || better(v, cur) || v === cur) best = k;
  }
  return w.ts[best] / 1000;
}

function checkQuantile(ev: Evaluator, call: Call, q: Float64Array): void {
  for (const v of q) {
    if (!(v >= 0 && v <= 1)) {
      ev.ctx.annotations.warn(`quantile value should be between 0 and 1, got ${goG(v)}`, call.args[0].posRange);
      return;
    }
  }
}

export const overTimeFunctions: Record<string, Impl> = {
  avg_over_time: (ev, c) =>
    overWindows(ev, c.args[0], (w) => avgOverTime(w.vs, w.lo, w.hi)),
  sum_over_time: (ev, c) =>
    overWindows(ev, c.args[0], (w) => {
      let s = 0;
      let comp = 0;
      for (let k = w.lo; k < w.hi; k++) [s, comp] = kahanSumInc(w.vs[k], s, comp);
      return s + comp;
    }),
  count_over_time: (ev, c) => overWindows(ev, c.args[0], (w) => w.hi - w.lo),
  min_over_time: (ev, c) =>
    overWindows(ev, c.args[0], (w) => {
      let m = w.vs[w.lo];
      for (let k = w.lo + 1; k < w.hi; k++) if (w.vs[k] < m || Number.isNaN(m)) m = w.vs[k];
      return m;
    }),
  max_over_time: (ev, c) =>
    overWindows(ev, c.args[0], (w) => {
      let m = w.vs[w.lo];
      for (let k = w.lo + 1; k < w.hi; k++) if (w.vs[k] > m || Number.isNaN(m)) m = w.vs[k];
      return m;
    }),
  last_over_time: (ev, c) => overWindows(ev, c.args[0], (w) => w.vs[w.hi - 1], true),
  first_over_time: (ev, c) => overWindows(ev, c.args[0], (w) => w.vs[w.lo], true),
  present_over_time: (ev, c) => overWindows(ev, c.args[0], () => 1),
  stdvar_over_time: (ev, c) => overWindows(ev, c.args[0], (w) => stdvar(w)),
  stddev_over_time: (ev, c) => overWindows(ev, c.args[0], (w) => Math.sqrt(stdvar(w))),
  quantile_over_time: function* (ev, c) {
    const q = yield* ev.evalScalar(c.args[0]);
    checkQuantile(ev, c, q);
    return yield* overWindows(ev, c.args[1], (w) => quantile(q[w.step], windowValues(w)));
  },
  mad_over_time: (ev, c) =>
    overWindows(ev, c.args[0], (w) => {
      const vals = windowValues(w);
      if (vals.some(Number.isNaN)) return NaN;
      const median = quantile(0.5, vals);
      return quantile(
        0.5,
        vals.map((v) => Math.abs(v - median)),
      );
    }),
  ts_of_min_over_time: (ev, c) => overWindows(ev, c.args[0], (w) => tsOf(w, (a, b) => a < b)),
  ts_of_max_over_time: (ev, c) => overWindows(ev, c.args[0], (w) => tsOf(w, (a, b) => a > b)),
  ts_of_last_over_time: (ev, c) => overWindows(ev, c.args[0], (w) => w.ts[w.hi - 1] / 1000),
  ts_of_first_over_time: (ev, c) => overWindows(ev, c.args[0], (w) => w.ts[w.lo] / 1000),
  double_exponential_smoothing: function* (ev, c) {
    const sf = yield* ev.evalScalar(c.args[1]);
    const tf = yield* ev.evalScalar(c.args[2]);
    for (let i = 0; i < ev.n; i++) {
      if (!(sf[i] > 0 && sf[i] < 1)) throw evalError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf[i].toFixed(6)}`);
      if (!(tf[i] > 0 && tf[i] < 1)) throw evalError(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf[i].toFixed(6)}`);
    }
    return yield* overWindows(ev, c.args[0], (w) => {
      const l = w.hi - w.lo;
      if (l < 2) return undefined;
      const s = sf[w.step];
      const t = tf[w.step];
      let s0 = 0;
      let s1 = w.vs[w.lo];
      let b = w.vs[w.lo + 1] - w.vs[w.lo];
      for (let i = 1; i < l; i++) {
        const x = s * w.vs[w.lo + i];
        if (i > 1) b = t * (s1 - s0) + (1 - t) * b;
        const y = (1 - s) * (s1 + b);
        s0 = s1;
        s1 = x + y;
      }
      return s1;
    });
  },
};
