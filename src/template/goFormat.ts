// Go's fmt package as far as templates use it: Sprint, Sprintln, Sprintf with verbs
// %v %+v %s %q %d %b %o %O %x %X %c %U %e %E %f %F %g %G %t %T %%, flags + - # 0 space,
// width/precision (incl. *), argument indexes %[n]d, and Go's error forms (%!d(string=x),
// %!s(MISSING), %!(EXTRA ...)).

import { formatFloat } from './goFloat.ts';
import { kindOf, mapGet, mapKeys, stringerOf, typeName } from './goValues.ts';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  wid?: number;
  prec?: number;
}

const NO_FLAGS: Flags = { plus: false, minus: false, sharp: false, space: false, zero: false };

function runeLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, f: Flags): string {
  if (f.wid === undefined) return s;
  const n = f.wid - runeLen(s);
  if (n <= 0) return s;
  if (f.minus) return s + ' '.repeat(n);
  return (f.zero ? '0' : ' ').repeat(n) + s;
}

/** strconv.Quote: Go-escaped double-quoted string (printable Unicode kept). */
export function goQuote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) {
    out += quoteRune(ch, '"', asciiOnly);
  }
  return out + '"';
}

function quoteRune(ch: string, quote: string, asciiOnly: boolean): string {
  const c = ch.codePointAt(0)!;
  if (ch === quote || ch === '\\') return '\\' + ch;
  if (c >= 0x20 && c < 0x7f) return ch;
  if (!asciiOnly && c >= 0x80 && isPrintable(c)) return ch;
  switch (c) {
    case 7: return '\\a';
    case 8: return '\\b';
    case 12: return '\\f';
    case 10: return '\\n';
    case 13: return '\\r';
    case 9: return '\\t';
    case 11: return '\\v';
  }
  if (c >= 0xd800 && c < 0xe000) return '\\ufffd'; // lone surrogate: invalid UTF-8 in Go
  if (c < 0x20 || c === 0x7f) return '\\x' + c.toString(16).padStart(2, '0');
  if (c < 0x10000) return '\\u' + c.toString(16).padStart(4, '0');
  return '\\U' + c.toString(16).padStart(8, '0');
}

function isPrintable(c: number): boolean {
  // Approximation of unicode.IsPrint: letters, marks, numbers, punctuation, symbols, ASCII space.
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(c));
}

function quoteChar(c: number): string {
  const ch = String.fromCodePoint(c);
  return "'" + (ch === '"' ? '"' : quoteRune(ch, "'", false)) + "'";
}

function fmtInteger(v: bigint, base: number, verb: string, f: Flags): string {
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  if (f.prec !== undefined) {
    if (f.prec === 0 && v === 0n) digits = '';
    digits = digits.padStart(f.prec, '0');
  } else if (f.zero && !f.minus && f.wid !== undefined) {
    let w = f.wid;
    if (neg || f.plus || f.space) w--;
    if (f.sharp && (base === 16 || base === 2)) w -= 2;
    if (f.sharp && base === 8 && !digits.startsWith('0')) w--;
    digits = digits.padStart(w, '0');
  }
  if (f.sharp) {
    if (base === 16) digits = (verb === 'X' ? '0X' : '0x') + digits;
    else if (base === 8 && !digits.startsWith('0')) digits = '0' + digits;
    else if (base === 2) digits = '0b' + digits;
  }
  if (verb === 'O') digits = '0o' + digits;
  if (neg) digits = '-' + digits;
  else if (f.plus) digits = '+' + digits;
  else if (f.space) digits = ' ' + digits;
  return pad(digits, { ...f, zero: false });
}

