/**
 * CST -> AST. A chevrotain visitor over grammar/parser.ts's concrete syntax tree that returns
 * the discriminated-union AST of ast.ts, with every node's 0-based `posRange`.
 *
 * Syntax-level semantic rules are checked here (they need token positions): literal syntax,
 * matcher construction (regex compile errors), where ranges, `offset` and `@` may appear,
 * duration expressions. Type rules live in typeCheck.ts. Problems are collected, not thrown,
 * so the caller can report all of them.
 */
import type { CstNode, IToken } from 'chevrotain';
import { PromQLParser } from '../../grammar/parser.ts';
import * as T from '../../grammar/tokens.ts';
import type * as C from '../../grammar/cst.d.ts';
import { Matcher, InvalidRegexError, type MatchType } from '../storage/matcher.ts';
import type {
  AggregateExpr,
  AggregateOp,
  AtModifier,
  BinaryExpr,
  BinaryOp,
  Call,
  Cardinality,
  Expr,
  MatrixSelector,
  PosRange,
  SubqueryExpr,
  VectorSelector,
} from './ast.ts';
import { formatFloatPlain, LiteralError, parseDuration, parseNumber, unquoteString } from './literals.ts';
import { ProblemList } from './parseError.ts';
import { syntaxErrorMessages } from './syntaxErrors.ts';
import { durationExprProblem, foldDuration, type DurationValue } from './durationExpr.ts';
import { getFunctionSignature } from './functionSignatures.ts';

let parserInstance: PromQLParser | undefined;

/**
 * The one parser instance (chevrotain parsers are built once and reset via `.input`). It is
 * built on first use: a server with no rules that is never queried does not pay for it.
 */
export function cstParser(): PromQLParser {
  return (parserInstance ??= new PromQLParser(syntaxErrorMessages));
}

interface BinModifiers {
  returnBool: boolean;
  on: boolean;
  matchingLabels: string[];
  card: Cardinality;
  include: string[];
}

/** Nodes whose offset / @ was set explicitly (to reject setting them twice). */
type Modifiable = VectorSelector | SubqueryExpr;

/**
 * A visitor in chevrotain's shape (one method per grammar rule, named as the rule), written
 * without chevrotain's visitor base class, which would need the parser instance at load time.
 * The grammar test checks that every rule has its method.
 */
export class AstBuilder {
  private problems = new ProblemList();
  private offsetSet = new WeakSet<Modifiable>();
  private atSet = new WeakSet<Modifiable>();

  /** As chevrotain's `visit`: the first node of an array, undefined for an absent child. */
  visit(node: CstNode | CstNode[] | undefined): unknown {
    const n = Array.isArray(node) ? node[0] : node;
    if (n === undefined) return undefined;
    return (this as unknown as Record<string, (children: unknown) => unknown>)[n.name](n.children);
  }

  /** Builds the AST of a `query` CST node; problems go to `problems`. */
  build(cst: CstNode, problems: ProblemList): Expr {
    this.problems = problems;
    this.offsetSet = new WeakSet();
    this.atSet = new WeakSet();
    return this.visit(cst) as Expr;
  }

  private expr(node: CstNode | CstNode[] | undefined): Expr {
    return this.visit(node as CstNode) as Expr;
  }

  query(ctx: C.QueryCstChildren): Expr {
    return this.expr(ctx.expression);
  }

  expression(ctx: C.ExpressionCstChildren): Expr {
    return this.expr(ctx.orExpr);
  }

  orExpr(ctx: C.OrExprCstChildren): Expr {
    return this.binaryChain(ctx);
  }
  andExpr(ctx: C.AndExprCstChildren): Expr {
    return this.binaryChain(ctx);
  }
  comparisonExpr(ctx: C.ComparisonExprCstChildren): Expr {
    return this.binaryChain(ctx);
  }
  additiveExpr(ctx: C.AdditiveExprCstChildren): Expr {
    return this.binaryChain(ctx);
  }
  multiplicativeExpr(ctx: C.MultiplicativeExprCstChildren): Expr {
    return this.binaryChain(ctx);
  }

