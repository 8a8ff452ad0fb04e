/**
 * Prometheus rule files (model/rulefmt): strict YAML (unknown keys are errors), the same
 * validation and messages, and `file: line:col: group "g", rule N, "name": ...` positions.
 * Expressions are parsed and alert templates syntax-checked at load time.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Expr } from '../promql/ast.ts';
import type { RuleSyntax } from './types.ts';
import { parseDuration as parsePromDuration } from '../config/duration.ts';
import { resolve } from 'node:path';
import { expandGlob } from '../config/glob.ts';

export interface RuleSpec {
  kind: 'recording' | 'alerting';
  /** Metric name for recording rules, alert name for alerting rules. */
  name: string;
  expr: string;
  parsedExpr: Expr;
  /** `for` in ms (alerting only). */
  for: number;
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  line: number;
}

export interface GroupSpec {
  name: string;
  file: string;
  /** ms; null = use the global evaluation_interval. */
  interval: number | null;
  limit: number;
  /** ms; null = use the global rule_query_offset (0). */
  queryOffset: number | null;
  rules: RuleSpec[];
  line: number;
}

/** All problems found in one or more rule files; `errors` are complete one-line messages. */
export class RuleFileError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('\n'));
    this.name = 'RuleFileError';
  }
}

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

const GROUPS_KEYS = ['groups'];
const GROUP_KEYS = ['name', 'interval', 'query_offset', 'limit', 'rules'];
const RULE_KEYS = ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];

interface Pos {
  line: number;
  col: number;
}

