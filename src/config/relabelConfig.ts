/**
 * relabel_configs / metric_relabel_configs / write_relabel_configs / alert_relabel_configs:
 * the typed form, defaults and the per-action validation Prometheus applies. Applying them lives
 * in src/scrape/relabel.ts.
 */
import { RE2JS } from 're2js';
import type { Node } from 'yaml';
import { isValidLabelName } from './names.ts';
import type { Line, YamlSource } from './yamlSource.ts';

export const RELABEL_ACTIONS = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
] as const;
export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

const REGEX_META = /[\\.+*?()|[\]{}^$]/;

function fastMatcher(src: string): ((s: string) => boolean) | undefined {
  if (src === '.*' || src === '(.*)') return () => true;
  if (!REGEX_META.test(src)) return (s) => s === src;
  if (src.endsWith('.*')) {
    const prefix = src.slice(0, -2);
    if (!REGEX_META.test(prefix)) return (s) => s.startsWith(prefix);
  }
  const alternatives = src.split('|');
  if (alternatives.length > 1 && alternatives.every((a) => !REGEX_META.test(a))) {
    const set = new Set(alternatives);
    return (s) => set.has(s);
  }
  return undefined;
}

/** A relabel regex: RE2 syntax, fully anchored, `.` matches newlines (as in Prometheus 3). */
export class RelabelRegex {
  readonly re: RE2JS;

  /** Throws Error with RE2's message when the pattern does not compile. */
  constructor(readonly source: string) {
    try {
      this.re = RE2JS.compile(`^(?:${source})$`, RE2JS.DOTALL);
    } catch (e) {
      // Report RE2's message for the pattern as written, not for the anchored wrapper.
      let detail = (e as Error).message;
      try {
        RE2JS.compile(source);
      } catch (raw) {
        detail = (raw as Error).message;
      }
      throw new Error(`invalid regular expression ${JSON.stringify(source)}: ${detail}`);
    }
    this.fast = fastMatcher(source);
    this.capturesWhole = source === '(.*)';
  }

  /**
   * Common shapes answered without running the regex engine (re2js costs ~2 µs a match):
   * a literal, `literal.*`, an alternation of literals, `.*`. undefined = use the engine.
   */
  private readonly fast: ((s: string) => boolean) | undefined;

  /** True for `(.*)`, the default: group 1 is the whole value, so no engine run is needed. */
  readonly capturesWhole: boolean;

  matches(s: string): boolean {
    return this.fast ? this.fast(s) : this.re.testExact(s);
  }

  /** Keeps fingerprints (JSON) of configs stable and readable. */
  toJSON(): string {
    return this.source;
  }
}

export interface RelabelConfig {
  sourceLabels: string[];
  separator: string;
  regex: RelabelRegex;
  modulus: number;
  targetLabel: string;
  replacement: string;
  action: RelabelAction;
}

export const RELABEL_DEFAULTS = {
  separator: ';',
  regex: '(.*)',
  replacement: '$1',
  action: 'replace' as RelabelAction,
};

const DEFAULT_REGEX = new RelabelRegex(RELABEL_DEFAULTS.regex);

/** target_label / labelmap replacement: label-name characters and `$1` / `${name}` references. */
const RELABEL_TARGET = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

/** Builds a config from code (tests, built-in rules); throws Error on an invalid combination. */
export function relabelConfig(
  partial: Partial<Omit<RelabelConfig, 'regex'>> & { regex?: string | RelabelRegex },
): RelabelConfig {
  const cfg: RelabelConfig = {
    sourceLabels: partial.sourceLabels ?? [],
    separator: partial.separator ?? RELABEL_DEFAULTS.separator,
    regex:
      partial.regex === undefined
        ? DEFAULT_REGEX
        : typeof partial.regex === 'string'
          ? new RelabelRegex(partial.regex)
          : partial.regex,
    modulus: partial.modulus ?? 0,
    targetLabel: partial.targetLabel ?? '',
    replacement: partial.replacement ?? RELABEL_DEFAULTS.replacement,
    action: partial.action ?? RELABEL_DEFAULTS.action,
  };
  const problem = validateRelabelConfig(cfg, {
    sourceLabels: partial.sourceLabels !== undefined,
    targetLabel: partial.targetLabel !== undefined,
  });
  if (problem) throw new Error(problem);
  return cfg;
}