  /** Left-associative chain `a op b op c` of one precedence level. */
  private binaryChain(ctx: { operands: CstNode[]; operators?: IToken[]; modifiers?: C.BinModifiersCstNode[] }): Expr {
    let lhs = this.expr(ctx.operands[0]);
    const ops = ctx.operators ?? [];
    for (let i = 0; i < ops.length; i++) {
      const rhs = this.expr(ctx.operands[i + 1]);
      lhs = this.binary(ops[i], ctx.modifiers![i], lhs, rhs);
    }
    return lhs;
  }

  private binary(opToken: IToken, modsNode: C.BinModifiersCstNode, lhs: Expr, rhs: Expr): BinaryExpr {
    const mods = this.visit(modsNode) as BinModifiers;
    if (opToken.tokenType === T.TrimUpper || opToken.tokenType === T.TrimLower) {
      this.problems.add(tokenRange(opToken), `the native histogram trim operator "${opToken.image}" is not supported`);
    }
    const op = opToken.image.toLowerCase() as BinaryOp;
    const isSetOp = op === 'and' || op === 'or' || op === 'unless';
    return {
      type: 'BinaryExpr',
      op,
      lhs,
      rhs,
      matching: {
        card: isSetOp && mods.card === 'one-to-one' ? 'many-to-many' : mods.card,
        matchingLabels: mods.matchingLabels,
        on: mods.on,
        include: mods.include,
      },
      returnBool: mods.returnBool,
      posRange: { start: lhs.posRange.start, end: rhs.posRange.end },
    };
  }

  unaryExpr(ctx: C.UnaryExprCstChildren): Expr {
    if (!ctx.sign) return this.expr(ctx.power);
    const sign = ctx.sign[0];
    const operand = this.expr(ctx.operand);
    const posRange = { start: sign.startOffset, end: operand.posRange.end };
    // Like Prometheus, a sign directly on a number literal folds into the literal.
    if (operand.type === 'NumberLiteral') {
      return { type: 'NumberLiteral', val: sign.image === '-' ? -operand.val : operand.val, posRange };
    }
    return { type: 'UnaryExpr', op: sign.image as '+' | '-', expr: operand, posRange };
  }

  powerExpr(ctx: C.PowerExprCstChildren): Expr {
    const base = this.expr(ctx.base);
    if (!ctx.operator) return base;
    return this.binary(ctx.operator[0], ctx.modifiers![0], base, this.expr(ctx.exponent));
  }

  binModifiers(ctx: C.BinModifiersCstChildren): BinModifiers {
    const card: Cardinality = ctx.GroupLeft ? 'many-to-one' : ctx.GroupRight ? 'one-to-many' : 'one-to-one';
    return {
      returnBool: !!ctx.Bool,
      on: !!ctx.On,
      matchingLabels: ctx.matchingLabels ? (this.visit(ctx.matchingLabels) as string[]) : [],
      card,
      include: ctx.includeLabels ? (this.visit(ctx.includeLabels) as string[]) : [],
    };
  }

  postfixExpr(ctx: C.PostfixExprCstChildren): Expr {
    let e = this.expr(ctx.primaryExpr);
    for (const suffix of ctx.suffixes ?? []) {
      if (suffix.name === 'bracketSuffix') e = this.applyBrackets(e, suffix as C.BracketSuffixCstNode);
      else if (suffix.name === 'offsetSuffix') e = this.applyOffset(e, suffix as C.OffsetSuffixCstNode);
      else e = this.applyAt(e, suffix as C.AtSuffixCstNode);
    }
    return e;
  }

  private applyBrackets(e: Expr, node: C.BracketSuffixCstNode): Expr {
    const ctx = node.children;
    const end = ctx.RBracket[0].startOffset + 1;
    const range = this.duration(ctx.range[0], 'range');
    if (ctx.Colon) {
      const step = ctx.step ? this.duration(ctx.step[0], 'step') : { ms: 0 };
      const sq: SubqueryExpr = {
        type: 'SubqueryExpr',
        expr: e,
        range: range.ms,
        step: step.ms,
        offset: 0,
        at: null,
        posRange: { start: e.posRange.start, end },
      };
      if (range.expr) sq.rangeExpr = range.expr;
      if (step.expr) sq.stepExpr = step.expr;
      return sq;
    }
    const posRange = { start: e.posRange.start, end };
    const bracketRange = { start: ctx.LBracket[0].startOffset, end };
    if (e.type !== 'VectorSelector') {
      this.problems.add(bracketRange, 'ranges only allowed for vector selectors');
      return e;
    }
    if (this.offsetSet.has(e)) this.problems.add(bracketRange, 'no offset modifiers allowed before range');
    if (this.atSet.has(e)) this.problems.add(bracketRange, 'no @ modifiers allowed before range');
    const ms: MatrixSelector = { type: 'MatrixSelector', vectorSelector: e, range: range.ms, posRange };
    if (range.expr) ms.rangeExpr = range.expr;
    return ms;
  }

