/**
 * The pull-parser contract shared by the Prometheus text (0.0.4) and OpenMetrics (1.0) parsers,
 * modelled on Prometheus's textparse.Parser: `next()` advances to the next entry, accessors read
 * it. The hot path never builds strings: `seriesStart/seriesEnd` give the raw bytes of a
 * series (name + label set) so the scrape cache can hash them, and `labels()` is called only
 * when the cache misses.
 *
 * Buffer ownership: the parser reads the caller's buffer in place; ranges are valid until the
 * buffer is reused. Errors a payload can cause are thrown as ExpositionError (with line number).
 */
import { isUtf8 } from 'node:buffer';
import { Labels, METRIC_NAME } from '../storage/labels.ts';

export const Entry = {
  EOF: 0,
  Series: 1,
  Help: 2,
  Type: 3,
  Unit: 4,
  Comment: 5,
} as const;
export type EntryKind = (typeof Entry)[keyof typeof Entry];

/** Metric types as `/api/v1/metadata` reports them (text "untyped" becomes "unknown"). */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';

export interface Exemplar {
  labels: Labels;
  value: number;
  /** Milliseconds, or undefined when the exemplar carries none. */
  timestamp: number | undefined;
}

export interface ExpositionParser {
  readonly buf: Uint8Array;
  /** Advances to the next entry. Throws ExpositionError on malformed input. */
  next(): EntryKind;
  /** Raw bytes [seriesStart, seriesEnd) of the current series: metric name plus label set. */
  readonly seriesStart: number;
  readonly seriesEnd: number;
  /** Sample value of the current series (NaNs from the payload are normalised, never stale markers). */
  readonly value: number;
  /** Whether the current sample has an explicit timestamp, and that timestamp in ms. */
  readonly hasTimestamp: boolean;
  readonly timestamp: number;
  /**
   * Consumes the next line if it is exactly a line cached from an earlier scrape: a series
   * (raw bytes ref[s..e), its value and timestamp are then parsed) or, with `meta`, a metadata
   * line from its keyword. False when the parser has no such fast path or the line differs.
   */
  skipKnownLine(ref: Uint8Array, s: number, e: number, meta: boolean): boolean;
  /** Decodes the current series' labels (sorted, __name__ included). Cache-miss path only. */
  labels(): Labels;
  /** The exemplar attached to the current sample (OpenMetrics), else null. */
  exemplar(): Exemplar | null;
  /** For Help/Type/Unit entries: the metric family name and the decoded text. */
  metaName(): string;
  metaText(): string;
  /** For Help/Type/Unit entries: raw bytes from the keyword to the line end (metadata cache key). */
  readonly metaLineStart: number;
  readonly metaLineEnd: number;
  /** For Type entries: the normalised type. */
  metaType(): MetricType;
}

export class ExpositionError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'ExpositionError';
  }
}

// Char codes used by both parsers.
export const C_TAB = 9;
export const C_NL = 10;
export const C_SP = 32;
export const C_QUOTE = 34;
export const C_HASH = 35;
export const C_COMMA = 44;
export const C_EQ = 61;
export const C_BSLASH = 92;
export const C_LBRACE = 123;
export const C_RBRACE = 125;

/** 1: may start a label name [a-zA-Z_]; 2: may continue a name [a-zA-Z0-9_]; 4: ':' (metric names only). */
const NAME_CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const digit = c >= 48 && c <= 57;
  NAME_CLASS[c] = (alpha ? 1 : 0) | (alpha || digit ? 2 : 0) | (c === 58 ? 4 : 0);
}
export const isMetricNameStart = (c: number): boolean => (NAME_CLASS[c] & 5) !== 0;
export const isMetricNameChar = (c: number): boolean => (NAME_CLASS[c] & 6) !== 0;
export const isLabelNameStart = (c: number): boolean => (NAME_CLASS[c] & 1) !== 0;
export const isLabelNameChar = (c: number): boolean => (NAME_CLASS[c] & 2) !== 0;

/** 1-based line number of byte offset `pos` (error path only). */
export function lineAt(buf: Uint8Array, pos: number): number {
  let line = 1;
  const end = Math.min(pos, buf.length);
  for (let i = 0; i < end; i++) if (buf[i] === C_NL) line++;
  return line;
}

/** A short, quoted excerpt of the input at `pos` for error messages. */
export function excerptAt(buf: Uint8Array, pos: number): string {
  if (pos >= buf.length) return 'end of input';
  let end = pos;
  while (end < buf.length && end - pos < 32 && buf[end] !== C_NL) end++;
  if (end === pos) return 'end of line';
  return JSON.stringify(Buffer.from(buf.buffer, buf.byteOffset + pos, end - pos).toString('latin1'));
}

