/**
 * AST walks the test runner needs: which selectors a query reads, whether it depends on the
 * evaluation time, and upstream's `@`-pinning rewrite for the step-invariance check.
 */
import type { AtModifier, Expr, VectorSelector } from '../ast.ts';

export function* selectors(e: Expr): Generator<VectorSelector> {
  for (const n of nodes(e)) if (n.type === 'VectorSelector') yield n;
}

const TIME_FUNCTIONS = new Set([
  'time', 'timestamp', 'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute',
  'month', 'year', 'predict_linear', 'start', 'end', 'range', 'step',
]);

/** Every node of the tree, parents before children. */
function* nodes(e: Expr): Generator<Expr> {
  yield e;
  switch (e.type) {
    case 'MatrixSelector':
      yield e.vectorSelector;
      return;
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
      yield* nodes(e.expr);
      return;
    case 'BinaryExpr':
      yield* nodes(e.lhs);
      yield* nodes(e.rhs);
      return;
    case 'AggregateExpr':
      if (e.param) yield* nodes(e.param);
      yield* nodes(e.expr);
      return;
    case 'Call':
      for (const a of e.args) yield* nodes(a);
      return;
    default:
      return;
  }
}

function durationExprs(e: Expr): Expr[] {
  const out: Expr[] = [];
  if (e.type === 'VectorSelector' && e.offsetExpr) out.push(e.offsetExpr);
  if (e.type === 'MatrixSelector' && e.rangeExpr) out.push(e.rangeExpr);
  if (e.type === 'SubqueryExpr') for (const d of [e.rangeExpr, e.stepExpr, e.offsetExpr]) if (d) out.push(d);
  return out;
}

function allNodes(e: Expr): Expr[] {
  const out: Expr[] = [];
  for (const n of nodes(e)) {
    out.push(n);
    for (const d of durationExprs(n)) out.push(...allNodes(d));
  }
  return out;
}

export function isTimeDependent(e: Expr): boolean {
  return allNodes(e).some((n) => n.type === 'Call' && TIME_FUNCTIONS.has(n.func)) || usesQueryBounds(e);
}

/** Whether the query refers to its own start/end/range/step (functions or `@ start()`). */
export function usesQueryBounds(e: Expr): boolean {
  return allNodes(e).some(
    (n) =>
      (n.type === 'Call' && ['start', 'end', 'range', 'step'].includes(n.func)) ||
      ((n.type === 'VectorSelector' || n.type === 'SubqueryExpr') && n.at !== null && n.at.kind !== 'timestamp'),
  );
}

/** Gives every selector and subquery without a fixed `@` the timestamp T (not inside subqueries). */
export function pinAt(e: Expr, T: number): Expr {
  const at = (a: AtModifier | null): AtModifier => (a !== null && a.kind === 'timestamp' ? a : { kind: 'timestamp', t: T });
  switch (e.type) {
    case 'VectorSelector':
      return { ...e, at: at(e.at) };
    case 'MatrixSelector':
      return { ...e, vectorSelector: { ...e.vectorSelector, at: at(e.vectorSelector.at) } };
    case 'SubqueryExpr':
      return { ...e, at: at(e.at) };
    case 'ParenExpr':
    case 'UnaryExpr':
      return { ...e, expr: pinAt(e.expr, T) };
    case 'BinaryExpr':
      return { ...e, lhs: pinAt(e.lhs, T), rhs: pinAt(e.rhs, T) };
    case 'AggregateExpr':
      return { ...e, expr: pinAt(e.expr, T), param: e.param && pinAt(e.param, T) };
    case 'Call':
      return { ...e, args: e.args.map((a) => pinAt(a, T)) };
    default:
      return e;
  }
}
