/**
 * PromQL text -> type-checked AST. `parseExpr` is the entry point for the engine, rules and
 * the API; every user mistake becomes one `PromQLParseError` carrying all problems found.
 */
import { promqlLexer } from '../../grammar/tokens.ts';
import type { Expr, VectorSelector } from './ast.ts';
import type { Matcher } from '../storage/matcher.ts';
import { AstBuilder, cstParser } from './astBuilder.ts';
import { PromQLParseError, ProblemList, type ParseProblem } from './parseError.ts';
import { contextualLexProblems, lexerProblem, parserProblem } from './syntaxErrors.ts';
import { checkTypes } from './typeCheck.ts';

const builder = new AstBuilder();

/**
 * Deepest AST accepted. Real queries stay far below; the limit keeps recursive consumers
 * (type checks, printer, evaluator) clear of the JavaScript stack limit.
 */
export const MAX_EXPR_DEPTH = 1000;
const TOO_DEEP = `expression nesting too deep (more than ${MAX_EXPR_DEPTH} levels)`;

/** Parses and type-checks a PromQL expression. Throws `PromQLParseError` on any problem. */
export function parseExpr(input: string): Expr {
  try {
    return parseChecked(input);
  } catch (e) {
    // Pathological nesting can exhaust the stack inside the (recursive descent) parser itself.
    if (e instanceof RangeError) throw new PromQLParseError(input, [{ posRange: { start: 0, end: input.length }, message: TOO_DEEP }]);
    throw e;
  }
}

/**
 * A series selector such as a `match[]` parameter (`up`, `{job="api"}`, `up{a=~"b.*"}`), like
 * Prometheus's ParseMetricSelector: a lone vector selector, no offset/@, no other syntax.
 */
export function parseMetricSelector(input: string): Matcher[] {
  try {
    const vs = parseWith(input, 'vectorSelector') as VectorSelector;
    return vs.matchers;
  } catch (e) {
    if (e instanceof RangeError) throw new PromQLParseError(input, [{ posRange: { start: 0, end: input.length }, message: TOO_DEEP }]);
    throw e;
  }
}

function parseChecked(input: string): Expr {
  return parseWith(input, 'query');
}

function parseWith(input: string, rule: 'query' | 'vectorSelector'): Expr {
  const lexed = promqlLexer().tokenize(input);
  const syntax: ParseProblem[] = lexed.errors.map((e) => lexerProblem(e, input));

  if (lexed.tokens.length === 0 && syntax.length === 0) {
    throw new PromQLParseError(input, [{ posRange: { start: 0, end: input.length }, message: 'no expression found in input' }]);
  }

  // Errors Prometheus's lexer would raise first; parser errors from that point on are noise.
  const contextual = contextualLexProblems(lexed.tokens);
  syntax.push(...contextual);
  const parserLimit = Math.min(Infinity, ...contextual.map((p) => p.posRange.start - 1));

  const parser = cstParser();
  parser.input = lexed.tokens;
  const cst = rule === 'query' ? parser.query() : parser.vectorSelector();
  for (const e of parser.errors) {
    const problem = parserProblem(e, input, lexed.tokens);
    if (problem.posRange.start < parserLimit) syntax.push(problem);
  }
  if (syntax.length > 0) {
    syntax.sort((a, b) => a.posRange.start - b.posRange.start);
    throw new PromQLParseError(input, syntax);
  }

  const problems = new ProblemList();
  const expr = builder.build(cst, problems);
  if (astDepth(expr) > MAX_EXPR_DEPTH) throw new PromQLParseError(input, [{ posRange: expr.posRange, message: TOO_DEEP }]);
  // Like Prometheus, types are checked only once the text is otherwise well-formed.
  if (rule === 'query' && problems.empty) checkTypes(expr, input, problems);
  if (!problems.empty) throw new PromQLParseError(input, problems.problems);
  return expr;
}

/** Depth of the AST, computed without recursion. */
function astDepth(root: Expr): number {
  let max = 0;
  const stack: [Expr, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [e, d] = stack.pop()!;
    if (d > max) max = d;
    for (const child of children(e)) stack.push([child, d + 1]);
  }
  return max;
}

function children(e: Expr): Expr[] {
  switch (e.type) {
    case 'AggregateExpr':
      return e.param ? [e.param, e.expr] : [e.expr];
    case 'BinaryExpr':
      return [e.lhs, e.rhs];
    case 'Call':
      return e.args;
    case 'MatrixSelector':
      return [e.vectorSelector];
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
      return [e.expr];
    default:
      return [];
  }
}
