/**
 * Test doubles for the rules' narrow dependencies: a "parser" that keeps the expression text,
 * a mini template expander ({{ $labels.x }}, {{ $value }}, {{ $externalLabels.x }}), and a
 * scripted query function.
 */
import type { Expr } from '../../../src/promql/ast.ts';
import { Labels } from '../../../src/storage/labels.ts';
import type { AlertTemplateData, QueryFn, RuleSample, RuleSyntax } from '../../../src/rules/types.ts';

export const fakeSyntax: RuleSyntax = {
  parseExpr(text: string): Expr {
    const open = (text.match(/\(/g) ?? []).length;
    const close = (text.match(/\)/g) ?? []).length;
    if (open > close) throw new Error(`1:${text.length + 1}: parse error: unclosed left parenthesis`);
    return { type: 'StringLiteral', val: text.trim(), posRange: { start: 0, end: text.length } };
  },
  checkTemplate(alertName, text) {
    return text.includes('{{') && !text.includes('}}') ? `template: __alert_${alertName}:1: unclosed action` : null;
  },
  async expandTemplate(alertName, text, data) {
    try {
      return { text: expand(text, data) };
    } catch (e) {
      return { text: `<error expanding template: error executing template __alert_${alertName}: ${(e as Error).message}>`, error: e as Error };
    }
  },
};

function expand(text: string, data: AlertTemplateData): string {
    return text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_m, inner: string) => {
      if (inner === '$value') return String(data.value);
      if (inner.startsWith('$labels.')) return data.labels[inner.slice(8)] ?? '<no value>';
      if (inner.startsWith('$externalLabels.')) return data.externalLabels[inner.slice(16)] ?? '<no value>';
      if (inner === '$externalURL') return data.externalURL;
      throw new Error(`template: function "${inner}" not defined`);
    });
}

/** Expression text of what fakeSyntax.parseExpr produced. */
export function exprText(e: string | Expr): string {
  return typeof e === 'string' ? e : e.type === 'StringLiteral' ? e.val : '';
}

/** A query function answering from a table: expr text → (t) → [labels, value][]. */
export function scriptedQuery(table: Record<string, (t: number) => [Record<string, string>, number][]>): QueryFn {
  return async (expr, t) => {
    const f = table[exprText(expr)];
    if (!f) throw new Error(`unexpected query ${exprText(expr)}`);
    return f(t).map(([l, v]): RuleSample => ({ metric: Labels.fromObject(l), t, v }));
  };
}

export const MIN = 60_000;
