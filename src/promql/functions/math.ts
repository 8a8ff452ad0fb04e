/** Element-wise math functions on instant vectors (and `pi()`). */
import type { Call } from '../ast.ts';
import type { Evaluator } from '../evaluator.ts';
import type { EvalResult, Gen } from '../steps.ts';
import { constant, mapVector } from './helpers.ts';

type Impl = (ev: Evaluator, call: Call) => Gen<EvalResult>;

const unary: Record<string, (v: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  sqrt: Math.sqrt,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sgn: (v) => (v > 0 ? 1 : v < 0 ? -1 : v),
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  deg: (v) => (v * 180) / Math.PI,
  rad: (v) => (v * Math.PI) / 180,
};

export const mathFunctions: Record<string, Impl> = {
  pi: constant((ev) => ev.scalar(Math.PI)),
  round: function* (ev, c) {
    const to = c.args.length > 1 ? yield* ev.evalScalar(c.args[1]) : null;
    return yield* mapVector(ev, c.args[0], (v, i) => {
      // Prometheus: floor(v * 1/to + 0.5) / (1/to), using the inverse to limit float error.
      const inv = to === null ? 1 : 1 / to[i];
      return Math.floor(v * inv + 0.5) / inv;
    });
  },
  clamp: function* (ev, c) {
    const min = yield* ev.evalScalar(c.args[1]);
    const max = yield* ev.evalScalar(c.args[2]);
    const vec = yield* mapVector(ev, c.args[0], (v, i) => Math.max(min[i], Math.min(max[i], v)));
    // Prometheus returns nothing at steps where min > max.
    for (const s of vec.series) for (let i = 0; i < ev.n; i++) if (min[i] > max[i]) s.present[i] = 0;
    return vec;
  },
  clamp_min: function* (ev, c) {
    const min = yield* ev.evalScalar(c.args[1]);
    return yield* mapVector(ev, c.args[0], (v, i) => Math.max(min[i], v));
  },
  clamp_max: function* (ev, c) {
    const max = yield* ev.evalScalar(c.args[1]);
    return yield* mapVector(ev, c.args[0], (v, i) => Math.min(max[i], v));
  },
};

for (const [name, f] of Object.entries(unary)) {
  mathFunctions[name] = (ev, c) => mapVector(ev, c.args[0], f);
}
