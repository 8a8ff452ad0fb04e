/**
 * Owns the rule groups of the current configuration. `update()` loads every rule file first
 * and swaps the groups in only when all of them are valid (a bad file fails the reload with
 * file:line and the old rules keep running); unchanged groups keep running untouched, changed
 * ones take over the state of their previous version, removed ones get their series marked
 * stale.
 */
import type { Registry } from 'prom-client';
import { systemClock, type Clock } from '../clock.ts';
import type { Appendable, Queryable } from '../storage/interface.ts';
import { AlertingRule } from './alertingRule.ts';
import { Group, groupKey, type GroupDeps, type Rule, type RuleLogger } from './group.ts';
import { RecordingRule } from './recordingRule.ts';
import { loadRuleFiles, type GroupSpec } from './ruleFile.ts';
import { RuleMetrics } from './ruleMetrics.ts';
import { realTimers, type Timers } from './timers.ts';
import type { NotifyFn, QueryFn, RuleAlert, RuleSyntax } from './types.ts';

export interface RuleManagerOptions {
  queryFn: QueryFn;
  /** Receives alerts to send (see sendAlerts.ts); none are sent without it. */
  notifyFn?: NotifyFn;
  /** Where recording-rule results and ALERTS / ALERTS_FOR_STATE series go. */
  appendable: Appendable;
  /** Reads ALERTS_FOR_STATE to restore alert state at start; no restore without it. */
  queryable?: Queryable;
  /** PromQL parser and template engine (see ruleSyntax.ts for the real one). */
  syntax: RuleSyntax;
  clock?: Clock;
  timers?: Timers;
  /** prom-client registry for prometheus_rule_* metrics. */
  registry?: Registry;
  /** ms; default 1m (--rules.alert.resend-delay). */
  resendDelay?: number;
  /** ms; default 1h (--rules.alert.for-outage-tolerance). */
  outageTolerance?: number;
  /** ms; default 10m (--rules.alert.for-grace-period). */
  forGracePeriod?: number;
  logger?: RuleLogger;
}

/** The parts of the Prometheus configuration the rules use. */
export interface RulesConfig {
  /** `rule_files` entries (globs). */
  ruleFiles: readonly string[];
  /** Directory relative paths are resolved against (the config file's). */
  baseDir?: string;
  /** ms; `global.evaluation_interval`, default 1m. */
  evaluationInterval?: number;
  /** ms; `global.rule_query_offset`, default 0. */
  queryOffset?: number;
  externalLabels?: Record<string, string>;
  externalURL?: string;
}

export class RuleManager {
  private readonly deps: GroupDeps;
  private groupsByKey = new Map<string, Group>();
  private running = false;
  /** True after the first successful load: later groups do not restore state. */
  private restored = false;
  private contextKey = '';
  private updating: Promise<void> = Promise.resolve();

  readonly metrics: RuleMetrics;

  constructor(private readonly opts: RuleManagerOptions) {
    this.metrics = new RuleMetrics(opts.registry);
    this.deps = {
      queryFn: opts.queryFn,
      notifyFn: opts.notifyFn,
      appendable: opts.appendable,
      queryable: opts.queryable,
      clock: opts.clock ?? systemClock,
      timers: opts.timers ?? realTimers,
      metrics: this.metrics,
      resendDelay: opts.resendDelay ?? 60_000,
      outageTolerance: opts.outageTolerance ?? 3600_000,
      forGracePeriod: opts.forGracePeriod ?? 600_000,
      logger: opts.logger,
    };
  }

  /**
   * Loads the rule files of `config` and applies them atomically. Throws RuleFileError (with
   * every `file: line:col: ...` problem) and leaves the running rules unchanged on failure.
   */
  async update(config: RulesConfig): Promise<void> {
    const run = this.updating.then(() => {
      const specs = loadRuleFiles(config.ruleFiles, this.opts.syntax, config.baseDir);
      return this.applyGroups(specs, config);
    });
    this.updating = run.catch(() => undefined);
    return run;
  }

