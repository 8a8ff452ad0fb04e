/**
 * Aggregation operators (sum, avg, count, min, max, group, stddev, stdvar, quantile,
 * count_values, topk, bottomk, limitk, limit_ratio), evaluated per step and per group.
 */
import type { AggregateExpr } from './ast.ts';
import { Labels, LabelsBuilder, METRIC_NAME } from '../storage/labels.ts';
import { evalError } from './errors.ts';
import type { Evaluator } from './evaluator.ts';
import { MeanAccumulator, kahanSumInc } from './kahan.ts';
import { type EvalResult, type Gen, type StepSeries, type VectorSteps, SeriesCollector, countPresent, newStepSeries } from './steps.ts';
import { formatFloat } from './values.ts';
import { isValidLabelName } from './labelNames.ts';
import { subsetKey } from './labelKeys.ts';
import { quoteString } from './literals.ts';
import { labelHashFraction } from './labelHash.ts';

interface Group {
  labels: Labels;
  members: number[];
  /**
   * Delayed name removal: a group keeps `__name__` only with `by (__name__)`; then the name is
   * still dropped at the end if any member was marked for it.
   */
  dropName: boolean;
}

export function* evalAggregate(ev: Evaluator, e: AggregateExpr): Gen<EvalResult> {
  // The parameter is evaluated first, as in Prometheus.
  let param: Float64Array | null = null;
  let label = '';
  if (e.op === 'count_values') {
    label = yield* ev.evalString(e.param!);
    if (!isValidLabelName(label)) throw evalError(`invalid label name ${quoteString(label)}`);
  } else if (e.param !== null) {
    param = yield* ev.evalScalar(e.param);
  }
  const input = yield* ev.evalVector(e.expr);
  const groups = groupSeries(input.series, e);
  let out: VectorSteps;
  switch (e.op) {
    case 'topk':
    case 'bottomk':
    case 'limitk':
    case 'limit_ratio':
      out = selectK(ev, e, input.series, groups, param!);
      break;
    case 'count_values':
      out = countValues(ev, input.series, groups, label);
      break;
    case 'quantile':
      checkQuantileParam(ev, e, param!);
      out = reduce(ev, input.series, groups, (vals, i) => quantile(param![i], vals));
      break;
    case 'sum':
    case 'count':
      out = sumOrCount(ev, e.op, input.series, groups);
      break;
    default:
      out = simpleAggregate(ev, e.op, input.series, groups);
  }
  ev.releaseSamples(countPresent(input));
  ev.addSamples(countPresent(out));
  return out;
}

/** Groups of input series (indexes in input order), in order of first appearance. */
function groupSeries(series: StepSeries[], e: AggregateExpr): Group[] {
  if (!e.without) return groupByValues(series, e.grouping);
  // without (...): the key is every other label (the metric name always goes).
  const byKey = new Map<string, Group>();
  const groups: Group[] = [];
  const names = new Set([...e.grouping, METRIC_NAME]);
  for (let i = 0; i < series.length; i++) {
    const m = series[i].metric;
    const key = subsetKey(m, names, false);
    let g = byKey.get(key);
    if (!g) {
      const labels = m.without(names);
      g = { labels, members: [], dropName: false };
      byKey.set(key, g);
      groups.push(g);
    }
    g.members.push(i);
    if (series[i].dropName) g.dropName = true;
  }
  return groups;
}

/** A trie over grouping label values: one level per `by` label, groups at the leaves. */
type ValueTrie = Map<string, ValueTrie | Group>;

/**
 * Grouping for `by (...)`: the series' values of the grouping labels lead through nested maps
 * to their group. Looking up values that storage already holds avoids building (and hashing)
 * a fresh key string per series. An absent label counts as the empty value, as in subsetKey.
 */
function groupByValues(series: StepSeries[], grouping: string[]): Group[] {
  const names = [...new Set(grouping)];
  const keep = new Set(names);
  const groups: Group[] = [];
  const root: ValueTrie = new Map();
  let single: Group | null = null;
  const newGroup = (m: Labels): Group => {
    const g: Group = { labels: m.keep(keep), members: [], dropName: false };
    groups.push(g);
    return g;
  };
  for (let i = 0; i < series.length; i++) {
    const m = series[i].metric;
    let g: Group;
    if (names.length === 0) {
      g = single ??= newGroup(m);
    } else {
      let node = root;
      for (let j = 0; j < names.length - 1; j++) {
        const v = m.get(names[j]);
        let next = node.get(v) as ValueTrie | undefined;
        if (next === undefined) {
          next = new Map();
          node.set(v, next);
        }
        node = next;
      }
      const last = m.get(names[names.length - 1]);
      let leaf = node.get(last) as Group | undefined;
      if (leaf === undefined) {
        leaf = newGroup(m);
        node.set(last, leaf);
      }
      g = leaf;
    }
    g.members.push(i);
    if (series[i].dropName) g.dropName = true;
  }
  return groups;
}

