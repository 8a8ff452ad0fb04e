/**
 * The promqltest script DSL (`load` / `clear` / `eval`), as Prometheus's own PromQL test files
 * use it (format: shared/research/promqltest-format.md). Two uses:
 *  - `loadedStorage("load 1m\n  up{job=\"a\"} 1 2 3")` builds a fixture store for rules/API tests;
 *  - `runTestScript(text, ...)` runs a whole file and judges every eval (conformance runner).
 *
 * Native histograms are not supported: evals that involve them are reported as skipped.
 */
import type { Storage } from '../storage/interface.ts';
import { Labels, compareLabels } from '../storage/labels.ts';
import { STALE_NAN, isStaleNaN } from '../storage/staleMarker.ts';
import { MemoryStorage } from '../storage/memoryStorage.ts';
import type { AtModifier, Expr } from './ast.ts';
import { parseExpr } from './parser.ts';
import { almostEqual } from './almostEqual.ts';
import { Engine, type EngineOptions, type QueryResult } from './engine.ts';
import { QueryError } from './errors.ts';
import type { QueryValue } from './values.ts';
import { RE2JS } from 're2js';

// ---- parsing ------------------------------------------------------------------------------

/** One value slot of a series line: a float, a stale marker, a native histogram, or nothing. */
export type SlotValue = number | 'stale' | 'histogram' | null;

export interface SeriesLine {
  labels: Labels;
  values: SlotValue[];
}

export interface LoadCommand {
  kind: 'load';
  line: number;
  interval: number;
  withNhcb: boolean;
  series: SeriesLine[];
  hasHistograms: boolean;
  hasStartTimestamps: boolean;
}

export interface Expectation {
  type: 'fail' | 'warn' | 'no_warn' | 'info' | 'no_info' | 'ordered';
  mode?: 'msg' | 'regex';
  text?: string;
}

export interface EvalCommand {
  kind: 'eval';
  line: number;
  instant: boolean;
  expr: string;
  /** Instant time, or range start/end/step (ms). */
  at: number;
  start: number;
  end: number;
  step: number;
  expectations: Expectation[];
  /** Expected scalar (a bare number line). */
  scalar: number | null;
  series: SeriesLine[];
  /** `expect range vector from a to b step s` on an instant eval. */
  rangeVector: { start: number; end: number; step: number } | null;
  expectString: string | null;
  /** Result/expect lines mention native histograms. */
  hasHistograms: boolean;
}

export interface ClearCommand {
  kind: 'clear';
  line: number;
}

export type Command = LoadCommand | EvalCommand | ClearCommand;

export class TestScriptError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'TestScriptError';
  }
}

const UNITS: Record<string, number> = { y: 365 * 86400000, w: 7 * 86400000, d: 86400000, h: 3600000, m: 60000, s: 1000, ms: 1 };

/** Prometheus duration (`1h30m`, `10s53ms`, `0`) in ms; plain numbers are seconds. */
export function parseDuration(s: string): number {
  if (s === '0') return 0;
  const re = /(\d+)(ms|y|w|d|h|m|s)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNITS[m[2]];
    pos = re.lastIndex;
  }
  if (pos === s.length && pos > 0) return total;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  throw new Error(`not a valid duration string: "${s}"`);
}

const NUM = String.raw`[+-]?(?:[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN]|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)`;
const NUM_RE = new RegExp(`^${NUM}$`);
const EXPAND_RE = new RegExp(`^(${NUM})(?:([+-])(${NUM}))?x(\\d+)$`);

function parseNumber(s: string): number {
  const l = s.toLowerCase().replace(/^\+/, '');
  if (l === 'inf' || l === 'infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  if (l === 'nan' || l === '-nan') return NaN;
  return Number(s);
}

/** A bare-number expectation line: Go integer with base prefix first, then float. */
function parseScalarLine(s: string): number | null {
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) return parseInt(s, 16);
  if (/^[+-]?0[oO]?[0-7]+$/.test(s) && s.replace(/^[+-]/, '') !== '0') return parseInt(s.replace(/0[oO]/, '0'), 8);
  if (/^[+-]?0[bB][01]+$/.test(s)) return parseInt(s.replace(/0[bB]/, ''), 2);
  if (NUM_RE.test(s)) return parseNumber(s);
  return null;
}

