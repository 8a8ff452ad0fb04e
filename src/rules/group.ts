/**
 * A rule group: evaluates its rules in order on an aligned schedule (slot = hash-based offset
 * within the interval, as Prometheus's EvalTimestamp), appends results with stale markers for
 * series that disappeared, sends alerts, counts missed iterations, and restores alert `for`
 * state from ALERTS_FOR_STATE after a restart.
 */
import type { Clock } from '../clock.ts';
import type { Labels } from '../storage/labels.ts';
import type { Appendable, Queryable } from '../storage/interface.ts';
import { Matcher } from '../storage/matcher.ts';
import { STALE_NAN, isStaleNaN } from '../storage/staleMarker.ts';
import { AlertingRule } from './alertingRule.ts';
import type { RecordingRule } from './recordingRule.ts';
import type { RuleMetrics } from './ruleMetrics.ts';
import type { Timers } from './timers.ts';
import type { NotifyFn, QueryFn, RuleSample } from './types.ts';

export type Rule = AlertingRule | RecordingRule;

export interface RuleLogger {
  warn(obj: object, msg: string): void;
}

/** What every group of one manager shares. */
export interface GroupDeps {
  queryFn: QueryFn;
  notifyFn?: NotifyFn;
  appendable: Appendable;
  /** Source of ALERTS_FOR_STATE for restoring alert state; no restore without it. */
  queryable?: Queryable;
  clock: Clock;
  timers: Timers;
  metrics: RuleMetrics;
  /** ms; Prometheus --rules.alert.resend-delay (1m). */
  resendDelay: number;
  /** ms; --rules.alert.for-outage-tolerance (1h). */
  outageTolerance: number;
  /** ms; --rules.alert.for-grace-period (10m). */
  forGracePeriod: number;
  logger?: RuleLogger;
}

export interface GroupOptions {
  name: string;
  file: string;
  /** ms */
  interval: number;
  limit: number;
  /** ms */
  queryOffset: number;
  rules: Rule[];
  /** Restore alert state after the second evaluation (first load after start). */
  shouldRestore: boolean;
}

export class Group {
  readonly name: string;
  readonly file: string;
  readonly interval: number;
  readonly limit: number;
  readonly queryOffset: number;
  readonly rules: Rule[];
  /** Wall-clock ms of the last evaluation start, and its duration. */
  lastEvaluation = 0;
  evaluationTime = 0;
  /** Series each rule wrote in its last successful evaluation (key → labels). */
  private seriesInPreviousEval: Map<string, Labels>[];
  /** Series of deleted rules still to be marked stale. */
  private staleSeries: Labels[] = [];
  private shouldRestore: boolean;
  private timer: unknown = null;
  private stopped = false;
  private running: Promise<void> | null = null;
  /** Timestamp of the slot being (or last) evaluated. */
  private evalTs = 0;
  private firstTick = true;
  /** Evaluations done while a restore is due (restore runs after the second). */
  private evalsBeforeRestore = 0;

  constructor(
    opts: GroupOptions,
    private readonly deps: GroupDeps,
  ) {
    this.name = opts.name;
    this.file = opts.file;
    this.interval = opts.interval;
    this.limit = opts.limit;
    this.queryOffset = opts.queryOffset;
    this.rules = opts.rules;
    this.shouldRestore = opts.shouldRestore;
    this.seriesInPreviousEval = opts.rules.map(() => new Map());
  }

  /** `file;name`, the identity Prometheus uses for groups. */
  get key(): string {
    return groupKey(this.file, this.name);
  }

  /** Whether the group has the same definition (then a reload keeps it running untouched). */
  equals(other: Group): boolean {
    return (
      this.name === other.name &&
      this.file === other.file &&
      this.interval === other.interval &&
      this.limit === other.limit &&
      this.queryOffset === other.queryOffset &&
      this.rules.length === other.rules.length &&
      this.rules.every((r, i) => r.identity() === other.rules[i].identity())
    );
  }

  /** The aligned evaluation time at or before `now`: base slot + a stable per-group offset. */
  evalTimestamp(now: number): number {
    const offset = hashString(this.key) % this.interval;
    const adj = now - offset;
    return adj - mod(adj, this.interval) + offset;
  }

