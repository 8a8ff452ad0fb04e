/**
 * The dispatcher (Alertmanager `dispatch/dispatch.go`): routes each alert, keeps one
 * aggregation group per route and group-label set, and flushes a group group_wait after it
 * was created and every group_interval after that, running the receiver's pipeline. Resolved
 * alerts leave the group once a flush that saw them went through.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { StoredAlert } from './alertStore.ts';
import { fingerprint } from './fingerprint.ts';
import { labelSetString } from './goQuote.ts';
import type { NotifyContext } from './notifyContext.ts';
import type { Route } from './routeTree.ts';
import type { Scheduler, TimerHandle } from './scheduler.ts';
import type { Stage } from './stages.ts';
import { isResolvedAt } from './templateData.ts';

export interface DispatcherOptions {
  route: Route;
  clock: Clock;
  scheduler: Scheduler;
  logger: Logger;
  /** The pipeline of a receiver (inhibit, time intervals, silences, integrations). */
  pipeline(receiver: string): Stage | undefined;
}

export class AggregationGroup {
  readonly alerts = new Map<string, StoredAlert>();
  hasFlushed = false;
  flushing = false;
  timer: TimerHandle | undefined;
  readonly groupKey: string;

  constructor(
    readonly route: Route,
    readonly groupLabels: Record<string, string>,
  ) {
    this.groupKey = `${route.key}:${labelSetString(groupLabels)}`;
  }
}

export class Dispatcher {
  private readonly groups = new Map<string, AggregationGroup>();
  private stopped = false;

  constructor(private readonly o: DispatcherOptions) {}

  get route(): Route {
    return this.o.route;
  }

  /** Routes alerts into their aggregation groups. */
  process(alerts: readonly StoredAlert[]): void {
    if (this.stopped) return;
    const now = this.o.clock.now();
    for (const alert of alerts) {
      for (const route of this.o.route.match(alert.labels)) {
        const groupLabels = route.groupLabels(alert.labels);
        const id = `${route.id}\u0000${fingerprint(groupLabels)}`;
        let ag = this.groups.get(id);
        if (!ag) {
          ag = new AggregationGroup(route, groupLabels);
          this.groups.set(id, ag);
          this.arm(id, ag, now + route.opts.groupWaitMs);
        }
        ag.alerts.set(alert.fingerprint, alert);
        // An alert that is already older than group_wait does not wait again (e.g. after a restart).
        if (!ag.hasFlushed && alert.startsAt + route.opts.groupWaitMs < now) this.arm(id, ag, now);
      }
    }
  }

  /** Snapshot of the groups for the API (`/api/v2/alerts/groups`). */
  listGroups(): { groupKey: string; receiver: string; groupLabels: Record<string, string>; alerts: StoredAlert[] }[] {
    return [...this.groups.values()].map((g) => ({ groupKey: g.groupKey, receiver: g.route.opts.receiver, groupLabels: g.groupLabels, alerts: [...g.alerts.values()] }));
  }

  stop(): void {
    this.stopped = true;
    for (const g of this.groups.values()) g.timer?.cancel();
    this.groups.clear();
  }

  private arm(id: string, ag: AggregationGroup, at: number): void {
    ag.timer?.cancel();
    ag.timer = this.o.scheduler.at(at, () => this.flush(id, ag));
  }

  private async flush(id: string, ag: AggregationGroup): Promise<void> {
    if (this.stopped || this.groups.get(id) !== ag) return;
    const now = this.o.clock.now();
    const opts = ag.route.opts;
    if (ag.flushing) {
      this.arm(id, ag, now + opts.groupIntervalMs);
      return;
    }
    ag.hasFlushed = true;
    ag.flushing = true;
    this.arm(id, ag, now + opts.groupIntervalMs);
    const snapshot = [...ag.alerts.values()].sort(compareAlerts);
    const ctx: NotifyContext = {
      groupKey: ag.groupKey,
      receiverName: opts.receiver,
      groupLabels: ag.groupLabels,
      now,
      repeatIntervalMs: opts.repeatIntervalMs,
      muteTimeIntervals: opts.muteTimeIntervals,
      activeTimeIntervals: opts.activeTimeIntervals,
    };
    let ok = true;
    try {
      const pipeline = this.o.pipeline(opts.receiver);
      if (pipeline) await pipeline.exec(ctx, snapshot);
    } catch (e) {
      ok = false;
      this.o.logger.error({ groupKey: ag.groupKey, receiver: opts.receiver, err: (e as Error).message }, 'notify for alert group failed');
    } finally {
      ag.flushing = false;
    }
    if (ok) {
      for (const a of snapshot) {
        if (isResolvedAt(a, now) && ag.alerts.get(a.fingerprint) === a) ag.alerts.delete(a.fingerprint);
      }
    }
    if (ag.alerts.size === 0) {
      ag.timer?.cancel();
      this.groups.delete(id);
    }
  }
}

/**
 * Alertmanager's types.AlertSlice order, applied to every flush: by `job`, then `instance`
 * (alerts without the label last), then by the whole label set (LabelSet.Before).
 */
export function compareAlerts(a: { labels: Record<string, string> }, b: { labels: Record<string, string> }): number {
  for (const key of ['job', 'instance']) {
    const av = a.labels[key];
    const bv = b.labels[key];
    if (av === undefined && bv === undefined) continue;
    if (av === undefined) return 1;
    if (bv === undefined) return -1;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return labelSetBefore(a.labels, b.labels) ? -1 : labelSetBefore(b.labels, a.labels) ? 1 : 0;
}

function labelSetBefore(ls: Record<string, string>, o: Record<string, string>): boolean {
  const ln = Object.keys(ls);
  const on = Object.keys(o);
  if (ln.length !== on.length) return ln.length < on.length;
  for (const name of [...ln, ...on].sort()) {
    const mv = ls[name];
    if (mv === undefined) return true;
    const ov = o[name];
    if (ov === undefined) return false;
    if (mv !== ov) return mv < ov;
  }
  return false;
}