  /** Alias used by the config reloader. */
  applyConfig(config: RulesConfig): Promise<void> {
    return this.update(config);
  }

  /** Applies already-parsed groups (rule files validated by the caller). */
  async applyGroups(specs: readonly GroupSpec[], config: Omit<RulesConfig, 'ruleFiles'> = {}): Promise<void> {
    const evalInterval = config.evaluationInterval ?? 60_000;
    const contextKey = JSON.stringify([config.externalLabels ?? {}, config.externalURL ?? '']);
    const contextChanged = contextKey !== this.contextKey;
    const fresh = new Map<string, Group>();
    for (const spec of specs) {
      const g = this.buildGroup(spec, evalInterval, config);
      fresh.set(g.key, g);
    }
    const old = this.groupsByKey;
    const next = new Map<string, Group>();
    const toStart: Group[] = [];
    for (const [key, g] of fresh) {
      const prev = old.get(key);
      if (prev && !contextChanged && prev.equals(g)) {
        next.set(key, prev);
        continue;
      }
      if (prev) {
        await prev.stop();
        g.copyState(prev);
      }
      next.set(key, g);
      toStart.push(g);
    }
    for (const [key, g] of old) {
      if (next.get(key) === g || fresh.has(key)) continue;
      await g.stop();
      this.scheduleStaleMarking(g);
    }
    this.groupsByKey = next;
    this.contextKey = contextKey;
    this.restored = true;
    if (this.running) for (const g of toStart) g.start();
  }

  private buildGroup(spec: GroupSpec, evalInterval: number, config: Omit<RulesConfig, 'ruleFiles'>): Group {
    const rules: Rule[] = spec.rules.map((r) => {
      const query = this.opts.syntax.formatExpr ? this.opts.syntax.formatExpr(r.parsedExpr) : r.expr.trim();
      if (r.kind === 'recording') return new RecordingRule(r, query);
      const rule = new AlertingRule({
        spec: r,
        query,
        syntax: this.opts.syntax,
        externalLabels: config.externalLabels,
        externalURL: config.externalURL,
        onTemplateError: (name, err) => this.opts.logger?.warn({ alert: name, err: err.message }, 'Expanding alert template failed'),
      });
      rule.restored = this.restored;
      return rule;
    });
    return new Group(
      {
        name: spec.name,
        file: spec.file,
        interval: spec.interval ?? evalInterval,
        limit: spec.limit,
        queryOffset: spec.queryOffset ?? config.queryOffset ?? 0,
        rules,
        shouldRestore: !this.restored,
      },
      this.deps,
    );
  }

  /** A deleted group's series become stale two intervals later (time for renamed rules to take over). */
  private scheduleStaleMarking(g: Group): void {
    this.deps.timers.setTimeout(() => {
      if (this.running) g.markAllStale(this.deps.clock.now());
    }, 2 * g.interval);
  }

  /** Starts evaluating all groups. */
  run(): void {
    if (this.running) return;
    this.running = true;
    for (const g of this.groupsByKey.values()) g.start();
  }

  /** Stops every group, waiting for running evaluations. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([...this.groupsByKey.values()].map((g) => g.stop()));
  }

  /** Groups sorted by file, then name (the order of /api/v1/rules). */
  groups(): Group[] {
    return [...this.groupsByKey.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  group(file: string, name: string): Group | undefined {
    return this.groupsByKey.get(groupKey(file, name));
  }

  alertingRules(): AlertingRule[] {
    return this.groups().flatMap((g) => g.rules.filter((r): r is AlertingRule => r instanceof AlertingRule));
  }

  /** Pending and firing alerts of every rule. */
  activeAlerts(): { rule: AlertingRule; alert: RuleAlert }[] {
    return this.alertingRules().flatMap((rule) => rule.activeAlerts().map((alert) => ({ rule, alert })));
  }
}
