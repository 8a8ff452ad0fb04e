// Go's time.Time and time.Duration as template values: String() like Go
// ("2006-01-02 15:04:05.999999999 -0700 MST"), Format(layout) with Go's reference-time layouts,
// and the methods templates call (Unix, UTC, In, Add, Sub, IsZero, Before, After, ...).

import { readFileSync } from 'node:fs';
import { GO_TYPE } from './goValues.ts';

/** A time zone: offset (seconds east of UTC) and abbreviation at an instant. */
export interface GoLocation {
  name: string;
  lookup(unixMs: number): { offsetSec: number; abbrev: string };
}

export const UTC: GoLocation = { name: 'UTC', lookup: () => ({ offsetSec: 0, abbrev: 'UTC' }) };

/** time.FixedZone(name, offset); an empty name prints as "+0200" like Go. */
export function fixedZone(name: string, offsetSec: number): GoLocation {
  return { name, lookup: () => ({ offsetSec, abbrev: name }) };
}

const zoneCache = new Map<string, GoLocation>();

const ZONEINFO_DIRS = [process.env.ZONEINFO, '/usr/share/zoneinfo', '/usr/lib/zoneinfo', '/usr/share/lib/zoneinfo'].filter(Boolean) as string[];

/**
 * Abbreviations by UTC offset from the system tz database (TZif), as Go reads them: the most
 * recent local-time type with that offset wins (Europe/Berlin: 3600 -> CET, 7200 -> CEST).
 * Empty when no tzdata is installed; callers then fall back to ICU's names.
 */
function tzifAbbreviations(name: string): Map<number, string> {
  const out = new Map<number, string>();
  if (!/^[A-Za-z0-9_+\-]+(\/[A-Za-z0-9_+\-]+)*$/.test(name)) return out;
  let buf: Buffer | undefined;
  for (const dir of ZONEINFO_DIRS) {
    try {
      buf = readFileSync(`${dir}/${name}`);
      break;
    } catch {
      /* try the next directory */
    }
  }
  if (!buf || buf.length < 44 || buf.toString('latin1', 0, 4) !== 'TZif') return out;
  const parseBlock = (off: number, timeSize: number): { end: number; types: { utoff: number; abbr: string }[]; order: number[] } | null => {
    if (off + 44 > buf!.length) return null;
    const cnt = (i: number) => buf!.readUInt32BE(off + 20 + 4 * i);
    const [isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt] = [0, 1, 2, 3, 4, 5].map(cnt) as [number, number, number, number, number, number];
    const idxStart = off + 44 + timecnt * timeSize;
    const typesStart = idxStart + timecnt;
    const charsStart = typesStart + typecnt * 6;
    const end = charsStart + charcnt + leapcnt * (timeSize + 4) + isstdcnt + isutcnt;
    if (end > buf!.length) return null;
    const chars = buf!.toString('latin1', charsStart, charsStart + charcnt);
    const types = [];
    for (let i = 0; i < typecnt; i++) {
      const t = typesStart + i * 6;
      const abbrInd = buf!.readUInt8(t + 5);
      const z = chars.indexOf('\0', abbrInd);
      types.push({ utoff: buf!.readInt32BE(t), abbr: chars.slice(abbrInd, z < 0 ? undefined : z) });
    }
    const order: number[] = [];
    for (let i = 0; i < timecnt; i++) order.push(buf!.readUInt8(idxStart + i));
    return { end, types, order };
  };
  const v1 = parseBlock(0, 4);
  if (!v1) return out;
  const block = buf[4]! >= 0x32 ? (parseBlock(v1.end, 8) ?? v1) : v1;
  // Types in transition order, latest last; then types never used in a transition.
  const seq = [...block.types.map((_, i) => i).filter((i) => !block.order.includes(i)), ...block.order];
  for (const i of seq) {
    const t = block.types[i];
    if (t && t.abbr) out.set(t.utoff, t.abbr);
  }
  return out;
}

/**
 * time.LoadLocation via the platform's time zone database (Intl). Abbreviations follow ICU
 * ("CET" may print as "GMT+1"); offsets are exact. Throws like Go for unknown zones.
 */
