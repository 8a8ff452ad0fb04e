/**
 * The narrow contracts rules depend on (like Prometheus's rules.QueryFunc / NotifyFunc): rules
 * never import the PromQL engine, the notifier or storage modules, only these shapes.
 */
import type { Labels } from '../storage/labels.ts';
import type { Expr } from '../promql/ast.ts';

/** One sample of an instant-vector result (structurally the engine's vector sample). */
export interface RuleSample {
  metric: Labels;
  /** Milliseconds. */
  t: number;
  v: number;
}

/**
 * Evaluates `expr` as an instant query at `t` (ms). A scalar result must be returned as one
 * sample with empty labels; any other non-vector result is an error
 * ("rule result is not a vector or scalar"), as in Prometheus's EngineQueryFunc.
 */
export type QueryFn = (expr: string | Expr, t: number) => Promise<RuleSample[]>;

/** Receives the alerts of one rule that need sending now (firing, or recently resolved). */
export type NotifyFn = (expr: string, alerts: readonly RuleAlert[]) => void;

export type AlertState = 'inactive' | 'pending' | 'firing';

export type RuleHealth = 'ok' | 'err' | 'unknown';

/** An alert produced by an alerting rule; times in ms, 0 = unset. */
export interface RuleAlert {
  state: AlertState;
  labels: Labels;
  annotations: Labels;
  value: number;
  activeAt: number;
  firedAt: number;
  resolvedAt: number;
  lastSentAt: number;
  validUntil: number;
  keepFiringSince: number;
}

/** What alert templates see (Prometheus's AlertTemplateData). */
export interface AlertTemplateData {
  labels: Record<string, string>;
  externalLabels: Record<string, string>;
  externalURL: string;
  value: number;
}

/**
 * PromQL parsing and alert-template handling as the rules need them; the default set wires the
 * real parser and template engine (ruleSyntax.ts), tests may pass fakes.
 */
export interface RuleSyntax {
  /** Parses an expression; throws an Error whose message is `1:5: parse error: ...`. */
  parseExpr(text: string): Expr;
  /** Prints an expression the way Prometheus does (used for `query` in the API and generatorURL). */
  formatExpr?(expr: Expr): string;
  /** Checks template syntax; returns null or a message like `template: __alert_X:1: unclosed action`. */
  checkTemplate(alertName: string, text: string): string | null;
  /**
   * Expands a label/annotation template of alert `alertName` at time `t`. Never throws: on
   * failure `text` is Prometheus's `<error expanding template: ...>` and `error` is set.
   */
  expandTemplate(alertName: string, text: string, data: AlertTemplateData, t: number, query: QueryFn): Promise<{ text: string; error?: Error }>;
}
