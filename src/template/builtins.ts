// Go text/template's predefined functions (text/template funcs.go): and or not len index
// slice print printf println eq ne lt le gt ge html js urlquery call.

import type { FuncMap } from './exec.ts';
import { variadic } from './exec.ts';
import { ArgTypeError, FuncError } from './errors.ts';
import { sprint, sprintf, sprintln } from './goFormat.ts';
import { compareGoStrings, goStringValue, isTrue, kindOf, mapGet, mapLen, mapZero, typeName, utf8Length } from './goValues.ts';

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'invalid' | 'other';

function basicKind(v: unknown): BasicKind {
  if (goStringValue(v) !== undefined) return 'string';
  const k = kindOf(v);
  if (k === 'bool' || k === 'int' || k === 'float' || k === 'string') return k;
  if (k === 'invalid' || k === 'nil') return 'invalid';
  return 'other';
}

const errBadComparisonType = 'invalid type for comparison';
const errBadComparison = 'incompatible types for comparison';

function eq(arg1: unknown, ...arg2: unknown[]): boolean {
  if (arg2.length === 0) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of arg2) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (arg1 !== null && arg1 !== undefined && arg !== null && arg !== undefined) throw new FuncError(errBadComparison);
    } else if (k1 === 'other') {
      if (kindOf(arg1) !== kindOf(arg) || kindOf(arg1) !== 'struct') {
        throw new FuncError(`non-comparable type ${sprint([arg])}: ${typeName(arg)}`);
      }
      truth = arg1 === arg;
    } else if (k1 === 'invalid') {
      truth = true;
    } else if (k1 === 'string') {
      truth = goStringValue(arg1) === goStringValue(arg);
    } else {
      truth = arg1 === arg;
    }
    if (truth) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  if (k1 === 'invalid' || k1 === 'other') throw new FuncError(errBadComparisonType);
  const k2 = basicKind(b);
  if (k2 === 'invalid' || k2 === 'other') throw new FuncError(errBadComparisonType);
  if (k1 !== k2) throw new FuncError(errBadComparison);
  switch (k1) {
    case 'bool':
      throw new FuncError(errBadComparisonType);
    case 'string':
      return compareGoStrings(goStringValue(a)!, goStringValue(b)!) < 0;
    default:
      return (a as number) < (b as number);
  }
}

/** html/template's HTMLEscapeString as used by the text/template `html` builtin. */
export function htmlEscapeString(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => {
    switch (c) {
      case '\0':
        return '\uFFFD';
      case '"':
        return '&#34;';
      case "'":
        return '&#39;';
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      default:
        return '&gt;';
    }
  });
}

/** text/template JSEscapeString. */
export function jsEscapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      case '<':
        out += '\\u003C';
        break;
      case '>':
        out += '\\u003E';
        break;
      case '&':
        out += '\\u0026';
        break;
      case '=':
        out += '\\u003D';
        break;
      default: {
        const c = ch.codePointAt(0)!;
        if (c < 0x20) out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
        else out += ch;
      }
    }
  }
  return out;
}

