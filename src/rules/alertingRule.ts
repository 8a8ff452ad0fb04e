/**
 * An alerting rule and its alert state machine (Prometheus rules/alerting.go semantics):
 * inactive → pending → firing after `for`; `keep_firing_for` holds a firing alert after its
 * condition stops; resolved alerts are kept 15 minutes so they are re-sent as resolved; the
 * synthetic ALERTS and ALERTS_FOR_STATE series; state restore after a restart.
 */
import { Labels, LabelsBuilder } from '../storage/labels.ts';
import type { RuleSpec } from './ruleFile.ts';
import { newRuleStatus, type RuleStatus } from './ruleStatus.ts';
import type { AlertState, QueryFn, RuleAlert, RuleSample, RuleSyntax } from './types.ts';

export const ALERT_METRIC_NAME = 'ALERTS';
export const ALERT_FOR_STATE_METRIC_NAME = 'ALERTS_FOR_STATE';
export const ALERT_STATE_LABEL = 'alertstate';
/** How long resolved alerts are kept (and re-sent as resolved). */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

export interface AlertingRuleOptions {
  spec: RuleSpec;
  /** The expression as printed for the API and generatorURL. */
  query: string;
  syntax: RuleSyntax;
  externalLabels?: Record<string, string>;
  externalURL?: string;
  /** Called when a template fails to expand (evaluation goes on). */
  onTemplateError?: (rule: string, err: Error) => void;
}

export class AlertingRule {
  readonly kind = 'alerting' as const;
  readonly status: RuleStatus = newRuleStatus();
  /** Alerts by label-set key. Entries are replaced, never shared with callers. */
  private active = new Map<string, RuleAlert>();
  /** false until the group restored the `for` state (ALERTS series are written only after). */
  restored = false;

  constructor(private readonly opts: AlertingRuleOptions) {}

  get name(): string {
    return this.opts.spec.name;
  }
  get spec(): RuleSpec {
    return this.opts.spec;
  }
  get query(): string {
    return this.opts.query;
  }
  get holdDuration(): number {
    return this.opts.spec.for;
  }

  identity(): string {
    const s = this.opts.spec;
    return JSON.stringify(['alert', s.name, s.expr, s.for, s.keepFiringFor, s.labels, s.annotations]);
  }

