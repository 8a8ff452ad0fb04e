/**
 * Alertmanager time intervals (`time_intervals:`), referenced by routes' mute_time_intervals and
 * active_time_intervals. An interval matches an instant when every field it sets matches; within
 * a field any one range may match. Evaluated in the interval's `location` (IANA zone).
 */
export interface Range {
  start: number;
  end: number;
}

export interface TimeInterval {
  /** Minutes since midnight, [start, end). */
  times: Range[];
  /** 0 = Sunday … 6 = Saturday, inclusive. */
  weekdays: Range[];
  /** 1..31 or -31..-1 (counted from the month's end), inclusive. */
  daysOfMonth: Range[];
  /** 1..12 inclusive. */
  months: Range[];
  years: Range[];
  /** IANA zone name; 'UTC' by default, 'Local' is the process's zone. */
  location: string;
}

interface Parts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minutes: number;
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const formatters = new Map<string, Intl.DateTimeFormat>();

function zonedParts(ms: number, location: string): Parts {
  const tz = location === 'Local' ? undefined : location;
  const key = tz ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(key, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(ms))) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    weekday: WEEKDAYS.indexOf(p.weekday.toLowerCase().slice(0, 3)),
    minutes: Number(p.hour) * 60 + Number(p.minute),
  };
}

/** Throws when the zone name is unknown (used by the config loader). */
export function checkLocation(location: string): void {
  if (location === 'Local') return;
  new Intl.DateTimeFormat('en-US', { timeZone: location });
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function inAny(ranges: Range[], v: number): boolean {
  return ranges.some((r) => v >= r.start && v <= r.end);
}

export function intervalContains(ti: TimeInterval, ms: number): boolean {
  const p = zonedParts(ms, ti.location);
  if (ti.times.length > 0 && !ti.times.some((r) => p.minutes >= r.start && p.minutes < r.end)) return false;
  if (ti.weekdays.length > 0 && !inAny(ti.weekdays, p.weekday)) return false;
  if (ti.daysOfMonth.length > 0) {
    const dim = daysInMonth(p.year, p.month);
    const ok = ti.daysOfMonth.some((r) => {
      const start = r.start < 0 ? dim + r.start + 1 : r.start;
      const end = r.end < 0 ? dim + r.end + 1 : r.end;
      return p.day >= start && p.day <= Math.min(end, dim);
    });
    if (!ok) return false;
  }
  if (ti.months.length > 0 && !inAny(ti.months, p.month)) return false;
  if (ti.years.length > 0 && !inAny(ti.years, p.year)) return false;
  return true;
}

/** A named interval is the union of its entries. */
export function anyIntervalContains(intervals: readonly TimeInterval[], ms: number): boolean {
  return intervals.some((ti) => intervalContains(ti, ms));
}