  /** The node an `offset`/`@` modifies, or null when it may not be modified. */
  private modifiable(e: Expr): Modifiable | null {
    if (e.type === 'VectorSelector' || e.type === 'SubqueryExpr') return e;
    if (e.type === 'MatrixSelector') return e.vectorSelector;
    return null;
  }

  private applyOffset(e: Expr, node: C.OffsetSuffixCstNode): Expr {
    const ctx = node.children;
    const target = this.modifiable(e);
    const end = node.location!.endOffset! + 1;
    const posRange = { start: e.posRange.start, end };
    if (!target) {
      this.problems.add(posRange, 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery');
      return e;
    }
    if (this.offsetSet.has(target)) this.problems.add(posRange, 'offset may not be set multiple times');
    this.offsetSet.add(target);
    const value = this.offsetValue(ctx);
    target.offset = value.ms;
    if (value.expr) target.offsetExpr = value.expr;
    e.posRange = posRange;
    if (e.type === 'MatrixSelector') target.posRange = { start: target.posRange.start, end };
    return e;
  }

  private offsetValue(ctx: C.OffsetSuffixCstChildren): DurationValue {
    let inner: Expr;
    if (ctx.number) inner = this.numberLiteral(ctx.number[0]);
    else if (ctx.parenExpr) inner = this.expr(ctx.parenExpr);
    else inner = this.expr(ctx.functionCall);
    if (ctx.sign) {
      const sign = ctx.sign[0];
      const posRange = { start: sign.startOffset, end: inner.posRange.end };
      inner =
        inner.type === 'NumberLiteral'
          ? { type: 'NumberLiteral', val: sign.image === '-' ? -inner.val : inner.val, posRange }
          : { type: 'UnaryExpr', op: sign.image as '+' | '-', expr: inner, posRange };
    }
    return this.checkedDuration(inner, 'offset', true);
  }

  private applyAt(e: Expr, node: C.AtSuffixCstNode): Expr {
    const ctx = node.children;
    const target = this.modifiable(e);
    const end = node.location!.endOffset! + 1;
    const posRange = { start: e.posRange.start, end };
    if (!target) {
      this.problems.add(posRange, '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery');
      return e;
    }
    if (this.atSet.has(target)) this.problems.add(posRange, '@ <timestamp> may not be set multiple times');
    this.atSet.add(target);
    target.at = this.atValue(ctx, posRange);
    e.posRange = posRange;
    if (e.type === 'MatrixSelector') target.posRange = { start: target.posRange.start, end };
    return e;
  }

  private atValue(ctx: C.AtSuffixCstChildren, posRange: PosRange): AtModifier {
    if (ctx.Start) return { kind: 'start' };
    if (ctx.End) return { kind: 'end' };
    const lit = this.numberLiteral(ctx.number![0]);
    const seconds = ctx.sign?.[0].image === '-' ? -lit.val : lit.val;
    const t = Math.round(seconds * 1000);
    // Prometheus keeps @ timestamps as int64 milliseconds.
    if (!Number.isFinite(seconds) || Math.abs(t) > 9223372036854775807) {
      this.problems.add(posRange, `timestamp out of bounds for @ modifier: ${goFloatF(seconds)}`);
      return { kind: 'timestamp', t: 0 };
    }
    return { kind: 'timestamp', t };
  }

  /** A bracket part (`[range]`, `[range:step]`) as milliseconds or a dynamic expression. */
  private duration(node: C.ExpressionCstNode, what: 'range' | 'step'): DurationValue {
    return this.checkedDuration(this.expr(node), what, false);
  }

  private checkedDuration(e: Expr, what: 'range' | 'step' | 'offset', allowNegative: boolean): DurationValue {
    const problem = durationExprProblem(e);
    if (problem) {
      this.problems.add(problem.posRange, problem.message);
      return { ms: 0 };
    }
    const value = foldDuration(e);
    if (value.expr !== undefined) return value;
    if (!Number.isSafeInteger(value.ms)) {
      this.problems.add(e.posRange, `${what} duration out of range`);
      return { ms: 0 };
    }
    if (!allowNegative && value.ms <= 0) this.problems.add(e.posRange, 'duration must be greater than 0');
    return value;
  }

  primaryExpr(ctx: C.PrimaryExprCstChildren): Expr {
    if (ctx.NumberLiteral) return this.numberLiteral(ctx.NumberLiteral[0]);
    if (ctx.StringLiteral) {
      const tok = ctx.StringLiteral[0];
      return { type: 'StringLiteral', val: this.stringValue(tok), posRange: tokenRange(tok) };
    }
    return this.expr(ctx.parenExpr ?? ctx.aggregateExpr ?? ctx.functionCall ?? ctx.vectorSelector);
  }

  private numberLiteral(tok: IToken): Expr & { type: 'NumberLiteral' } {
    const posRange = tokenRange(tok);
    try {
      const val = tok.tokenType === T.Duration ? parseDuration(tok.image) / 1000 : parseNumber(tok.image);
      return { type: 'NumberLiteral', val, posRange };
    } catch (e) {
      this.problems.add(posRange, literalMessage(e));
      return { type: 'NumberLiteral', val: 0, posRange };
    }
  }

  private stringValue(tok: IToken): string {
    try {
      return unquoteString(tok.image);
    } catch (e) {
      this.problems.add(tokenRange(tok), literalMessage(e));
      return '';
    }
  }

  parenExpr(ctx: C.ParenExprCstChildren): Expr {
    return {
      type: 'ParenExpr',
      expr: this.expr(ctx.expression),
      posRange: { start: ctx.LParen[0].startOffset, end: ctx.RParen[0].startOffset + 1 },
    };
  }

  aggregateExpr(ctx: C.AggregateExprCstChildren): AggregateExpr {
    const opTok = ctx.AggregateOp[0];
    const op = opTok.image.toLowerCase() as AggregateOp;
    const argsNode = ctx.callArgs![0];
    const args = this.visit(argsNode) as Expr[];
    const groupingNode = ctx.grouping?.[0];
    const grouping = groupingNode ? (this.visit(groupingNode) as { without: boolean; labels: string[] }) : null;
    const end = Math.max(argsNode.location!.endOffset!, groupingNode?.location?.endOffset ?? 0) + 1;
    const posRange = { start: opTok.startOffset, end };
    const hasParam = op === 'topk' || op === 'bottomk' || op === 'quantile' || op === 'count_values' || op === 'limitk' || op === 'limit_ratio';
    const want = hasParam ? 2 : 1;
    const agg: AggregateExpr = {
      type: 'AggregateExpr',
      op,
      expr: args[want - 1] ?? { type: 'NumberLiteral', val: 0, posRange },
      param: hasParam ? (args[0] ?? null) : null,
      grouping: grouping?.labels ?? [],
      without: grouping?.without ?? false,
      posRange,
    };
    if (args.length === 0) this.problems.add(posRange, 'no arguments for aggregate expression provided');
    else if (args.length !== want) {
      this.problems.add(posRange, `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`);
    }
    return agg;
  }

  grouping(ctx: C.GroupingCstChildren): { without: boolean; labels: string[] } {
    return { without: !!ctx.Without, labels: this.visit(ctx.labelList) as string[] };
  }

  functionCall(ctx: C.FunctionCallCstChildren): Call {
    const nameTok = ctx.FunctionName[0];
    // start/end/step/range are (case-insensitive) keywords; other names are case-sensitive.
    const func = nameTok.tokenType === T.Identifier ? nameTok.image : nameTok.image.toLowerCase();
    const argsNode = ctx.callArgs[0];
    const args = this.visit(argsNode) as Expr[];
    const posRange = { start: nameTok.startOffset, end: argsNode.location!.endOffset! + 1 };
    if (!getFunctionSignature(func)) {
      this.problems.add(tokenRange(nameTok), `unknown function with name ${JSON.stringify(func)}`);
    }
    return { type: 'Call', func, args, posRange };
  }

  callArgs(ctx: C.CallArgsCstChildren): Expr[] {
    const args = ctx.args ?? [];
    const commas = ctx.Comma ?? [];
    if (args.length > 0 && commas.length === args.length) {
      this.problems.add(tokenRange(commas[commas.length - 1]), 'trailing commas not allowed in function call args');
    }
    return args.map((a) => this.expr(a));
  }

  labelList(ctx: C.LabelListCstChildren): string[] {
    return (ctx.labels ?? []).map((l) => this.visit(l) as string);
  }

  labelNameRef(ctx: C.LabelNameRefCstChildren): string {
    if (ctx.StringLiteral) return this.stringValue(ctx.StringLiteral[0]);
    const tok = ctx.LabelName![0];
    if (tok.image.includes(':')) {
      this.problems.add(tokenRange(tok), `unexpected metric identifier ${JSON.stringify(tok.image)} in grouping opts, expected label`);
    }
    return tok.image;
  }

  vectorSelector(ctx: C.VectorSelectorCstChildren): VectorSelector {
    const nameTok = ctx.metricName?.[0];
    const matchersNode = ctx.labelMatchers?.[0];
    const matchers = matchersNode ? (this.visit(matchersNode) as Matcher[]) : [];
    const name = nameTok?.image ?? '';
    if (nameTok) matchers.unshift(new Matcher('=', '__name__', name));
    const start = nameTok ? nameTok.startOffset : matchersNode!.location!.startOffset;
    const end = matchersNode ? matchersNode.location!.endOffset! + 1 : nameTok!.endOffset! + 1;
    return { type: 'VectorSelector', name, matchers, offset: 0, at: null, posRange: { start, end } };
  }

  labelMatchers(ctx: C.LabelMatchersCstChildren): Matcher[] {
    const out: Matcher[] = [];
    for (const m of ctx.matchers ?? []) {
      const matcher = this.visit(m) as Matcher | null;
      if (matcher) out.push(matcher);
    }
    return out;
  }

  labelMatcher(ctx: C.LabelMatcherCstChildren): Matcher | null {
    const nameTok = ctx.name?.[0] ?? ctx.quotedName![0];
    const valueTok = ctx.value?.[0];
    const opTok = ctx.MatchOp?.[0];
    if (!valueTok || !opTok) {
      // `{"metric.name"}`: a quoted metric name on its own.
      return this.newMatcher('=', '__name__', this.stringValue(nameTok), tokenRange(nameTok));
    }
    let name: string;
    if (ctx.name) {
      name = nameTok.image;
      const colon = name.indexOf(':');
      if (colon >= 0) {
        const at = nameTok.startOffset + colon;
        this.problems.add({ start: at, end: at + 1 }, "unexpected character inside braces: ':'");
      }
    } else {
      name = this.stringValue(nameTok);
    }
    const range = { start: nameTok.startOffset, end: valueTok.endOffset! + 1 };
    return this.newMatcher(opTok.image as MatchType, name, this.stringValue(valueTok), range);
  }

  private newMatcher(type: MatchType, name: string, value: string, range: PosRange): Matcher | null {
    try {
      return new Matcher(type, name, value);
    } catch (e) {
      if (!(e instanceof InvalidRegexError)) throw e;
      this.problems.add(range, regexMessage(e));
      return null;
    }
  }

  // The following rules are consumed by their parents directly.
  bracketSuffix(): void {}
  offsetSuffix(): void {}
  atSuffix(): void {}
}

/** Go's `%f`. */
function goFloatF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return Math.abs(v) < 1e21 ? v.toFixed(6) : `${formatFloatPlain(v)}.000000`;
}

function tokenRange(tok: IToken): PosRange {
  return { start: tok.startOffset, end: tok.endOffset! + 1 };
}

/** Prometheus's wording: `error parsing regexp: missing closing ): \`^(?:()$\``. */
function regexMessage(e: InvalidRegexError): string {
  const prefix = `invalid regular expression ${JSON.stringify(e.regex)}: `;
  const detail = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  return detail.replace('`(?s)^(?:', '`^(?:');
}

function literalMessage(e: unknown): string {
  if (e instanceof LiteralError) return e.message;
  throw e;
}
