/**
 * Prometheus durations (`model.Duration`): units y, w, d, h, m, s, ms in that order, each at
 * most once, integers only; `0` alone is allowed. A year is 365 days, a week 7 days.
 * Values are milliseconds.
 */

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['y', 365 * 24 * 3600 * 1000],
  ['w', 7 * 24 * 3600 * 1000],
  ['d', 24 * 3600 * 1000],
  ['h', 3600 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
];

export class DurationError extends Error {}

/** Parses `1m30s`, `15s`, `1d`, `500ms`, `0`. Throws DurationError with Prometheus's wording. */
export function parseDuration(s: string): number {
  if (s === '') throw new DurationError('empty duration string');
  if (s === '0') return 0;
  let i = 0;
  let nextUnit = 0; // units must appear in decreasing order, each once
  let total = 0;
  while (i < s.length) {
    const start = i;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === start) throw invalid(s);
    const n = Number(s.slice(start, i));
    let unit = -1;
    for (let u = nextUnit; u < UNITS.length; u++) {
      const name = UNITS[u][0];
      // `m` must not swallow the `m` of `ms`
      if (s.startsWith(name, i) && !(name === 'm' && s.startsWith('ms', i))) {
        unit = u;
        break;
      }
    }
    if (unit < 0) throw invalid(s);
    i += UNITS[unit][0].length;
    nextUnit = unit + 1;
    total += n * UNITS[unit][1];
  }
  if (!Number.isSafeInteger(total)) throw new DurationError('duration out of range');
  return total;
}

function invalid(s: string): DurationError {
  return new DurationError(`not a valid duration string: ${JSON.stringify(s)}`);
}

/** Formats as Prometheus does: `1m30s`, `1d`, `2w`; years and weeks only when exact. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.trunc(ms);
  let out = '';
  for (const [name, mult] of UNITS) {
    if ((name === 'y' || name === 'w') && rest % mult !== 0) continue;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${name}`;
      rest -= v * mult;
    }
  }
  return out;
}

/** Formats as Go's time.Duration.String() (promtool messages): `0s`, `500ms`, `1.5s`, `10m0s`, `1h0m0s`. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  if (rest < 1000) return `${neg ? '-' : ''}${rest}ms`;
  const h = Math.floor(rest / 3600_000);
  rest -= h * 3600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const secs = (rest / 1000).toString();
  let out = neg ? '-' : '';
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  return `${out}${secs}s`;
}