function fmtFloatVerb(v: number, verb: string, f: Flags): string {
  let fmtc: 'e' | 'E' | 'f' | 'g' | 'G';
  let prec: number;
  switch (verb) {
    case 'v':
      fmtc = 'g';
      prec = -1;
      break;
    case 'e':
    case 'E':
    case 'f':
      fmtc = verb;
      prec = 6;
      break;
    case 'F':
      fmtc = 'f';
      prec = 6;
      break;
    default:
      fmtc = verb as 'g' | 'G';
      prec = -1;
  }
  if (f.prec !== undefined) prec = f.prec;
  let num = formatFloat(v, fmtc, prec);
  if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
  if (f.space && num[0] === '+' && !f.plus) num = ' ' + num.slice(1);
  if (num[1] === 'I' || num[1] === 'N') {
    if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
    return pad(num, { ...f, zero: false });
  }
  if (f.sharp && verb !== 'v') {
    // %#g keeps trailing zeros and always prints a decimal point; %#e/%#f force the point.
    if (!num.includes('.') && !/[eE]/.test(num)) num += '.';
    else if (!num.includes('.')) num = num.replace(/([eE])/, '.$1');
    if ((verb === 'g' || verb === 'G') && prec !== -1) {
      const digits = num.replace(/^[+-]/, '').split(/[eE]/)[0]!.replace('.', '').replace(/^0+/, '');
      const want = prec === 0 ? 1 : prec;
      if (digits.length < want) {
        const [m, e] = num.split(/(?=[eE])/);
        num = m + '0'.repeat(want - digits.length) + (e ?? '');
      }
    }
  }
  if (f.plus || num[0] !== '+') {
    if (f.zero && !f.minus && f.wid !== undefined && f.wid > num.length) {
      return num[0] + '0'.repeat(f.wid - num.length) + num.slice(1);
    }
    return pad(num, f);
  }
  const body = num.slice(1);
  if (f.zero && !f.minus && f.wid !== undefined && f.wid > body.length) return '0'.repeat(f.wid - body.length) + body;
  return pad(body, f);
}

function fmtString(s: string, verb: string, f: Flags): string {
  if (f.prec !== undefined && verb !== 'x' && verb !== 'X') {
    s = [...s].slice(0, f.prec).join('');
  }
  switch (verb) {
    case 'v':
    case 's':
      return pad(s, f);
    case 'q':
      if (f.sharp && !s.includes('`') && !/[\x00-\x08\x0a-\x1f\x7f]/.test(s)) return pad('`' + s + '`', f);
      return pad(goQuote(s, f.plus), { ...f, zero: false });
    case 'x':
    case 'X': {
      let bytes = [...Buffer.from(s, 'utf8')];
      if (f.prec !== undefined) bytes = bytes.slice(0, f.prec);
      const parts = bytes.map((b) => {
        let h = b.toString(16).padStart(2, '0');
        if (verb === 'X') h = h.toUpperCase();
        return h;
      });
      const prefix = f.sharp ? (verb === 'X' ? '0X' : '0x') : '';
      let out: string;
      if (f.space) out = parts.map((p) => prefix + p).join(' ');
      else out = prefix + parts.join('');
      return pad(out, { ...f, zero: false });
    }
  }
  return badVerb(verb, s);
}