  /**
   * Evaluates at `t` (ms): updates alert states and returns the ALERTS / ALERTS_FOR_STATE
   * samples. Throws on query errors, duplicate label sets and an exceeded limit.
   */
  async eval(t: number, queryFn: QueryFn, limit: number): Promise<RuleSample[]> {
    const spec = this.opts.spec;
    const res = await queryFn(spec.parsedExpr, t);
    const fresh = new Map<string, RuleAlert>();
    for (const s of res) {
      const labelsObj = s.metric.toObject();
      const data = {
        labels: labelsObj,
        externalLabels: this.opts.externalLabels ?? {},
        externalURL: this.opts.externalURL ?? '',
        value: s.v,
      };
      // Template errors never stop evaluation: the error text becomes the value.
      const expand = async (text: string): Promise<string> => {
        const r = await this.opts.syntax.expandTemplate(spec.name, text, data, t, queryFn);
        if (r.error) this.opts.onTemplateError?.(spec.name, r.error);
        return r.text;
      };
      const lb = new LabelsBuilder(s.metric).del('__name__');
      for (const [k, v] of Object.entries(spec.labels)) lb.set(k, await expand(v));
      lb.set('alertname', spec.name);
      const annotations: [string, string][] = [];
      for (const [k, v] of Object.entries(spec.annotations)) annotations.push([k, await expand(v)]);
      const labels = lb.labels();
      const key = labels.key();
      if (fresh.has(key)) {
        throw new Error('vector contains metrics with the same labelset after applying alert labels');
      }
      fresh.set(key, {
        state: 'pending',
        labels,
        annotations: Labels.fromPairs(annotations),
        value: s.v,
        activeAt: t,
        firedAt: 0,
        resolvedAt: 0,
        lastSentAt: 0,
        validUntil: 0,
        keepFiringSince: 0,
      });
    }

    for (const [key, a] of fresh) {
      const existing = this.active.get(key);
      if (existing && existing.state !== 'inactive') {
        existing.value = a.value;
        existing.annotations = a.annotations;
      } else {
        this.active.set(key, a);
      }
    }

    const out: RuleSample[] = [];
    let numActivePending = 0;
    for (const [key, a] of this.active) {
      if (!fresh.has(key)) {
        let keepFiring = false;
        if (a.state === 'firing' && spec.keepFiringFor > 0) {
          if (a.keepFiringSince === 0) a.keepFiringSince = t;
          if (t - a.keepFiringSince < spec.keepFiringFor) keepFiring = true;
        }
        // A resolved alert is kept for RESOLVED_RETENTION_MS so it is sent as resolved.
        if (a.state === 'pending' || (a.resolvedAt !== 0 && t - a.resolvedAt > RESOLVED_RETENTION_MS)) {
          this.active.delete(key);
        }
        if (a.state !== 'inactive' && !keepFiring) {
          a.state = 'inactive';
          a.resolvedAt = t;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSince = 0;
      }
      numActivePending++;
      if (a.state === 'pending' && t - a.activeAt >= spec.for) {
        a.state = 'firing';
        a.firedAt = t;
      }
      if (this.restored) {
        out.push(this.alertsSample(a, t));
        out.push(this.forStateSample(a, t));
      }
    }
    if (limit > 0 && numActivePending > limit) {
      this.active.clear();
      throw new Error(`exceeded limit of ${limit} with ${numActivePending} alerts`);
    }
    return out;
  }

  /** ALERTS{alertname, alertstate, ...} = 1. */
  alertsSample(a: RuleAlert, t: number): RuleSample {
    const b = new LabelsBuilder(a.labels)
      .set('__name__', ALERT_METRIC_NAME)
      .set('alertname', this.name)
      .set(ALERT_STATE_LABEL, a.state);
    return { metric: b.labels(), t, v: 1 };
  }

  /** ALERTS_FOR_STATE{alertname, ...} = activeAt in whole seconds. */
  forStateSample(a: RuleAlert, t: number): RuleSample {
    return { metric: this.forStateLabels(a), t, v: Math.floor(a.activeAt / 1000) };
  }

  forStateLabels(a: RuleAlert): Labels {
    return new LabelsBuilder(a.labels).set('__name__', ALERT_FOR_STATE_METRIC_NAME).set('alertname', this.name).labels();
  }

  /** Alerts not inactive (what /api/v1/alerts lists). */
  activeAlerts(): RuleAlert[] {
    return [...this.active.values()].filter((a) => a.state !== 'inactive');
  }

  /** Every alert held, including resolved ones still retained. */
  allAlerts(): RuleAlert[] {
    return [...this.active.values()];
  }

  /** The rule's state for the API: the highest state of its alerts. */
  state(): AlertState {
    let s: AlertState = 'inactive';
    for (const a of this.active.values()) {
      if (a.state === 'firing') return 'firing';
      if (a.state === 'pending') s = 'pending';
    }
    return s;
  }

  /**
   * Alerts to send at `t`: firing ones not sent within `resendDelay`, and ones resolved since
   * they were last sent. Marks them sent and sets validUntil = t + 4 × max(interval, resendDelay).
   * Returns copies.
   */
  alertsToSend(t: number, resendDelay: number, interval: number): RuleAlert[] {
    const out: RuleAlert[] = [];
    for (const a of this.active.values()) {
      if (!needsSending(a, t, resendDelay)) continue;
      a.lastSentAt = t;
      a.validUntil = t + 4 * Math.max(interval, resendDelay);
      out.push({ ...a });
    }
    return out;
  }

  /** Takes over alert state from the same rule of the previous configuration. */
  adoptStateFrom(old: AlertingRule): void {
    this.active = old.active;
    this.restored = old.restored;
  }

  /** Sets activeAt of an active alert (state restore). */
  setActiveAt(key: string, activeAt: number): void {
    const a = this.active.get(key);
    if (a) a.activeAt = activeAt;
  }

  /** [key, alert] pairs of the alerts held, for restore. */
  entries(): [string, RuleAlert][] {
    return [...this.active.entries()];
  }
}

function needsSending(a: RuleAlert, t: number, resendDelay: number): boolean {
  if (a.state === 'pending') return false;
  // Resolved since the last send: send the resolution now.
  if (a.resolvedAt > a.lastSentAt) return true;
  return a.lastSentAt === 0 || a.lastSentAt + resendDelay < t;
}
