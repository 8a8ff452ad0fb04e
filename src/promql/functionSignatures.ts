/**
 * PromQL function signatures (the facts of Prometheus's parser/functions.go): argument types,
 * return type and how many trailing optional arguments a function takes. The type checker
 * reads this table; the evaluator's implementation registry is separate.
 *
 * `variadic`: 0 = exactly `argTypes.length` arguments; n > 0 = the last argument type may be
 * given 0..n times; -1 = the last argument type may be given any number of times (including 0).
 */
import type { ValueType } from './ast.ts';

export interface FunctionSignature {
  name: string;
  argTypes: readonly ValueType[];
  variadic: number;
  returnType: ValueType;
  /** Experimental in Prometheus (behind --enable-feature=promql-experimental-functions). */
  experimental: boolean;
}

const S: ValueType = 'scalar';
const V: ValueType = 'vector';
const M: ValueType = 'matrix';
const STR: ValueType = 'string';

type Row = [name: string, args: ValueType[], ret: ValueType, variadic?: number, experimental?: boolean];

const rows: Row[] = [
  ['abs', [V], V],
  ['absent', [V], V],
  ['absent_over_time', [M], V],
  ['acos', [V], V],
  ['acosh', [V], V],
  ['asin', [V], V],
  ['asinh', [V], V],
  ['atan', [V], V],
  ['atanh', [V], V],
  ['avg_over_time', [M], V],
  ['ceil', [V], V],
  ['changes', [M], V],
  ['clamp', [V, S, S], V],
  ['clamp_max', [V, S], V],
  ['clamp_min', [V, S], V],
  ['cos', [V], V],
  ['cosh', [V], V],
  ['count_over_time', [M], V],
  ['days_in_month', [V], V, 1],
  ['day_of_month', [V], V, 1],
  ['day_of_week', [V], V, 1],
  ['day_of_year', [V], V, 1],
  ['deg', [V], V],
  ['delta', [M], V],
  ['deriv', [M], V],
  ['exp', [V], V],
  ['floor', [V], V],
  ['histogram_avg', [V], V],
  ['histogram_count', [V], V],
  ['histogram_fraction', [S, S, V], V],
  ['histogram_quantile', [S, V], V],
  ['histogram_sum', [V], V],
  ['histogram_stddev', [V], V],
  ['histogram_stdvar', [V], V],
  ['hour', [V], V, 1],
  ['idelta', [M], V],
  ['increase', [M], V],
  ['irate', [M], V],
  ['label_replace', [V, STR, STR, STR, STR], V],
  ['label_join', [V, STR, STR, STR], V, -1],
  ['last_over_time', [M], V],
  ['ln', [V], V],
  ['log10', [V], V],
  ['log2', [V], V],
  ['max_over_time', [M], V],
  ['min_over_time', [M], V],
  ['minute', [V], V, 1],
  ['month', [V], V, 1],
  ['pi', [], S],
  ['predict_linear', [M, S], V],
  ['present_over_time', [M], V],
  ['quantile_over_time', [S, M], V],
  ['rad', [V], V],
  ['rate', [M], V],
  ['resets', [M], V],
  ['round', [V, S], V, 1],
  ['scalar', [V], S],
  ['sgn', [V], V],
  ['sin', [V], V],
  ['sinh', [V], V],
  ['sort', [V], V],
  ['sort_desc', [V], V],
  ['sqrt', [V], V],
  ['stddev_over_time', [M], V],
  ['stdvar_over_time', [M], V],
  ['sum_over_time', [M], V],
  ['tan', [V], V],
  ['tanh', [V], V],
  ['time', [], S],
  ['timestamp', [V], V],
  ['vector', [S], V],
  ['year', [V], V, 1],
  // experimental
  ['double_exponential_smoothing', [M, S, S], V, 0, true],
  ['first_over_time', [M], V, 0, true],
  ['histogram_quantiles', [V, STR, S], V, -1, true],
  ['info', [V, V], V, 1, true],
  ['mad_over_time', [M], V, 0, true],
  ['sort_by_label', [V, STR], V, -1, true],
  ['sort_by_label_desc', [V, STR], V, -1, true],
  ['start_timestamp', [V], V, 0, true],
  ['ts_of_first_over_time', [M], V, 0, true],
  ['ts_of_last_over_time', [M], V, 0, true],
  ['ts_of_max_over_time', [M], V, 0, true],
  ['ts_of_min_over_time', [M], V, 0, true],
  // query-range functions: start and end of the query, its length and its step, in seconds
  ['min_of', [S, S], S, 0, true],
  ['max_of', [S, S], S, 0, true],
  ['start', [], S, 0, true],
  ['end', [], S, 0, true],
  ['range', [], S, 0, true],
  ['step', [], S, 0, true],
];

export const functionSignatures: ReadonlyMap<string, FunctionSignature> = new Map(
  rows.map(([name, argTypes, returnType, variadic = 0, experimental = false]) => [
    name,
    { name, argTypes, returnType, variadic, experimental },
  ]),
);

export function getFunctionSignature(name: string): FunctionSignature | undefined {
  return functionSignatures.get(name);
}

/** Prometheus's documented name of a value type, as used in its error messages. */
export function documentedType(t: ValueType): string {
  switch (t) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return t;
  }
}
