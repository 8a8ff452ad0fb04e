/**
 * PromQL literal text <-> values: Go-style string quoting, numbers and durations.
 *
 * Strings are bytes in Go, so `"\xc5"` is a lone (invalid UTF-8) byte. To keep such values
 * representable and detectable, bytes that are not valid UTF-8 decode to lone surrogates
 * U+DC80..U+DCFF (Python's "surrogateescape"); `isValidUtf8Text` detects them and `quoteString`
 * prints them back as `\xNN`, so `count_values("a\xc5z", x)` can fail with Prometheus's
 * `invalid label name "a\xc5z"`.
 */

/** Raised for bad literal syntax; the AST builder turns it into a positioned parse error. */
export class LiteralError extends Error {}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 92,
};

/** Unquotes a string token exactly as written (with its quotes). */
export function unquoteString(token: string): string {
  const quote = token[0];
  const body = token.slice(1, -1);
  if (quote === '`' || !body.includes('\\')) return body;

  const bytes: number[] = [];
  for (let i = 0; i < body.length; ) {
    const ch = body[i];
    if (ch !== '\\') {
      const cp = body.codePointAt(i)!;
      pushUtf8(bytes, cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const esc = body[i + 1];
    if (esc === undefined) throw new LiteralError('escape sequence not terminated');
    if (esc in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[esc]);
      i += 2;
    } else if (esc === quote) {
      bytes.push(esc.charCodeAt(0));
      i += 2;
    } else if (esc === 'x' || esc === 'u' || esc === 'U') {
      const n = esc === 'x' ? 2 : esc === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + n);
      if (hex.length < n) throw new LiteralError('escape sequence not terminated');
      if (!/^[0-9a-fA-F]+$/.test(hex)) throw new LiteralError(`illegal character ${describeRune(firstNonHex(hex))} in escape sequence`);
      const v = parseInt(hex, 16);
      if (esc === 'x') bytes.push(v);
      else {
        if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new LiteralError('escape sequence is an invalid Unicode code point');
        pushUtf8(bytes, v);
      }
      i += 2 + n;
    } else if (esc >= '0' && esc <= '7') {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct)) {
        if (oct.length < 3) throw new LiteralError('escape sequence not terminated');
        throw new LiteralError(`illegal character ${describeRune(firstNonOctal(oct))} in escape sequence`);
      }
      const v = parseInt(oct, 8);
      if (v > 255) throw new LiteralError(`octal escape value ${v} > 255`);
      bytes.push(v);
      i += 4;
    } else {
      throw new LiteralError(`unknown escape sequence ${describeRune(esc)}`);
    }
  }
  return decodeUtf8Lossless(bytes);
}

function firstNonHex(s: string): string {
  return [...s].find((c) => !/[0-9a-fA-F]/.test(c)) ?? s[0];
}
function firstNonOctal(s: string): string {
  return [...s].find((c) => !/[0-7]/.test(c)) ?? s[0];
}

/** Go's `%#U`: `U+0071 'q'`. */
function describeRune(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${ch}'`;
}

