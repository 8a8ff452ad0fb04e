/**
 * Durations as Prometheus writes them in config and rule files (`1h30m`, `90s`, `5m`, `0`),
 * and Go's time.Duration formatting promtool uses in its messages (`10m0s`).
 * All values are milliseconds.
 */

const UNITS: [string, number][] = [
  ['y', 365 * 24 * 3600_000],
  ['w', 7 * 24 * 3600_000],
  ['d', 24 * 3600_000],
  ['h', 3600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

export class DurationError extends Error {
  constructor(text: string) {
    super(`not a valid duration string: ${JSON.stringify(text)}`);
    this.name = 'DurationError';
  }
}

/** Parses a Prometheus duration (model.ParseDuration); throws DurationError. */
export function parsePromDuration(text: string): number {
  if (text === '0') return 0;
  const m = DURATION_RE.exec(text);
  if (text === '' || !m) throw new DurationError(text);
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const g = m[i + 1];
    if (g !== undefined) ms += Number(g) * UNITS[i][1];
  }
  if (!Number.isSafeInteger(ms)) throw new DurationError(text);
  return ms;
}

/** Formats as model.Duration.String(): `1h30m`, `0s`, years/weeks only when exact. */
export function formatPromDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.trunc(ms);
  let out = '';
  for (const [unit, mult] of UNITS) {
    if ((unit === 'y' || unit === 'w') && rest % mult !== 0) continue;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  }
  return out;
}

/** Formats as Go's time.Duration.String(): `0s`, `500ms`, `1.5s`, `10m0s`, `1h0m0s`. */
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
