/**
 * histogram_quantile and histogram_fraction over classic histograms (series with an `le`
 * label). Native histograms are out of scope.
 */
import type { Call } from '../ast.ts';
import type { Evaluator } from '../evaluator.ts';
import { Labels, METRIC_NAME } from '../../storage/labels.ts';
import { type EvalResult, type Gen, type VectorSteps, SeriesCollector } from '../steps.ts';
import { goG } from '../aggregations.ts';
import { almostEqual } from '../almostEqual.ts';

type Impl = (ev: Evaluator, call: Call) => Gen<EvalResult>;

interface Bucket {
  upper: number;
  count: number;
}

/** Sorts, merges buckets with equal bounds; null when there is no +Inf bucket. */
function prepareBuckets(buckets: Bucket[]): Bucket[] | null {
  buckets.sort((a, b) => a.upper - b.upper);
  if (buckets[buckets.length - 1].upper !== Infinity) return null;
  const out: Bucket[] = [];
  for (const b of buckets) {
    const last = out[out.length - 1];
    if (last && last.upper === b.upper) last.count += b.count;
    else out.push({ ...b });
  }
  return out;
}

/** Removes decreases between buckets; reports whether a real (non-rounding) fix was needed. */
function ensureMonotonic(buckets: Bucket[]): boolean {
  let forced = false;
  let prev = buckets[0].count;
  for (let i = 1; i < buckets.length; i++) {
    const curr = buckets[i].count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, 1e-12)) {
      buckets[i].count = prev;
      continue;
    }
    if (curr < prev) {
      buckets[i].count = prev;
      forced = true;
      continue;
    }
    prev = curr;
  }
  return forced;
}