  /** Starts the evaluation loop; the first evaluation is at the next aligned slot. */
  start(): void {
    this.evalTs = this.evalTimestamp(this.deps.clock.now()) + this.interval;
    this.schedule(this.evalTs - this.deps.clock.now());
  }

  /** Stops the loop and waits for a running evaluation to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = this.deps.timers.setTimeout(() => {
      this.timer = null;
      this.running = this.tick().finally(() => {
        this.running = null;
      });
      return this.running;
    }, delay);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const m = this.deps.metrics;
    if (!this.firstTick) {
      // Like Go's ticker: a tick that arrives late means slots were skipped.
      const missed = Math.floor((this.deps.clock.now() - this.evalTs) / this.interval) - 1;
      if (missed > 0) {
        m.iterationsMissed.inc({ rule_group: this.key }, missed);
        m.iterationsScheduled.inc({ rule_group: this.key }, missed);
      }
      this.evalTs += (Math.max(missed, 0) + 1) * this.interval;
    }
    this.firstTick = false;
    m.iterationsScheduled.inc({ rule_group: this.key });
    const start = this.deps.clock.now();
    await this.evalAt(this.evalTs);
    this.evaluationTime = this.deps.clock.now() - start;
    this.lastEvaluation = start;
    m.lastDuration.set({ rule_group: this.key }, this.evaluationTime / 1000);
    m.lastEvaluation.set({ rule_group: this.key }, this.evalTs / 1000);
    m.groupInterval.set({ rule_group: this.key }, this.interval / 1000);
    m.groupRules.set({ rule_group: this.key }, this.rules.length);
    if (this.stopped) return;

    if (this.shouldRestore && ++this.evalsBeforeRestore === 2) {
      // Restore after the second evaluation: recording rules have refreshed their series by then.
      this.restoreForState(this.deps.clock.now());
      this.shouldRestore = false;
    }
    // Next tick: the next slot, or at once when we overran it (Go's ticker keeps one tick).
    const next = this.evalTs + this.interval;
    this.schedule(Math.max(0, next - this.deps.clock.now()));
  }

  /** Evaluates every rule once at `ts` (ms): append results, stale markers, alerts. */
  async evalAt(ts: number): Promise<void> {
    const d = this.deps;
    const t = ts - this.queryOffset;
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i];
      const started = d.clock.now();
      d.metrics.evaluations.inc({ rule_group: this.key });
      let vector: RuleSample[];
      try {
        vector = await rule.eval(t, d.queryFn, this.limit);
      } catch (e) {
        rule.status.health = 'err';
        rule.status.lastError = (e as Error).message;
        rule.status.lastEvaluation = started;
        rule.status.evaluationTime = d.clock.now() - started;
        d.metrics.evaluationFailures.inc({ rule_group: this.key });
        d.logger?.warn({ group: this.name, rule: rule.name, err: (e as Error).message }, 'Evaluating rule failed');
        continue;
      }
      rule.status.health = 'ok';
      rule.status.lastError = null;

      if (rule instanceof AlertingRule && d.notifyFn) {
        const alerts = rule.alertsToSend(ts, d.resendDelay, this.interval);
        if (alerts.length > 0) d.notifyFn(rule.query, alerts);
      }

