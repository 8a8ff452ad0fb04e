/**
 * Query result types, shaped like Prometheus's promql.Value: a scalar, an instant vector, a
 * range vector (matrix) or a string. Timestamps are milliseconds.
 */
import type { Labels } from '../storage/labels.ts';
import { compareLabels } from '../storage/labels.ts';

export interface Sample {
  metric: Labels;
  t: number;
  v: number;
}

export interface Point {
  t: number;
  v: number;
}

export interface Series {
  metric: Labels;
  points: Point[];
}

export interface ScalarValue {
  type: 'scalar';
  t: number;
  v: number;
}

export interface VectorValue {
  type: 'vector';
  samples: Sample[];
}

export interface MatrixValue {
  type: 'matrix';
  series: Series[];
}

export interface StringValue {
  type: 'string';
  t: number;
  v: string;
}

export type QueryValue = ScalarValue | VectorValue | MatrixValue | StringValue;

/** Sorts series by label set, as every matrix result must be. */
export function sortSeries(series: Series[]): Series[] {
  return series.sort((a, b) => compareLabels(a.metric, b.metric));
}

/** Go-like float formatting used in warning texts and count_values labels. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  // Go's strconv.FormatFloat(v, 'f', -1, 64) for integers prints no exponent; JS switches to
  // exponent form above 1e21, Go only does so with 'g'. Prometheus uses 'f' here.
  return formatGoF(v);
}

function formatGoF(v: number): string {
  const s = String(v);
  if (!s.includes('e')) return s;
  // Expand exponent notation into plain decimal digits.
  const neg = v < 0;
  const [mant, expStr] = (neg ? s.slice(1) : s).split('e');
  const exp = Number(expStr);
  const [intPart, fracPart = ''] = mant.split('.');
  const digits = intPart + fracPart;
  let pointPos = intPart.length + exp;
  let out: string;
  if (pointPos <= 0) out = '0.' + '0'.repeat(-pointPos) + digits;
  else if (pointPos >= digits.length) out = digits + '0'.repeat(pointPos - digits.length);
  else out = digits.slice(0, pointPos) + '.' + digits.slice(pointPos);
  pointPos = 0;
  return (neg ? '-' : '') + out;
}