/** Parses a Go/PromQL string literal starting at s[i]; returns [value, nextIndex]. */
function parseStringLiteral(s: string, i: number): [string, number] {
  const q = s[i];
  if (q === '`') {
    const end = s.indexOf('`', i + 1);
    if (end < 0) throw new Error('unterminated raw string');
    return [s.slice(i + 1, end), end + 1];
  }
  const bytes: number[] = [];
  const enc = new TextEncoder();
  let j = i + 1;
  while (j < s.length && s[j] !== q) {
    if (s[j] !== '\\') {
      const cp = s.codePointAt(j)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...enc.encode(ch));
      j += ch.length;
      continue;
    }
    const e = s[j + 1];
    j += 2;
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, '"': 34, "'": 39 };
    if (e in simple) bytes.push(simple[e]);
    else if (e === 'x') {
      bytes.push(parseInt(s.slice(j, j + 2), 16));
      j += 2;
    } else if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      bytes.push(...enc.encode(String.fromCodePoint(parseInt(s.slice(j, j + len), 16))));
      j += len;
    } else if (/[0-7]/.test(e)) {
      bytes.push(parseInt(s.slice(j - 1, j + 2), 8));
      j += 2;
    } else throw new Error(`unknown escape sequence \\${e}`);
  }
  if (j >= s.length) throw new Error('unterminated string');
  return [new TextDecoder().decode(Uint8Array.from(bytes)), j + 1];
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** Parses `name{l="v", ...}` at the start of `s`; returns the labels and the rest of the line. */
export function parseSeriesDesc(s: string): { labels: Labels; rest: string } {
  const pairs: [string, string][] = [];
  let i = 0;
  const nm = NAME_RE.exec(s);
  if (nm) {
    pairs.push(['__name__', nm[0]]);
    i = nm[0].length;
  }
  if (s[i] === '{') {
    i++;
    for (;;) {
      while (s[i] === ' ' || s[i] === '\t') i++;
      if (s[i] === '}') {
        i++;
        break;
      }
      let name: string;
      if (s[i] === '"' || s[i] === "'" || s[i] === '`') {
        [name, i] = parseStringLiteral(s, i);
      } else {
        const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(i));
        if (!m) throw new Error(`unexpected character in label set: "${s.slice(i, i + 10)}"`);
        name = m[0];
        i += name.length;
      }
      while (s[i] === ' ' || s[i] === '\t') i++;
      if (s[i] === '=') {
        i++;
        while (s[i] === ' ' || s[i] === '\t') i++;
        let value: string;
        [value, i] = parseStringLiteral(s, i);
        pairs.push([name, value]);
      } else {
        pairs.push(['__name__', name]); // a quoted metric name on its own
      }
      while (s[i] === ' ' || s[i] === '\t') i++;
      if (s[i] === ',') i++;
      else if (s[i] !== '}') throw new Error(`expected "," or "}" in label set`);
    }
  } else if (!nm) {
    throw new Error(`invalid series description: "${s}"`);
  }
  return { labels: Labels.fromPairs(pairs), rest: s.slice(i) };
}

/** Splits value items on whitespace, keeping `{{ ... }}` histograms (which contain spaces) whole. */
function splitItems(s: string): string[] {
  const items: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i])) i++;
    if (i >= s.length) break;
    let j = i;
    while (j < s.length && !/\s/.test(s[j])) {
      if (s.startsWith('{{', j)) {
        const end = s.indexOf('}}', j);
        if (end < 0) throw new Error('unterminated histogram');
        j = end + 2;
      } else j++;
    }
    items.push(s.slice(i, j));
    i = j;
  }
  return items;
}

export function parseValues(s: string): SlotValue[] {
  const out: SlotValue[] = [];
  for (const item of splitItems(s)) {
    if (item.startsWith('{{')) {
      const m = /x(\d+)$/.exec(item);
      const n = m && item.lastIndexOf('}}') < m.index ? Number(m[1]) + 1 : 1;
      for (let k = 0; k < n; k++) out.push('histogram');
      continue;
    }
    if (item === '_') {
      out.push(null);
      continue;
    }
    let m = /^_x(\d+)$/.exec(item);
    if (m) {
      for (let k = 0; k < Number(m[1]); k++) out.push(null);
      continue;
    }
    if (item === 'stale') {
      out.push('stale');
      continue;
    }
    if (NUM_RE.test(item)) {
      out.push(parseNumber(item));
      continue;
    }
    m = EXPAND_RE.exec(item);
    if (!m) throw new Error(`invalid value "${item}"`);
    let v = parseNumber(m[1]);
    const delta = m[2] ? parseNumber(m[3]) * (m[2] === '-' ? -1 : 1) : 0;
    const n = Number(m[4]);
    // Repeated addition, exactly as Prometheus builds the series.
    for (let k = 0; k <= n; k++) {
      out.push(v);
      v += delta;
    }
  }
  return out;
}

