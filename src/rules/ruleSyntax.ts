/**
 * The real RuleSyntax: promlite's PromQL parser and printer, and the Prometheus alert-template
 * functions of the template module (humanize*, query, first, label, value, ...).
 */
import { parseExpr } from '../promql/parser.ts';
import { formatExpr } from '../promql/printer.ts';
import { checkAlertTemplate, expandAlertTemplateResult, type PromSample } from '../template/prometheusFuncs.ts';
import type { RuleSyntax } from './types.ts';

export const promliteRuleSyntax: RuleSyntax = {
  parseExpr,
  formatExpr,
  checkTemplate(alertName, text) {
    return checkAlertTemplate(text, alertName)?.message ?? null;
  },
  async expandTemplate(alertName, text, data, t, query) {
    const r = await expandAlertTemplateResult(text, {
      alertName,
      labels: data.labels,
      externalLabels: data.externalLabels,
      externalURL: data.externalURL,
      value: data.value,
      timestampMs: t,
      queryFn: async (expr, ts): Promise<PromSample[]> =>
        (await query(expr, ts)).map((s) => ({ labels: s.metric.toObject(), value: s.v })),
    });
    return r.ok ? { text: r.text } : { text: r.text, error: r.error };
  },
};
