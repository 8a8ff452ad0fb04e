/**
 * Binary operators: scalar/scalar, vector/scalar and vector/vector with Prometheus's matching
 * rules (on/ignoring, group_left/group_right, set operators, comparison filtering and bool).
 */
import type { BinaryExpr, BinaryOp, VectorMatching } from './ast.ts';
import { Labels, LabelsBuilder, METRIC_NAME, quoteLabelValue } from '../storage/labels.ts';
import { evalError } from './errors.ts';
import { subsetKey } from './labelKeys.ts';
import type { Evaluator } from './evaluator.ts';
import { type EvalResult, type Gen, type StepSeries, type VectorSteps, SeriesCollector, countPresent } from './steps.ts';

const COMPARISON = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set<BinaryOp>(['and', 'or', 'unless']);


/** Arithmetic operators drop the metric name; comparisons keep it unless `bool` is used. */
function dropsName(op: BinaryOp): boolean {
  return !COMPARISON.has(op) && !SET_OPS.has(op);
}

export function arith(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return l % r;
    case '^':
      return goPow(l, r);
    case 'atan2':
      return Math.atan2(l, r);
    default:
      throw evalError(`operator "${op}" not allowed for this operation`);
  }
}

/** Go's math.Pow differs from `**` for a base of 1 or -1 with NaN/Inf exponents. */
function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

export function compare(op: BinaryOp, l: number, r: number): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '>':
      return l > r;
    case '<':
      return l < r;
    case '>=':
      return l >= r;
    case '<=':
      return l <= r;
    default:
      throw evalError(`operator "${op}" is not a comparison`);
  }
}

export function* evalBinary(ev: Evaluator, e: BinaryExpr): Gen<EvalResult> {
  const lhs = yield* ev.eval(e.lhs);
  const rhs = yield* ev.eval(e.rhs);
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar') {
    const out = new Float64Array(ev.n);
    for (let i = 0; i < ev.n; i++) {
      out[i] = COMPARISON.has(e.op) ? (compare(e.op, lhs.values[i], rhs.values[i]) ? 1 : 0) : arith(e.op, lhs.values[i], rhs.values[i]);
    }
    return { kind: 'scalar', values: out };
  }
  if (lhs.kind === 'vector' && rhs.kind === 'scalar') return vectorScalar(ev, e, lhs, rhs.values, false);
  if (lhs.kind === 'scalar' && rhs.kind === 'vector') return vectorScalar(ev, e, rhs, lhs.values, true);
  if (lhs.kind === 'vector' && rhs.kind === 'vector') {
    const matching: VectorMatching = e.matching ?? {
      card: SET_OPS.has(e.op) ? 'many-to-many' : 'one-to-one',
      matchingLabels: [],
      on: false,
      include: [],
    };
    const out = SET_OPS.has(e.op) ? yield* setOperation(ev, e.op, lhs, rhs, matching) : yield* vectorVector(ev, e, lhs, rhs, matching);
    ev.releaseSamples(countPresent(lhs) + countPresent(rhs));
    ev.addSamples(countPresent(out));
    return out;
  }
  throw evalError(`binary expression must contain only scalar and instant vector types`);
}

/** `vector op scalar` (or `scalar op vector` when `swapped`). Works in place on the vector. */
function vectorScalar(ev: Evaluator, e: BinaryExpr, vec: VectorSteps, scalar: Float64Array, swapped: boolean): VectorSteps {
  const cmp = COMPARISON.has(e.op);
  const out: StepSeries[] = [];
  for (const s of vec.series) {
    let any = false;
    for (let i = 0; i < ev.n; i++) {
      if (!s.present[i]) continue;
      const v = s.values[i];
      const l = swapped ? scalar[i] : v;
      const r = swapped ? v : scalar[i];
      if (cmp) {
        const keep = compare(e.op, l, r);
        if (e.returnBool) s.values[i] = keep ? 1 : 0;
        else if (!keep) s.present[i] = 0;
        // Without bool the vector's own value is kept, whichever side it is on.
      } else {
        s.values[i] = arith(e.op, l, r);
      }
      if (s.present[i]) any = true;
    }
    if (!any) continue;
    if (!cmp || e.returnBool) s.dropName = true;
    out.push(s);
  }
  return { kind: 'vector', series: out };
}

/** The matching signature of a series: the on() labels, or all but ignoring() and the name. */
function signatureFn(m: VectorMatching): (l: Labels) => string {
  if (m.on) {
    const keep = new Set(m.matchingLabels);
    return (l) => subsetKey(l, keep, true);
  }
  const drop = new Set([...m.matchingLabels, METRIC_NAME]);
  return (l) => subsetKey(l, drop, false);
}

function matchedLabels(l: Labels, m: VectorMatching): Labels {
  return m.on ? l.keep(m.matchingLabels) : l.without([...m.matchingLabels, METRIC_NAME]);
}

/** Go's labels.String(): `{a="b", c="d"}`, the name included as `__name__`. */
export function labelsString(l: Labels): string {
  const parts: string[] = [];
  l.forEach((n, v) => parts.push(`${n}=${quoteLabelValue(v)}`));
  return `{${parts.join(', ')}}`;
}

function groupBySignature(series: StepSeries[], sig: (l: Labels) => string): { sigs: string[]; groups: Map<string, number[]> } {
  const sigs: string[] = new Array(series.length);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < series.length; i++) {
    const s = sig(series[i].metric);
    sigs[i] = s;
    const g = groups.get(s);
    if (g) g.push(i);
    else groups.set(s, [i]);
  }
  return { sigs, groups };
}