function parseSeriesLine(line: string): SeriesLine {
  const { labels, rest } = parseSeriesDesc(line);
  return { labels, values: parseValues(rest) };
}

function parseExpectation(line: string): Expectation {
  const m = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/.exec(line);
  if (!m) throw new Error(`invalid expect statement "${line}"`);
  const exp: Expectation = { type: m[1] as Expectation['type'] };
  if (m[2]) {
    exp.mode = m[2] as 'msg' | 'regex';
    exp.text = m[3].trim();
  }
  return exp;
}

const INSTANT_RE = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const RANGE_RE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;

export function parseTestScript(text: string): Command[] {
  const lines = text.split('\n').map((l) => {
    const t = l.trim();
    return t.startsWith('#') ? '' : t;
  });
  const cmds: Command[] = [];
  let i = 0;
  const fail = (line: number, msg: string): never => {
    throw new TestScriptError(line, msg);
  };
  while (i < lines.length) {
    const l = lines[i];
    if (l === '') {
      i++;
      continue;
    }
    const lineNo = i + 1;
    const word = l.split(/\s+/)[0].toLowerCase();
    if (word === 'clear') {
      cmds.push({ kind: 'clear', line: lineNo });
      i++;
    } else if (word.startsWith('load')) {
      const parts = l.split(/\s+/);
      if (parts.length !== 2) fail(lineNo, `invalid load command "${l}"`);
      const cmd: LoadCommand = {
        kind: 'load',
        line: lineNo,
        interval: parseDuration(parts[1]),
        withNhcb: parts[0] === 'load_with_nhcb',
        series: [],
        hasHistograms: parts[0] === 'load_with_nhcb',
        hasStartTimestamps: false,
      };
      i++;
      for (; i < lines.length && lines[i] !== ''; i++) {
        const first = lines[i].split(/[ \t]/)[0];
        if (first.endsWith('@st')) {
          cmd.hasStartTimestamps = true;
          continue;
        }
        if (lines[i].includes('{{')) cmd.hasHistograms = true;
        try {
          cmd.series.push(parseSeriesLine(lines[i]));
        } catch (e) {
          fail(i + 1, (e as Error).message);
        }
      }
      cmds.push(cmd);
    } else if (word.startsWith('eval')) {
      cmds.push(parseEval(lines, i, fail));
      i++;
      while (i < lines.length && lines[i] !== '') {
        const last = cmds[cmds.length - 1] as EvalCommand;
        const done = parseEvalBodyLine(last, lines[i], i + 1, fail);
        i++;
        if (done) break;
      }
    } else {
      fail(lineNo, `invalid command "${l}"`);
    }
  }
  return cmds;
}

function parseEval(lines: string[], i: number, fail: (line: number, msg: string) => never): EvalCommand {
  const l = lines[i];
  const cmd: EvalCommand = {
    kind: 'eval',
    line: i + 1,
    instant: true,
    expr: '',
    at: 0,
    start: 0,
    end: 0,
    step: 0,
    expectations: [],
    scalar: null,
    series: [],
    rangeVector: null,
    expectString: null,
    hasHistograms: false,
  };
  let flag: string | undefined;
  try {
    let m = INSTANT_RE.exec(l);
    if (m && /^eval\S*\s+instant/.test(l)) {
      flag = m[1];
      cmd.at = parseDuration(m[2] ?? '');
      cmd.expr = m[3];
    } else if ((m = RANGE_RE.exec(l))) {
      flag = m[1];
      cmd.instant = false;
      cmd.start = parseDuration(m[2]);
      cmd.end = parseDuration(m[3]);
      cmd.step = parseDuration(m[4]);
      cmd.expr = m[5];
      if (cmd.end < cmd.start) fail(i + 1, 'invalid test definition, end timestamp must not be before start time');
    } else {
      fail(i + 1, `invalid eval command "${l}"`);
    }
  } catch (e) {
    if (e instanceof TestScriptError) throw e;
    fail(i + 1, (e as Error).message);
  }
  if (flag === 'fail') cmd.expectations.push({ type: 'fail' });
  if (flag === 'warn') cmd.expectations.push({ type: 'warn' });
  if (flag === 'info') cmd.expectations.push({ type: 'info' });
  if (flag === 'ordered') cmd.expectations.push({ type: 'ordered' });
  return cmd;
}