/** Prometheus's per-action rules; returns the problem or undefined. */
export function validateRelabelConfig(
  c: RelabelConfig,
  explicitlySet: { sourceLabels: boolean; targetLabel: boolean },
): string | undefined {
  const a = c.action;
  if (!(RELABEL_ACTIONS as readonly string[]).includes(a)) return `unknown relabel action ${JSON.stringify(a)}`;
  for (const l of c.sourceLabels) if (!isValidLabelName(l)) return `${JSON.stringify(l)} is not a valid label name`;
  if (a === 'hashmod' && c.modulus === 0) return 'relabel configuration for hashmod requires non-zero modulus';
  const needsTarget = a === 'replace' || a === 'hashmod' || a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if (needsTarget && c.targetLabel === '') return `relabel configuration for ${a} action requires 'target_label' value`;
  const templatedTarget = a === 'replace';
  const plainTarget = a === 'hashmod' || a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if (templatedTarget && !RELABEL_TARGET.test(c.targetLabel)) return `${JSON.stringify(c.targetLabel)} is invalid 'target_label' for ${a} action`;
  if (plainTarget && !isValidLabelName(c.targetLabel)) return `${JSON.stringify(c.targetLabel)} is invalid 'target_label' for ${a} action`;
  if ((a === 'lowercase' || a === 'uppercase') && c.replacement !== RELABEL_DEFAULTS.replacement)
    return `'replacement' can not be set for ${a} action`;
  if (a === 'labelmap' && !RELABEL_TARGET.test(c.replacement)) return `${JSON.stringify(c.replacement)} is invalid 'replacement' for ${a} action`;
  if (
    (a === 'keepequal' || a === 'dropequal') &&
    (c.regex.source !== RELABEL_DEFAULTS.regex ||
      c.modulus !== 0 ||
      c.separator !== RELABEL_DEFAULTS.separator ||
      c.replacement !== RELABEL_DEFAULTS.replacement)
  )
    return `${a} action requires only 'source_labels' and \`target_label\`, and no other fields`;
  if (
    (a === 'labeldrop' || a === 'labelkeep') &&
    (explicitlySet.sourceLabels ||
      c.targetLabel !== '' ||
      c.modulus !== 0 ||
      c.separator !== RELABEL_DEFAULTS.separator ||
      c.replacement !== RELABEL_DEFAULTS.replacement)
  )
    return `${a} action requires only 'regex', and no other fields`;
  return undefined;
}

/** Reads a list of relabel configs from YAML, reporting problems with lines. */
export function readRelabelConfigs(src: YamlSource, listNode: Node | null, what: string): RelabelConfig[] {
  const out: RelabelConfig[] = [];
  for (const item of src.seq(listNode, what)) {
    const cfg = readRelabelConfig(src, item);
    if (cfg) out.push(cfg);
  }
  return out;
}

function readRelabelConfig(src: YamlSource, node: Node): RelabelConfig | undefined {
  const m = src.map(node, 'relabel.Config', 'relabel config');
  if (!m) return undefined;
  const line: Line = m.line;
  const errorsBefore = src.errors.length;
  const sourceLabels = m.stringList('source_labels');
  const separator = m.string('separator');
  const regexText = m.string('regex');
  const modulus = m.int('modulus', { min: 0 });
  const targetLabel = m.string('target_label');
  const replacement = m.string('replacement');
  const actionText = m.string('action');
  m.done();

  let regex = DEFAULT_REGEX;
  if (regexText !== undefined) {
    try {
      regex = new RelabelRegex(regexText);
    } catch (e) {
      m.error('regex', `invalid value for regex: ${(e as Error).message}`);
    }
  }
  // Prometheus reads the action case-insensitively.
  const action = (actionText ?? RELABEL_DEFAULTS.action).toLowerCase() as RelabelAction;
  if (actionText !== undefined && actionText === '') {
    m.error('action', 'relabel action cannot be empty');
  }
  if (src.errors.length > errorsBefore) return undefined;
  const cfg: RelabelConfig = {
    sourceLabels: sourceLabels ?? [],
    separator: separator ?? RELABEL_DEFAULTS.separator,
    regex,
    modulus: modulus ?? 0,
    targetLabel: targetLabel ?? '',
    replacement: replacement ?? RELABEL_DEFAULTS.replacement,
    action,
  };
  const problem = validateRelabelConfig(cfg, { sourceLabels: sourceLabels !== undefined, targetLabel: targetLabel !== undefined });
  if (problem) {
    src.error(m.lineOf(offendingKey(problem)) || line, problem);
    return undefined;
  }
  return cfg;
}

/** The key a validation problem is about, so the error points at its line. */
function offendingKey(problem: string): string {
  if (problem.startsWith('unknown relabel action')) return 'action';
  if (problem.includes("is invalid 'target_label'")) return 'target_label';
  if (problem.includes("'replacement'")) return 'replacement';
  if (problem.includes('not a valid label name')) return 'source_labels';
  return '';
}