/** net/url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Go's evalArgs: a single string argument as is, otherwise fmt.Sprint of all. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

function toIndex(v: unknown, cap: number, what: string): number {
  if (typeof v !== 'bigint') {
    if (v === null || v === undefined) throw new FuncError(`cannot index ${what} with nil`);
    throw new FuncError(`cannot index ${what} with type ${typeName(v)}`);
  }
  const x = Number(v);
  if (x < 0 || x >= cap) throw new FuncError(`index out of range: ${x}`);
  return x;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (item === null || item === undefined) throw new FuncError('index of untyped nil');
  let cur: unknown = item;
  for (const idx of indexes) {
    if (cur === null || cur === undefined) throw new FuncError('index of nil pointer');
    const k = kindOf(cur);
    if (k === 'slice') {
      const arr = cur as unknown[];
      cur = arr[toIndex(idx, arr.length, 'slice/array')];
    } else if (k === 'string') {
      const bytes = Buffer.from(cur as string, 'utf8');
      cur = BigInt(bytes[toIndex(idx, bytes.length, 'slice/array')]!);
    } else if (k === 'map') {
      if (typeof idx !== 'string') throw new FuncError(`value has type ${typeName(idx)}; should be string`);
      const v = mapGet(cur as object, idx);
      cur = v === undefined ? mapZero(cur as object) : v;
    } else {
      throw new FuncError(`can't index item of type ${typeName(cur)}`);
    }
  }
  return cur;
}

function sliceFn(item: unknown, ...indexes: unknown[]): unknown {
  if (item === null || item === undefined) throw new FuncError('slice of untyped nil');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  const k = kindOf(item);
  let len: number;
  if (k === 'string') {
    if (indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
    len = Buffer.byteLength(item as string);
  } else if (k === 'slice') len = (item as unknown[]).length;
  else throw new FuncError(`can't slice item of type ${typeName(item)}`);
  const idx = [0, len];
  for (let i = 0; i < indexes.length; i++) {
    const v = indexes[i];
    if (typeof v !== 'bigint') throw new FuncError(`cannot index slice/array with type ${typeName(v)}`);
    const x = Number(v);
    if (x < 0 || x > len) throw new FuncError(`index out of range: ${x}`);
    idx[i] = x;
  }
  if (idx[0]! > idx[1]!) throw new FuncError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (k === 'string') return Buffer.from(item as string, 'utf8').subarray(idx[0], idx[1]).toString('utf8');
  return (item as unknown[]).slice(idx[0], idx[1]);
}

function len(item: unknown): bigint {
  const str = goStringValue(item);
  if (str !== undefined) return BigInt(utf8Length(str));
  switch (kindOf(item)) {
    case 'string':
      return BigInt(utf8Length(item as string));
    case 'slice':
      return BigInt((item as unknown[]).length);
    case 'map':
      return BigInt(mapLen(item as object));
    case 'invalid':
    case 'nil':
      throw new FuncError('len of nil pointer');
    default:
      throw new FuncError(`len of type ${typeName(item)}`);
  }
}

export const BUILTINS: FuncMap = {
  and: variadic(1, (...args: unknown[]) => args.find((a) => !isTrue(a)) ?? args[args.length - 1]),
  or: variadic(1, (...args: unknown[]) => args.find((a) => isTrue(a)) ?? args[args.length - 1]),
  not: (a: unknown) => !isTrue(a),
  len: (item: unknown) => len(item),
  index: variadic(1, index),
  slice: variadic(1, sliceFn),
  print: variadic(0, (...args: unknown[]) => sprint(args)),
  printf: variadic(1, (format: unknown, ...args: unknown[]) => {
    if (typeof format !== 'string') throw new ArgTypeError(`wrong type for value; expected string; got ${typeName(format)}`, format);
    return sprintf(format, args);
  }),
  println: variadic(0, (...args: unknown[]) => sprintln(args)),
  eq: variadic(1, eq),
  ne: (a: unknown, b: unknown) => !eq(a, b),
  lt: (a: unknown, b: unknown) => lt(a, b),
  le: (a: unknown, b: unknown) => lt(a, b) || eq(a, b),
  gt: (a: unknown, b: unknown) => !lt(a, b) && !eq(a, b),
  ge: (a: unknown, b: unknown) => !lt(a, b),
  html: variadic(0, (...args: unknown[]) => htmlEscapeString(evalArgs(args))),
  js: variadic(0, (...args: unknown[]) => jsEscapeString(evalArgs(args))),
  urlquery: variadic(0, (...args: unknown[]) => queryEscape(evalArgs(args))),
  call: variadic(1, (fn: unknown, ...args: unknown[]) => {
    if (fn === null || fn === undefined) throw new FuncError('call of nil');
    if (typeof fn !== 'function') throw new FuncError(`non-function of type ${typeName(fn)}`);
    return (fn as (...a: unknown[]) => unknown)(...args);
  }),
};
