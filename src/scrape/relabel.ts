/**
 * Applies relabel configs with Prometheus semantics (model/relabel): each config reads the label
 * set produced by the previous one; `keep`/`drop`/`keepequal`/`dropequal` can drop the whole set.
 * Config parsing and validation: src/config/relabelConfig.ts.
 */
import { createHash } from 'node:crypto';
import type { RE2JS } from 're2js';
import { Labels, LabelsBuilder } from '../storage/labels.ts';
import type { RelabelConfig } from '../config/relabelConfig.ts';
import { isValidLabelName } from '../config/names.ts';

/**
 * Returns the relabeled set, or null when a config dropped it. When nothing changes the input
 * object itself is returned (no copy, no sort).
 */
export function relabel(labels: Labels, cfgs: readonly RelabelConfig[]): Labels | null {
  if (cfgs.length === 0) return labels;
  const cow = new CopyOnWriteLabels(labels);
  for (const cfg of cfgs) if (!applyOne(cow, cfg)) return null;
  return cow.labels();
}

/** In-place variant over a builder; returns false when the set was dropped. */
export function relabelBuilder(lb: LabelsBuilder, cfgs: readonly RelabelConfig[]): boolean {
  for (const cfg of cfgs) if (!applyOne(lb, cfg)) return false;
  return true;
}

/** What the actions need from a label set under construction. */
interface MutableLabels {
  get(name: string): string;
  set(name: string, value: string): unknown;
  del(...names: string[]): unknown;
  forEach(fn: (name: string, value: string) => void): void;
}

/** Reads from the original Labels until the first real change, then from a builder. */
class CopyOnWriteLabels implements MutableLabels {
  private lb: LabelsBuilder | undefined;

  constructor(private readonly base: Labels) {}

  get(name: string): string {
    return this.lb ? this.lb.get(name) : this.base.get(name);
  }

  set(name: string, value: string): void {
    if (!this.lb) {
      if (this.base.get(name) === value) return;
      this.lb = new LabelsBuilder(this.base);
    }
    this.lb.set(name, value);
  }

  del(...names: string[]): void {
    if (!this.lb) {
      if (!names.some((n) => this.base.has(n))) return;
      this.lb = new LabelsBuilder(this.base);
    }
    this.lb.del(...names);
  }

  forEach(fn: (name: string, value: string) => void): void {
    (this.lb ?? this.base).forEach(fn);
  }

  labels(): Labels {
    return this.lb ? this.lb.labels() : this.base;
  }
}

function applyOne(lb: MutableLabels, cfg: RelabelConfig): boolean {
  let val = '';
  for (let i = 0; i < cfg.sourceLabels.length; i++) {
    if (i > 0) val += cfg.separator;
    val += lb.get(cfg.sourceLabels[i]);
  }
  switch (cfg.action) {
    case 'drop':
      return !cfg.regex.matches(val);
    case 'keep':
      return cfg.regex.matches(val);
    case 'dropequal':
      return lb.get(cfg.targetLabel) !== val;
    case 'keepequal':
      return lb.get(cfg.targetLabel) === val;
    case 'replace': {
      let groups: Groups;
      if (cfg.regex.capturesWhole) {
        groups = { byIndex: [val, val], byName: {} };
      } else {
        const m = cfg.regex.re.matcher(val);
        if (!m.matches()) return true;
        groups = captureGroups(m, cfg.regex.re);
      }
      const target = expandTemplate(cfg.targetLabel, groups);
      if (!isValidLabelName(target)) {
        lb.del(cfg.targetLabel);
        return true;
      }
      const res = expandTemplate(cfg.replacement, groups);
      // Prometheus deletes the configured (unexpanded) target_label when the result is empty.
      if (res === '') lb.del(cfg.targetLabel);
      else lb.set(target, res);
      return true;
    }
    case 'lowercase':
      lb.set(cfg.targetLabel, val.toLowerCase());
      return true;
    case 'uppercase':
      lb.set(cfg.targetLabel, val.toUpperCase());
      return true;
    case 'hashmod':
      lb.set(cfg.targetLabel, hashmod(val, cfg.modulus).toString());
      return true;
    case 'labelmap': {
      for (const [name, value] of snapshot(lb)) {
        const m = cfg.regex.re.matcher(name);
        if (m.matches()) lb.set(expandTemplate(cfg.replacement, captureGroups(m, cfg.regex.re)), value);
      }
      return true;
    }
    case 'labeldrop':
      for (const [name] of snapshot(lb)) if (cfg.regex.matches(name)) lb.del(name);
      return true;
    case 'labelkeep':
      for (const [name] of snapshot(lb)) if (!cfg.regex.matches(name)) lb.del(name);
      return true;
  }
}

function snapshot(lb: MutableLabels): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  lb.forEach((n, v) => out.push([n, v]));
  return out;
}

/**
 * `sum64(md5(value)) % modulus`, as Prometheus computes it: the last 8 bytes of the MD5 digest
 * read as a big-endian unsigned 64-bit integer.
 */
export function hashmod(value: string, modulus: number): number {
  const digest = createHash('md5').update(value, 'utf8').digest();
  return Number(digest.readBigUInt64BE(8) % BigInt(modulus));
}

interface Groups {
  /** groups[i] is capture group i (0 = whole match); null when it did not participate. */
  byIndex: Array<string | null>;
  byName: Record<string, number>;
}

function captureGroups(m: ReturnType<RE2JS['matcher']>, re: RE2JS): Groups {
  const byIndex: Array<string | null> = [];
  for (let i = 0; i <= m.groupCount(); i++) byIndex.push(m.group(i));
  return { byIndex, byName: re.namedGroups() };
}

/**
 * Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$` for a literal `$`. A name is the
 * longest run of letters, digits and `_`, so `$1x` refers to the (usually absent) group "1x"
 * and expands to ''. A malformed reference keeps the `$` literally.
 */
export function expandTemplate(template: string, groups: Groups): string {
  if (template.indexOf('$') < 0) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) break;
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    const ref = extractRef(template, i);
    if (!ref) {
      out += '$';
      continue;
    }
    i = ref.end;
    const index = ref.num >= 0 ? ref.num : groups.byName[ref.name];
    if (index !== undefined && index < groups.byIndex.length) out += groups.byIndex[index] ?? '';
  }
  return out + template.slice(i);
}

const WORD_CHAR = /[\p{L}\p{Nd}_]/u;

function extractRef(s: string, start: number): { name: string; num: number; end: number } | undefined {
  let i = start;
  const brace = s[i] === '{';
  if (brace) i++;
  const nameStart = i;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (!WORD_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === nameStart) return undefined;
  const name = s.slice(nameStart, i);
  if (brace) {
    if (s[i] !== '}') return undefined;
    i++;
  }
  let num = -1;
  if (/^[0-9]+$/.test(name) && !(name.length > 1 && name[0] === '0') && name.length <= 8) num = Number(name);
  return { name, num, end: i };
}
