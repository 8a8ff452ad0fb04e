/**
 * `time_intervals` entries: times (HH:MM, end up to 24:00), weekdays, days_of_month (negative
 * counts from the month's end), months (names or numbers), years and location, with
 * Alertmanager's validation and `file:line` errors.
 */
import { checkLocation, type Range, type TimeInterval } from '../notify/timeInterval.ts';
import type { YamlValue } from './alertmanagerYaml.ts';

const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

export function parseTimeInterval(v: YamlValue): TimeInterval {
  const m = v.map(['times', 'weekdays', 'days_of_month', 'months', 'years', 'location']);
  const times = m.get('times').list().map((t) => {
    const tm = t.map(['start_time', 'end_time']);
    const start = parseClock(tm.get('start_time'));
    const end = parseClock(tm.get('end_time'));
    if (start >= end) throw tm.error('start time cannot be equal or greater than end time');
    return { start, end };
  });
  const location = m.optString('location', 'UTC');
  try {
    checkLocation(location);
  } catch {
    throw m.get('location').error(`unknown time zone ${location}`);
  }
  return {
    times,
    weekdays: m.get('weekdays').list().map((x) => parseRange(x, (s) => nameIndex(s, WEEKDAY_NAMES, 0), 'weekday')),
    daysOfMonth: m.get('days_of_month').list().map((x) => {
      const r = parseRange(x, (s) => intIn(s, -31, 31), 'day of month');
      if (r.start === 0 || r.end === 0) throw x.error(`${x.what}: 0 is not a valid day of the month`);
      if ((r.start > 0 && r.end > 0 || r.start < 0 && r.end < 0) && r.start > r.end) throw x.error(`${x.what}: start day cannot be after end day`);
      return r;
    }),
    months: m.get('months').list().map((x) => parseRange(x, (s) => /^\d+$/.test(s) ? intIn(s, 1, 12) : nameIndex(s, MONTH_NAMES, 1), 'month')),
    years: m.get('years').list().map((x) => parseRange(x, (s) => intIn(s, 1, 9999), 'year')),
    location,
  };
}

function parseClock(v: YamlValue): number {
  const s = v.string();
  const m = /^(\d\d):(\d\d)$/.exec(s);
  const mins = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || mins > 24 * 60) throw v.error(`${v.what}: couldn't parse timestamp ${s}, invalid format`);
  return mins;
}

function nameIndex(s: string, names: string[], offset: number): number {
  const i = names.indexOf(s.toLowerCase());
  if (i < 0) throw new Error(`${JSON.stringify(s)} is not a valid name`);
  return i + offset;
}

function intIn(s: string, lo: number, hi: number): number {
  if (!/^-?\d+$/.test(s)) throw new Error(`${JSON.stringify(s)} is not a number`);
  const n = Number(s);
  if (n < lo || n > hi) throw new Error(`${n} is out of range ${lo}..${hi}`);
  return n;
}

function parseRange(v: YamlValue, one: (s: string) => number, what: string): Range {
  const s = v.string();
  // A leading '-' belongs to a negative day, so split on the colon only.
  const parts = s.split(':');
  try {
    if (parts.length === 1) {
      const n = one(parts[0].trim());
      return { start: n, end: n };
    }
    if (parts.length !== 2) throw new Error('expected a value or start:end');
    const start = one(parts[0].trim());
    const end = one(parts[1].trim());
    if (start > end && !(start > 0 && end < 0)) throw new Error(`start ${what} cannot be after end ${what}`);
    return { start, end };
  } catch (e) {
    throw v.error(`${v.what}: invalid ${what} range ${JSON.stringify(s)}: ${(e as Error).message}`);
  }
}

