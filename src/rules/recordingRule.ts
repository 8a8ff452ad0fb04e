/**
 * A recording rule: evaluates its expression and renames the result to the rule's metric name,
 * adding the rule's labels (not templated). Errors as in Prometheus's RecordingRule.Eval.
 */
import { LabelsBuilder } from '../storage/labels.ts';
import type { RuleSpec } from './ruleFile.ts';
import { newRuleStatus, type RuleStatus } from './ruleStatus.ts';
import type { QueryFn, RuleSample } from './types.ts';

export class RecordingRule {
  readonly kind = 'recording' as const;
  readonly status: RuleStatus = newRuleStatus();

  constructor(
    readonly spec: RuleSpec,
    /** The expression as printed for the API (`query`). */
    readonly query: string,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  /** Evaluates at `t`; throws on query errors, duplicate label sets and an exceeded limit. */
  async eval(t: number, queryFn: QueryFn, limit: number): Promise<RuleSample[]> {
    const res = await queryFn(this.spec.parsedExpr, t);
    const out: RuleSample[] = [];
    const seen = new Set<string>();
    const b = new LabelsBuilder();
    for (const s of res) {
      b.reset(s.metric).set('__name__', this.spec.name);
      for (const [k, v] of Object.entries(this.spec.labels)) b.set(k, v);
      const metric = b.labels();
      const key = metric.key();
      if (seen.has(key)) throw new Error('vector contains metrics with the same labelset after applying rule labels');
      seen.add(key);
      out.push({ metric, t: s.t, v: s.v });
    }
    if (limit > 0 && out.length > limit) throw new Error(`exceeded limit of ${limit} with ${out.length} series`);
    return out;
  }

  /** Identity for carrying state across reloads. */
  identity(): string {
    return JSON.stringify(['record', this.spec.name, this.spec.expr, this.spec.labels]);
  }
}
