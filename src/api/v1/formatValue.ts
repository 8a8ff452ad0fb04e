/**
 * Sample values and timestamps as Prometheus writes them in JSON: values are strings
 * formatted like Go's strconv.FormatFloat(v, 'f', -1, 64) ("NaN", "+Inf", "-Inf", no exponent),
 * timestamps are JSON numbers of Unix seconds.
 */

/** Shortest decimal that round-trips, without exponent (Go 'f' with precision -1). */
export function formatSampleValue(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!s.includes('e')) return Object.is(v, -0) ? '-0' : s;
  return expandExponent(s);
}

function expandExponent(s: string): string {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const [mant, expStr] = body.split('e');
  const exp = Number(expStr);
  const [intPart, fracPart = ''] = mant.split('.');
  const digits = intPart + fracPart;
  const point = intPart.length + exp; // position of the decimal point within digits
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return (neg ? '-' : '') + out;
}

/** ms → Unix seconds as a JSON number (exact to the millisecond). */
export function formatTimestamp(ms: number): number {
  return ms / 1000;
}