      const app = d.appendable.appender();
      const returned = new Map<string, Labels>();
      for (const s of vector) {
        try {
          app.append(0, s.metric, s.t, s.v);
          returned.set(s.metric.key(), s.metric);
        } catch (e) {
          rule.status.health = 'err';
          rule.status.lastError = (e as Error).message;
        }
      }
      for (const [key, lset] of this.seriesInPreviousEval[i]) {
        if (returned.has(key)) continue;
        try {
          app.append(0, lset, t, STALE_NAN);
        } catch {
          // Out of order or duplicate stale markers are expected (e.g. after a restore); ignore.
        }
      }
      app.commit();
      this.seriesInPreviousEval[i] = returned;
      rule.status.lastEvaluation = started;
      rule.status.evaluationTime = d.clock.now() - started;
    }
    this.writeStaleSeries(t);
  }

  private writeStaleSeries(t: number): void {
    if (this.staleSeries.length === 0) return;
    const app = this.deps.appendable.appender();
    for (const lset of this.staleSeries) {
      try {
        app.append(0, lset, t, STALE_NAN);
      } catch {
        // Already stale or newer samples exist: nothing to mark.
      }
    }
    app.commit();
    this.staleSeries = [];
  }

  /** Marks every series this group wrote as stale (a deleted group), at time `t`. */
  markAllStale(t: number): void {
    for (const m of this.seriesInPreviousEval) for (const l of m.values()) this.staleSeries.push(l);
    this.seriesInPreviousEval = this.rules.map(() => new Map());
    this.writeStaleSeries(t);
  }

  /**
   * Takes state from the previous version of this group (a reload changed it): timing, the
   * series of rules with the same name and labels, alert state; series of rules that no longer
   * exist are marked stale at the next evaluation.
   */
  copyState(from: Group): void {
    this.lastEvaluation = from.lastEvaluation;
    this.evaluationTime = from.evaluationTime;
    // A reload before the start-up restore happened must not skip it.
    this.shouldRestore = from.shouldRestore;
    this.evalsBeforeRestore = from.evalsBeforeRestore;
    const byName = new Map<string, number[]>();
    from.rules.forEach((r, i) => {
      const k = nameAndLabels(r);
      byName.set(k, [...(byName.get(k) ?? []), i]);
    });
    this.rules.forEach((r, i) => {
      const k = nameAndLabels(r);
      const idx = byName.get(k);
      if (!idx || idx.length === 0) return;
      const fi = idx.shift()!;
      this.seriesInPreviousEval[i] = from.seriesInPreviousEval[fi];
      const old = from.rules[fi];
      if (r instanceof AlertingRule && old instanceof AlertingRule) r.adoptStateFrom(old);
      Object.assign(r.status, old.status);
    });
    this.staleSeries = [...from.staleSeries];
    for (const idx of byName.values()) for (const fi of idx) for (const l of from.seriesInPreviousEval[fi].values()) this.staleSeries.push(l);
  }

  /**
   * Restores `activeAt` of active alerts from ALERTS_FOR_STATE (Prometheus RestoreForState):
   * an alert that was pending keeps its progress, shifted by the downtime; one close to firing
   * gets at least the grace period; one that was firing fires again at the next evaluation.
   */
  restoreForState(now: number): void {
    const d = this.deps;
    if (!d.queryable) {
      for (const r of this.rules) if (r instanceof AlertingRule) r.restored = true;
      return;
    }
    const mint = now - d.outageTolerance;
    const q = d.queryable.querier(mint, now);
    try {
      for (const rule of this.rules) {
        if (!(rule instanceof AlertingRule)) continue;
        const hold = rule.holdDuration;
        if (hold < d.forGracePeriod) {
          // Restoring could only make such an alert wait longer than its own `for`.
          rule.restored = true;
          continue;
        }
        for (const [key, alert] of rule.entries()) {
          if (alert.state === 'inactive') continue;
          const lset = rule.forStateLabels(alert);
          const matchers: Matcher[] = [];
          lset.forEach((n, v) => matchers.push(new Matcher('=', n, v)));
          const ss = q.select(matchers);
          let found = false;
          let lastT = 0;
          let lastV = 0;
          while (ss.next()) {
            const s = ss.at();
            // Exactly this label set (the matchers also match supersets).
            if (!s.labels.equals(lset)) continue;
            const it = s.iterator();
            while (it.next()) {
              found = true;
              lastT = it.atT();
              lastV = it.atV();
            }
          }
          if (!found || isStaleNaN(lastV)) continue;
          const downAt = Math.floor(lastT / 1000) * 1000;
          let activeAt = lastV * 1000;
          const remaining = hold - (downAt - activeAt);
          if (remaining <= 0) {
            // It was firing: the next evaluation fires it again if still active.
          } else if (remaining < d.forGracePeriod) {
            activeAt = now + d.forGracePeriod - hold;
          } else {
            activeAt += now - downAt;
          }
          rule.setActiveAt(key, activeAt);
        }
        rule.restored = true;
      }
    } finally {
      q.close();
    }
  }
}

export function groupKey(file: string, name: string): string {
  return `${file};${name}`;
}

function nameAndLabels(r: Rule): string {
  return JSON.stringify([r.kind, r.name, r.spec.labels]);
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** FNV-1a 32-bit: a stable spread of group slots within the interval. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