export function bucketQuantile(q: number, raw: Bucket[]): { value: number; forced: boolean } {
  if (Number.isNaN(q)) return { value: NaN, forced: false };
  if (q < 0) return { value: -Infinity, forced: false };
  if (q > 1) return { value: Infinity, forced: false };
  const buckets = prepareBuckets(raw);
  if (buckets === null) return { value: NaN, forced: false };
  const forced = ensureMonotonic(buckets);
  if (buckets.length < 2) return { value: NaN, forced };
  const observations = buckets[buckets.length - 1].count;
  if (observations === 0 || Number.isNaN(observations)) return { value: NaN, forced };
  let rank = q * observations;
  let b = 0;
  while (b < buckets.length - 1 && !(buckets[b].count >= rank)) b++;
  if (b === buckets.length - 1) return { value: buckets[buckets.length - 2].upper, forced };
  if (b === 0 && buckets[0].upper <= 0) return { value: buckets[0].upper, forced };
  let bucketStart = 0;
  const bucketEnd = buckets[b].upper;
  let count = buckets[b].count;
  if (b > 0) {
    bucketStart = buckets[b - 1].upper;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return { value: bucketStart + (bucketEnd - bucketStart) * (rank / count), forced };
}

export function bucketFraction(lower: number, upper: number, raw: Bucket[]): number {
  const buckets = prepareBuckets(raw);
  if (buckets === null) return NaN;
  ensureMonotonic(buckets);
  const count = buckets[buckets.length - 1].count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i];
    let lowerBound = i > 0 ? buckets[i - 1].upper : -Infinity;
    const upperBound = b.upper;
    // The first bucket of a classic histogram is taken to start at 0 when its bound is positive.
    if (i === 0 && upperBound > 0) lowerBound = 0;
    // A bucket of infinite width cannot be interpolated: it contributes nothing.
    const interpolate = (v: number): number =>
      lowerBound === -Infinity ? b.count : rank + ((b.count - rank) * (v - lowerBound)) / (upperBound - lowerBound);
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = interpolate(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = interpolate(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}

interface BucketGroup {
  metric: Labels;
  name: string;
  buckets: Bucket[];
}

/** Groups the `le` series of the (evaluated) vector argument per step and reduces each group. */
function perHistogram(
  ev: Evaluator,
  c: Call,
  vec: VectorSteps,
  vecArg: number,
  reduce: (g: BucketGroup, step: number) => number,
): VectorSteps {
  const out = new SeriesCollector(ev.n);
  const parsed = vec.series.map((s) => {
    const le = s.metric.get('le');
    const upper = parseBucketBound(le);
    if (upper === null) {
      ev.ctx.annotations.warn(
        `bucket label "le" is missing or has a malformed value of "${le}" for metric name "${s.metric.metricName()}"`,
        c.args[vecArg].posRange,
      );
    }
    return { upper, key: s.metric.without(['le']).key(), metric: s.metric.without(['le', METRIC_NAME]), name: s.metric.metricName() };
  });
  for (let i = 0; i < ev.n; i++) {
    const groups = new Map<string, BucketGroup>();
    for (let k = 0; k < vec.series.length; k++) {
      const s = vec.series[k];
      const p = parsed[k];
      if (!s.present[i] || p.upper === null) continue;
      let g = groups.get(p.key);
      if (!g) {
        g = { metric: p.metric, name: p.name, buckets: [] };
        groups.set(p.key, g);
      }
      g.buckets.push({ upper: p.upper, count: s.values[i] });
    }
    for (const g of groups.values()) out.add(g.metric, false, i, reduce(g, i));
  }
  return out.result();
}

function parseBucketBound(le: string): number | null {
  const t = le.trim();
  if (t === '') return null;
  if (/^[+]?inf(inity)?$/i.test(t)) return Infinity;
  if (/^-inf(inity)?$/i.test(t)) return -Infinity;
  if (/^nan$/i.test(t)) return NaN;
  const v = Number(t);
  return Number.isNaN(v) || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?0[xX][0-9a-fA-F]+$/.test(t) ? null : v;
}

function monotonicityInfo(name: string): string {
  return `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "${name}"`;
}

const histogramQuantile: Impl = function* (ev, c) {
  const q = yield* ev.evalScalar(c.args[0]);
  for (const v of q) {
    if (!(v >= 0 && v <= 1)) {
      ev.ctx.annotations.warn(`quantile value should be between 0 and 1, got ${goG(v)}`, c.args[0].posRange);
      break;
    }
  }
  const vec = yield* ev.evalVector(c.args[1]);
  return perHistogram(ev, c, vec, 1, (g, i) => {
    const r = bucketQuantile(q[i], g.buckets);
    if (r.forced) {
      ev.ctx.annotations.info(monotonicityInfo(g.name), c.args[1].posRange);
    }
    return r.value;
  });
};

const histogramFraction: Impl = function* (ev, c) {
  const lower = yield* ev.evalScalar(c.args[0]);
  const upper = yield* ev.evalScalar(c.args[1]);
  const vec = yield* ev.evalVector(c.args[2]);
  return perHistogram(ev, c, vec, 2, (g, i) => bucketFraction(lower[i], upper[i], g.buckets));
};

export const histogramFunctions: Record<string, Impl> = {
  histogram_quantile: histogramQuantile,
  histogram_fraction: histogramFraction,
};

/** Quantile label values as Prometheus writes them: integers keep a ".0". */
function formatQuantileLabel(q: number): string {
  if (Number.isNaN(q)) return 'NaN';
  if (q === Infinity) return '+Inf';
  if (q === -Infinity) return '-Inf';
  return Number.isInteger(q) ? q.toFixed(1) : String(q);
}

/** histogram_quantiles(v, "label", q1, q2, ...): one output series per quantile. */
const histogramQuantiles: Impl = function* (ev, c) {
  const label = yield* ev.evalString(c.args[1]);
  const qs: Float64Array[] = [];
  for (const a of c.args.slice(2)) qs.push(yield* ev.evalScalar(a));
  const vec = yield* ev.evalVector(c.args[0]);
  for (let k = 0; k < qs.length; k++) {
    if (qs[k].some((v) => !(v >= 0 && v <= 1))) {
      const bad = qs[k].find((v) => !(v >= 0 && v <= 1))!;
      ev.ctx.annotations.warn(`quantile value should be between 0 and 1, got ${goG(bad)}`, c.args[k + 2].posRange);
    }
  }
  const out = new SeriesCollector(ev.n);
  for (let k = 0; k < qs.length; k++) {
    const part = perHistogram(ev, c, vec, 0, (g, i) => {
      const r = bucketQuantile(qs[k][i], g.buckets);
      if (r.forced) ev.ctx.annotations.info(monotonicityInfo(g.name), c.args[0].posRange);
      return r.value;
    });
    for (const s of part.series) {
      const metric = Labels.fromPairs([...Object.entries(s.metric.toObject()), [label, formatQuantileLabel(qs[k][0])]]);
      for (let i = 0; i < ev.n; i++) if (s.present[i]) out.add(metric, false, i, s.values[i]);
    }
  }
  return out.result();
};

histogramFunctions.histogram_quantiles = histogramQuantiles;

/**
 * Functions that only read native histograms. Float samples are ignored by them in
 * Prometheus, and promlite stores no native histograms, so the result is always empty.
 */
const nativeOnly: Impl = function* (ev, c) {
  yield* ev.evalVector(c.args[0]);
  return { kind: 'vector', series: [] };
};

for (const name of ['histogram_count', 'histogram_sum', 'histogram_avg', 'histogram_stddev', 'histogram_stdvar']) {
  histogramFunctions[name] = nativeOnly;
}