/** Returns true when the line ends the eval block. */
function parseEvalBodyLine(cmd: EvalCommand, l: string, lineNo: number, fail: (line: number, msg: string) => never): boolean {
  try {
    if (l.startsWith('expected_fail_message')) {
      cmd.expectations.push({ type: 'fail', mode: 'msg', text: l.slice('expected_fail_message'.length).trim() });
      return true;
    }
    if (l.startsWith('expected_fail_regexp')) {
      cmd.expectations.push({ type: 'fail', mode: 'regex', text: l.slice('expected_fail_regexp'.length).trim() });
      return true;
    }
    if (l.startsWith('expect range vector')) {
      const m = /^expect range vector from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)$/.exec(l);
      if (!m) throw new Error(`invalid range vector definition "${l}"`);
      cmd.rangeVector = { start: parseDuration(m[1]), end: parseDuration(m[2]), step: parseDuration(m[3]) };
      cmd.at = cmd.rangeVector.end;
      return false;
    }
    if (l.startsWith('expect string')) {
      const rest = l.slice('expect string'.length).trim();
      cmd.expectString = parseStringLiteral(rest, 0)[0];
      return false;
    }
    if (l.split(/\s+/)[0] === 'expect') {
      if (l.includes('{{')) cmd.hasHistograms = true;
      cmd.expectations.push(parseExpectation(l));
      return false;
    }
    const scalar = parseScalarLine(l);
    if (scalar !== null) {
      cmd.scalar = scalar;
      return true;
    }
    if (l.includes('{{')) cmd.hasHistograms = true;
    const s = parseSeriesLine(l);
    if (cmd.instant && !cmd.rangeVector && s.values.length !== 1) {
      throw new Error(`expecting exactly one value for an instant query, got ${s.values.length}`);
    }
    cmd.series.push(s);
    return false;
  } catch (e) {
    return fail(lineNo, (e as Error).message);
  }
}

// ---- loading ------------------------------------------------------------------------------

/** Appends a load block's samples (floats and stale markers; histograms are not stored). */
export function applyLoad(storage: Storage, cmd: LoadCommand): void {
  const last = new Map<string, SeriesLine>();
  for (const s of cmd.series) last.set(s.labels.key(), s);
  const app = storage.appender();
  for (const s of last.values()) {
    let ref = 0;
    s.values.forEach((v, i) => {
      if (v === null || v === 'histogram') return;
      ref = app.append(ref, s.labels, i * cmd.interval, v === 'stale' ? STALE_NAN : v);
    });
  }
  app.commit();
}

/**
 * A store holding the samples of the `load` blocks in `text` (promqltest notation), for
 * tests of rules and the API: `loadedStorage('load 1m\n  up{job="a"} 1 1 0')`.
 */
export function loadedStorage(text: string, storage: Storage = new MemoryStorage()): Storage {
  for (const cmd of parseTestScript(text)) if (cmd.kind === 'load') applyLoad(storage, cmd);
  return storage;
}

// ---- running ------------------------------------------------------------------------------

export type EvalOutcome = { status: 'pass' } | { status: 'fail'; message: string } | { status: 'skip'; reason: string };

export interface EvalReport {
  line: number;
  expr: string;
  outcome: EvalOutcome;
}

export interface RunOptions {
  newStorage?: () => Storage;
  /**
   * Also make upstream's extra checks on instant evals (default true): the @-pinned query at
   * other times, and the same query as a range query around the eval time.
   */
  strict?: boolean;
  engine?: EngineOptions;
}

/** The engine settings Prometheus's test harness uses. */
export const TEST_ENGINE_OPTIONS: EngineOptions = {
  lookbackDeltaMs: 5 * 60_000,
  defaultSubqueryStepMs: 60_000,
  timeoutMs: 100_000,
  maxSamples: 10_000,
};

