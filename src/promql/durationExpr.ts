/**
 * Duration expressions (Prometheus 3): ranges, subquery steps and offsets may be arithmetic
 * over durations/numbers (`[1h/2]`, `[2m*(10+5)]`, `offset (1m*2)`), and may use the query's
 * `step()` and `range()` plus `min_of(a, b)` / `max_of(a, b)`. All values are seconds.
 *
 * Constant expressions are folded at parse time into the plain millisecond fields of the AST.
 * Query-dependent ones stay as expressions (`rangeExpr`, `stepExpr`, `offsetExpr`) until the
 * engine knows the query's start, end and step and calls `resolveDurationExprs`.
 */
import type { Expr, PosRange } from './ast.ts';
import { describeExpr } from './exprDescription.ts';

export interface DurationValue {
  /** Milliseconds (0 while `expr` is set). */
  ms: number;
  /** The query-dependent expression, in seconds. */
  expr?: Expr;
}

export interface QueryTimes {
  startMs: number;
  endMs: number;
  /** Step of a range query; 0 for instant queries. */
  stepMs: number;
}

const DURATION_OPS = new Set(['+', '-', '*', '/', '%', '^']);

/** The first construct not allowed in a duration expression, or null. */
export function durationExprProblem(e: Expr): { posRange: PosRange; message: string } | null {
  switch (e.type) {
    case 'NumberLiteral':
      return null;
    case 'ParenExpr':
    case 'UnaryExpr':
      return durationExprProblem(e.expr);
    case 'BinaryExpr': {
      const m = e.matching;
      if (!DURATION_OPS.has(e.op) || e.returnBool || (m && (m.on || m.matchingLabels.length > 0 || m.card !== 'one-to-one'))) {
        return { posRange: e.posRange, message: `unexpected binary operator "${e.op}" in duration expression` };
      }
      return durationExprProblem(e.lhs) ?? durationExprProblem(e.rhs);
    }
    case 'Call': {
      const arity = e.func === 'step' || e.func === 'range' ? 0 : e.func === 'min_of' || e.func === 'max_of' ? 2 : -1;
      if (arity < 0) return { posRange: e.posRange, message: `unexpected ${describeExpr(e)} in duration expression` };
      if (e.args.length !== arity) {
        return { posRange: e.posRange, message: `expected ${arity} argument(s) in call to "${e.func}", got ${e.args.length}` };
      }
      for (const a of e.args) {
        const p = durationExprProblem(a);
        if (p) return p;
      }
      return null;
    }
    default:
      return { posRange: e.posRange, message: `unexpected ${describeExpr(e)} in duration expression` };
  }
}

function isQueryDependent(e: Expr): boolean {
  switch (e.type) {
    case 'Call':
      return e.func === 'step' || e.func === 'range' || e.args.some(isQueryDependent);
    case 'ParenExpr':
    case 'UnaryExpr':
      return isQueryDependent(e.expr);
    case 'BinaryExpr':
      return isQueryDependent(e.lhs) || isQueryDependent(e.rhs);
    default:
      return false;
  }
}

/** Folds a checked duration expression to ms, or keeps it when it depends on the query. */
export function foldDuration(e: Expr): DurationValue {
  if (e.type === 'NumberLiteral') return { ms: secondsToMs(e.val) };
  if (isQueryDependent(e)) return { ms: 0, expr: e };
  return { ms: secondsToMs(evalSeconds(e, null)) };
}

function secondsToMs(s: number): number {
  return Math.round(s * 1000);
}

/** Value of a duration expression in seconds. */
export function evalSeconds(e: Expr, times: QueryTimes | null): number {
  switch (e.type) {
    case 'NumberLiteral':
      return e.val;
    case 'ParenExpr':
      return evalSeconds(e.expr, times);
    case 'UnaryExpr':
      return e.op === '-' ? -evalSeconds(e.expr, times) : evalSeconds(e.expr, times);
    case 'BinaryExpr': {
      const a = evalSeconds(e.lhs, times);
      const b = evalSeconds(e.rhs, times);
      switch (e.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '%':
          return a % b;
        case '^':
          return Math.pow(a, b);
        default:
          return NaN;
      }
    }
    case 'Call':
      switch (e.func) {
        case 'step':
          return times ? times.stepMs / 1000 : NaN;
        case 'range':
          return times ? (times.endMs - times.startMs) / 1000 : NaN;
        case 'min_of':
          return Math.min(evalSeconds(e.args[0], times), evalSeconds(e.args[1], times));
        case 'max_of':
          return Math.max(evalSeconds(e.args[0], times), evalSeconds(e.args[1], times));
      }
      return NaN;
    default:
      return NaN;
  }
}

/**
 * Returns the AST with every query-dependent duration (`rangeExpr`, `stepExpr`, `offsetExpr`)
 * evaluated for these query times into the plain ms fields; the input is not modified and
 * comes back unchanged (same object) when it has no such durations.
 */
export function resolveDurationExprs(e: Expr, times: QueryTimes): Expr {
  const ms = (d: Expr) => secondsToMs(evalSeconds(d, times));
  switch (e.type) {
    case 'VectorSelector': {
      if (!e.offsetExpr) return e;
      const { offsetExpr, ...rest } = e;
      return { ...rest, offset: ms(offsetExpr) };
    }
    case 'MatrixSelector': {
      const vs = resolveDurationExprs(e.vectorSelector, times) as typeof e.vectorSelector;
      if (!e.rangeExpr && vs === e.vectorSelector) return e;
      const { rangeExpr, ...rest } = e;
      return { ...rest, vectorSelector: vs, range: rangeExpr ? ms(rangeExpr) : e.range };
    }
    case 'SubqueryExpr': {
      const inner = resolveDurationExprs(e.expr, times);
      if (!e.rangeExpr && !e.stepExpr && !e.offsetExpr && inner === e.expr) return e;
      const { rangeExpr, stepExpr, offsetExpr, ...rest } = e;
      return {
        ...rest,
        expr: inner,
        range: rangeExpr ? ms(rangeExpr) : e.range,
        step: stepExpr ? ms(stepExpr) : e.step,
        offset: offsetExpr ? ms(offsetExpr) : e.offset,
      };
    }
    case 'AggregateExpr': {
      const inner = resolveDurationExprs(e.expr, times);
      const param = e.param && resolveDurationExprs(e.param, times);
      return inner === e.expr && param === e.param ? e : { ...e, expr: inner, param };
    }
    case 'BinaryExpr': {
      const lhs = resolveDurationExprs(e.lhs, times);
      const rhs = resolveDurationExprs(e.rhs, times);
      return lhs === e.lhs && rhs === e.rhs ? e : { ...e, lhs, rhs };
    }
    case 'Call': {
      const args = e.args.map((a) => resolveDurationExprs(a, times));
      return args.every((a, i) => a === e.args[i]) ? e : { ...e, args };
    }
    case 'ParenExpr':
    case 'UnaryExpr': {
      const inner = resolveDurationExprs(e.expr, times);
      return inner === e.expr ? e : { ...e, expr: inner };
    }
    default:
      return e;
  }
}