function pushUtf8(out: number[], cp: number): void {
  if (cp >= 0xdc80 && cp <= 0xdcff) {
    out.push(cp - 0xdc00); // an escaped raw byte (see module comment)
  } else if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

/** Decodes UTF-8; each byte of an invalid sequence becomes U+DC80..U+DCFF. */
function decodeUtf8Lossless(bytes: number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let need = 0;
    let cp = 0;
    let min = 0;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    } else if (b >= 0xc2 && b < 0xe0) {
      need = 1;
      cp = b & 0x1f;
      min = 0x80;
    } else if (b >= 0xe0 && b < 0xf0) {
      need = 2;
      cp = b & 0x0f;
      min = 0x800;
    } else if (b >= 0xf0 && b < 0xf5) {
      need = 3;
      cp = b & 0x07;
      min = 0x10000;
    } else {
      out += String.fromCharCode(0xdc00 + b);
      i++;
      continue;
    }
    let ok = i + need < bytes.length;
    for (let k = 1; ok && k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp < 0xe000)) {
      out += String.fromCodePoint(cp);
      i += need + 1;
    } else {
      out += String.fromCharCode(0xdc00 + b);
      i++;
    }
  }
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** False when `s` holds bytes that were not valid UTF-8 (or any other lone surrogate). */
export function isValidUtf8Text(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** Go's `strconv.Quote`: double quotes, escapes for quotes, backslashes and non-printables. */
export function quoteString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      out += c === 0x22 ? '\\"' : c === 0x5c ? '\\\\' : s[i];
      continue;
    }
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        const pair = s.slice(i, i + 2);
        out += isPrintable(pair) ? pair : `\\U${pair.codePointAt(0)!.toString(16).padStart(8, '0')}`;
        i++;
        continue;
      }
    }
    if (c >= 0xdc80 && c <= 0xdcff) {
      out += `\\x${(c - 0xdc00).toString(16).padStart(2, '0')}`;
      continue;
    }
    if (c >= 0xd800 && c < 0xe000) {
      out += '\\ufffd';
      continue;
    }
    switch (c) {
      case 7:
        out += '\\a';
        continue;
      case 8:
        out += '\\b';
        continue;
      case 12:
        out += '\\f';
        continue;
      case 10:
        out += '\\n';
        continue;
      case 13:
        out += '\\r';
        continue;
      case 9:
        out += '\\t';
        continue;
      case 11:
        out += '\\v';
        continue;
    }
    if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (isPrintable(s[i])) out += s[i];
    else out += `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return out + '"';
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
function isPrintable(ch: string): boolean {
  return PRINTABLE.test(ch);
}

/**
 * A PromQL number token: decimal/exponent, hex (`0x1f`), Go-style octal integer (`017` = 15),
 * `Inf`/`NaN` in any case.
 */
export function parseNumber(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'inf') return Infinity;
  if (lower === 'nan') return NaN;
  if (lower.startsWith('0x')) return parseInt(lower.slice(2), 16);
  if (/^0[0-7]+$/.test(text)) return parseInt(text, 8);
  const v = Number(text);
  if (Number.isNaN(v)) throw new LiteralError(`bad number or duration syntax: "${text}"`);
  return v;
}

const UNIT_MS: Record<string, number> = {
  y: 365 * 24 * 3600 * 1000,
  w: 7 * 24 * 3600 * 1000,
  d: 24 * 3600 * 1000,
  h: 3600 * 1000,
  m: 60 * 1000,
  s: 1000,
  ms: 1,
};
const UNIT_ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
const MAX_DURATION_MS = 9223372036854; // Go time.Duration limit (int64 ns), in ms

/** A Prometheus duration (`1h30m`, `5m`, `250ms`, `0`) in milliseconds. */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  const re = /(\d+)(ms|[smhdwy])/gy;
  let total = 0;
  let lastUnit = -1;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const unitIdx = UNIT_ORDER.indexOf(m[2]);
    if (unitIdx <= lastUnit) throw new LiteralError(`not a valid duration string: "${text}"`);
    lastUnit = unitIdx;
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
  }
  if (pos !== text.length || pos === 0) throw new LiteralError(`not a valid duration string: "${text}"`);
  if (total > MAX_DURATION_MS) throw new LiteralError(`duration out of range: "${text}"`);
  return total;
}

/** Prometheus's `model.Duration.String()`: `1h30m`, `90d` (weeks/years only when exact). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0) return '-' + formatDuration(-ms);
  let rest = Math.round(ms);
  let out = '';
  const part = (unit: string, exact: boolean) => {
    const mult = UNIT_MS[unit];
    if (exact && rest % mult !== 0) return;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  };
  part('y', true);
  part('w', true);
  for (const u of ['d', 'h', 'm', 's', 'ms']) part(u, false);
  return out;
}

/**
 * A number as Prometheus prints a literal (Go's `%v`, i.e. `strconv.FormatFloat(v, 'g', -1, 64)`):
 * shortest round-trip digits, in exponent form (`1e+06`, `1e-05`) when the decimal exponent is
 * >= 6 or < -4; plus Prometheus's `+Inf`/`-Inf`/`NaN`.
 */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mantissa, expText] = v.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(v);
}

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent. */
export function formatFloatPlain(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const neg = s.startsWith('-');
  const mantissa = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const point = (dot < 0 ? mantissa.length : dot) + exp;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (neg ? '-' : '') + out;
}