function badVerb(verb: string, v: unknown): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatValue(v, 'v', NO_FLAGS)})`;
}

/** Formats one operand for one verb (fmt's printArg). */
export function formatValue(v: unknown, verb: string, f: Flags = NO_FLAGS): string {
  if (verb === 'T') return pad(v === null || v === undefined ? '<nil>' : typeName(v), f);
  const kind = kindOf(v);
  if (kind === 'invalid' || kind === 'nil') {
    if (verb === 'v') return pad('<nil>', f);
    return badVerb(verb, null);
  }
  // Stringer / error apply to %v %s %q %x %X.
  if ('vsqxX'.includes(verb)) {
    const str = stringerOf(v);
    if (str) return fmtString(str(), verb, f);
  }
  switch (kind) {
    case 'bool':
      if (verb === 't' || verb === 'v') return pad(v ? 'true' : 'false', f);
      return badVerb(verb, v);
    case 'int': {
      const i = v as bigint;
      switch (verb) {
        case 'v':
        case 'd':
          return fmtInteger(i, 10, verb, f);
        case 'b':
          return fmtInteger(i, 2, verb, f);
        case 'o':
        case 'O':
          return fmtInteger(i, 8, verb, f);
        case 'x':
        case 'X':
          return fmtInteger(i, 16, verb, f);
        case 'c':
          return pad(String.fromCodePoint(Number(i) >= 0 && Number(i) <= 0x10ffff ? Number(i) : 0xfffd), f);
        case 'q':
          return pad(quoteChar(Number(i) >= 0 && Number(i) <= 0x10ffff ? Number(i) : 0xfffd), f);
        case 'U': {
          let s = 'U+' + i.toString(16).toUpperCase().padStart(4, '0');
          if (f.sharp) s += ` '${String.fromCodePoint(Number(i))}'`;
          return pad(s, f);
        }
      }
      return badVerb(verb, v);
    }
    case 'float':
      if ('veEfFgG'.includes(verb)) return fmtFloatVerb(v as number, verb, f);
      if (verb === 'x' || verb === 'X') return pad(hexFloat(v as number, verb, f), f);
      return badVerb(verb, v);
    case 'string':
      return fmtString(v as string, verb, f);
    case 'slice': {
      if (!'vsqxXdeEfFgGtbo'.includes(verb)) return badVerb(verb, v);
      const inner = (v as unknown[]).map((x) => formatValue(x, verb, { ...f, wid: undefined }));
      return pad('[' + inner.join(' ') + ']', f);
    }
    case 'map': {
      const m = v as object;
      const parts = mapKeys(m).map((k) => `${formatValue(k, verb, NO_FLAGS)}:${formatValue(mapGet(m, k), verb, NO_FLAGS)}`);
      return pad('map[' + parts.join(' ') + ']', f);
    }
    case 'func':
      return verb === 'v' || verb === 'p' ? '0x1' : badVerb(verb, v);
    case 'struct': {
      const entries = Object.entries(v as object).filter(([k]) => /^[A-Z]/.test(k));
      const inner = entries.map(([k, x]) => (f.plus ? `${k}:` : '') + formatValue(x, verb, NO_FLAGS));
      return pad('{' + inner.join(' ') + '}', f);
    }
  }
  return badVerb(verb, v);
}

function isStringArg(v: unknown): boolean {
  return typeof v === 'string';
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0 && !isStringArg(args[i]) && !isStringArg(args[i - 1])) out += ' ';
    out += formatValue(args[i], 'v');
  }
  return out;
}

/** fmt.Sprintln: always spaces, trailing newline. */
export function sprintln(args: unknown[]): string {
  return args.map((a) => formatValue(a, 'v')).join(' ') + '\n';
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  let goodArgNum = true;
  const end = format.length;
  let i = 0;

  // fmt's parsenum: a number above 1e6 is "crazy long" - Go gives up on the rest of the
  // format (which then prints %!(NOVERB)). This also bounds the padding we allocate.
  const parseNum = (): number | undefined => {
    let num = 0;
    let isNum = false;
    while (i < end && format.charCodeAt(i) >= 48 && format.charCodeAt(i) <= 57) {
      if (num > 1e6) {
        i = end;
        return undefined;
      }
      num = num * 10 + (format.charCodeAt(i) - 48);
      isNum = true;
      i++;
    }
    return isNum ? num : undefined;
  };
  const tooLarge = (x: bigint): boolean => x > 1000000n || x < -1000000n;
  const argIndex = (): void => {
    // %[n] (1-based) explicit argument index.
    if (format[i] !== '[') return;
    reordered = true;
    const close = format.indexOf(']', i);
    const n = close > i ? Number(format.slice(i + 1, close)) : NaN;
    if (close < 0 || !Number.isInteger(n) || n < 1 || format.slice(i + 1, close) === '') {
      goodArgNum = false;
      i = close < 0 ? end : close + 1;
      return;
    }
    i = close + 1;
    if (n - 1 >= args.length) {
      goodArgNum = false;
      return;
    }
    argNum = n - 1;
  };

  while (i < end) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f: Flags = { plus: false, minus: false, sharp: false, space: false, zero: false };
    goodArgNum = true;
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#': f.sharp = true; break;
        case '0': f.zero = true; break;
        case '+': f.plus = true; break;
        case '-': f.minus = true; break;
        case ' ': f.space = true; break;
        default: break flags;
      }
    }
    argIndex();
    // width
    if (format[i] === '*') {
      i++;
      const a = args[argNum];
      if (argNum < args.length && typeof a === 'bigint' && !tooLarge(a)) {
        let w = Number(a);
        if (w < 0) {
          f.minus = true;
          w = -w;
        }
        f.wid = w;
      } else out += '%!(BADWIDTH)';
      argNum++;
    } else {
      const w = parseNum();
      if (w !== undefined) f.wid = w;
    }
    // precision
    if (format[i] === '.') {
      i++;
      argIndex();
      if (format[i] === '*') {
        i++;
        const a = args[argNum];
        if (argNum < args.length && typeof a === 'bigint' && a >= 0n && !tooLarge(a)) f.prec = Number(a);
        else out += '%!(BADPREC)';
        argNum++;
      } else {
        f.prec = parseNum() ?? 0;
      }
    }
    if (!f.minus) {
      /* zero only pads on the left */
    } else f.zero = false;
    argIndex();
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (!goodArgNum) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argNum++];
    if (verb === 'v' && f.sharp) {
      out += goSyntax(arg);
      continue;
    }
    out += formatValue(arg, verb, f);
  }
  if (!reordered && argNum < args.length) {
    out += '%!(EXTRA ' + args.slice(argNum).map((a) => (a === null || a === undefined ? '<nil>' : `${typeName(a)}=${formatValue(a, 'v')}`)).join(', ') + ')';
  }
  return out;
}

/** %#v: Go-syntax representation (approximate for composite values). */
function goSyntax(v: unknown): string {
  switch (kindOf(v)) {
    case 'string':
      return goQuote(v as string);
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'slice':
      return `${typeName(v)}{${(v as unknown[]).map(goSyntax).join(', ')}}`;
    case 'map': {
      const m = v as object;
      return `${typeName(v)}{${mapKeys(m).map((k) => `${goQuote(k)}:${goSyntax(mapGet(m, k))}`).join(', ')}}`;
    }
    default:
      return formatValue(v, 'v');
  }
}

/** strconv 'x' format (%x on floats): -0x1.8p+00, shortest mantissa unless a precision is given. */
function hexFloat(v: number, verb: string, f: Flags): string {
  let s: string;
  if (Number.isNaN(v)) s = 'NaN';
  else if (!Number.isFinite(v)) s = v > 0 ? '+Inf' : '-Inf';
  else {
    const neg = v < 0 || Object.is(v, -0);
    const a = Math.abs(v);
    let mant = 0n;
    let exp = 0;
    if (a !== 0) {
      const buf = new DataView(new ArrayBuffer(8));
      buf.setFloat64(0, a);
      const hi = buf.getUint32(0);
      const lo = buf.getUint32(4);
      const be = (hi >>> 20) & 0x7ff;
      mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
      if (be === 0) {
        // subnormal: normalise
        exp = -1022;
        while ((mant & (1n << 52n)) === 0n) {
          mant <<= 1n;
          exp--;
        }
        mant &= (1n << 52n) - 1n;
      } else exp = be - 1023;
    }
    let frac = mant.toString(16).padStart(13, '0');
    if (f.prec !== undefined) {
      // round the 52-bit fraction to prec hex digits (half to even)
      const keep = f.prec;
      if (keep < 13) {
        const shift = BigInt((13 - keep) * 4);
        let m = (1n << 52n) | mant;
        const rem = m & ((1n << shift) - 1n);
        m >>= shift;
        const half = 1n << (shift - 1n);
        if (rem > half || (rem === half && (m & 1n) === 1n)) m += 1n;
        if (m >> BigInt(keep * 4 + 1) !== 0n) {
          m >>= 1n;
          exp++;
        }
        frac = keep === 0 ? '' : (m & ((1n << BigInt(keep * 4)) - 1n)).toString(16).padStart(keep, '0');
      } else frac = frac.padEnd(keep, '0');
    } else frac = frac.replace(/0+$/, '');
    const lead = a === 0 ? '0' : '1';
    const e = a === 0 ? 0 : exp;
    s = (neg ? '-' : f.plus ? '+' : '') + '0x' + lead + (frac ? '.' + frac : '') + 'p' + (e < 0 ? '-' : '+') + String(Math.abs(e)).padStart(2, '0');
  }
  return verb === 'X' ? s.toUpperCase() : s;
}