/** Parses rule-file text; returns the groups or throws RuleFileError listing every problem. */
export function parseRuleFile(text: string, file: string, syntax: RuleSyntax): GroupSpec[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const errors: string[] = [];
  const pos = (n: Node | null | undefined): Pos => {
    const p = n?.range ? lc.linePos(n.range[0]) : { line: 0, col: 0 };
    return { line: p.line, col: p.col };
  };
  if (doc.errors.length > 0) {
    throw new RuleFileError(doc.errors.map((e) => `${file}: yaml: line ${lc.linePos(e.pos[0]).line}: ${firstLine(e.message)}`));
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return [];

  // Pass 1: structure (what yaml.UnmarshalStrict rejects); reported alone, like Prometheus.
  const structural: string[] = [];
  const unknownKeys = (m: YAMLMap, allowed: string[], type: string) => {
    for (const p of m.items as Pair<Node, Node>[]) {
      const k = scalarString(p.key);
      if (!allowed.includes(k)) structural.push(`line ${pos(p.key).line}: field ${k} not found in type rulefmt.${type}`);
    }
  };
  if (!isMap(root)) throw new RuleFileError([`${file}: yaml: unmarshal errors:\n  line ${pos(root).line}: cannot unmarshal into rulefmt.RuleGroups`]);
  unknownKeys(root, GROUPS_KEYS, 'RuleGroups');
  const groupsNode = root.get('groups', true) as Node | undefined;
  const groupNodes: YAMLMap[] = [];
  if (groupsNode && !isNull(groupsNode)) {
    if (!isSeq(groupsNode)) structural.push(`line ${pos(groupsNode).line}: cannot unmarshal into []rulefmt.RuleGroup`);
    else
      for (const g of groupsNode.items as Node[]) {
        if (!isMap(g)) {
          structural.push(`line ${pos(g).line}: cannot unmarshal into rulefmt.RuleGroup`);
          continue;
        }
        unknownKeys(g, GROUP_KEYS, 'RuleGroup');
        groupNodes.push(g);
        const rulesNode = g.get('rules', true) as Node | undefined;
        if (rulesNode && !isNull(rulesNode)) {
          if (!isSeq(rulesNode)) structural.push(`line ${pos(rulesNode).line}: cannot unmarshal into []rulefmt.RuleNode`);
          else
            for (const r of rulesNode.items as Node[]) {
              if (!isMap(r)) structural.push(`line ${pos(r).line}: cannot unmarshal into rulefmt.RuleNode`);
              else {
                unknownKeys(r, RULE_KEYS, 'RuleNode');
                for (const key of ['labels', 'annotations']) {
                  const n = r.get(key, true) as Node | undefined;
                  if (n && !isNull(n) && !isMap(n)) structural.push(`line ${pos(n).line}: cannot unmarshal ${key} into map[string]string`);
                }
              }
            }
        }
      }
  }
  // A malformed duration aborts decoding in Prometheus (a custom unmarshaler error), alone.
  for (const g of groupNodes) {
    const badDuration = (m: YAMLMap, keys: string[]) => {
      for (const k of keys) {
        const raw = stringField(m, k);
        if (raw === undefined) continue;
        try {
          parsePromDuration(raw);
        } catch (e) {
          throw new RuleFileError([`${file}: ${(e as Error).message}`]);
        }
      }
    };
    badDuration(g, ['interval', 'query_offset']);
    const rulesNode = g.get('rules', true) as Node | undefined;
    if (rulesNode && isSeq(rulesNode)) for (const r of rulesNode.items) if (isMap(r)) badDuration(r, ['for', 'keep_firing_for']);
  }
  if (structural.length > 0) throw new RuleFileError([`${file}: yaml: unmarshal errors:\n  ${structural.join('\n  ')}`]);

  // Pass 2: values and semantic validation.
  const groups: GroupSpec[] = [];
  const seenGroups = new Set<string>();
  for (const g of groupNodes) {
    const gpos = pos(g);
    const name = stringField(g, 'name') ?? '';
    const durationField = (key: string): number | null => {
      const raw = stringField(g, key);
      if (raw === undefined) return null;
      try {
        return parsePromDuration(raw);
      } catch (e) {
        errors.push(`${file}: ${pos(g.get(key, true) as Node).line}:${pos(g.get(key, true) as Node).col}: ${(e as Error).message}`);
        return null;
      }
    };
    const interval = durationField('interval');
    const queryOffset = durationField('query_offset');
    let limit = 0;
    const limitRaw = stringField(g, 'limit');
    if (limitRaw !== undefined) {
      if (!/^-?\d+$/.test(limitRaw)) {
        const p = pos(g.get('limit', true) as Node);
        errors.push(`${file}: ${p.line}:${p.col}: limit: cannot unmarshal ${JSON.stringify(limitRaw)} into int`);
      } else limit = Number(limitRaw);
    }
    if (name === '') errors.push(`${file}: ${gpos.line}:${gpos.col}: Groupname must not be empty`);
    if (seenGroups.has(name)) errors.push(`${file}: ${gpos.line}:${gpos.col}: groupname: ${JSON.stringify(name)} is repeated in the same file`);
    seenGroups.add(name);
    if (interval === 0) errors.push(`${file}: ${gpos.line}:${gpos.col}: group ${JSON.stringify(name)}: interval must be greater than 0`);

    const rules: RuleSpec[] = [];
    const rulesNode = g.get('rules', true) as Node | undefined;
    const ruleNodes = rulesNode && isSeq(rulesNode) ? (rulesNode.items as YAMLMap[]) : [];
    ruleNodes.forEach((r, i) => {
      const rule = validateRule(r, i + 1, name, file, syntax, pos, errors);
      if (rule) rules.push(rule);
    });
    groups.push({ name, file, interval, limit, queryOffset, rules, line: gpos.line });
  }
  if (errors.length > 0) throw new RuleFileError(errors);
  return groups;
}

function validateRule(
  r: YAMLMap,
  index: number,
  group: string,
  file: string,
  syntax: RuleSyntax,
  pos: (n: Node | null | undefined) => Pos,
  errors: string[],
): RuleSpec | null {
  const record = stringField(r, 'record') ?? '';
  const alert = stringField(r, 'alert') ?? '';
  const expr = stringField(r, 'expr') ?? '';
  const ruleName = alert !== '' ? alert : record;
  const rpos = pos(r);
  const before = errors.length;
  const fail = (node: Node | null | undefined, msg: string, alt?: Node) => {
    const p = node ? pos(node) : rpos;
    const a = alt ? ` ${pos(alt).line}:${pos(alt).col}:` : '';
    errors.push(`${file}: ${p.line}:${p.col}:${a} group ${JSON.stringify(group)}, rule ${index}, ${JSON.stringify(ruleName)}: ${msg}`);
  };
  const node = (key: string) => r.get(key, true) as Node | undefined;

  if (record !== '' && alert !== '') fail(node('record'), "only one of 'record' and 'alert' must be set", node('alert'));
  if (record === '' && alert === '') fail(null, "one of 'record' or 'alert' must be set");
  let parsedExpr: Expr | null = null;
  if (expr === '') fail(null, "field 'expr' must be set in rule");
  else {
    try {
      parsedExpr = syntax.parseExpr(expr);
    } catch (e) {
      fail(node('expr'), `could not parse expression: ${(e as Error).message}`);
    }
  }
  const durationOf = (key: string): number => {
    const raw = stringField(r, key);
    if (raw === undefined) return 0;
    try {
      return parsePromDuration(raw);
    } catch (e) {
      fail(node(key), (e as Error).message);
      return 0;
    }
  };
  const forMs = durationOf('for');
  const keepFiringFor = durationOf('keep_firing_for');
  const labels = stringMap(r, 'labels');
  const annotations = stringMap(r, 'annotations');

  if (record !== '') {
    if (Object.keys(annotations).length > 0) fail(node('record'), "invalid field 'annotations' in recording rule");
    if (forMs !== 0) fail(node('record'), "invalid field 'for' in recording rule");
    if (keepFiringFor !== 0) fail(node('record'), "invalid field 'keep_firing_for' in recording rule");
    if (!METRIC_NAME_RE.test(record)) fail(node('record'), `invalid recording rule name: ${record}`);
  }
  for (const k of Object.keys(labels)) {
    if (!LABEL_NAME_RE.test(k) || k === '__name__') fail(node('labels'), `invalid label name: ${k}`);
  }
  for (const k of Object.keys(annotations)) {
    if (!LABEL_NAME_RE.test(k)) fail(node('annotations'), `invalid annotation name: ${k}`);
  }
  if (alert !== '') {
    for (const [k, v] of Object.entries(labels)) {
      const msg = syntax.checkTemplate(alert, v);
      if (msg) fail(node('labels'), `label ${JSON.stringify(k)}: ${msg}`);
    }
    for (const [k, v] of Object.entries(annotations)) {
      const msg = syntax.checkTemplate(alert, v);
      if (msg) fail(node('annotations'), `annotation ${JSON.stringify(k)}: ${msg}`);
    }
  }
  if (errors.length > before || parsedExpr === null) return null;
  return {
    kind: record !== '' ? 'recording' : 'alerting',
    name: record !== '' ? record : alert,
    expr,
    parsedExpr,
    for: forMs,
    keepFiringFor,
    labels,
    annotations,
    line: rpos.line,
  };
}

function isNull(n: Node): boolean {
  return isScalar(n) && n.value === null;
}

function scalarString(n: unknown): string {
  if (isScalar(n)) {
    if (n.value === null) return '';
    if (typeof n.value === 'string') return n.value;
    // Keep the source text of numbers and booleans (`expr: 1`, `severity: 01`), as Go does.
    return n.source !== undefined ? String(n.source) : String(n.value);
  }
  return '';
}

function stringField(m: YAMLMap, key: string): string | undefined {
  const n = m.get(key, true);
  if (n === undefined || n === null) return undefined;
  if (isScalar(n) && n.value === null) return undefined;
  return scalarString(n);
}

function stringMap(m: YAMLMap, key: string): Record<string, string> {
  const n = m.get(key, true);
  const out: Record<string, string> = {};
  if (!isMap(n)) return out;
  for (const p of n.items as Pair<Node, Node>[]) out[scalarString(p.key)] = scalarString(p.value);
  return out;
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

/** Reads and parses one rule file; throws RuleFileError (read errors included). */
export function readRuleFile(path: string, syntax: RuleSyntax): GroupSpec[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new RuleFileError([`${path}: open ${path}: ${reason}`]);
  }
  return parseRuleFile(text, path, syntax);
}

/**
 * Expands `rule_files` globs (relative to `baseDir`) and loads every file. All files are read
 * before anything is returned, so a caller can apply the result atomically; errors from every
 * file are collected into one RuleFileError.
 */
export function loadRuleFiles(patterns: readonly string[], syntax: RuleSyntax, baseDir?: string): GroupSpec[] {
  const files = new Set<string>();
  for (const p of patterns) for (const f of expandGlob(resolve(baseDir ?? process.cwd(), p))) files.add(f);
  const groups: GroupSpec[] = [];
  const errors: string[] = [];
  for (const f of files) {
    try {
      groups.push(...readRuleFile(f, syntax));
    } catch (e) {
      if (e instanceof RuleFileError) errors.push(...e.errors);
      else throw e;
    }
  }
  if (errors.length > 0) throw new RuleFileError(errors);
  return groups;
}
