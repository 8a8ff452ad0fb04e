/** The function implementation registry (separate from the parser's signature table). */
import type { Call } from '../ast.ts';
import type { Evaluator } from '../evaluator.ts';
import { evalError } from '../errors.ts';
import type { EvalResult, Gen } from '../steps.ts';
import { type FunctionImpl, constant } from './helpers.ts';
import { mathFunctions } from './math.ts';
import { rateFunctions } from './rate.ts';
import { overTimeFunctions } from './overTime.ts';
import { timeFunctions } from './time.ts';
import { labelFunctions } from './labels.ts';
import { sortFunctions } from './sort.ts';
import { histogramFunctions } from './histogram.ts';

/** Standalone start()/end()/range()/step() (experimental duration functions). */
const queryFunctions: Record<string, FunctionImpl> = {
  start: constant((ev) => ev.scalar(ev.ctx.queryStart / 1000)),
  end: constant((ev) => ev.scalar(ev.ctx.queryEnd / 1000)),
  range: constant((ev) => ev.scalar((ev.ctx.queryEnd - ev.ctx.queryStart) / 1000)),
  step: constant((ev) => ev.scalar(ev.ctx.queryStep / 1000)),
  *min_of(ev, c) {
    const a = yield* ev.evalScalar(c.args[0]);
    const b = yield* ev.evalScalar(c.args[1]);
    return { kind: 'scalar', values: a.map((x, i) => Math.min(x, b[i])) };
  },
  *max_of(ev, c) {
    const a = yield* ev.evalScalar(c.args[0]);
    const b = yield* ev.evalScalar(c.args[1]);
    return { kind: 'scalar', values: a.map((x, i) => Math.max(x, b[i])) };
  },
};

export const FUNCTIONS: ReadonlyMap<string, FunctionImpl> = new Map(
  Object.entries({
    ...mathFunctions,
    ...rateFunctions,
    ...overTimeFunctions,
    ...timeFunctions,
    ...labelFunctions,
    ...sortFunctions,
    ...histogramFunctions,
    ...queryFunctions,
  }),
);

export function callFunction(ev: Evaluator, call: Call): Gen<EvalResult> {
  const impl = FUNCTIONS.get(call.func);
  if (impl === undefined) throw evalError(`function "${call.func}" is not supported`);
  return impl(ev, call);
}
