// How Go values are represented in JavaScript inside the template engine.
//
//   Go                      JS
//   invalid ("no value")    undefined
//   nil (interface/ptr)     null
//   bool                    boolean
//   int                     bigint          (template integer literals, len, range indexes)
//   float64                 number
//   string                  string
//   slice                   Array (subclasses may add Go methods, e.g. Alerts.Firing)
//   map[string]T            plain object, Map, or an object implementing GoMap (e.g. KV)
//   struct                  class instance: fields are properties, methods are functions
//   fmt.Stringer            any object with a String() method (time.Time, Duration, ...)
//
// Go's exported-name rule is approximated: on class instances only own properties and methods
// of non-builtin prototypes are visible.

export const GO_TYPE = Symbol.for('promlite.template.goType');
export const GO_MAP = Symbol.for('promlite.template.goMap');

/** A Go map with methods (KV in Alertmanager): keys/values plus the element's zero value. */
export interface GoMap {
  readonly [GO_MAP]: true;
  goMapKeys(): string[];
  goMapGet(key: string): unknown;
  /** Value returned for a missing key under missingkey=zero and by `index`. */
  goMapZero(): unknown;
}

/** A struct with a Go type name for error messages and %v. */
export interface GoTyped {
  readonly [GO_TYPE]: string;
}

export type Kind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'struct' | 'func';

/**
 * Named Go string types (template.HTML, template.URL) keep their string in `value` and mark
 * themselves with GO_STRING so len/eq/index treat them as strings.
 */
export const GO_STRING = Symbol.for('promlite.template.goString');

/** The string inside a Go string value (plain or a named string type), else undefined. */
export function goStringValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[GO_STRING] === true) return (v as { value: string }).value;
  return undefined;
}

export function isGoMap(v: unknown): v is GoMap {
  return typeof v === 'object' && v !== null && (v as Partial<GoMap>)[GO_MAP] === true;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'undefined':
      return 'invalid';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
    case 'function':
      return 'func';
    case 'object':
      if (v === null) return 'nil';
      if (Array.isArray(v)) return 'slice';
      if (v instanceof Map || isGoMap(v) || isPlainObject(v)) return 'map';
      return 'struct';
    default:
      return 'struct';
  }
}

export function mapKeys(m: object): string[] {
  let keys: string[];
  if (m instanceof Map) keys = [...m.keys()].map(String);
  else if (isGoMap(m)) keys = m.goMapKeys();
  else keys = Object.keys(m);
  return keys.sort(compareGoStrings);
}

/** Returns undefined when the key is absent. */
export function mapGet(m: object, key: string): unknown {
  if (m instanceof Map) return m.has(key) ? m.get(key) : undefined;
  if (isGoMap(m)) return m.goMapGet(key);
  return Object.prototype.hasOwnProperty.call(m, key) ? (m as Record<string, unknown>)[key] : undefined;
}

export function mapLen(m: object): number {
  if (m instanceof Map) return m.size;
  if (isGoMap(m)) return m.goMapKeys().length;
  return Object.keys(m).length;
}

/** Zero value of the map's element type: "" for string maps (all values strings), else nil. */
export function mapZero(m: object): unknown {
  if (isGoMap(m)) return m.goMapZero();
  const values = m instanceof Map ? [...m.values()] : Object.values(m);
  return values.every((x) => typeof x === 'string') ? '' : null;
}

/** Go compares strings bytewise (UTF-8), which is code point order. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Go type name as printed in error messages (approximate for JS-only types). */
export function typeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
      return '<nil>';
    case 'nil':
      return '<nil>';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'func':
      return 'func';
    case 'slice': {
      const t = (v as Partial<GoTyped>)[GO_TYPE];
      if (t) return t;
      const arr = v as unknown[];
      if (arr.length > 0 && arr.every((x) => typeof x === 'string')) return '[]string';
      return '[]interface {}';
    }
    case 'map': {
      const t = (v as Partial<GoTyped>)[GO_TYPE];
      if (t) return t;
      return mapZero(v as object) === '' ? 'map[string]string' : 'map[string]interface {}';
    }
    case 'struct': {
      const t = (v as Partial<GoTyped>)[GO_TYPE];
      return t ?? (v as object).constructor?.name ?? 'struct';
    }
  }
}

/** Go's template truthiness (text/template isTrue). */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
      return (v as bigint) !== 0n;
    case 'float':
      return (v as number) !== 0;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'map':
      return mapLen(v as object) > 0;
    default:
      return true;
  }
}

/** Byte length of a string in UTF-8 (Go's len on strings). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

const HIDDEN_PROTOS = new Set<object>([Object.prototype, Array.prototype, Function.prototype, Map.prototype, Error.prototype]);

/**
 * Finds a Go-visible member (field or method) of a struct-like object. Returns `found:false`
 * when Go would say "can't evaluate field". Methods come back unbound with `isMethod`.
 */
export function lookupMember(obj: object, name: string): { found: boolean; value?: unknown; isMethod?: boolean } {
  if (Object.prototype.hasOwnProperty.call(obj, name)) {
    const value = (obj as Record<string, unknown>)[name];
    return { found: true, value, isMethod: false };
  }
  let p: object | null = Object.getPrototypeOf(obj);
  while (p && !HIDDEN_PROTOS.has(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d) {
      if (name === 'constructor') return { found: false };
      if (typeof d.value === 'function') return { found: true, value: d.value, isMethod: true };
      if (d.get) return { found: true, value: d.get.call(obj), isMethod: false };
      return { found: true, value: d.value, isMethod: false };
    }
    p = Object.getPrototypeOf(p);
  }
  return { found: false };
}

/** Method lookup only (Go checks methods before map keys). */
export function lookupMethod(obj: object, name: string): ((...args: unknown[]) => unknown) | undefined {
  if (isPlainObject(obj)) return undefined;
  let p: object | null = Object.getPrototypeOf(obj);
  while (p && !HIDDEN_PROTOS.has(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d && typeof d.value === 'function' && name !== 'constructor') return d.value as (...args: unknown[]) => unknown;
    p = Object.getPrototypeOf(p);
  }
  return undefined;
}

/** True for objects that behave like fmt.Stringer. */
export function stringerOf(v: unknown): (() => string) | undefined {
  if (typeof v !== 'object' || v === null || isPlainObject(v) || Array.isArray(v)) return undefined;
  const err = lookupMethod(v, 'Error');
  if (err) return () => String(err.call(v));
  const str = lookupMethod(v, 'String');
  if (str) return () => String(str.call(v));
  return undefined;
}