export function loadLocation(name: string): GoLocation {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return localLocation();
  const cached = zoneCache.get(name);
  if (cached) return cached;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
    });
  } catch {
    throw new Error(`unknown time zone ${name}`);
  }
  const abbrevs = tzifAbbreviations(name);
  const loc: GoLocation = {
    name,
    lookup(unixMs: number) {
      const parts = fmt.formatToParts(new Date(Math.floor(unixMs / 1000) * 1000));
      const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
      const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
      const offsetSec = Math.round((asUtc - Math.floor(unixMs / 1000) * 1000) / 1000);
      let abbrev = abbrevs.get(offsetSec) ?? parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
      if (!abbrevs.has(offsetSec) && (/^GMT[+-]/.test(abbrev) || abbrev === 'GMT')) abbrev = offsetAbbrev(offsetSec);
      return { offsetSec, abbrev };
    },
  };
  zoneCache.set(name, loc);
  return loc;
}

/** Go names zones without an abbreviation like "+03" / "+0530". */
function offsetAbbrev(offsetSec: number): string {
  if (offsetSec === 0) return 'UTC';
  const sign = offsetSec < 0 ? '-' : '+';
  const m = Math.abs(offsetSec) / 60;
  const h = Math.floor(m / 60);
  const mm = m % 60;
  return sign + String(h).padStart(2, '0') + (mm ? String(mm).padStart(2, '0') : '');
}

function localLocation(): GoLocation {
  const tz = process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  if (tz === 'UTC' || tz === 'Etc/UTC') return { ...UTC, name: 'Local' };
  try {
    const l = loadLocation(tz);
    return { name: 'Local', lookup: l.lookup };
  } catch {
    return { ...UTC, name: 'Local' };
  }
}

const ZERO_UNIX_MS = -62135596800000; // 0001-01-01T00:00:00Z, Go's zero time

