/**
 * A strict, position-keeping reader over a YAML document, the base of every config loader.
 *
 * Prometheus decodes its config with strict YAML: an unknown key or a value of the wrong type is
 * an error. This reader does the same while keeping line numbers, so every problem renders as
 * `file:line: message` naming the key. Problems are collected (not thrown one at a time): a user
 * fixing a config sees all of them at once.
 */
import { Alias, Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, YAMLMap } from 'yaml';
import type { Node, Pair } from 'yaml';
import { DurationError, parseDuration } from './duration.ts';
import { ByteSizeError, parseByteSize } from './units.ts';

export interface ConfigIssue {
  file: string;
  /** 1-based; 0 when the problem has no single place (e.g. an empty file). */
  line: number;
  message: string;
}

export function formatIssue(i: ConfigIssue): string {
  return i.line > 0 ? `${i.file}:${i.line}: ${i.message}` : `${i.file}: ${i.message}`;
}

/** Thrown by loaders; holds every problem found, each rendered as `file:line: message`. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Where a value came from; lets checks that run after decoding point at the right line. */
export type Line = number;

export class YamlSource {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  private readonly lines = new LineCounter();
  private readonly doc: Document.Parsed;

  constructor(
    text: string,
    readonly file: string,
  ) {
    // `uniqueKeys` makes a repeated key an error, as in Go's yaml.v2 ("already defined").
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false, strict: true });
    for (const e of this.doc.errors) {
      const line = e.linePos?.[0]?.line ?? this.lines.linePos(e.pos[0]).line;
      this.errors.push({ file, line, message: `YAML syntax error: ${firstLine(e.message)}` });
    }
  }

  /** The root node, or null for an empty document. */
  root(): Node | null {
    return this.deref(this.doc.contents as Node | null);
  }

  lineOf(node: Node | null | undefined): Line {
    const offset = node?.range?.[0];
    return offset === undefined ? 0 : this.lines.linePos(offset).line;
  }

  error(at: Node | Line | null | undefined, message: string): void {
    this.errors.push({ file: this.file, line: typeof at === 'number' ? at : this.lineOf(at), message });
  }

  warn(at: Node | Line | null | undefined, message: string): void {
    this.warnings.push({ file: this.file, line: typeof at === 'number' ? at : this.lineOf(at), message });
  }

  /** Follows `*alias` references to the anchored node. */
  deref(node: Node | null | undefined): Node | null {
    let n: unknown = node ?? null;
    for (let hops = 0; isAlias(n) && hops < 100; hops++) n = (n as Alias).resolve(this.doc) ?? null;
    return (n as Node | null) ?? null;
  }

  isNull(node: Node | null): boolean {
    return node === null || (isScalar(node) && node.value === null);
  }

  /**
   * Reads a mapping whose keys are checked against what its consumer reads (see MapReader.done).
   * `line` (the line of the key holding it) is where problems of the mapping as a whole point.
   * A null/empty value reads as an empty mapping. Returns undefined (after an error) when the
   * node is not a mapping.
   */
  map(node: Node | null, typeName: string, what: string, line?: Line): MapReader | undefined {
    const n = this.deref(node);
    if (this.isNull(n)) return new MapReader(this, null, typeName, line ?? this.lineOf(node));
    if (!isMap(n)) {
      this.error(n, `${what}: expected a mapping, got ${describe(n)}`);
      return undefined;
    }
    return new MapReader(this, n, typeName, line ?? this.lineOf(n));
  }

  /** Items of a sequence; null reads as empty. Reports an error and returns [] otherwise. */
  seq(node: Node | null, what: string): Node[] {
    const n = this.deref(node);
    if (this.isNull(n)) return [];
    if (!isSeq(n)) {
      this.error(n, `${what}: expected a list, got ${describe(n)}`);
      return [];
    }
    return n.items.map((i) => this.deref(i as Node)).filter((i): i is Node => i !== null);
  }

  /**
   * A scalar as the string Go would decode into a string field: numbers and booleans keep their
   * source text (`replacement: 1` is "1"), null is undefined.
   */
  scalarString(node: Node | null, what: string): string | undefined {
    const n = this.deref(node);
    if (this.isNull(n)) return undefined;
    if (!isScalar(n)) {
      this.error(n, `${what}: expected a string, got ${describe(n)}`);
      return undefined;
    }
    if (typeof n.value === 'string') return n.value;
    return (n as Scalar).source ?? String(n.value);
  }
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).replace(/ at line \d+, column \d+:?$/, '');
}

