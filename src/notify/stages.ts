/**
 * The notification pipeline (Alertmanager `notify/notify.go`): small stages composed per
 * receiver as [inhibit mute, time-interval mute, silence mute, fanout(per integration:
 * dedup → retry/record)]. A stage returns the alerts that go on; an empty list ends the chain.
 */
import type { NotifyContext } from './notifyContext.ts';
import type { StoredAlert } from './alertStore.ts';
import type { Muter } from './inhibit.ts';
import type { NotificationLog, NflogKey, NflogEntry } from './notificationLog.ts';
import { anyIntervalContains, type TimeInterval } from './timeInterval.ts';
import { isResolvedAt } from './templateData.ts';

export interface Stage {
  exec(ctx: NotifyContext, alerts: StoredAlert[]): Promise<StoredAlert[]>;
}

export function multiStage(...stages: Stage[]): Stage {
  return {
    async exec(ctx, alerts) {
      let cur = alerts;
      for (const s of stages) {
        if (cur.length === 0) return [];
        cur = await s.exec(ctx, cur);
      }
      return cur;
    },
  };
}

/** Runs every stage on the same alerts concurrently; fails if any failed (after all finished). */
export function fanoutStage(...stages: Stage[]): Stage {
  return {
    async exec(ctx, alerts) {
      const results = await Promise.allSettled(stages.map((s) => s.exec(ctx, alerts)));
      const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error);
      if (errors.length > 0) throw new AggregateError(errors, errors.map((e) => e.message).join('; '));
      return alerts;
    },
  };
}

export function muteStage(muter: Muter): Stage {
  return {
    async exec(_ctx, alerts) {
      return alerts.filter((a) => !muter.mutes(a.labels));
    },
  };
}

/** Drops everything while a mute interval is on, or while no active interval is. */
export function timeIntervalStage(intervals: ReadonlyMap<string, TimeInterval[]>): Stage {
  return {
    async exec(ctx, alerts) {
      for (const name of ctx.muteTimeIntervals) {
        if (anyIntervalContains(intervals.get(name) ?? [], ctx.now)) return [];
      }
      if (ctx.activeTimeIntervals.length > 0 && !ctx.activeTimeIntervals.some((n) => anyIntervalContains(intervals.get(n) ?? [], ctx.now))) {
        return [];
      }
      return alerts;
    },
  };
}

export function splitByStatus(alerts: readonly StoredAlert[], now: number): { firing: string[]; resolved: string[] } {
  const firing: string[] = [];
  const resolved: string[] = [];
  for (const a of alerts) (isResolvedAt(a, now) ? resolved : firing).push(a.fingerprint);
  return { firing, resolved };
}

function isSubset(sub: Iterable<string>, of: Set<string>): boolean {
  for (const x of sub) if (!of.has(x)) return false;
  return true;
}

/** Alertmanager's DedupStage.needsUpdate. */
export function needsUpdate(entry: NflogEntry | undefined, firing: string[], resolved: string[], sendResolved: boolean, repeatMs: number, now: number): boolean {
  if (!entry) return firing.length > 0;
  if (!isSubset(firing, entry.firing)) return true;
  // All resolved: tell the receiver (regardless of send_resolved, so the log is cleared), unless
  // it never heard of these alerts.
  if (firing.length === 0) return entry.firing.size > 0;
  if (sendResolved && !isSubset(resolved, entry.resolved)) return true;
  return entry.timestamp < now - repeatMs;
}

export function dedupStage(nflog: NotificationLog, key: (ctx: NotifyContext) => NflogKey, sendResolved: boolean): Stage {
  return {
    async exec(ctx, alerts) {
      const { firing, resolved } = splitByStatus(alerts, ctx.now);
      return needsUpdate(nflog.query(key(ctx)), firing, resolved, sendResolved, ctx.repeatIntervalMs, ctx.now) ? alerts : [];
    },
  };
}