/**
 * sum and count, the most common aggregations, read member by member (each input series'
 * arrays in order) into per-step accumulators. Every step still adds its values in member
 * order with the same compensated summation as kahanSumInc, so results are bit-identical to
 * a step-by-step loop.
 */
function sumOrCount(ev: Evaluator, op: 'sum' | 'count', series: StepSeries[], groups: Group[]): VectorSteps {
  const n = ev.n;
  const out: StepSeries[] = [];
  const sums = new Float64Array(n);
  const comps = new Float64Array(n);
  const counts = new Float64Array(n);
  for (const g of groups) {
    sums.fill(0);
    comps.fill(0);
    counts.fill(0);
    for (const k of g.members) {
      const { present, values } = series[k];
      for (let i = 0; i < n; i++) {
        if (!present[i]) continue;
        counts[i]++;
        if (op === 'count') continue;
        const f = values[i];
        const sum = sums[i];
        const t = sum + f;
        if (t === Infinity || t === -Infinity) comps[i] = 0;
        else if (Math.abs(sum) >= Math.abs(f)) comps[i] += sum - t + f;
        else comps[i] += f - t + sum;
        sums[i] = t;
      }
    }
    let res: StepSeries | null = null;
    for (let i = 0; i < n; i++) {
      if (counts[i] === 0) continue;
      res ??= newStepSeries(g.labels, n, g.dropName);
      res.values[i] = op === 'sum' ? sums[i] + comps[i] : counts[i];
      res.present[i] = 1;
    }
    if (res !== null) out.push(res);
  }
  return { kind: 'vector', series: out };
}

function simpleAggregate(ev: Evaluator, op: AggregateExpr['op'], series: StepSeries[], groups: Group[]): VectorSteps {
  const out: StepSeries[] = [];
  for (const g of groups) {
    const res = newStepSeries(g.labels, ev.n, g.dropName);
    let any = false;
    for (let i = 0; i < ev.n; i++) {
      let count = 0;
      let acc = 0;
      let c = 0;
      let mean = 0;
      let avg: MeanAccumulator | null = null;
      for (const k of g.members) {
        const s = series[k];
        if (!s.present[i]) continue;
        const f = s.values[i];
        count++;
        switch (op) {
          case 'sum':
            [acc, c] = kahanSumInc(f, acc, c);
            break;
          case 'avg':
            (avg ??= new MeanAccumulator()).add(f);
            break;
          case 'min':
            if (count === 1 || acc > f || Number.isNaN(acc)) acc = f;
            break;
          case 'max':
            if (count === 1 || acc < f || Number.isNaN(acc)) acc = f;
            break;
          case 'stddev':
          case 'stdvar': {
            const delta = f - mean;
            mean += delta / count;
            acc += delta * (f - mean);
            break;
          }
        }
      }
      if (count === 0) continue;
      let v: number;
      switch (op) {
        case 'sum':
          v = acc + c;
          break;
        case 'avg':
          v = avg!.value();
          break;
        case 'count':
          v = count;
          break;
        case 'group':
          v = 1;
          break;
        case 'stdvar':
          v = acc / count;
          break;
        case 'stddev':
          v = Math.sqrt(acc / count);
          break;
        default:
          v = acc;
      }
      res.values[i] = v;
      res.present[i] = 1;
      any = true;
    }
    if (any) out.push(res);
  }
  return { kind: 'vector', series: out };
}

/** Generic per-group reduction over the values present at each step. */
function reduce(ev: Evaluator, series: StepSeries[], groups: Group[], fn: (values: number[], step: number) => number): VectorSteps {
  const out: StepSeries[] = [];
  for (const g of groups) {
    const res = newStepSeries(g.labels, ev.n, g.dropName);
    let any = false;
    for (let i = 0; i < ev.n; i++) {
      const vals: number[] = [];
      for (const k of g.members) if (series[k].present[i]) vals.push(series[k].values[i]);
      if (vals.length === 0) continue;
      res.values[i] = fn(vals, i);
      res.present[i] = 1;
      any = true;
    }
    if (any) out.push(res);
  }
  return { kind: 'vector', series: out };
}

function checkQuantileParam(ev: Evaluator, e: AggregateExpr, q: Float64Array): void {
  for (let i = 0; i < ev.n; i++) {
    if (!(q[i] >= 0 && q[i] <= 1)) {
      ev.ctx.annotations.warn(`quantile value should be between 0 and 1, got ${goG(q[i])}`, e.param!.posRange);
      return;
    }
  }
}

/** Prometheus's quantile over a set of values (linear interpolation between ranks). */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort((a, b) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b));
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower] * (1 - weight) + values[upper] * weight;
}