function describe(n: Node | null): string {
  if (n === null) return 'nothing';
  if (isMap(n)) return 'a mapping';
  if (isSeq(n)) return 'a list';
  if (isScalar(n)) {
    if (n.value === null) return 'null';
    return `${typeof n.value === 'string' ? 'the string' : typeof n.value} ${JSON.stringify(n.value)}`;
  }
  return 'an unexpected node';
}

interface Entry {
  keyNode: Node;
  value: Node | null;
}

/**
 * Typed access to one YAML mapping. Every getter marks its key as understood; `done()` then
 * reports the keys nobody read as `field X not found in type T`, like Go's strict decoder.
 */
export class MapReader {
  private readonly entries = new Map<string, Entry>();
  private readonly consumed = new Set<string>();

  constructor(
    readonly src: YamlSource,
    node: YAMLMap | null,
    readonly typeName: string,
    /** Line of the mapping itself (or of its key when empty). */
    readonly line: Line,
  ) {
    if (node) this.collect(node, new Set());
  }

  private collect(node: YAMLMap, seen: Set<YAMLMap>, merged = false): void {
    if (seen.has(node)) return;
    seen.add(node);
    const merges: Node[] = [];
    for (const pair of node.items as Pair<unknown, unknown>[]) {
      const keyNode = pair.key as Node;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (key === undefined) {
        this.src.error(keyNode, `${this.typeName}: mapping keys must be plain strings`);
        continue;
      }
      if (key === '<<' && isScalar(keyNode) && keyNode.source === '<<') {
        merges.push(pair.value as Node);
        continue;
      }
      // Keys of the mapping itself win over merged ones, as YAML merge keys specify.
      if (merged && this.entries.has(key)) continue;
      this.entries.set(key, { keyNode, value: this.src.deref(pair.value as Node | null) });
    }
    for (const m of merges) {
      const target = this.src.deref(m);
      const sources = isSeq(target) ? target.items.map((i) => this.src.deref(i as Node)) : [target];
      for (const s of sources) {
        if (isMap(s)) this.collect(s, seen, true);
        else this.src.error(m, `${this.typeName}: merge key << must refer to a mapping`);
      }
    }
  }

  has(key: string): boolean {
    return this.entries.has(key) && !this.src.isNull(this.entries.get(key)!.value);
  }

  /** Line of the key (or of the mapping when the key is absent). */
  lineOf(key: string): Line {
    const e = this.entries.get(key);
    return e ? this.src.lineOf(e.keyNode) : this.line;
  }

  /** Raw node of a key's value, marking it understood. */
  node(key: string): Node | null {
    this.consumed.add(key);
    return this.entries.get(key)?.value ?? null;
  }

  error(key: string, message: string): void {
    this.src.error(this.lineOf(key), message);
  }

  string(key: string): string | undefined {
    return this.src.scalarString(this.node(key), key);
  }

  bool(key: string): boolean | undefined {
    const n = this.node(key);
    if (this.src.isNull(n)) return undefined;
    if (isScalar(n)) {
      if (typeof n.value === 'boolean') return n.value;
      // YAML 1.1 spellings that Go's yaml.v2 accepts for booleans.
      const s = String(n.value);
      if (/^(y|Y|yes|Yes|YES|on|On|ON)$/.test(s)) return true;
      if (/^(n|N|no|No|NO|off|Off|OFF)$/.test(s)) return false;
    }
    this.error(key, `invalid value for ${key}: expected true or false, got ${describe(n)}`);
    return undefined;
  }