/**
 * Runs a whole test script. Throws TestScriptError when the script itself is malformed; each
 * eval is judged on its own.
 */
export function runTestScript(text: string, opts: RunOptions = {}): EvalReport[] {
  const cmds = parseTestScript(text);
  const newStorage = opts.newStorage ?? (() => new MemoryStorage());
  const engine = new Engine(opts.engine ?? TEST_ENGINE_OPTIONS);
  let storage = newStorage();
  const histogramSeries = new Map<string, Labels>();
  let startTimestamps = false;
  const reports: EvalReport[] = [];
  try {
    for (const cmd of cmds) {
      if (cmd.kind === 'clear') {
        storage.close();
        storage = newStorage();
        histogramSeries.clear();
        startTimestamps = false;
        continue;
      }
      if (cmd.kind === 'load') {
        applyLoad(storage, cmd);
        if (cmd.hasStartTimestamps) startTimestamps = true;
        noteHistograms(cmd, histogramSeries);
        continue;
      }
      const skip = skipReason(cmd, histogramSeries, startTimestamps);
      if (skip) {
        reports.push({ line: cmd.line, expr: cmd.expr, outcome: { status: 'skip', reason: skip } });
        continue;
      }
      reports.push({ line: cmd.line, expr: cmd.expr, outcome: runEval(engine, storage, cmd, opts.strict ?? true) });
    }
  } finally {
    storage.close();
  }
  return reports;
}

/** Remembers every series that holds native histogram samples (or is built by load_with_nhcb). */
function noteHistograms(cmd: LoadCommand, out: Map<string, Labels>): void {
  for (const s of cmd.series) {
    if (s.values.includes('histogram')) out.set(s.labels.key(), s.labels);
    if (cmd.withNhcb) {
      const n = s.labels.metricName();
      const base = n.replace(/_(bucket|count|sum)$/, '');
      if (base === n) continue;
      const l = Labels.fromPairs([...Object.entries(s.labels.without(['le']).toObject()), ['__name__', base]]);
      out.set(l.key(), l);
    }
  }
}

/**
 * Why an eval cannot be judged by a float-only engine: its expected results contain native
 * histograms, or one of its selectors matches a series that holds histogram samples (their
 * absence would change the result), or its segment uses start timestamps.
 */
function skipReason(cmd: EvalCommand, histSeries: Map<string, Labels>, startTimestamps: boolean): string | null {
  if (cmd.hasHistograms) return 'native histograms: expected results contain histograms';
  if (histSeries.size === 0) return null;
  let expr: Expr;
  try {
    expr = parseExpr(cmd.expr);
  } catch (e) {
    // Syntax that only exists for native histograms (the trim operators `</` and `>/`).
    return /native histogram/.test((e as Error).message) ? 'native histograms: histogram-only syntax' : null;
  }
  for (const sel of selectors(expr)) {
    for (const l of histSeries.values()) {
      if (sel.matchers.every((m) => m.matches(l.get(m.name)))) return 'native histograms: the query reads histogram series';
    }
  }
  return null;
}

function* selectors(e: Expr): Generator<import('./ast.ts').VectorSelector> {
  switch (e.type) {
    case 'VectorSelector':
      yield e;
      return;
    case 'MatrixSelector':
      yield e.vectorSelector;
      return;
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
      yield* selectors(e.expr);
      return;
    case 'BinaryExpr':
      yield* selectors(e.lhs);
      yield* selectors(e.rhs);
      return;
    case 'AggregateExpr':
      if (e.param) yield* selectors(e.param);
      yield* selectors(e.expr);
      return;
    case 'Call':
      for (const a of e.args) yield* selectors(a);
      return;
    default:
      return;
  }
}

