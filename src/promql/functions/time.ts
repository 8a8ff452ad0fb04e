/** time(), timestamp(), vector(), scalar() and the calendar functions (all in UTC). */
import type { Call } from '../ast.ts';
import type { Evaluator } from '../evaluator.ts';
import { unwrapParens } from '../evaluator.ts';
import { Labels } from '../../storage/labels.ts';
import { type EvalResult, type Gen, type VectorSteps, newStepSeries } from '../steps.ts';
import { constant, mapVector } from './helpers.ts';

type Impl = (ev: Evaluator, call: Call) => Gen<EvalResult>;

/** vector(time()) for calendar functions called without an argument. */
function timeVector(ev: Evaluator): VectorSteps {
  const s = newStepSeries(Labels.EMPTY, ev.n);
  for (let i = 0; i < ev.n; i++) {
    s.values[i] = ev.stepTimes[i] / 1000;
    s.present[i] = 1;
  }
  return { kind: 'vector', series: [s] };
}

function calendar(f: (d: Date) => number): Impl {
  const apply = (v: number): number => {
    if (!Number.isFinite(v)) return NaN;
    return f(new Date(Math.trunc(v) * 1000));
  };
  return function* (ev, c) {
    if (c.args.length === 0) {
      const vec = timeVector(ev);
      for (const s of vec.series) for (let i = 0; i < ev.n; i++) s.values[i] = apply(s.values[i]);
      return vec;
    }
    return yield* mapVector(ev, c.args[0], apply);
  };
}

function daysInMonth(d: Date): number {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
}

function dayOfYear(d: Date): number {
  return Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
}

export const timeFunctions: Record<string, Impl> = {
  time: constant((ev) => ({ kind: 'scalar', values: ev.stepTimes.map((t) => t / 1000) })),
  timestamp: function* (ev, c) {
    const arg = unwrapParens(c.args[0]);
    if (arg.type === 'VectorSelector') {
      const vec = yield* ev.evalVectorSelector(arg, 'timestamp');
      for (const s of vec.series) s.dropName = true;
      return vec;
    }
    return yield* mapVector(ev, c.args[0], (_v, i) => ev.stepTimes[i] / 1000);
  },
  // Start timestamps only reach a function straight from a selector: of any other expression
  // (`start_timestamp(x * 1)`), or with start timestamps off, the result is empty, as in
  // Prometheus.
  start_timestamp: function* (ev, c) {
    const arg = unwrapParens(c.args[0]);
    if (arg.type !== 'VectorSelector' || ev.ctx.startTimestamps === false) {
      yield* ev.evalVector(c.args[0]);
      return { kind: 'vector', series: [] };
    }
    const vec = yield* ev.evalVectorSelector(arg, 'startTimestamp');
    for (const s of vec.series) s.dropName = true;
    return vec;
  },
  vector: function* (ev, c) {
    const vals = yield* ev.evalScalar(c.args[0]);
    const s = newStepSeries(Labels.EMPTY, ev.n);
    s.values.set(vals);
    s.present.fill(1);
    return { kind: 'vector', series: [s] };
  },
  scalar: function* (ev, c) {
    const vec = yield* ev.evalVector(c.args[0]);
    const out = new Float64Array(ev.n);
    for (let i = 0; i < ev.n; i++) {
      let count = 0;
      let v = NaN;
      for (const s of vec.series) {
        if (!s.present[i]) continue;
        count++;
        v = s.values[i];
      }
      out[i] = count === 1 ? v : NaN;
    }
    return { kind: 'scalar', values: out };
  },
  day_of_month: calendar((d) => d.getUTCDate()),
  day_of_week: calendar((d) => d.getUTCDay()),
  day_of_year: calendar(dayOfYear),
  days_in_month: calendar(daysInMonth),
  hour: calendar((d) => d.getUTCHours()),
  minute: calendar((d) => d.getUTCMinutes()),
  month: calendar((d) => d.getUTCMonth() + 1),
  year: calendar((d) => d.getUTCFullYear()),
};
