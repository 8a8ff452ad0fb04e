/**
 * Counter and gauge change functions over range vectors: rate, increase, delta (extrapolated
 * as in Prometheus 3.x), irate, idelta, deriv, predict_linear, resets, changes. rate, increase,
 * irate and resets also read counter restarts from start timestamps (startTimestamps.ts).
 */
import type { Call } from '../ast.ts';
import type { Evaluator } from '../evaluator.ts';
import type { EvalResult, Gen } from '../steps.ts';
import type { Labels } from '../../storage/labels.ts';
import { kahanSumInc } from '../kahan.ts';
import { type Window, overWindows } from './helpers.ts';
import { isStartTimestampReset, startTimeOverlapWarning, startTimestampOverlaps } from './startTimestamps.ts';

/**
 * rate/increase/delta of one window. With start timestamps (counters only) a restart is also
 * seen where the start timestamps say so, and when the first sample's start lies inside the
 * window the count is taken to rise from zero there instead of being extrapolated to the left
 * (which makes even a single sample enough).
 */
function extrapolatedRate(w: Window, counter: CounterScan | null, isRate: boolean): number | undefined {
  const n = w.hi - w.lo;
  const isCounter = counter !== null;
  const sts = isCounter ? w.sts : null;
  if (n < 2 && sts === null) return undefined;
  const { ts, vs, lo, hi } = w;
  const firstT = ts[lo];
  const lastT = ts[hi - 1];
  const first = vs[lo];
  let result = vs[hi - 1] - first;
  if (sts !== null) {
    result += startTimestampCorrection(w, sts, counter!.onOverlap);
  } else if (isCounter && counter.seriesDrops(w)) {
    let prev = first;
    for (let k = lo + 1; k < hi; k++) {
      const cur = vs[k];
      if (cur < prev) result += prev;
      prev = cur;
    }
  }
  let durationToStart = (firstT - w.rangeStart) / 1000;
  let durationToEnd = (w.rangeEnd - lastT) / 1000;
  let sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = n > 1 ? sampledInterval / (n - 1) : 0;
  const threshold = averageDurationBetweenSamples * 1.1;
  const firstST = sts === null ? 0 : sts[lo];
  if (firstST !== 0 && firstST > w.rangeStart && firstST < firstT) {
    // The count started inside the window: a zero sample at its start replaces extrapolation.
    durationToStart = 0;
    sampledInterval = (lastT - firstST) / 1000;
    result += first;
  } else if (n < 2) {
    return undefined;
  } else {
    // Extrapolate to the range boundary only when a sample is close enough to it; otherwise
    // assume the series starts half an average interval before the first sample.
    if (durationToStart >= threshold) durationToStart = averageDurationBetweenSamples / 2;
    if (isCounter) {
      // A counter cannot go below zero: do not extrapolate past the point where it was zero.
      let durationToZero = Infinity;
      if (result > 0 && first >= 0) durationToZero = sampledInterval * (first / result);
      if (durationToZero < durationToStart) durationToStart = durationToZero;
    }
  }
  if (durationToEnd >= threshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = sampledInterval === 0 ? 1 : (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= w.range / 1000;
  return result * factor;
}

/**
 * Per-call state of rate/increase: the overlap warning, and whether the current series ever
 * drops. Most counters never reset, and then no window needs the per-sample reset scan.
 */
class CounterScan {
  private series = -1;
  private drops = false;

  constructor(readonly onOverlap: (metric: Labels) => void) {}

  /** Whether some value of the window's series is below its predecessor (once per series). */
  seriesDrops(w: Window): boolean {
    if (w.series !== this.series) {
      this.series = w.series;
      this.drops = false;
      const vs = w.vs;
      for (let k = 1; k < vs.length; k++) {
        if (vs[k] < vs[k - 1]) {
          this.drops = true;
          break;
        }
      }
    }
    return this.drops;
  }
}

/** What counter restarts add to last - first, seen by value drops or by start timestamps. */
function startTimestampCorrection(w: Window, sts: Float64Array, onOverlap: (metric: Labels) => void): number {
  const { ts, vs, lo, hi } = w;
  let correction = 0;
  let warned = false;
  for (let k = lo + 1; k < hi; k++) {
    const prevST = sts[k - 1];
    const prevT = ts[k - 1];
    const curST = sts[k];
    if (!warned && startTimestampOverlaps(prevST, prevT, curST)) {
      onOverlap(w.metric);
      warned = true;
    }
    if (vs[k] < vs[k - 1] || isStartTimestampReset(prevST, prevT, curST, ts[k])) correction += vs[k - 1];
  }
  return correction;
}

function instantValue(w: Window, isRate: boolean): number | undefined {
  if (w.hi - w.lo < 2) return undefined;
  const lastT = w.ts[w.hi - 1];
  const prevT = w.ts[w.hi - 2];
  const last = w.vs[w.hi - 1];
  const prev = w.vs[w.hi - 2];
  const reset = last < prev || (w.sts !== null && isStartTimestampReset(w.sts[w.hi - 2], prevT, w.sts[w.hi - 1], lastT));
  let result = isRate && reset ? last : last - prev;
  const sampledInterval = lastT - prevT;
  if (sampledInterval === 0) return undefined;
  if (isRate) result /= sampledInterval / 1000;
  return result;
}

/** Least-squares fit of the window's samples, x measured in seconds from `interceptTime`. */
export function linearRegression(w: Window, interceptTime: number): [slope: number, intercept: number] {
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  let initY = 0;
  let constY = true;
  for (let k = w.lo; k < w.hi; k++) {
    const y = w.vs[k];
    if (k === w.lo) initY = y;
    else if (constY && y !== initY) constY = false;
    n++;
    const x = (w.ts[k] - interceptTime) / 1000;
    [sumX, cX] = kahanSumInc(x, sumX, cX);
    [sumY, cY] = kahanSumInc(y, sumY, cY);
    [sumXY, cXY] = kahanSumInc(x * y, sumXY, cXY);
    [sumX2, cX2] = kahanSumInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (Number.isFinite(initY)) return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

/** Prometheus's warning for samples whose start timestamps overlap their predecessors'. */
function overlapWarning(ev: Evaluator, c: Call): (metric: Labels) => void {
  return (metric) => ev.ctx.annotations.warn(startTimeOverlapWarning(metric.metricName()), c.args[0].posRange);
}

const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];

/** Prometheus's hint that rate()/increase() were given something that may not be a counter. */
function counterInfo(ev: Evaluator, c: Call): (metric: Labels) => void {
  // Series come sorted, so runs of one metric name: a counter-like name is checked once.
  let counterName = '';
  return (metric) => {
    const name = metric.metricName();
    if (name === '' || name === counterName) return;
    if (COUNTER_SUFFIXES.some((x) => name.endsWith(x))) {
      counterName = name;
      return;
    }
    if (metric.get('__type__') === 'counter') return;
    ev.ctx.annotations.info(`metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "${name}"`, c.args[0].posRange);
  };
}

export const rateFunctions: Record<string, (ev: Evaluator, call: Call) => Gen<EvalResult>> = {
  rate: (ev, c) => {
    const counter = new CounterScan(overlapWarning(ev, c));
    return overWindows(ev, c.args[0], (w) => extrapolatedRate(w, counter, true), false, counterInfo(ev, c));
  },
  increase: (ev, c) => {
    const counter = new CounterScan(overlapWarning(ev, c));
    return overWindows(ev, c.args[0], (w) => extrapolatedRate(w, counter, false), false, counterInfo(ev, c));
  },
  delta: (ev, c) => overWindows(ev, c.args[0], (w) => extrapolatedRate(w, null, false)),
  irate: (ev, c) => overWindows(ev, c.args[0], (w) => instantValue(w, true)),
  idelta: (ev, c) => overWindows(ev, c.args[0], (w) => instantValue(w, false)),
  deriv: (ev, c) =>
    overWindows(ev, c.args[0], (w) => (w.hi - w.lo < 2 ? undefined : linearRegression(w, w.ts[w.lo])[0])),
  predict_linear: function* (ev, c) {
    const duration = yield* ev.evalScalar(c.args[1]);
    return yield* overWindows(ev, c.args[0], (w) => {
      if (w.hi - w.lo < 2) return undefined;
      const [slope, intercept] = linearRegression(w, w.stepTime);
      return slope * duration[w.step] + intercept;
    });
  },
  resets: (ev, c) =>
    overWindows(ev, c.args[0], (w) => {
      let resets = 0;
      const sts = w.sts;
      for (let k = w.lo + 1; k < w.hi; k++) {
        if (w.vs[k] < w.vs[k - 1] || (sts !== null && isStartTimestampReset(sts[k - 1], w.ts[k - 1], sts[k], w.ts[k]))) resets++;
      }
      return resets;
    }),
  changes: (ev, c) =>
    overWindows(ev, c.args[0], (w) => {
      let changes = 0;
      for (let k = w.lo + 1; k < w.hi; k++) {
        const a = w.vs[k - 1];
        const b = w.vs[k];
        if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) changes++;
      }
      return changes;
    }),
};