function runEval(engine: Engine, storage: Storage, cmd: EvalCommand, strict: boolean): EvalOutcome {
  const original = judge(cmd, () => query(engine, storage, cmd, cmd.expr, cmd.at));
  if (original.status !== 'pass' || !strict) return original;
  const failed = cmd.expectations.some((e) => e.type === 'fail');
  let expr: Expr | null = null;
  try {
    expr = parseExpr(cmd.expr);
  } catch {
    return original; // an expected parse failure: nothing more to check
  }
  const rangeCheck = !failed && cmd.rangeVector === null && cmd.expectString === null && !usesQueryBounds(expr);
  if (cmd.instant && rangeCheck) {
    const r = rangeModeCheck(engine, storage, cmd, expr, cmd.at);
    if (r) return { status: 'fail', message: `range-mode check: ${r}` };
  }
  if (!cmd.instant || isTimeDependent(expr)) return { status: 'pass' };
  // Step invariance: pinned with @ to the eval time, the query must give the same answer at
  // any other evaluation time.
  const T = cmd.at;
  const pinned = pinAt(expr, T);
  const times = T === 0 ? [-1000, 0, 1000] : [-10 * T, 0, T / 5, T, 10 * T];
  for (const t of times) {
    const r = judge(cmd, () => query(engine, storage, cmd, pinned, t));
    if (r.status === 'fail') return { status: 'fail', message: `with @ ${T / 1000} evaluated at ${t / 1000}s: ${r.message}` };
    if (rangeCheck) {
      const rr = rangeModeCheck(engine, storage, cmd, pinned, t);
      if (rr) return { status: 'fail', message: `range-mode check with @ ${T / 1000} at ${t / 1000}s: ${rr}` };
    }
  }
  return { status: 'pass' };
}

function query(engine: Engine, storage: Storage, cmd: EvalCommand, q: string | Expr, at: number): QueryResult {
  const opts = { queryText: cmd.expr };
  return cmd.instant ? engine.instantQuerySync(storage, q, at, opts) : engine.rangeQuerySync(storage, q, cmd.start, cmd.end, cmd.step, opts);
}

/** Runs a query and judges its outcome (error, annotations, result) against the eval. */
function judge(cmd: EvalCommand, run: () => QueryResult): EvalOutcome {
  const failExp = cmd.expectations.find((e) => e.type === 'fail');
  let res: QueryResult;
  try {
    res = run();
  } catch (e) {
    if (!(e instanceof QueryError) || e.message.startsWith('internal error:')) {
      const cause = (e as Error & { cause?: Error }).cause ?? e;
      return { status: 'fail', message: `engine crashed: ${(cause as Error).stack ?? cause}` };
    }
    if (!failExp) return { status: 'fail', message: `unexpected error: ${e.message}` };
    if (failExp.mode === 'msg' && e.message !== failExp.text) {
      return { status: 'fail', message: `expected error ${JSON.stringify(failExp.text)}, got ${JSON.stringify(e.message)}` };
    }
    if (failExp.mode === 'regex' && !RE2JS.compile(failExp.text!).matcher(e.message).find()) {
      return { status: 'fail', message: `expected error matching ${JSON.stringify(failExp.text)}, got ${JSON.stringify(e.message)}` };
    }
    return { status: 'pass' };
  }
  if (failExp) return { status: 'fail', message: `expected error${failExp.text ? ' ' + JSON.stringify(failExp.text) : ''} but got none` };
  const annot = checkAnnotations(cmd, res);
  if (annot) return { status: 'fail', message: annot };
  const msg = compareResult(cmd, res.result);
  return msg === null ? { status: 'pass' } : { status: 'fail', message: msg };
}

/**
 * Upstream's range-mode check: a range query from t-1m to t+1m (step 1m) must succeed, be
 * sorted, and its points at t must match the instant expectation (order not checked).
 */
function rangeModeCheck(engine: Engine, storage: Storage, cmd: EvalCommand, q: string | Expr, t: number): string | null {
  let res: QueryResult;
  try {
    res = engine.rangeQuerySync(storage, q, t - 60_000, t + 60_000, 60_000, { queryText: cmd.expr });
  } catch (e) {
    return `range query failed: ${(e as Error).message}`;
  }
  if (res.result.type !== 'matrix') return `range query returned ${res.result.type}`;
  const series = res.result.series;
  for (let k = 1; k < series.length; k++) {
    if (compareLabels(series[k - 1].metric, series[k].metric) >= 0) return 'range query result is not sorted by labels';
  }
  let atT: QueryValue;
  if (cmd.scalar !== null) {
    const p = series[0]?.points.find((x) => x.t === t);
    atT = { type: 'scalar', t, v: p ? p.v : NaN };
  } else {
    atT = {
      type: 'vector',
      samples: series.flatMap((s) => s.points.filter((p) => p.t === t).map((p) => ({ metric: s.metric, t, v: p.v }))),
    };
  }
  const unordered: EvalCommand = { ...cmd, expectations: cmd.expectations.filter((e) => e.type !== 'ordered') };
  return compareResult(unordered, atT);
}