  int(key: string, opts: { min?: number } = {}): number | undefined {
    const n = this.node(key);
    if (this.src.isNull(n)) return undefined;
    if (isScalar(n) && typeof n.value === 'number' && Number.isInteger(n.value)) {
      if (opts.min !== undefined && n.value < opts.min) {
        this.error(key, `invalid value for ${key}: must be at least ${opts.min}, got ${n.value}`);
        return undefined;
      }
      return n.value;
    }
    this.error(key, `invalid value for ${key}: expected an integer, got ${describe(n)}`);
    return undefined;
  }

  /** A Prometheus duration in milliseconds. */
  duration(key: string): number | undefined {
    const s = this.string(key);
    if (s === undefined) return undefined;
    try {
      return parseDuration(s);
    } catch (e) {
      if (!(e instanceof DurationError)) throw e;
      this.error(key, `invalid value for ${key}: ${e.message}`);
      return undefined;
    }
  }

  /** A byte size (`10MB`) in bytes. */
  bytes(key: string): number | undefined {
    const s = this.string(key);
    if (s === undefined) return undefined;
    try {
      return parseByteSize(s);
    } catch (e) {
      if (!(e instanceof ByteSizeError)) throw e;
      this.error(key, `invalid value for ${key}: ${e.message}`);
      return undefined;
    }
  }

  stringList(key: string): string[] | undefined {
    const n = this.node(key);
    if (this.src.isNull(n)) return undefined;
    if (isScalar(n)) {
      this.error(key, `invalid value for ${key}: expected a list of strings, got ${describe(n)}`);
      return undefined;
    }
    const out: string[] = [];
    for (const item of this.src.seq(n, key)) {
      const s = this.src.scalarString(item, key);
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  /** A mapping of strings to strings, in source order; each entry carries its line. */
  stringMap(key: string): Array<{ name: string; value: string; line: Line }> | undefined {
    const n = this.node(key);
    if (this.src.isNull(n)) return undefined;
    const m = this.src.map(n, key, key);
    if (!m) return undefined;
    const out: Array<{ name: string; value: string; line: Line }> = [];
    for (const k of m.keys()) {
      const v = m.string(k);
      out.push({ name: k, value: v ?? '', line: m.lineOf(k) });
    }
    return out;
  }

  /** A nested mapping; undefined when absent or malformed (after reporting). */
  map(key: string, typeName: string): MapReader | undefined {
    const n = this.node(key);
    if (this.src.isNull(n)) return undefined;
    return this.src.map(n, typeName, key, this.lineOf(key));
  }

  /** Items of a nested list (empty when absent). */
  list(key: string): Node[] {
    return this.src.seq(this.node(key), key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Accepts a key without using it, optionally telling the user it has no effect. */
  ignore(key: string, warning?: string): void {
    if (!this.entries.has(key)) return;
    this.consumed.add(key);
    if (warning) this.src.warn(this.lineOf(key), warning);
  }

  /** Reports a key that Prometheus knows but promlite does not implement. */
  unsupported(key: string, message: string): void {
    if (!this.entries.has(key)) return;
    this.consumed.add(key);
    this.error(key, message);
  }

  /**
   * Reports every key no getter asked for, suggesting a close known key (typos are the usual
   * cause). Call after reading all fields: the getters' keys are the known ones.
   */
  done(): void {
    for (const [key, e] of this.entries) {
      if (this.consumed.has(key)) continue;
      const guess = closest(key, this.consumed);
      this.src.error(e.keyNode, `field ${key} not found in type ${this.typeName}${guess ? ` (did you mean ${guess}?)` : ''}`);
    }
  }
}

/** The candidate within edit distance 2 of `word` (closest first), if any. */
function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = 3;
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) >= bestDist) continue;
    const d = editDistance(word, c);
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