const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export class GoTime {
  readonly [GO_TYPE] = 'time.Time';
  /**
   * @param unixMs  milliseconds since the epoch (integer)
   * @param nsec    extra nanoseconds within the millisecond (0..999999)
   */
  constructor(
    readonly unixMs: number,
    readonly nsec: number = 0,
    readonly loc: GoLocation = UTC,
  ) {}

  static zero(): GoTime {
    return new GoTime(ZERO_UNIX_MS);
  }

  /** Parses RFC 3339 (with optional fraction up to ns), keeping the offset as Go does. */
  static parseRFC3339(s: string): GoTime | null {
    const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
    if (!m) return null;
    const frac = (m[7] ?? '').padEnd(9, '0');
    const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
    const fixYear = new Date(ms);
    fixYear.setUTCFullYear(+m[1]!);
    let unixMs = fixYear.getTime() + Number(frac.slice(0, 3));
    let loc = UTC;
    if (m[8] !== 'Z' && m[8] !== 'z') {
      const sign = m[8]![0] === '-' ? -1 : 1;
      const off = sign * (Number(m[8]!.slice(1, 3)) * 3600 + Number(m[8]!.slice(4, 6)) * 60);
      unixMs -= off * 1000;
      loc = off === 0 ? UTC : fixedZone('', off);
    }
    return new GoTime(unixMs, Number(frac.slice(3)), loc);
  }

  private fields(): { y: number; mo: number; d: number; h: number; mi: number; s: number; wd: number; yd: number; offsetSec: number; abbrev: string } {
    const { offsetSec, abbrev } = this.loc.lookup(this.unixMs);
    const dt = new Date(this.unixMs + offsetSec * 1000);
    const y = dt.getUTCFullYear();
    const jan1 = new Date(0);
    jan1.setUTCFullYear(y, 0, 1);
    jan1.setUTCHours(0, 0, 0, 0);
    const yd = Math.floor((dt.getTime() - jan1.getTime()) / 86400000) + 1;
    return { y, mo: dt.getUTCMonth() + 1, d: dt.getUTCDate(), h: dt.getUTCHours(), mi: dt.getUTCMinutes(), s: dt.getUTCSeconds(), wd: dt.getUTCDay(), yd, offsetSec, abbrev };
  }

  /** Nanoseconds within the second. */
  private nanos(): number {
    return (((this.unixMs % 1000) + 1000) % 1000) * 1e6 + this.nsec;
  }

  String(): string {
    return this.Format('2006-01-02 15:04:05.999999999 -0700 MST');
  }
  Format(layout: string): string {
    return formatTime(this, layout);
  }
  Unix(): bigint {
    return BigInt(Math.floor(this.unixMs / 1000));
  }
  UnixMilli(): bigint {
    return BigInt(this.unixMs);
  }
  UnixNano(): bigint {
    return BigInt(this.unixMs) * 1000000n + BigInt(this.nsec);
  }
  UTC(): GoTime {
    return new GoTime(this.unixMs, this.nsec, UTC);
  }
  Local(): GoTime {
    return new GoTime(this.unixMs, this.nsec, localLocation());
  }
  In(loc: GoLocation): GoTime {
    return new GoTime(this.unixMs, this.nsec, loc);
  }
  IsZero(): boolean {
    return this.unixMs === ZERO_UNIX_MS && this.nsec === 0;
  }
  Before(o: GoTime): boolean {
    return this.unixMs < o.unixMs || (this.unixMs === o.unixMs && this.nsec < o.nsec);
  }
  After(o: GoTime): boolean {
    return o.Before(this);
  }
  Equal(o: GoTime): boolean {
    return this.unixMs === o.unixMs && this.nsec === o.nsec;
  }
  Add(d: GoDuration | bigint): GoTime {
    const ns = (d instanceof GoDuration ? d.ns : d) + BigInt(this.nsec);
    const ms = ns / 1000000n;
    let rest = Number(ns - ms * 1000000n);
    let unixMs = this.unixMs + Number(ms);
    if (rest < 0) {
      rest += 1000000;
      unixMs -= 1;
    }
    return new GoTime(unixMs, rest, this.loc);
  }
  Sub(o: GoTime): GoDuration {
    return new GoDuration((BigInt(this.unixMs) - BigInt(o.unixMs)) * 1000000n + BigInt(this.nsec - o.nsec));
  }
  Year(): bigint {
    return BigInt(this.fields().y);
  }
  Month(): GoMonth {
    return new GoMonth(this.fields().mo);
  }
  Day(): bigint {
    return BigInt(this.fields().d);
  }
  Hour(): bigint {
    return BigInt(this.fields().h);
  }
  Minute(): bigint {
    return BigInt(this.fields().mi);
  }
  Second(): bigint {
    return BigInt(this.fields().s);
  }
  Nanosecond(): bigint {
    return BigInt(this.nanos());
  }
  Weekday(): GoWeekday {
    return new GoWeekday(this.fields().wd);
  }
  YearDay(): bigint {
    return BigInt(this.fields().yd);
  }

  /** @internal used by formatTime */
  _parts(): ReturnType<GoTime['fields']> & { ns: number } {
    return { ...this.fields(), ns: this.nanos() };
  }
}

export class GoMonth {
  readonly [GO_TYPE] = 'time.Month';
  constructor(readonly n: number) {}
  String(): string {
    return LONG_MONTHS[this.n - 1]!;
  }
}
export class GoWeekday {
  readonly [GO_TYPE] = 'time.Weekday';
  constructor(readonly n: number) {}
  String(): string {
    return LONG_DAYS[this.n]!;
  }
}

/** time.Duration (nanoseconds); prints like Go: "1h2m3.5s", "150ms", "0s". */
export class GoDuration {
  readonly [GO_TYPE] = 'time.Duration';
  constructor(readonly ns: bigint) {}
  static fromSeconds(s: number): GoDuration {
    return new GoDuration(BigInt(Math.round(s * 1e9)));
  }
  Seconds(): number {
    return Number(this.ns) / 1e9;
  }
  Minutes(): number {
    return Number(this.ns) / 6e10;
  }
  Hours(): number {
    return Number(this.ns) / 3.6e12;
  }
  Milliseconds(): bigint {
    return this.ns / 1000000n;
  }
  String(): string {
    return formatDuration(this.ns);
  }
}

export function formatDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1000000000n) {
    // sub-second: ns, µs, ms with fraction
    let unit: string;
    let scale: bigint;
    if (u < 1000n) return (neg ? '-' : '') + u.toString() + 'ns';
    if (u < 1000000n) {
      unit = 'µs';
      scale = 1000n;
    } else {
      unit = 'ms';
      scale = 1000000n;
    }
    out = fracString(u, scale) + unit;
  } else {
    const h = u / 3600000000000n;
    u -= h * 3600000000000n;
    const m = u / 60000000000n;
    u -= m * 60000000000n;
    out = fracString(u, 1000000000n) + 's';
    if (h > 0n) out = `${h}h${m}m` + out;
    else if (m > 0n) out = `${m}m` + out;
  }
  return (neg ? '-' : '') + out;
}