const TIME_FUNCTIONS = new Set([
  'time', 'timestamp', 'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute',
  'month', 'year', 'predict_linear', 'start', 'end', 'range', 'step',
]);

function* nodes(e: Expr): Generator<Expr> {
  yield e;
  switch (e.type) {
    case 'MatrixSelector':
      yield e.vectorSelector;
      return;
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
      yield* nodes(e.expr);
      return;
    case 'BinaryExpr':
      yield* nodes(e.lhs);
      yield* nodes(e.rhs);
      return;
    case 'AggregateExpr':
      if (e.param) yield* nodes(e.param);
      yield* nodes(e.expr);
      return;
    case 'Call':
      for (const a of e.args) yield* nodes(a);
      return;
    default:
      return;
  }
}

function durationExprs(e: Expr): Expr[] {
  const out: Expr[] = [];
  if (e.type === 'VectorSelector' && e.offsetExpr) out.push(e.offsetExpr);
  if (e.type === 'MatrixSelector' && e.rangeExpr) out.push(e.rangeExpr);
  if (e.type === 'SubqueryExpr') for (const d of [e.rangeExpr, e.stepExpr, e.offsetExpr]) if (d) out.push(d);
  return out;
}

function allNodes(e: Expr): Expr[] {
  const out: Expr[] = [];
  for (const n of nodes(e)) {
    out.push(n);
    for (const d of durationExprs(n)) out.push(...allNodes(d));
  }
  return out;
}

function isTimeDependent(e: Expr): boolean {
  return allNodes(e).some((n) => n.type === 'Call' && TIME_FUNCTIONS.has(n.func)) || usesQueryBounds(e);
}

/** Whether the query refers to its own start/end/range/step (functions or `@ start()`). */
function usesQueryBounds(e: Expr): boolean {
  return allNodes(e).some(
    (n) =>
      (n.type === 'Call' && ['start', 'end', 'range', 'step'].includes(n.func)) ||
      ((n.type === 'VectorSelector' || n.type === 'SubqueryExpr') && n.at !== null && n.at.kind !== 'timestamp'),
  );
}

/** Gives every selector and subquery without a fixed `@` the timestamp T (not inside subqueries). */
function pinAt(e: Expr, T: number): Expr {
  const at = (a: AtModifier | null): AtModifier => (a !== null && a.kind === 'timestamp' ? a : { kind: 'timestamp', t: T });
  switch (e.type) {
    case 'VectorSelector':
      return { ...e, at: at(e.at) };
    case 'MatrixSelector':
      return { ...e, vectorSelector: { ...e.vectorSelector, at: at(e.vectorSelector.at) } };
    case 'SubqueryExpr':
      return { ...e, at: at(e.at) };
    case 'ParenExpr':
    case 'UnaryExpr':
      return { ...e, expr: pinAt(e.expr, T) };
    case 'BinaryExpr':
      return { ...e, lhs: pinAt(e.lhs, T), rhs: pinAt(e.rhs, T) };
    case 'AggregateExpr':
      return { ...e, expr: pinAt(e.expr, T), param: e.param && pinAt(e.param, T) };
    case 'Call':
      return { ...e, args: e.args.map((a) => pinAt(a, T)) };
    default:
      return e;
  }
}

function checkAnnotations(cmd: EvalCommand, res: QueryResult): string | null {
  for (const [kind, actual] of [
    ['warn', res.warnings],
    ['info', res.infos],
  ] as const) {
    const exps = cmd.expectations.filter((e) => e.type === kind);
    const none = cmd.expectations.some((e) => e.type === `no_${kind}`);
    if (none && actual.length > 0) return `expected no ${kind} annotations, got ${JSON.stringify(actual)}`;
    if (exps.length === 0) continue;
    const matches = (e: Expectation, a: string): boolean =>
      e.mode === undefined ? true : e.mode === 'msg' ? a === e.text : RE2JS.compile(e.text!).matcher(a).find();
    for (const e of exps) {
      if (!actual.some((a) => matches(e, a))) {
        return `expected ${kind} annotation${e.text ? ' ' + JSON.stringify(e.text) : ''}, got ${JSON.stringify(actual)}`;
      }
    }
    for (const a of actual) {
      if (!exps.some((e) => matches(e, a))) return `unexpected ${kind} annotation ${JSON.stringify(a)}`;
    }
  }
  return null;
}

