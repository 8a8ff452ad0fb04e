/**
 * The `storage:` block. Prometheus's keys (`tsdb.out_of_order_time_window`,
 * `exemplars.max_exemplars`) plus promlite's own per-selector retention:
 *
 *   storage:
 *     retention_rules:            # promlite extension; Prometheus rejects this key
 *       - selector: '{tier="free"}'
 *         retention: 7d
 *       - selector: 'debug_.*'    # any series selector, e.g. '{__name__=~"debug_.*"}'
 *         retention: 1d
 *
 * A series is kept for the retention of the first rule whose selector matches it; series that
 * match no rule use the global retention (`--storage.tsdb.retention.time`).
 */
import type { Matcher } from '../storage/matcher.ts';
import { parseSelector, SelectorError } from './selector.ts';
import type { Line, MapReader } from './yamlSource.ts';

export interface RetentionRule {
  /** The selector as written, for display. */
  selector: string;
  matchers: Matcher[];
  retentionMs: number;
  line: Line;
}

export interface StorageConfig {
  /** 0 = out-of-order samples are rejected. */
  outOfOrderTimeWindowMs: number;
  maxExemplars: number;
  retentionRules: RetentionRule[];
}

export const DEFAULT_STORAGE: StorageConfig = { outOfOrderTimeWindowMs: 0, maxExemplars: 0, retentionRules: [] };

export function readStorageConfig(m: MapReader | undefined): StorageConfig {
  if (!m) return DEFAULT_STORAGE;
  const src = m.src;
  const out: StorageConfig = { ...DEFAULT_STORAGE, retentionRules: [] };
  const tsdb = m.map('tsdb', 'config.TSDBConfig');
  if (tsdb) {
    out.outOfOrderTimeWindowMs = tsdb.duration('out_of_order_time_window') ?? 0;
    tsdb.done();
  }
  const ex = m.map('exemplars', 'config.ExemplarsConfig');
  if (ex) {
    out.maxExemplars = ex.int('max_exemplars', { min: 0 }) ?? 0;
    ex.done();
  }
  for (const n of m.list('retention_rules')) {
    const r = src.map(n, 'promlite.RetentionRule', 'retention_rules');
    if (!r) continue;
    const selector = r.string('selector');
    const retentionMs = r.duration('retention');
    r.done();
    if (selector === undefined) r.error('selector', 'retention rule needs a selector');
    if (retentionMs === undefined) r.error('retention', 'retention rule needs a retention');
    else if (retentionMs <= 0) r.error('retention', 'retention must be greater than 0');
    if (selector === undefined || retentionMs === undefined || retentionMs <= 0) continue;
    try {
      out.retentionRules.push({ selector, matchers: parseSelector(selector), retentionMs, line: r.lineOf('selector') });
    } catch (e) {
      if (!(e instanceof SelectorError)) throw e;
      r.error('selector', e.message);
    }
  }
  m.done();
  return out;
}
