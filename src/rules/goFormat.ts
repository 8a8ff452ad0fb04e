/**
 * Text formats Prometheus's Go code produces that clients and users compare against:
 * strconv.FormatFloat(v, 'e', -1, 64), time.Time JSON (RFC3339Nano), url.QueryEscape and
 * labels.Labels.String().
 */
import type { Labels } from '../storage/labels.ts';

/** strconv.FormatFloat(v, 'e' | 'E', -1, 64): `1e+00`, `1.23456e+02`, `NaN`, `+Inf`. */
export function formatFloatExp(v: number, upper = false): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  // JS gives the shortest round-trip digits like Go; Go pads the exponent to two digits.
  const s = v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return upper ? s.toUpperCase() : s;
}

/** Like formatRFC3339Nano, but 0 means Go's zero time (`0001-01-01T00:00:00Z`), e.g. "never evaluated". */
export function formatGoTime(ms: number): string {
  return ms === 0 ? '0001-01-01T00:00:00Z' : formatRFC3339Nano(ms);
}

/** Go's time.Time JSON encoding in UTC: RFC3339 with trailing zeros of the fraction trimmed. */
export function formatRFC3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-22T18:03:58.670Z
  return iso.replace(/\.(\d{3})Z$/, (_m, frac: string) => {
    const f = frac.replace(/0+$/, '');
    return f === '' ? 'Z' : `.${f}Z`;
  });
}

/** url.QueryEscape: like encodeURIComponent but space is `+` and `!'()*` are escaped. */
export function goQueryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** `/graph?g0.expr=...&g0.tab=1`, the link Prometheus puts into generatorURL. */
export function tableLinkForExpression(expr: string): string {
  return `/graph?g0.expr=${goQueryEscape(expr)}&g0.tab=1`;
}

/** labels.Labels.String(): `{__name__="up", job="x"}` (the name is an ordinary label here). */
export function goLabelsString(labels: Labels): string {
  const parts: string[] = [];
  labels.forEach((n, v) => parts.push(`${n}=${JSON.stringify(v)}`));
  return `{${parts.join(', ')}}`;
}
