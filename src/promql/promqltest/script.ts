/**
 * Parsing of promqltest scripts (format: shared/research/promqltest-format.md): commands,
 * series descriptions and the value notation (`1+2x3`, `_x2`, `stale`, `{{...}}`).
 */
import { Labels } from '../../storage/labels.ts';


/** One value slot of a series line: a float, a stale marker, a native histogram, or nothing. */
export type SlotValue = number | 'stale' | 'histogram' | null;

export interface SeriesLine {
  labels: Labels;
  values: SlotValue[];
  /**
   * Start timestamps from the `name{...}@st` line above the series line: per slot, the offset
   * (ms) from the sample's own timestamp, or null for none.
   */
  startOffsets?: (number | null)[];
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

const ST_DURATION = String.raw`(?:\d+(?:ms|[smhdwy]))+|\d+`;
const ST_ITEM_RE = new RegExp(`^([+-]?)(${ST_DURATION})(?:([+-])(${ST_DURATION}))?(?:x(\\d+))?$`);

/**
 * The items of an `@st` line: signed durations relative to each sample's timestamp, `_` for
 * none, and the series notation's expansions (`-30s-1mx2` is -30s, -90s, -150s).
 */
export function parseStartOffsets(s: string): (number | null)[] {
  const out: (number | null)[] = [];
  for (const item of splitItems(s)) {
    if (item === '_') {
      out.push(null);
      continue;
    }
    const blanks = /^_x(\d+)$/.exec(item);
    if (blanks) {
      for (let k = 0; k < Number(blanks[1]); k++) out.push(null);
      continue;
    }
    const m = ST_ITEM_RE.exec(item);
    if (!m) throw new Error(`invalid start timestamp offset "${item}"`);
    let offset = parseDuration(m[2]) * (m[1] === '-' ? -1 : 1);
    const step = m[4] ? parseDuration(m[4]) * (m[3] === '-' ? -1 : 1) : 0;
    const n = m[5] ? Number(m[5]) : 0;
    for (let k = 0; k <= n; k++) {
      out.push(offset);
      offset += step;
    }
  }
  return out;
}

/** Parses `name{...}@st items...`: the labels and the start offsets. */
function parseStartLine(line: string): { labels: Labels; offsets: (number | null)[] } {
  const { labels, rest } = parseSeriesDesc(line);
  if (!rest.startsWith('@st')) throw new Error(`expected "@st" after the series description`);
  return { labels, offsets: parseStartOffsets(rest.slice(3)) };
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
      // An `@st` line gives the start timestamps of the series line right after it.
      let starts: { labels: Labels; offsets: (number | null)[]; line: number } | null = null;
      for (; i < lines.length && lines[i] !== ''; i++) {
        const first = lines[i].split(/[ \t]/)[0];
        try {
          if (first.endsWith('@st')) {
            if (starts) throw new Error('an "@st" line must be followed by its series line');
            starts = { ...parseStartLine(lines[i]), line: i + 1 };
            cmd.hasStartTimestamps = true;
            continue;
          }
          if (lines[i].includes('{{')) cmd.hasHistograms = true;
          const series = parseSeriesLine(lines[i]);
          if (starts) {
            if (starts.labels.key() !== series.labels.key()) {
              throw new Error(`the "@st" line on line ${starts.line} is for ${starts.labels.toString()}, not ${series.labels.toString()}`);
            }
            if (starts.offsets.length !== series.values.length) {
              throw new Error(`${starts.offsets.length} start timestamps on line ${starts.line} for ${series.values.length} values`);
            }
            series.startOffsets = starts.offsets;
            starts = null;
          }
          cmd.series.push(series);
        } catch (e) {
          fail(i + 1, (e as Error).message);
        }
      }
      if (starts) fail(starts.line, 'an "@st" line must be followed by its series line');
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