function countValues(ev: Evaluator, series: StepSeries[], groups: Group[], label: string): VectorSteps {
  const out = new SeriesCollector(ev.n);
  const lb = new LabelsBuilder();
  for (const g of groups) {
    for (let i = 0; i < ev.n; i++) {
      const counts = new Map<string, number>();
      for (const k of g.members) {
        if (!series[k].present[i]) continue;
        const key = formatFloat(series[k].values[i]);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      for (const [value, count] of counts) {
        const metric = lb.reset(g.labels).set(label, value).labels();
        out.add(metric, g.dropName, i, count);
      }
    }
  }
  return out.result();
}

/** topk, bottomk, limitk and limit_ratio: keep input series (with their labels) per step. */
function selectK(ev: Evaluator, e: AggregateExpr, series: StepSeries[], groups: Group[], param: Float64Array): VectorSteps {
  const ks = new Float64Array(ev.n);
  for (let i = 0; i < ev.n; i++) {
    // limit_ratio takes its ratio from the first step for the whole query (as Prometheus does:
    // the upstream complement tests with a time()-dependent ratio rely on it).
    const p = e.op === 'limit_ratio' ? param[0] : param[i];
    if (e.op === 'limit_ratio') {
      if (Number.isNaN(p)) throw evalError('Ratio value is NaN');
      if (p < -1 || p > 1) {
        ev.ctx.annotations.warn(`ratio value should be between -1 and 1, got ${goG(p)}, capping to ${p < 0 ? -1 : 1}`, e.param!.posRange);
      }
      ks[i] = Math.max(-1, Math.min(1, p));
    } else {
      if (Number.isNaN(p)) throw evalError('Parameter value is NaN');
      ks[i] = Math.trunc(Math.max(Math.min(p, Number.MAX_SAFE_INTEGER), Number.MIN_SAFE_INTEGER));
    }
  }
  const out = new SeriesCollector(ev.n);
  const fractions = e.op === 'limit_ratio' ? series.map((s) => labelHashFraction(s.metric)) : null;
  for (const g of groups) {
    for (let i = 0; i < ev.n; i++) {
      let chosen: number[];
      if ((e.op === 'topk' || e.op === 'bottomk') && ks[i] <= 64) {
        if (ks[i] < 1) continue;
        chosen = bestAt(series, g.members, i, ks[i], e.op === 'topk');
      } else {
        const present: number[] = [];
        for (const m of g.members) if (series[m].present[i]) present.push(m);
        if (present.length === 0) continue;
        if (e.op === 'limit_ratio') {
          const r = ks[i];
          chosen = present.filter((k) => (r >= 0 ? fractions![k] < r : fractions![k] >= 1 + r));
        } else {
          const k = ks[i];
          if (k < 1) continue;
          if (e.op === 'limitk') chosen = present.slice(0, k);
          else chosen = topIndices(present, (idx) => series[idx].values[i], k, e.op === 'topk');
        }
      }
      for (const k of chosen) {
        const s = series[k];
        out.add(s.metric, s.dropName, i, s.values[i]);
      }
    }
  }
  return out.result();
}

/** The k best members by value, best first (large k: a stable sort of the present members). */
function topIndices(members: number[], value: (idx: number) => number, k: number, top: boolean): number[] {
  const sorted = members.slice().sort((x, y) => {
    const vx = value(x);
    const vy = value(y);
    return ranksBefore(vx, vy, top) ? -1 : ranksBefore(vy, vx, top) ? 1 : 0;
  });
  return sorted.slice(0, k);
}

/** Whether value a ranks before b: larger for topk, smaller for bottomk; NaN last either way. */
function ranksBefore(a: number, b: number, top: boolean): boolean {
  if (b !== b) return a === a;
  if (a !== a) return false;
  return top ? a > b : a < b;
}

/**
 * The k best members present at `step`, best first, for small k: one pass with a k-slot
 * insertion buffer, without collecting the present members first.
 */
function bestAt(series: StepSeries[], members: number[], step: number, k: number, top: boolean): number[] {
  const best: number[] = [];
  const vals: number[] = [];
  for (const m of members) {
    const s = series[m];
    if (!s.present[step]) continue;
    const v = s.values[step];
    if (best.length === k) {
      if (!ranksBefore(v, vals[k - 1], top)) continue;
      best.pop();
      vals.pop();
    }
    // Insertion step; equal values keep input order.
    let pos = best.length;
    best.push(m);
    vals.push(v);
    while (pos > 0 && ranksBefore(v, vals[pos - 1], top)) {
      best[pos] = best[pos - 1];
      vals[pos] = vals[pos - 1];
      pos--;
    }
    best[pos] = m;
    vals[pos] = v;
  }
  return best;
}

/** Go's %g for the numbers that appear in warnings. */
export function goG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(v);
}
