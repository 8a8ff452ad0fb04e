/**
 * Query result types, shaped like Prometheus's promql.Value: a scalar, an instant vector, a
 * range vector (matrix) or a string. Timestamps are milliseconds.
 */
import type { Labels } from '../storage/labels.ts';

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

/**
 * Go's strconv.FormatFloat(v, 'f', -1, 64), which count_values uses for its label values and
 * the HTTP API for sample values:
 * shortest round-trip digits, never in exponent form.
 */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!s.includes('e')) return Object.is(v, -0) ? '-0' : s;
  const neg = v < 0;
  const [mant, expStr] = (neg ? s.slice(1) : s).split('e');
  const exp = Number(expStr);
  const [intPart, fracPart = ''] = mant.split('.');
  const digits = intPart + fracPart;
  const point = intPart.length + exp; // position of the decimal point within `digits`
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return (neg ? '-' : '') + out;
}
