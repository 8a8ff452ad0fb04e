/**
 * Inhibition (Alertmanager `inhibit/inhibit.go`): an alert matching a rule's target matchers is
 * muted while a firing alert matches the source matchers and has the same values for the
 * `equal` labels (a missing label equals the empty one). An alert matching both sides is not
 * inhibited by alerts for which the same is true.
 */
import type { InhibitRuleConfig } from '../config/alertmanagerConfig.ts';
import { matchesAll } from './matchers.ts';
import type { StoredAlert } from './alertStore.ts';
import { isResolvedAt } from './templateData.ts';

export interface Muter {
  /** True when the labels are muted now. */
  mutes(labels: Record<string, string>): boolean;
}

export class Inhibitor implements Muter {
  constructor(
    private readonly rules: readonly InhibitRuleConfig[],
    private readonly alerts: () => Iterable<StoredAlert>,
    private readonly now: () => number,
  ) {}

  /** Fingerprints of the alerts inhibiting these labels (the first matching rule's first source). */
  inhibitedBy(labels: Record<string, string>): string[] {
    if (this.rules.length === 0) return [];
    const now = this.now();
    for (const rule of this.rules) {
      if (!matchesAll(rule.targetMatchers, labels)) continue;
      const twoSided = matchesAll(rule.sourceMatchers, labels);
      for (const a of this.alerts()) {
        if (isResolvedAt(a, now) || !matchesAll(rule.sourceMatchers, a.labels)) continue;
        if (!rule.equal.every((n) => (a.labels[n] ?? '') === (labels[n] ?? ''))) continue;
        if (twoSided && matchesAll(rule.targetMatchers, a.labels)) continue;
        return [a.fingerprint];
      }
    }
    return [];
  }

  mutes(labels: Record<string, string>): boolean {
    return this.inhibitedBy(labels).length > 0;
  }
}
