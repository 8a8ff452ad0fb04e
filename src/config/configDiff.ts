/**
 * Reload support: which scrape jobs a new config adds, removes, changes or leaves alone.
 * Unchanged jobs keep their scrape pools (targets, scrape caches, health) across a reload.
 * Comparison is structural and ignores where in the file a job sits.
 */
import { Labels } from '../storage/labels.ts';
import { Matcher } from '../storage/matcher.ts';
import type { SDConfig } from './discoveryConfig.ts';
import type { ScrapeConfig } from './scrapeConfig.ts';

export interface ScrapeConfigDiff {
  added: ScrapeConfig[];
  removed: ScrapeConfig[];
  changed: Array<{ before: ScrapeConfig; after: ScrapeConfig }>;
  unchanged: ScrapeConfig[];
}

/** A canonical JSON text of any config object, ignoring `line` fields. */
export function configFingerprint(value: unknown): string {
  return JSON.stringify(value, (key, v) => {
    if (key === 'line') return undefined;
    if (v instanceof Labels) return v.toObject();
    if (v instanceof Matcher) return v.toString();
    return v;
  });
}

export function scrapeConfigsEqual(a: ScrapeConfig, b: ScrapeConfig): boolean {
  return configFingerprint(a) === configFingerprint(b);
}

/** Identity of a discovery block: equal fingerprints can share one running provider. */
export function sdConfigFingerprint(sd: SDConfig): string {
  return configFingerprint(sd);
}

export function diffScrapeConfigs(before: readonly ScrapeConfig[], after: readonly ScrapeConfig[]): ScrapeConfigDiff {
  const old = new Map(before.map((c) => [c.jobName, c]));
  const diff: ScrapeConfigDiff = { added: [], removed: [], changed: [], unchanged: [] };
  for (const c of after) {
    const prev = old.get(c.jobName);
    if (!prev) diff.added.push(c);
    else if (scrapeConfigsEqual(prev, c)) diff.unchanged.push(c);
    else diff.changed.push({ before: prev, after: c });
    old.delete(c.jobName);
  }
  diff.removed = [...old.values()];
  return diff;
}
