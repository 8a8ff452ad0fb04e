/**
 * Inhibition (Alertmanager `inhibit/inhibit.go`): an alert matching a rule's target matchers is
 * muted while a firing alert matches the source matchers and has the same values for the
 * `equal` labels (a missing label equals the empty one). An alert matching both sides is not
 * inhibited by alerts for which the same is true.
 *
 * Per rule, the firing source alerts are indexed by their `equal` label values; the index is
 * rebuilt when the alert store changes or when one of its alerts reaches its end time.
 */
import type { InhibitRuleConfig } from '../config/alertmanagerConfig.ts';
import { matchesAll } from './matchers.ts';
import type { StoredAlert } from './alertStore.ts';
import { isResolvedAt } from './templateData.ts';

export interface Muter {
  /** True when the labels are muted now. */
  mutes(labels: Record<string, string>): boolean;
}

export interface AlertSource {
  readonly version: number;
  list(): StoredAlert[];
}

interface SourceEntry {
  fingerprint: string;
  /** The source alert also matches the target side. */
  matchesTarget: boolean;
}

interface RuleIndex {
  bySignature: Map<string, SourceEntry[]>;
}

export class Inhibitor implements Muter {
  private index: RuleIndex[] = [];
  private indexVersion = -1;
  /** The index is valid until this time (the earliest end of an indexed source alert). */
  private validUntil = -Infinity;

  constructor(
    private readonly rules: readonly InhibitRuleConfig[],
    private readonly alerts: AlertSource,
    private readonly now: () => number,
  ) {}

  private signature(rule: InhibitRuleConfig, labels: Record<string, string>): string {
    return JSON.stringify(rule.equal.map((n) => labels[n] ?? ''));
  }

  private rebuild(now: number): void {
    let validUntil = Infinity;
    const firing = this.alerts.list().filter((a) => !isResolvedAt(a, now));
    this.index = this.rules.map((rule) => {
      const bySignature = new Map<string, SourceEntry[]>();
      for (const a of firing) {
        if (!matchesAll(rule.sourceMatchers, a.labels)) continue;
        if (a.endsAt > 0) validUntil = Math.min(validUntil, a.endsAt);
        const sig = this.signature(rule, a.labels);
        let list = bySignature.get(sig);
        if (!list) bySignature.set(sig, (list = []));
        list.push({ fingerprint: a.fingerprint, matchesTarget: matchesAll(rule.targetMatchers, a.labels) });
      }
      return { bySignature };
    });
    this.indexVersion = this.alerts.version;
    this.validUntil = validUntil;
  }

  /** Fingerprints of the alerts inhibiting these labels (the first matching rule's first source). */
  inhibitedBy(labels: Record<string, string>): string[] {
    if (this.rules.length === 0) return [];
    const now = this.now();
    if (this.indexVersion !== this.alerts.version || now >= this.validUntil) this.rebuild(now);
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i];
      if (!matchesAll(rule.targetMatchers, labels)) continue;
      const sources = this.index[i].bySignature.get(this.signature(rule, labels));
      if (!sources) continue;
      const twoSided = matchesAll(rule.sourceMatchers, labels);
      const hit = sources.find((s) => !(twoSided && s.matchesTarget));
      if (hit) return [hit.fingerprint];
    }
    return [];
  }

  mutes(labels: Record<string, string>): boolean {
    return this.inhibitedBy(labels).length > 0;
  }
}
