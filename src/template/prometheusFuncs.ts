// Prometheus's template functions (docs/configuration/template_reference.md, v2.42 semantics)
// and the alert-template expander the rules engine uses for labels and annotations.
//
// Queries: templates may call `query "expr"`. The rules engine's query function is async, the
// template engine is synchronous, so expansion runs in passes: a pass that needs a query result
// not yet known aborts, the query runs, and the template is executed again with the result
// cached (templates have no side effects, so re-running is safe). A template with N distinct
// queries therefore runs at most N+1 times; the number of passes is bounded.

import { ArgTypeError, FuncError, TemplateError } from './errors.ts';
import { TemplateAbort, variadic, type FuncMap } from './exec.ts';
import { sprint, sprintf } from './goFormat.ts';
import { goMatchString, goReplaceAll } from './goRegexp.ts';
import { GoTime, UTC } from './goTime.ts';
import { GO_TYPE, typeName } from './goValues.ts';
import { queryEscape } from './builtins.ts';
import { SafeHTML } from './safeTypes.ts';
import { parseFloatGo } from './goStrconv.ts';
import { Template } from './template.ts';

/** One sample of a query result, as templates see it (`.Labels`, `.Value`). */
export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

/** Runs a PromQL instant query at `timeMs`; may be sync or async. Throw to report an error. */
export type TemplateQueryFn = (expr: string, timeMs: number) => PromSample[] | Promise<PromSample[]>;

/** Go struct `sample {Labels map[string]string; Value float64}`. */
export class QuerySample {
  readonly [GO_TYPE] = '*template.sample';
  constructor(
    readonly Labels: Record<string, string>,
    readonly Value: number,
  ) {}
}

/** Go type `queryResult []*sample`. */
export class QueryResult extends Array<QuerySample> {
  readonly [GO_TYPE] = 'template.queryResult';
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

function toQueryResult(samples: PromSample[]): QueryResult {
  const r = new QueryResult();
  for (const s of samples) r.push(new QuerySample({ ...s.labels }, s.value));
  return r;
}

/** Prometheus's convertToFloat: float64, int or a string parsed with strconv.ParseFloat. */
export function convertToFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return parseGoFloat(v);
  throw new FuncError(`can't convert ${v === null || v === undefined ? '<nil>' : typeName(v)} to float`);
}

/** strconv.ParseFloat(s, 64) with Go's error text. */
export function parseGoFloat(s: string): number {
  const r = parseFloatGo(s);
  if ('value' in r) return r.value;
  throw new FuncError(`strconv.ParseFloat: parsing ${goQuoteString(s)}: ${r.error}`);
}

function goQuoteString(s: string): string {
  return sprintf('%q', [s]);
}

function wantString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) throw new ArgTypeError('invalid value; expected string', v);
  throw new ArgTypeError(`wrong type for value; expected string; got ${typeName(v)}`, v);
}

function wantSample(v: unknown): QuerySample {
  if (v instanceof QuerySample) return v;
  if (v === null || v === undefined) throw new FuncError('runtime error: invalid memory address or nil pointer dereference');
  throw new ArgTypeError(`wrong type for value; expected *template.sample; got ${typeName(v)}`, v);
}

function wantQueryResult(v: unknown): QuerySample[] {
  if (v instanceof QueryResult) return v;
  if (Array.isArray(v) && v.every((x) => x instanceof QuerySample)) return v as QuerySample[];
  if (v === null || v === undefined) return [];
  throw new ArgTypeError(`wrong type for value; expected template.queryResult; got ${typeName(v)}`, v);
}

const fmt4g = (v: number): string => sprintf('%.4g', [v]);

