/**
 * OpenMetrics 1.0 text format, hand-written over char codes, behind the same interface as
 * the Prometheus text parser. Stricter than the text format, as the spec and Prometheus are:
 * single spaces, no blank lines, only HELP/TYPE/UNIT/EOF comments, commas between labels,
 * float-second timestamps, exemplars (`# {labels} value [timestamp]`), and the input must end
 * with `# EOF` with nothing after it. `_created`, `_total`, … are ordinary samples.
 */
import type { Labels } from '../storage/labels.ts';
import { parseGoFloat } from './goFloat.ts';
import {
  asBuffer,
  C_BSLASH,
  C_COMMA,
  C_EQ,
  C_HASH,
  C_LBRACE,
  C_NL,
  C_QUOTE,
  C_RBRACE,
  C_SP,
  decodeMetaText,
  decodeSeriesLabels,
  Entry,
  type EntryKind,
  excerptAt,
  type Exemplar,
  ExpositionError,
  type ExpositionParser,
  isLabelNameChar,
  isLabelNameStart,
  isMetricNameChar,
  isMetricNameStart,
  lineAt,
  matchType,
  type MetricType,
  unescapeHelp,
} from './expositionParser.ts';

const OM_TYPES: Array<[string, MetricType]> = (['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown'] as const).map((t) => [t, t]);

export class OpenMetricsParser implements ExpositionParser {
  readonly buf: Buffer;
  private pos = 0;
  private sawEOF = false;
  seriesStart = 0;
  seriesEnd = 0;
  private nameEnd = 0;
  value = 0;
  hasTimestamp = false;
  timestamp = 0;
  private exStart = -1; // start of the exemplar's `{`, or -1
  private exEnd = 0;
  private exValue = 0;
  private exTs: number | undefined;
  private metaStart = 0;
  /** Raw bytes of the current metadata line from its keyword (HELP/TYPE/UNIT) to the line end. */
  metaLineStart = 0;
  metaLineEnd = 0;
  private metaNameEnd = 0;
  private textStart = 0;
  private textEnd = 0;
  private kind: EntryKind = Entry.EOF;
  private type: MetricType = 'unknown';

  constructor(buf: Uint8Array) {
    this.buf = asBuffer(buf);
  }

  /** No fast path: OpenMetrics lines depend on their context (families, # EOF), so every line is scanned. */
  skipKnownLine(): boolean {
    return false;
  }

  next(): EntryKind {
    const b = this.buf;
    const i = this.pos;
    if (this.sawEOF) return Entry.EOF;
    if (i >= b.length) throw this.error(i, 'data does not end with # EOF');
    const c = b[i];
    if (c === C_HASH) return (this.kind = this.comment(i));
    if (isMetricNameStart(c)) return (this.kind = this.sample(i));
    throw this.error(i, `${excerptAt(b, i)} is not a valid start token`);
  }

  private sample(i: number): EntryKind {
    const b = this.buf;
    const n = b.length;
    this.seriesStart = i;
    for (i++; i < n && isMetricNameChar(b[i]); i++);
    this.nameEnd = i;
    if (i < n && b[i] === C_LBRACE) i = this.scanLabels(i + 1);
    this.seriesEnd = i;
    if (b[i] !== C_SP) throw this.error(i, `expected a space before the value, got ${excerptAt(b, i)}`);
    i++;
    const vs = i;
    while (i < n && b[i] !== C_SP && b[i] !== C_NL) i++;
    const v = parseGoFloat(b, vs, i);
    if (v === undefined) throw this.error(vs, `invalid sample value ${excerptAt(b.subarray(0, i), vs)}`);
    this.value = v === v ? v : NaN;
    this.hasTimestamp = false;
    this.exStart = -1;
    if (b[i] === C_SP && b[i + 1] !== C_HASH) {
      const ts = ++i;
      while (i < n && b[i] !== C_SP && b[i] !== C_NL) i++;
      this.timestamp = this.parseTimestamp(ts, i);
      this.hasTimestamp = true;
    }
    if (b[i] === C_SP && b[i + 1] === C_HASH) i = this.scanExemplar(i + 2);
    if (i >= n) throw this.error(i, 'data does not end with # EOF');
    if (b[i] !== C_NL) throw this.error(i, `expected end of line, got ${excerptAt(b, i)}`);
    this.pos = i + 1;
    return Entry.Series;
  }

  private parseTimestamp(s: number, e: number): number {
    const t = parseGoFloat(this.buf, s, e);
    if (t === undefined || t !== t || t === Infinity || t === -Infinity) {
      throw this.error(s, `invalid timestamp ${excerptAt(this.buf.subarray(0, e), s)}`);
    }
    return Math.trunc(t * 1000);
  }

