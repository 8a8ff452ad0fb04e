/**
 * The AST in the JSON shape of Prometheus's /api/v1/parse_query (what its web UI's tree view
 * reads): `{type: 'vectorSelector', name, matchers, offset, timestamp, startOrEnd}`, etc.
 * Times are milliseconds; number literals are strings (`"1"`, `"+Inf"`).
 */
import type { AtModifier, Expr } from './ast.ts';
import { getFunctionSignature } from './functionSignatures.ts';
import type { Matcher } from '../storage/matcher.ts';
import { formatFloatPlain } from './literals.ts';

export function astToJson(e: Expr): unknown {
  switch (e.type) {
    case 'AggregateExpr':
      return {
        type: 'aggregation',
        op: e.op,
        expr: astToJson(e.expr),
        param: e.param ? astToJson(e.param) : null,
        grouping: e.grouping,
        without: e.without,
      };
    case 'BinaryExpr':
      return {
        type: 'binaryExpr',
        op: e.op,
        lhs: astToJson(e.lhs),
        rhs: astToJson(e.rhs),
        matching: e.matching
          ? { card: e.matching.card, labels: e.matching.matchingLabels, on: e.matching.on, include: e.matching.include }
          : null,
        bool: e.returnBool,
      };
    case 'Call': {
      const sig = getFunctionSignature(e.func);
      return {
        type: 'call',
        func: {
          name: e.func,
          argTypes: sig?.argTypes ?? [],
          variadic: sig?.variadic ?? 0,
          returnType: sig?.returnType ?? 'vector',
        },
        args: e.args.map(astToJson),
      };
    }
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      return {
        type: 'matrixSelector',
        name: vs.name,
        matchers: vs.matchers.map(matcherJson),
        range: e.range,
        offset: vs.offset,
        ...atJson(vs.at),
      };
    }
    case 'SubqueryExpr':
      return { type: 'subquery', expr: astToJson(e.expr), range: e.range, offset: e.offset, step: e.step, ...atJson(e.at) };
    case 'NumberLiteral':
      return { type: 'numberLiteral', val: formatFloatPlain(e.val) };
    case 'StringLiteral':
      return { type: 'stringLiteral', val: e.val };
    case 'ParenExpr':
      return { type: 'parenExpr', expr: astToJson(e.expr) };
    case 'UnaryExpr':
      return { type: 'unaryExpr', op: e.op, expr: astToJson(e.expr) };
    case 'VectorSelector':
      return { type: 'vectorSelector', name: e.name, matchers: e.matchers.map(matcherJson), offset: e.offset, ...atJson(e.at) };
  }
}

function matcherJson(m: Matcher): { type: string; name: string; value: string } {
  return { type: m.type, name: m.name, value: m.value };
}

function atJson(at: AtModifier | null): { timestamp: number | null; startOrEnd: 'start' | 'end' | null } {
  if (!at) return { timestamp: null, startOrEnd: null };
  if (at.kind === 'timestamp') return { timestamp: at.t, startOrEnd: null };
  return { timestamp: null, startOrEnd: at.kind };
}