export function asBuffer(u8: Uint8Array): Buffer {
  return Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

/**
 * Decodes the label set of an already-validated series range: `name`, then optionally
 * `{ l="v", ... }` (whitespace and a missing comma tolerated: the scanner has already decided
 * what is legal for its format). Label values must be valid UTF-8; duplicate names are errors.
 */
export function decodeSeriesLabels(buf: Buffer, start: number, nameEnd: number, end: number, line: () => number): Labels {
  const pairs: Array<[string, string]> = [[METRIC_NAME, internAscii(buf, start, nameEnd)]];
  let i = nameEnd;
  while (i < end && buf[i] !== C_LBRACE) i++;
  i++;
  while (i < end) {
    let c = buf[i];
    if (c === C_SP || c === C_TAB || c === C_COMMA || c === C_NL) {
      i++;
      continue;
    }
    if (c === C_RBRACE) break;
    const ns = i;
    while (i < end && isLabelNameChar(buf[i])) i++;
    const name = internAscii(buf, ns, i);
    while (i < end && buf[i] !== C_QUOTE) i++;
    const vs = ++i;
    let escaped = false;
    let ascii = true;
    for (; i < end; i++) {
      c = buf[i];
      if (c === C_QUOTE) break;
      if (c >= 0x80) ascii = false;
      if (c === C_BSLASH) {
        escaped = true;
        i++;
      }
    }
    const ve = i++;
    let value: string;
    if (ascii) value = escaped ? buf.toString('latin1', vs, ve) : internAscii(buf, vs, ve);
    else {
      if (!isUtf8(buf.subarray(vs, ve))) throw new ExpositionError(`invalid UTF-8 in value of label "${name}"`, line());
      value = buf.toString('utf8', vs, ve);
    }
    pairs.push([name, escaped ? unescapeLabelValue(value) : value]);
  }
  return sortedUniqueLabels(pairs, line);
}

/**
 * Label names and short values repeat across the series of a payload ("code", "200",
 * "method", a family's metric name), and every series keeps its own strings for as long as
 * it exists. A small direct-mapped table hands out one string per spelling instead (measured
 * ~24-40 bytes per repeated string per series). Bounded: a slot is overwritten on collision.
 */
const INTERN_SLOTS = 8192;
const INTERN_MAX_LEN = 48;
const interned: Array<string | undefined> = new Array(INTERN_SLOTS);

/** The string of ASCII bytes b[s..e), shared with earlier calls for the same bytes when short. */
export function internAscii(b: Buffer, s: number, e: number): string {
  const len = e - s;
  if (len > INTERN_MAX_LEN) return b.toString('latin1', s, e);
  let h = len;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
  const slot = (h ^ (h >>> 15)) & (INTERN_SLOTS - 1);
  const old = interned[slot];
  if (old !== undefined && old.length === len) {
    let k = 0;
    while (k < len && old.charCodeAt(k) === b[s + k]) k++;
    if (k === len) return old;
  }
  const str = b.toString('latin1', s, e);
  interned[slot] = str;
  return str;
}

/** Prometheus unescapes only \\, \" and \n in label values; other backslashes stay as they are. */
export function unescapeLabelValue(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) !== C_BSLASH || i + 1 >= s.length) continue;
    const n = s.charCodeAt(i + 1);
    const rep = n === C_BSLASH ? '\\' : n === C_QUOTE ? '"' : n === 110 /* n */ ? '\n' : null;
    if (rep === null) {
      i++;
      continue;
    }
    out += s.slice(from, i) + rep;
    i++;
    from = i + 1;
  }
  return out + s.slice(from);
}

/** Help text escapes: \\ and \n (text format); OpenMetrics adds \". */
export function unescapeHelp(s: string, allowQuote: boolean): string {
  if (s.indexOf('\\') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      const n = s[i + 1];
      if (n === '\\' || n === 'n' || (allowQuote && n === '"')) {
        out += n === 'n' ? '\n' : n;
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

function sortedUniqueLabels(pairs: Array<[string, string]>, line: () => number): Labels {
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const names: string[] = [];
  const values: string[] = [];
  for (let k = 0; k < pairs.length; k++) {
    const [n, v] = pairs[k];
    if (k > 0 && pairs[k - 1][0] === n) throw new ExpositionError(`label name "${n}" is not unique`, line());
    if (v === '') continue; // an empty label is an absent label
    names.push(n);
    values.push(v);
  }
  return Labels.fromSortedArrays(names, values);
}

/** Checks a metadata text (rest of the line) is UTF-8; ASCII (the common case) needs no native call. */
export function decodeMetaText(buf: Buffer, start: number, end: number, line: () => number): void {
  let high = 0;
  for (let i = start; i < end; i++) high |= buf[i];
  if (high >= 0x80 && !isUtf8(buf.subarray(start, end))) throw new ExpositionError('help text is not valid UTF-8', line());
}

/** The metric type spelled by b[s..e) in `table` ([spelling, type] pairs), without allocating. */
export function matchType(b: Uint8Array, s: number, e: number, table: ReadonlyArray<readonly [string, MetricType]>): MetricType | undefined {
  outer: for (const [word, type] of table) {
    if (word.length !== e - s) continue;
    for (let k = 0; k < word.length; k++) if (word.charCodeAt(k) !== b[s + k]) continue outer;
    return type;
  }
  return undefined;
}