function fmt(v: number): string {
  if (isStaleNaN(v)) return 'stale';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

function compareResult(cmd: EvalCommand, got: QueryValue): string | null {
  const eq = (a: number, b: number): boolean => almostEqual(a, b, 1e-6);
  if (cmd.expectString !== null) {
    if (got.type !== 'string') return `expected string result, got ${got.type}`;
    return got.v === cmd.expectString ? null : `expected string ${JSON.stringify(cmd.expectString)}, got ${JSON.stringify(got.v)}`;
  }
  if (cmd.scalar !== null) {
    if (got.type !== 'scalar') return `expected scalar ${fmt(cmd.scalar)}, got ${got.type}`;
    return eq(cmd.scalar, got.v) ? null : `expected scalar ${fmt(cmd.scalar)}, got ${fmt(got.v)}`;
  }
  const isMatrix = !cmd.instant || cmd.rangeVector !== null;
  if (isMatrix) {
    if (got.type !== 'matrix') return `expected matrix result, got ${got.type}`;
    const start = cmd.rangeVector ? cmd.rangeVector.start : cmd.start;
    const step = cmd.rangeVector ? cmd.rangeVector.step : cmd.step;
    if (cmd.expectations.some((e) => e.type === 'ordered')) return 'expected ordered result, but query returned a matrix';
    const expected = new Map(cmd.series.map((s) => [s.labels.key(), s]));
    for (let k = 1; k < got.series.length; k++) {
      if (got.series[k - 1].metric.key() === got.series[k].metric.key()) return `matrix contains duplicate series ${got.series[k].metric}`;
    }
    for (const s of got.series) {
      const exp = expected.get(s.metric.key());
      if (!exp) return `unexpected series ${s.metric} ${s.points.map((p) => `${p.t}:${fmt(p.v)}`).join(' ')}`;
      const want: { t: number; v: number }[] = [];
      exp.values.forEach((v, i) => {
        if (v === null) return;
        want.push({ t: start + i * step, v: v === 'stale' ? STALE_NAN : (v as number) });
      });
      const show = () =>
        `series ${s.metric}: expected ${want.map((p) => `${p.t / 1000}s:${fmt(p.v)}`).join(' ')}, got ${s.points.map((p) => `${p.t / 1000}s:${fmt(p.v)}`).join(' ')}`;
      if (want.length !== s.points.length) return show();
      for (let k = 0; k < want.length; k++) {
        if (want[k].t !== s.points[k].t || !eq(want[k].v, s.points[k].v)) return show();
      }
      expected.delete(s.metric.key());
    }
    if (expected.size > 0) return `missing series ${[...expected.values()].map((s) => s.labels.toString()).join(', ')}`;
    return null;
  }
  if (got.type !== 'vector') {
    if (got.type === 'scalar' && cmd.series.length === 0) return `expected empty vector, got scalar ${fmt(got.v)}`;
    return `expected vector result, got ${got.type}`;
  }
  const ordered = cmd.expectations.some((e) => e.type === 'ordered');
  if (got.samples.length !== cmd.series.length) {
    return `expected ${cmd.series.length} samples, got ${got.samples.length}: ${got.samples.map((s) => `${s.metric} ${fmt(s.v)}`).join('; ')}`;
  }
  const expected = new Map(cmd.series.map((s, i) => [s.labels.key(), { s, i }]));
  for (let k = 0; k < got.samples.length; k++) {
    const g = got.samples[k];
    const e = expected.get(g.metric.key());
    if (!e) return `unexpected sample ${g.metric} ${fmt(g.v)}`;
    if (ordered && e.i !== k) return `expected ${g.metric} at position ${e.i + 1}, got it at ${k + 1}`;
    const want = e.s.values[0] === 'stale' ? STALE_NAN : (e.s.values[0] as number);
    if (!eq(want, g.v)) return `${g.metric}: expected ${fmt(want)}, got ${fmt(g.v)}`;
  }
  return null;
}