function* vectorVector(ev: Evaluator, e: BinaryExpr, lhs: VectorSteps, rhs: VectorSteps, m: VectorMatching): Gen<VectorSteps> {
  const swapped = m.card === 'one-to-many';
  const many = swapped ? rhs.series : lhs.series;
  const one = swapped ? lhs.series : rhs.series;
  const sig = signatureFn(m);
  const manyG = groupBySignature(many, sig);
  const oneG = groupBySignature(one, sig);
  const cmp = COMPARISON.has(e.op);
  const oneToOne = m.card === 'one-to-one';
  const out = new SeriesCollector(ev.n);
  const metricCache = new Map<number, Labels>();
  const slotCache = new Map<number, StepSeries>();
  const oneDupGroups = [...oneG.groups.values()].filter((g) => g.length > 1);
  const manyDupGroups = oneToOne ? [...manyG.groups.entries()].filter(([, g]) => g.length > 1) : [];
  const lb = new LabelsBuilder();
  // The one-side series each many-side series can match (same signature), looked up once.
  const candidates = many.map((_, mi) => oneG.groups.get(manyG.sigs[mi]));

  const resultMetric = (mi: number, oi: number): Labels => {
    const cacheKey = mi * one.length + oi;
    let res = metricCache.get(cacheKey);
    if (res !== undefined) return res;
    lb.reset(many[mi].metric);
    if (oneToOne) {
      if (m.on) lb.keep(...m.matchingLabels);
      else lb.del(...m.matchingLabels);
    }
    const oneMetric = one[oi].metric;
    for (const name of m.include) lb.set(name, oneMetric.get(name));
    res = lb.labels();
    metricCache.set(cacheKey, res);
    return res;
  };

  for (let i = 0; i < ev.n; i++) {
    ev.checkAlive();
    if ((i & 15) === 15) yield;
    if (!anyPresent(many, i) || !anyPresent(one, i)) continue;
    for (const g of oneDupGroups) {
      const present = g.filter((k) => one[k].present[i]);
      if (present.length > 1) {
        const [a, b] = present.map((k) => one[k].metric);
        throw evalError(
          `found duplicate series for the match group ${labelsString(matchedLabels(a, m))} on the ${swapped ? 'left' : 'right'} hand-side of the operation: [${labelsString(a)}, ${labelsString(b)}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
    }
    for (const [s, g] of manyDupGroups) {
      const oneIdx = oneG.groups.get(s);
      if (!oneIdx || !oneIdx.some((k) => one[k].present[i])) continue;
      if (g.filter((k) => many[k].present[i]).length > 1) {
        throw evalError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      }
    }
    const seenThisStep = oneToOne ? null : new Set<string>();
    for (let mi = 0; mi < many.length; mi++) {
      const ms = many[mi];
      if (!ms.present[i]) continue;
      const group = candidates[mi];
      if (!group) continue;
      let oi = -1;
      for (const k of group) if (one[k].present[i]) oi = k;
      if (oi < 0) continue;
      const l = swapped ? one[oi].values[i] : ms.values[i];
      const r = swapped ? ms.values[i] : one[oi].values[i];
      let value: number;
      if (cmp) {
        const keep = compare(e.op, l, r);
        if (e.returnBool) value = keep ? 1 : 0;
        else if (!keep) {
          if (seenThisStep) noteManyToOne(seenThisStep, resultMetric(mi, oi));
          continue;
        } else value = l;
      } else {
        value = arith(e.op, l, r);
      }
      const pair = mi * one.length + oi;
      let slot = slotCache.get(pair);
      if (slot === undefined) {
        slot = out.slot(resultMetric(mi, oi));
        slotCache.set(pair, slot);
      }
      if (seenThisStep) noteManyToOne(seenThisStep, slot.metric);
      SeriesCollector.set(slot, e.returnBool || dropsName(e.op) || ms.dropName, i, value);
    }
  }
  return out.result();
}

function noteManyToOne(seen: Set<string>, metric: Labels): void {
  const k = metric.key();
  if (seen.has(k)) throw evalError('multiple matches for labels: grouping labels must ensure unique matches');
  seen.add(k);
}

function anyPresent(series: StepSeries[], i: number): boolean {
  for (const s of series) if (s.present[i]) return true;
  return false;
}

function* setOperation(ev: Evaluator, op: BinaryOp, lhs: VectorSteps, rhs: VectorSteps, m: VectorMatching): Gen<VectorSteps> {
  const sig = signatureFn(m);
  const lsig = lhs.series.map((s) => sig(s.metric));
  const rsig = rhs.series.map((s) => sig(s.metric));
  const out = new SeriesCollector(ev.n);
  for (let i = 0; i < ev.n; i++) {
    ev.checkAlive();
    if ((i & 15) === 15) yield;
    if (op === 'or') {
      const seen = new Set<string>();
      for (let k = 0; k < lhs.series.length; k++) {
        const s = lhs.series[k];
        if (!s.present[i]) continue;
        seen.add(lsig[k]);
        out.add(s.metric, s.dropName, i, s.values[i]);
      }
      for (let k = 0; k < rhs.series.length; k++) {
        const s = rhs.series[k];
        if (!s.present[i] || seen.has(rsig[k])) continue;
        out.add(s.metric, s.dropName, i, s.values[i]);
      }
      continue;
    }
    const rset = new Set<string>();
    for (let k = 0; k < rhs.series.length; k++) if (rhs.series[k].present[i]) rset.add(rsig[k]);
    for (let k = 0; k < lhs.series.length; k++) {
      const s = lhs.series[k];
      if (!s.present[i]) continue;
      if (rset.has(lsig[k]) === (op === 'and')) out.add(s.metric, s.dropName, i, s.values[i]);
    }
  }
  return out.result();
}