  /** Scans `l="v",...}` after `{` (no spaces, commas only between pairs); returns index after `}`. */
  private scanLabels(i: number): number {
    const b = this.buf;
    const n = b.length;
    let first = true;
    for (;;) {
      if (i >= n) throw this.error(i, 'unexpected end of input in label set');
      if (b[i] === C_RBRACE) return i + 1;
      if (!first) {
        if (b[i] !== C_COMMA) throw this.error(i, `expected comma, got ${excerptAt(b, i)}`);
        i++;
      }
      first = false;
      if (!isLabelNameStart(b[i])) throw this.error(i, `expected label name, got ${excerptAt(b, i)}`);
      for (i++; i < n && isLabelNameChar(b[i]); i++);
      if (b[i] !== C_EQ) throw this.error(i, `expected equal, got ${excerptAt(b, i)}`);
      if (b[++i] !== C_QUOTE) throw this.error(i, `expected label value, got ${excerptAt(b, i)}`);
      const vs = i;
      for (i++; i < n; i++) {
        const c = b[i];
        if (c === C_QUOTE || c === C_NL) break;
        if (c === C_BSLASH) i++;
      }
      if (i >= n || b[i] !== C_QUOTE) throw this.error(vs, 'unterminated label value');
      i++;
    }
  }

  /** Scans ` {labels} value [timestamp]` after `# `; returns the index of the line end. */
  private scanExemplar(i: number): number {
    const b = this.buf;
    const n = b.length;
    if (b[i] !== C_SP || b[i + 1] !== C_LBRACE) throw this.error(i, `expected exemplar label set, got ${excerptAt(b, i)}`);
    this.exStart = i + 1;
    i = this.scanLabels(i + 2);
    this.exEnd = i;
    if (b[i] !== C_SP) throw this.error(i, 'expected exemplar value');
    const vs = ++i;
    while (i < n && b[i] !== C_SP && b[i] !== C_NL) i++;
    const v = parseGoFloat(b, vs, i);
    if (v === undefined) throw this.error(vs, `invalid exemplar value ${excerptAt(b.subarray(0, i), vs)}`);
    this.exValue = v;
    this.exTs = undefined;
    if (b[i] === C_SP) {
      const ts = ++i;
      while (i < n && b[i] !== C_SP && b[i] !== C_NL) i++;
      this.exTs = this.parseTimestamp(ts, i);
    }
    return i;
  }

  private comment(i: number): EntryKind {
    const b = this.buf;
    const n = b.length;
    let lineEnd = i;
    while (lineEnd < n && b[lineEnd] !== C_NL) lineEnd++;
    if (b[i + 1] !== C_SP) throw this.error(i, `invalid comment ${excerptAt(b, i)}`);
    i += 2;
    if (lineEnd - i === 3 && b[i] === 69 && b[i + 1] === 79 && b[i + 2] === 70) {
      // `# EOF`, optionally followed by one newline, then nothing.
      if (lineEnd + 1 < n) throw this.error(lineEnd + 1, 'unexpected data after # EOF');
      this.sawEOF = true;
      this.pos = n;
      return Entry.EOF;
    }
    if (lineEnd >= n) throw this.error(i, 'data does not end with # EOF');
    this.pos = lineEnd + 1;
    let kind: EntryKind;
    const w = b.toString('latin1', i, i + 5);
    if (w === 'HELP ') kind = Entry.Help;
    else if (w === 'TYPE ') kind = Entry.Type;
    else if (w === 'UNIT ') kind = Entry.Unit;
    else throw this.error(i, `invalid comment ${excerptAt(b, i - 2)}`);
    this.metaLineStart = i;
    this.metaLineEnd = lineEnd;
    i += 5;
    if (!isMetricNameStart(b[i])) throw this.error(i, `expected metric name after ${w.trim()}, got ${excerptAt(b, i)}`);
    this.metaStart = i;
    for (i++; i < lineEnd && isMetricNameChar(b[i]); i++);
    this.metaNameEnd = i;
    if (b[i] !== C_SP) throw this.error(i, `expected text after metric name in ${w.trim()}, got ${excerptAt(b, i)}`);
    this.textStart = i + 1;
    this.textEnd = lineEnd;
    if (kind === Entry.Type) {
      const t = matchType(b, this.textStart, lineEnd, OM_TYPES);
      if (t === undefined) throw this.error(this.textStart, `invalid metric type ${excerptAt(b, this.textStart)}`);
      this.type = t;
    } else if (kind === Entry.Unit) {
      const name = this.metaName();
      const unit = b.toString('latin1', this.textStart, lineEnd);
      if (unit !== '' && !name.endsWith('_' + unit)) {
        throw this.error(this.textStart, `unit not a suffix of metric "${name}"`);
      }
    } else {
      decodeMetaText(b, this.textStart, lineEnd, () => lineAt(b, this.textStart));
    }
    return kind;
  }

  labels(): Labels {
    return decodeSeriesLabels(this.buf, this.seriesStart, this.nameEnd, this.seriesEnd, () => lineAt(this.buf, this.seriesStart));
  }

  exemplar(): Exemplar | null {
    if (this.exStart < 0) return null;
    // Reuse the series label decoder with an empty metric name, then drop it.
    const ls = decodeSeriesLabels(this.buf, this.exStart, this.exStart, this.exEnd, () => lineAt(this.buf, this.exStart));
    return { labels: ls, value: this.exValue, timestamp: this.exTs };
  }

  metaName(): string {
    return this.buf.toString('latin1', this.metaStart, this.metaNameEnd);
  }

  metaText(): string {
    const s = this.buf.toString('utf8', this.textStart, this.textEnd);
    return this.kind === Entry.Help ? unescapeHelp(s, true) : s;
  }

  metaType(): MetricType {
    return this.type;
  }

  private error(pos: number, message: string): ExpositionError {
    return new ExpositionError(message, lineAt(this.buf, pos));
  }
}
