/** Prometheus's rule-group self-metrics (names as in rules/group.go), on a prom-client registry. */
import { Counter, Gauge, Registry } from 'prom-client';

export class RuleMetrics {
  readonly iterationsMissed: Counter<'rule_group'>;
  readonly iterationsScheduled: Counter<'rule_group'>;
  readonly evaluations: Counter<'rule_group'>;
  readonly evaluationFailures: Counter<'rule_group'>;
  readonly lastDuration: Gauge<'rule_group'>;
  readonly groupInterval: Gauge<'rule_group'>;
  readonly groupRules: Gauge<'rule_group'>;
  readonly lastEvaluation: Gauge<'rule_group'>;

  constructor(registry: Registry = new Registry()) {
    const labelNames = ['rule_group'] as const;
    const reg = [registry];
    this.iterationsMissed = new Counter({ name: 'prometheus_rule_group_iterations_missed_total', help: 'The total number of rule group evaluations missed due to slow rule group evaluation.', labelNames, registers: reg });
    this.iterationsScheduled = new Counter({ name: 'prometheus_rule_group_iterations_total', help: 'The total number of scheduled rule group evaluations, whether executed or missed.', labelNames, registers: reg });
    this.evaluations = new Counter({ name: 'prometheus_rule_evaluations_total', help: 'The total number of rule evaluations.', labelNames, registers: reg });
    this.evaluationFailures = new Counter({ name: 'prometheus_rule_evaluation_failures_total', help: 'The total number of rule evaluation failures.', labelNames, registers: reg });
    this.lastDuration = new Gauge({ name: 'prometheus_rule_group_last_duration_seconds', help: 'The duration of the last rule group evaluation.', labelNames, registers: reg });
    this.groupInterval = new Gauge({ name: 'prometheus_rule_group_interval_seconds', help: 'The interval of a rule group.', labelNames, registers: reg });
    this.groupRules = new Gauge({ name: 'prometheus_rule_group_rules', help: 'The number of rules.', labelNames, registers: reg });
    this.lastEvaluation = new Gauge({ name: 'prometheus_rule_group_last_evaluation_timestamp_seconds', help: 'The timestamp of the last rule group evaluation in seconds.', labelNames, registers: reg });
  }

  /** Current value of a counter or gauge for one group (tests, status pages). */
  static async value(m: Counter<'rule_group'> | Gauge<'rule_group'>, group: string): Promise<number> {
    const v = (await m.get()).values.find((x) => x.labels.rule_group === group);
    return v?.value ?? 0;
  }
}
