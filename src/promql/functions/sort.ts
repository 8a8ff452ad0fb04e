/**
 * Sorting functions. Their order only shows in instant queries; for range queries the result
 * is always ordered by labels and Prometheus warns that sorting is ineffective.
 */
import type { Call } from '../ast.ts';
import type { Evaluator } from '../evaluator.ts';
import { compareLabels, type Labels } from '../../storage/labels.ts';
import type { EvalResult, Gen, StepSeries } from '../steps.ts';

type Impl = (ev: Evaluator, call: Call) => Gen<EvalResult>;

/** Natural ordering: digit runs compare as numbers ("cpu2" < "cpu10"). */
export function naturalCompare(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i];
    const y = rb[i];
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = x.replace(/^0+/, '');
      const ny = y.replace(/^0+/, '');
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return ra.length - rb.length;
}

function warnIfRange(ev: Evaluator, c: Call): void {
  if (ev.n > 1) ev.ctx.annotations.warn('sort is ineffective for range queries since results are always ordered by labels', c.posRange);
}

/** NaN goes last in both directions. */
function byValue(desc: boolean): Impl {
  return function* (ev, c) {
    warnIfRange(ev, c);
    const vec = yield* ev.evalVector(c.args[0]);
    const v = (s: StepSeries): number => s.values[0];
    vec.series.sort((a, b) => {
      const x = v(a);
      const y = v(b);
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
      return desc ? y - x : x - y;
    });
    return vec;
  };
}

function byLabel(desc: boolean): Impl {
  return function* (ev, c) {
    warnIfRange(ev, c);
    const names: string[] = [];
    for (const a of c.args.slice(1)) names.push(yield* ev.evalString(a));
    const vec = yield* ev.evalVector(c.args[0]);
    const cmp = (a: Labels, b: Labels): number => {
      for (const n of names) {
        const r = naturalCompare(a.get(n), b.get(n));
        if (r !== 0) return r;
      }
      return compareLabels(a, b);
    };
    vec.series.sort((a, b) => (desc ? -cmp(a.metric, b.metric) : cmp(a.metric, b.metric)));
    return vec;
  };
}

export const sortFunctions: Record<string, Impl> = {
  sort: byValue(false),
  sort_desc: byValue(true),
  sort_by_label: byLabel(false),
  sort_by_label_desc: byLabel(true),
};