function fracString(v: bigint, scale: bigint): string {
  const whole = v / scale;
  let frac = (v % scale).toString().padStart(scale.toString().length - 1, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

// ---- Go layout formatting ----

const STD_TOKENS = [
  'January', 'Jan', 'Monday', 'Mon', 'MST',
  '-07:00:00', '-070000', '-07:00', '-0700', '-07',
  'Z07:00:00', 'Z070000', 'Z07:00', 'Z0700', 'Z07',
  '2006', '002', '__2', '_2', '01', '02', '03', '04', '05', '06', '15',
  'PM', 'pm', '1', '2', '3', '4', '5',
];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export function formatTime(t: GoTime, layout: string): string {
  const p = t._parts();
  let out = '';
  let i = 0;
  while (i < layout.length) {
    // fractional seconds: .000 / ,000 / .999 / ,999 not followed by another digit
    const fm = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (fm) {
      const n = fm[1]!.length;
      const digits = String(p.ns).padStart(9, '0').slice(0, Math.min(n, 9));
      if (fm[1]![0] === '0') out += layout[i] + digits;
      else {
        const trimmed = digits.replace(/0+$/, '');
        if (trimmed) out += layout[i] + trimmed;
      }
      i += fm[0].length;
      continue;
    }
    const tok = STD_TOKENS.find((x) => layout.startsWith(x, i) && !(x === 'Jan' && layout.startsWith('January', i)) && !(x === 'Mon' && /^Monday/.test(layout.slice(i))));
    if (!tok) {
      out += layout[i];
      i++;
      continue;
    }
    i += tok.length;
    const h12 = p.h % 12 === 0 ? 12 : p.h % 12;
    switch (tok) {
      case 'January': out += LONG_MONTHS[p.mo - 1]; break;
      case 'Jan': out += LONG_MONTHS[p.mo - 1]!.slice(0, 3); break;
      case 'Monday': out += LONG_DAYS[p.wd]; break;
      case 'Mon': out += LONG_DAYS[p.wd]!.slice(0, 3); break;
      case 'MST': out += p.abbrev || offsetString(p.offsetSec, '', false, false); break;
      case '2006': out += String(p.y).padStart(4, '0'); break;
      case '06': out += pad2(p.y % 100); break;
      case '01': out += pad2(p.mo); break;
      case '1': out += String(p.mo); break;
      case '02': out += pad2(p.d); break;
      case '2': out += String(p.d); break;
      case '_2': out += String(p.d).padStart(2, ' '); break;
      case '002': out += String(p.yd).padStart(3, '0'); break;
      case '__2': out += String(p.yd).padStart(3, ' '); break;
      case '15': out += pad2(p.h); break;
      case '03': out += pad2(h12); break;
      case '3': out += String(h12); break;
      case '04': out += pad2(p.mi); break;
      case '4': out += String(p.mi); break;
      case '05': out += pad2(p.s); break;
      case '5': out += String(p.s); break;
      case 'PM': out += p.h >= 12 ? 'PM' : 'AM'; break;
      case 'pm': out += p.h >= 12 ? 'pm' : 'am'; break;
      default: {
        const z = tok.startsWith('Z');
        if (z && p.offsetSec === 0) {
          out += 'Z';
          break;
        }
        const body = z ? tok.slice(1) : tok;
        const colon = body.includes(':');
        const withSec = body.length >= 7 && body.replace(/:/g, '').length === 7;
        const hoursOnly = body === '-07' || body === '07';
        out += offsetString(p.offsetSec, colon ? ':' : '', withSec, hoursOnly);
      }
    }
  }
  return out;
}

function offsetString(offsetSec: number, sep: string, withSec: boolean, hoursOnly: boolean): string {
  const sign = offsetSec < 0 ? '-' : '+';
  const a = Math.abs(offsetSec);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  let out = sign + pad2(h);
  if (hoursOnly) return out;
  out += sep + pad2(m);
  if (withSec) out += sep + pad2(s);
  return out;
}
