/**
 * PromQL type rules with Prometheus's error messages: function argument counts and types (from
 * functionSignatures.ts), aggregation operand/parameter types, binary operator rules (set
 * operators, `bool`, vector matching), unary and subquery operand types, and selector rules.
 *
 * `checkTypes` also normalises `BinaryExpr.matching` to the AST contract: it stays set only
 * when both sides are instant vectors.
 */
import type { BinaryExpr, Expr, PosRange, ValueType } from './ast.ts';
import { documentedType, getFunctionSignature } from './functionSignatures.ts';
import type { ProblemList } from './parseError.ts';

/** The value type an expression evaluates to. */
export function typeOf(e: Expr): ValueType {
  switch (e.type) {
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'VectorSelector':
    case 'AggregateExpr':
      return 'vector';
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'Call':
      return getFunctionSignature(e.func)?.returnType ?? 'vector';
    case 'ParenExpr':
    case 'UnaryExpr':
      return typeOf(e.expr);
    case 'BinaryExpr':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
  }
}

const COMPARISON_OPS = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set(['and', 'or', 'unless']);
const PARAM_SCALAR_AGGREGATIONS = new Set(['topk', 'bottomk', 'quantile', 'limitk', 'limit_ratio']);

export function checkTypes(root: Expr, query: string, problems: ProblemList): void {
  const expectType = (e: Expr, want: ValueType, context: string): void => {
    visit(e);
    const got = typeOf(e);
    if (got !== want) {
      problems.add(e.posRange, `expected type ${documentedType(want)} in ${context}, got ${documentedType(got)}`);
    }
  };

  // Children are checked in Prometheus's order (checkAST), so the first problem reported is
  // the one Prometheus reports.
  const visit = (e: Expr): void => {
    switch (e.type) {
      case 'AggregateExpr':
        expectType(e.expr, 'vector', 'aggregation expression');
        if (e.param && PARAM_SCALAR_AGGREGATIONS.has(e.op)) expectType(e.param, 'scalar', 'aggregation parameter');
        else if (e.param && e.op === 'count_values') expectType(e.param, 'string', 'aggregation parameter');
        else if (e.param) visit(e.param);
        return;
      case 'BinaryExpr':
        visit(e.lhs);
        visit(e.rhs);
        checkBinary(e, query, problems);
        return;
      case 'Call': {
        const sig = getFunctionSignature(e.func);
        if (!sig) return; // reported while building the AST
        const nargs = sig.argTypes.length;
        if (sig.variadic === 0) {
          if (nargs !== e.args.length) {
            problems.add(e.posRange, `expected ${nargs} argument(s) in call to ${JSON.stringify(e.func)}, got ${e.args.length}`);
          }
        } else {
          const min = nargs - 1;
          if (e.args.length < min) {
            problems.add(e.posRange, `expected at least ${min} argument(s) in call to ${JSON.stringify(e.func)}, got ${e.args.length}`);
          } else if (sig.variadic > 0 && e.args.length > min + sig.variadic) {
            problems.add(e.posRange, `expected at most ${min + sig.variadic} argument(s) in call to ${JSON.stringify(e.func)}, got ${e.args.length}`);
          }
        }
        for (let i = 0; i < e.args.length; i++) {
          if (i >= nargs && sig.variadic === 0) break; // extra arguments are not checked further
          expectType(e.args[i], sig.argTypes[Math.min(i, nargs - 1)], `call to function ${JSON.stringify(e.func)}`);
        }
        return;
      }
      case 'ParenExpr':
        visit(e.expr);
        return;
      case 'UnaryExpr': {
        visit(e.expr);
        const t = typeOf(e.expr);
        if (t !== 'scalar' && t !== 'vector') {
          problems.add(e.posRange, `unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(documentedType(t))}`);
        }
        return;
      }
      case 'SubqueryExpr': {
        visit(e.expr);
        const t = typeOf(e.expr);
        if (t !== 'vector') problems.add(e.posRange, `subquery is only allowed on instant vector, got ${t} instead`);
        return;
      }
      case 'MatrixSelector':
        visit(e.vectorSelector);
        return;
      case 'VectorSelector':
        checkVectorSelector(e, problems);
        return;
      case 'NumberLiteral':
      case 'StringLiteral':
        return;
    }
  };
  visit(root);
}

function checkBinary(e: BinaryExpr, query: string, problems: ProblemList): void {
  const lt = typeOf(e.lhs);
  const rt = typeOf(e.rhs);
  const opRange = operatorRange(e, query);
  const isComparison = COMPARISON_OPS.has(e.op);
  const isSetOp = SET_OPS.has(e.op);
  const m = e.matching;

  if (e.returnBool && !isComparison) problems.add(opRange, 'bool modifier can only be used on comparison operators');
  if (isComparison && !e.returnBool && lt === 'scalar' && rt === 'scalar') {
    problems.add(opRange, 'comparisons between scalars must use BOOL modifier');
  }
  if (m && m.on) {
    for (const l of m.matchingLabels) {
      if (m.include.includes(l)) problems.add(opRange, `label ${JSON.stringify(l)} must not occur in ON and GROUP clause at once`);
    }
  }
  if (lt !== 'scalar' && lt !== 'vector') {
    problems.add(e.lhs.posRange, 'binary expression must contain only scalar and instant vector types');
  }
  if (rt !== 'scalar' && rt !== 'vector') {
    problems.add(e.rhs.posRange, 'binary expression must contain only scalar and instant vector types');
  }
  if (lt !== 'vector' || rt !== 'vector') {
    if (m && m.matchingLabels.length > 0) {
      problems.add(e.posRange, 'vector matching only allowed between instant vectors');
    }
    e.matching = null;
  } else if (isSetOp && m) {
    if (m.card === 'one-to-many' || m.card === 'many-to-one') {
      problems.add(e.posRange, `no grouping allowed for ${JSON.stringify(e.op)} operation`);
    }
    if (m.card !== 'many-to-many') problems.add(e.posRange, 'set operations must always be many-to-many');
  }
  if ((lt === 'scalar' || rt === 'scalar') && isSetOp) {
    problems.add(e.posRange, `set operator ${JSON.stringify(e.op)} not allowed in binary scalar expression`);
  }
}

/** The operator's text span: between the operands, trimmed of whitespace and comments. */
function operatorRange(e: BinaryExpr, query: string): PosRange {
  let start = e.lhs.posRange.end;
  let end = e.rhs.posRange.start;
  while (start < end && /\s/.test(query[start])) start++;
  while (end > start && /\s/.test(query[end - 1])) end--;
  return { start, end };
}

function checkVectorSelector(e: Expr & { type: 'VectorSelector' }, problems: ProblemList): void {
  if (e.name !== '') {
    // matchers[0] is the one derived from the name written before the braces
    for (const m of e.matchers.slice(1)) {
      if (m.name === '__name__') {
        problems.add(e.posRange, `metric name must not be set twice: ${JSON.stringify(e.name)} or ${JSON.stringify(m.value)}`);
      }
    }
    return;
  }
  if (!e.matchers.some((m) => !m.matchesEmpty)) {
    problems.add(e.posRange, 'vector selector must contain at least one non-empty matcher');
  }
}
