/**
 * A strict, position-aware reader over a parsed YAML document, used by the Alertmanager config
 * loader and by each receiver's parseConfig. Every read either returns a typed value or throws
 * a ConfigError rendered as `file:line: message`, like Alertmanager's strict unmarshalling.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { parseDuration } from './duration.ts';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
    this.name = 'ConfigError';
  }
}

interface Source {
  file: string;
  lines: LineCounter;
}

/** One YAML value plus where it came from. `what` names it in messages (e.g. `route.group_by`). */
export class YamlValue {
  constructor(
    private readonly src: Source,
    readonly node: Node | null,
    readonly what: string,
    private readonly fallbackLine = 0,
  ) {}

  get file(): string {
    return this.src.file;
  }

  get line(): number {
    const r = this.node?.range;
    return r ? this.src.lines.linePos(r[0]).line : this.fallbackLine;
  }

  isNull(): boolean {
    return this.node === null || (isScalar(this.node) && this.node.value === null);
  }

  error(message: string): ConfigError {
    return new ConfigError(this.src.file, this.line, message);
  }

  /** A mapping whose keys must all be in `allowed` (unknown keys are errors, as in Alertmanager). */
  map(allowed: readonly string[]): YamlMap {
    if (this.isNull()) return new YamlMap(this.src, null, this.what, this.line);
    if (!isMap(this.node)) throw this.error(`${this.what}: expected a mapping`);
    const m = new YamlMap(this.src, this.node, this.what, this.line);
    m.checkKeys(allowed);
    return m;
  }

  /** A mapping with arbitrary string keys and string values (labels, headers, match:). */
  stringMap(): Map<string, string> {
    const out = new Map<string, string>();
    if (this.isNull()) return out;
    if (!isMap(this.node)) throw this.error(`${this.what}: expected a mapping of strings`);
    for (const pair of this.node.items) {
      const k = new YamlValue(this.src, pair.key as Node, this.what, this.line).string();
      const v = new YamlValue(this.src, pair.value as Node | null, `${this.what}.${k}`, this.line);
      if (out.has(k)) throw v.error(`${this.what}: duplicate key "${k}"`);
      out.set(k, v.isNull() ? '' : v.string());
    }
    return out;
  }

  list(): YamlValue[] {
    if (this.isNull()) return [];
    if (!isSeq(this.node)) throw this.error(`${this.what}: expected a list`);
    return this.node.items.map((n, i) => new YamlValue(this.src, n as Node, `${this.what}[${i}]`, this.line));
  }

  string(): string {
    if (!isScalar(this.node)) throw this.error(`${this.what}: expected a string`);
    const v = this.node.value;
    if (v === null) return '';
    if (typeof v === 'object') throw this.error(`${this.what}: expected a string`);
    return String(v);
  }

  stringList(): string[] {
    return this.list().map((v) => v.string());
  }

  bool(): boolean {
    if (!isScalar(this.node) || typeof this.node.value !== 'boolean') {
      throw this.error(`${this.what}: expected true or false`);
    }
    return this.node.value;
  }

  int(): number {
    if (!isScalar(this.node) || typeof this.node.value !== 'number' || !Number.isInteger(this.node.value)) {
      throw this.error(`${this.what}: expected an integer`);
    }
    return this.node.value;
  }

  /** A Prometheus duration (`30s`, `1h30m`, `4h`) in milliseconds. */
  duration(): number {
    const s = this.string();
    try {
      return parseDuration(s);
    } catch (e) {
      throw this.error(`${this.what}: ${(e as Error).message}`);
    }
  }

  /** An absolute http(s) URL. */
  url(): string {
    const s = this.string();
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      throw this.error(`${this.what}: invalid URL ${JSON.stringify(s)}`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw this.error(`${this.what}: unsupported scheme "${u.protocol.slice(0, -1)}" for URL`);
    }
    return s;
  }
}

export class YamlMap {
  private readonly entries = new Map<string, YamlValue>();

  constructor(
    private readonly src: Source,
    private readonly node: Node | null,
    readonly what: string,
    readonly line: number,
  ) {
    if (node && isMap(node)) {
      for (const pair of node.items) {
        const keyNode = pair.key as Node;
        const key = isScalar(keyNode) ? String(keyNode.value) : '';
        const at = keyNode?.range ? src.lines.linePos(keyNode.range[0]).line : line;
        if (this.entries.has(key)) throw new ConfigError(src.file, at, `${what}: duplicate key "${key}"`);
        this.entries.set(key, new YamlValue(src, (pair.value as Node) ?? null, what ? `${what}.${key}` : key, at));
      }
    }
  }

  get file(): string {
    return this.src.file;
  }

  checkKeys(allowed: readonly string[]): void {
    for (const [k, v] of this.entries) {
      if (!allowed.includes(k)) {
        throw new ConfigError(this.src.file, keyLine(v), `unknown field "${k}" in ${this.what || 'config'}`);
      }
    }
  }

  has(key: string): boolean {
    const v = this.entries.get(key);
    return v !== undefined && !v.isNull();
  }

  /** The value under `key`; a missing key yields a null value positioned at the map. */
  get(key: string): YamlValue {
    return this.entries.get(key) ?? new YamlValue(this.src, null, this.what ? `${this.what}.${key}` : key, this.line);
  }

  error(message: string): ConfigError {
    return new ConfigError(this.src.file, this.line, message);
  }

  optString(key: string, def: string): string {
    return this.has(key) ? this.get(key).string() : def;
  }
  optBool(key: string, def: boolean): boolean {
    return this.has(key) ? this.get(key).bool() : def;
  }
  optInt(key: string, def: number): number {
    return this.has(key) ? this.get(key).int() : def;
  }
  optDuration(key: string, def: number): number {
    return this.has(key) ? this.get(key).duration() : def;
  }
}

function keyLine(v: YamlValue): number {
  return v.line;
}

/** Parses YAML text into a root value; syntax errors become ConfigErrors with a line. */
export function readYaml(text: string, file: string): YamlValue {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.pos ? lines.linePos(e.pos[0]).line : 0;
    throw new ConfigError(file, line, `yaml: ${e.message.split('\n')[0]}`);
  }
  return new YamlValue({ file, lines }, (doc.contents as Node) ?? null, '', 1);
}