export function humanize(i: unknown): string {
  let v = convertToFloat(i);
  if (v === 0 || Number.isNaN(v) || !Number.isFinite(v)) return fmt4g(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return fmt4g(v) + prefix;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return fmt4g(v) + prefix;
}

export function humanize1024(i: unknown): string {
  let v = convertToFloat(i);
  if (Math.abs(v) <= 1 || Number.isNaN(v) || !Number.isFinite(v)) return fmt4g(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return fmt4g(v) + prefix;
}

export function humanizeDuration(i: unknown): string {
  let v = convertToFloat(i);
  if (Number.isNaN(v) || !Number.isFinite(v)) return fmt4g(v);
  if (v === 0) return fmt4g(v) + 's';
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const duration = BigInt(Math.trunc(v));
    const seconds = duration % 60n;
    const minutes = (duration / 60n) % 60n;
    const hours = (duration / 60n / 60n) % 24n;
    const days = duration / 60n / 60n / 24n;
    if (days !== 0n) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0n) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0n) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${fmt4g(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${fmt4g(v)}${prefix}s`;
}

export function humanizePercentage(i: unknown): string {
  return sprintf('%.4g%%', [convertToFloat(i) * 100]);
}

/** Prometheus floatToTime: seconds -> time in UTC with millisecond precision. */
export function floatToTime(v: number): GoTime | 'nan-or-inf' {
  if (Number.isNaN(v) || !Number.isFinite(v)) return 'nan-or-inf';
  const ns = v * 1e9;
  if (ns > 9223372036854775807 || ns < -9223372036854775808) {
    throw new FuncError(`${sprint([v])} cannot be represented as a nanoseconds timestamp since it overflows int64`);
  }
  // model.TimeFromUnixNano(int64(ns)) truncates to milliseconds.
  const ms = Number(BigInt(Math.trunc(ns)) / 1000000n);
  return new GoTime(ms, 0, UTC);
}

export function humanizeTimestamp(i: unknown): string {
  const v = convertToFloat(i);
  const t = floatToTime(v);
  if (t === 'nan-or-inf') return fmt4g(v);
  return t.String();
}

/** net.SplitHostPort; null when it fails (Go returns an error). */
export function splitHostPort(hostPort: string): { host: string; port: string } | null {
  const lastColon = hostPort.lastIndexOf(':');
  if (lastColon < 0) return null;
  let host: string;
  if (hostPort[0] === '[') {
    const close = hostPort.indexOf(']');
    if (close < 0) return null;
    if (close + 1 === hostPort.length) return null; // missing port
    if (close + 1 !== lastColon) return null;
    host = hostPort.slice(1, close);
    if (host.includes('[') || host.includes(']')) return null;
  } else {
    host = hostPort.slice(0, lastColon);
    if (host.includes(':')) return null; // too many colons
    if (host.includes('[') || host.includes(']')) return null;
  }
  const port = hostPort.slice(lastColon + 1);
  if (port.includes('[') || port.includes(']')) return null;
  return { host, port };
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function isIP(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) && s.split('.').every((x) => Number(x) <= 255) ? true : s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s);
}

/** model.ParseDuration as float seconds ("1h30m" -> 5400). */
export function parsePromDuration(d: string): number {
  const err = (): never => {
    throw new FuncError(`not a valid duration string: ${goQuoteString(d)}`);
  };
  if (d === '0') return 0;
  if (d === '') err();
  const units: [string, number][] = [
    ['y', 365 * 24 * 3600e3],
    ['w', 7 * 24 * 3600e3],
    ['d', 24 * 3600e3],
    ['h', 3600e3],
    ['ms', 1],
    ['m', 60e3],
    ['s', 1e3],
  ];
  let rest = d;
  let totalMs = 0;
  let lastUnitIdx = -1;
  while (rest.length > 0) {
    const m = /^(\d+)(y|w|d|h|ms|m|s)/.exec(rest);
    if (!m) err();
    const idx = units.findIndex(([u]) => u === m![2]);
    const order = ['y', 'w', 'd', 'h', 'm', 's', 'ms'].indexOf(m![2]!);
    if (order <= lastUnitIdx) err();
    lastUnitIdx = order;
    totalMs += Number(m![1]) * units[idx]![1];
    rest = rest.slice(m![0].length);
  }
  return totalMs / 1000;
}

export interface PrometheusFuncOptions {
  /** Evaluation time of the rule (ms); queries run at this time. */
  timestampMs: number;
  /** --web.external-url (for externalURL and pathPrefix). */
  externalURL?: string;
  /** Synchronous lookup of query results; see expandAlertTemplate for the async flow. */
  query?: (expr: string) => PromSample[];
}

/** The Prometheus template function map (rules and console templates). */
export function prometheusFuncs(opts: PrometheusFuncOptions): FuncMap {
  const external = parseExternalURL(opts.externalURL ?? '');
  return {
    query: (q: unknown) => {
      const expr = wantString(q);
      if (!opts.query) throw new FuncError('query function not available');
      return toQueryResult(opts.query(expr));
    },
    first: (v: unknown) => {
      const r = wantQueryResult(v);
      if (r.length > 0) return r[0];
      throw new FuncError('first() called on vector with no elements');
    },
    label: (label: unknown, s: unknown) => {
      const l = wantString(label);
      const smp = wantSample(s);
      return Object.prototype.hasOwnProperty.call(smp.Labels, l) ? smp.Labels[l] : '';
    },
    value: (s: unknown) => wantSample(s).Value,
    strvalue: (s: unknown) => wantSample(s).Labels['__value__'] ?? '',
    sortByLabel: (label: unknown, v: unknown) => {
      const l = wantString(label);
      const r = wantQueryResult(v);
      const out = new QueryResult();
      out.push(...r);
      // sort.Stable by the label value.
      const indexed = out.map((s, i) => ({ s, i }));
      indexed.sort((a, b) => {
        const x = a.s.Labels[l] ?? '';
        const y = b.s.Labels[l] ?? '';
        return x < y ? -1 : x > y ? 1 : a.i - b.i;
      });
      indexed.forEach((e, i) => (out[i] = e.s));
      return out;
    },
    args: variadic(0, (...a: unknown[]) => {
      const result: Record<string, unknown> = {};
      a.forEach((x, i) => (result[`arg${i}`] = x));
      return result;
    }),
    reReplaceAll: (pattern: unknown, repl: unknown, text: unknown) => goReplaceAll(wantString(pattern), wantString(repl), wantString(text)),
    safeHtml: (text: unknown) => new SafeHTML(wantString(text)),
    match: (pattern: unknown, s: unknown) => goMatchString(wantString(pattern), wantString(s)),
    title: (s: unknown) => goStringsTitle(wantString(s)),
    toUpper: (s: unknown) => goToUpper(wantString(s)),
    toLower: (s: unknown) => goToLower(wantString(s)),
    graphLink: (expr: unknown) => `/graph?g0.expr=${queryEscape(wantString(expr))}&g0.tab=0`,
    tableLink: (expr: unknown) => `/graph?g0.expr=${queryEscape(wantString(expr))}&g0.tab=1`,
    humanize,
    humanize1024,
    humanizeDuration,
    humanizePercentage,
    humanizeTimestamp,
    toTime: (i: unknown) => {
      const v = convertToFloat(i);
      const t = floatToTime(v);
      if (t === 'nan-or-inf') throw new FuncError('value is NaN or Inf');
      return t;
    },
    pathPrefix: () => external.path,
    externalURL: () => external.full,
    parseDuration: (d: unknown) => parsePromDuration(wantString(d)),
    stripPort: (hp: unknown) => {
      const s = wantString(hp);
      const r = splitHostPort(s);
      return r ? r.host : s;
    },
    stripDomain: (hp: unknown) => {
      const s = wantString(hp);
      const r = splitHostPort(s);
      const host = r ? r.host : s;
      if (isIP(host)) return s;
      const short = host.split('.')[0]!;
      return r && r.port !== '' ? joinHostPort(short, r.port) : short;
    },
  };
}

function parseExternalURL(u: string): { full: string; path: string } {
  if (!u) return { full: '', path: '' };
  try {
    const url = new URL(u);
    const path = url.pathname === '/' && !/^[a-z]+:\/\/[^/]+\/$/i.test(u) ? '' : url.pathname;
    return { full: u, path };
  } catch {
    return { full: u, path: '' };
  }
}

/** unicode.ToUpper for one rune: runes without a single-rune upper case stay (ß -> ß). */
function upperRune(ch: string): string {
  const u = ch.toUpperCase();
  return [...u].length === 1 ? u : ch;
}
/** unicode.ToLower for one rune (İ -> i). */
function lowerRune(ch: string): string {
  const l = ch.toLowerCase();
  return [...l].length === 1 ? l : [...l][0]!;
}
/** strings.ToUpper: rune by rune, unlike JS's full case mapping ("ß" stays "ß"). */
export function goToUpper(s: string): string {
  let out = '';
  for (const ch of s) out += upperRune(ch);
  return out;
}
/** strings.ToLower: rune by rune. */
export function goToLower(s: string): string {
  let out = '';
  for (const ch of s) out += lowerRune(ch);
  return out;
}

/** strings.Title: upper-cases the first letter of each word (letters after separators). */
export function goStringsTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isTitleSeparator(prev) ? upperRune(ch) : ch;
    prev = ch;
  }
  return out;
}

function isTitleSeparator(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c <= 0x7f) return !/[0-9a-zA-Z_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

// ---- alert templates ----

/** Prometheus prepends these definitions to every label/annotation template (rules/alerting.go). */
export const ALERT_TEMPLATE_PREAMBLE =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

/** template.AlertTemplateData: the dot of an alert template. */
export class AlertTemplateData {
  readonly [GO_TYPE] = 'struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }';
  constructor(
    readonly Labels: Record<string, string>,
    readonly ExternalLabels: Record<string, string>,
    readonly ExternalURL: string,
    readonly Value: number,
  ) {}
}

export interface AlertTemplateInput {
  /** Alert rule name; the template is named `__alert_<name>` as in Prometheus. */
  alertName: string;
  /** Labels of the sample that triggered the alert (before rule labels are added). */
  labels: Record<string, string>;
  externalLabels?: Record<string, string>;
  externalURL?: string;
  value: number;
  /** Rule evaluation time in ms (used by `query`). */
  timestampMs?: number;
  queryFn?: TemplateQueryFn;
}

class PendingQuery extends TemplateAbort {
  constructor(readonly expr: string) {
    super(`query ${expr} pending`);
  }
}

const MAX_PASSES = 32;

// Parsed alert templates by (name, text): rules expand the same annotations for every alert
// on every evaluation. Bounded; parse errors are cached too.
const parsedCache = new Map<string, Template | TemplateError>();
const PARSED_CACHE_MAX = 2000;
const NAME_ONLY_FUNCS = prometheusFuncs({ timestampMs: 0 });

function buildAlertTemplate(text: string, alertName: string, funcs: FuncMap): Template {
  const key = alertName + '\u0000' + text;
  let parsed = parsedCache.get(key);
  if (!parsed) {
    try {
      parsed = new Template(`__alert_${alertName}`, { funcs: NAME_ONLY_FUNCS, missingKey: 'zero' }).parse(ALERT_TEMPLATE_PREAMBLE + text);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      parsed = e;
    }
    if (parsedCache.size >= PARSED_CACHE_MAX) parsedCache.delete(parsedCache.keys().next().value!);
    parsedCache.set(key, parsed);
  }
  if (parsed instanceof TemplateError) throw parsed;
  return parsed.withFuncs(funcs);
}

function expanderFuncs(input: AlertTemplateInput, cache: Map<string, PromSample[] | Error>, pending: Map<string, Promise<void>>): FuncMap {
  const ts = input.timestampMs ?? 0;
  return prometheusFuncs({
    timestampMs: ts,
    externalURL: input.externalURL ?? '',
    query: (expr) => {
      const hit = cache.get(expr);
      if (hit instanceof Error) throw new FuncError(hit.message);
      if (hit) return hit;
      if (!input.queryFn) throw new FuncError('query function not available');
      let r: PromSample[] | Promise<PromSample[]>;
      try {
        r = input.queryFn(expr, ts);
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        cache.set(expr, err);
        throw new FuncError(err.message);
      }
      if (Array.isArray(r)) {
        cache.set(expr, r);
        return r;
      }
      pending.set(
        expr,
        r.then(
          (v) => void cache.set(expr, v),
          (e: unknown) => void cache.set(expr, e instanceof Error ? e : new Error(String(e))),
        ),
      );
      throw new PendingQuery(expr);
    },
  });
}

function formatExpandError(alertName: string, e: unknown): string {
  const msg = e instanceof TemplateError ? e.message : String(e);
  if (e instanceof TemplateError && e.kind === 'parse') return `<error expanding template: error parsing template __alert_${alertName}: ${msg}>`;
  return `<error expanding template: error executing template __alert_${alertName}: ${msg}>`;
}

/**
 * Expands one label or annotation template exactly as Prometheus does for alerting rules:
 * the preamble defines $labels, $externalLabels, $externalURL and $value; a missing label
 * renders as "" (missingkey=zero). Never throws: errors come back as Prometheus's text
 * `<error expanding template: ...>` (and `ok: false`).
 */
export async function expandAlertTemplateResult(text: string, input: AlertTemplateInput): Promise<{ text: string; ok: boolean; error?: TemplateError }> {
  const cache = new Map<string, PromSample[] | Error>();
  const data = new AlertTemplateData({ ...input.labels }, { ...(input.externalLabels ?? {}) }, input.externalURL ?? '', input.value);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const pending = new Map<string, Promise<void>>();
    try {
      const tmpl = buildAlertTemplate(text, input.alertName, expanderFuncs(input, cache, pending));
      return { text: tmpl.execute(data), ok: true };
    } catch (e) {
      if (e instanceof PendingQuery) {
        await Promise.all(pending.values());
        continue;
      }
      const err = e instanceof TemplateError ? e : new TemplateError(String(e), { kind: 'exec', templateName: `__alert_${input.alertName}`, line: 0 });
      return { text: formatExpandError(input.alertName, err), ok: false, error: err };
    }
  }
  const err = new TemplateError(`template: __alert_${input.alertName}: too many queries`, { kind: 'exec', templateName: `__alert_${input.alertName}`, line: 0 });
  return { text: formatExpandError(input.alertName, err), ok: false, error: err };
}

/** Like expandAlertTemplateResult, returning only the text (Prometheus's behaviour). */
export async function expandAlertTemplate(text: string, input: AlertTemplateInput): Promise<string> {
  return (await expandAlertTemplateResult(text, input)).text;
}

/**
 * Synchronous variant for callers whose queryFn is synchronous (e.g. promtool-style unit
 * tests). An async queryFn result yields an error text.
 */
export function expandAlertTemplateSync(text: string, input: AlertTemplateInput): string {
  const cache = new Map<string, PromSample[] | Error>();
  const data = new AlertTemplateData({ ...input.labels }, { ...(input.externalLabels ?? {}) }, input.externalURL ?? '', input.value);
  try {
    return buildAlertTemplate(text, input.alertName, expanderFuncs(input, cache, new Map())).execute(data);
  } catch (e) {
    if (e instanceof PendingQuery) return formatExpandError(input.alertName, 'query function returned a promise in synchronous expansion');
    return formatExpandError(input.alertName, e);
  }
}

/**
 * Load-time check of a label/annotation template (Prometheus rulefmt validation): returns
 * the parse error, or null. Message like `template: __alert_X:1: function "foo" not defined`;
 * Prometheus reports it as `annotation "summary": error parsing template __alert_X: <msg>`.
 */
export function checkAlertTemplate(text: string, alertName: string): TemplateError | null {
  try {
    buildAlertTemplate(text, alertName, prometheusFuncs({ timestampMs: 0 }));
    return null;
  } catch (e) {
    if (e instanceof TemplateError) return e;
    return new TemplateError(String(e), { kind: 'parse', templateName: `__alert_${alertName}`, line: 0 });
  }
}
