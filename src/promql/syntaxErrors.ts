/**
 * Prometheus-style wording for lexer and parser errors (`unexpected end of input`,
 * `unexpected identifier "foo" in label matching`, `unclosed left parenthesis`, ...).
 * Chevrotain reports which token it stopped at and in which rule; this module turns that
 * into the phrases Prometheus users know.
 */
import { EOF, type ILexingError, type IParserErrorMessageProvider, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import * as T from '../../grammar/tokens.ts';
import type { ParseProblem } from './parseError.ts';

const PUNCTUATION = new Set<TokenType>([T.LParen, T.RParen, T.LBrace, T.RBrace, T.LBracket, T.RBracket, T.Comma, T.Colon]);
const OPERATORS = new Set<TokenType>([
  T.EqlC, T.Neq, T.EqlRegex, T.NeqRegex, T.Lte, T.Gte, T.Eql, T.Lss, T.Gtr, T.Add, T.Sub, T.Mul, T.Div, T.Mod, T.Pow, T.At,
  T.And, T.Or, T.Unless, T.Atan2,
]);

/** How Prometheus's `Item.desc()` names a token. */
export function describeToken(token: IToken): string {
  const type = token.tokenType;
  if (type === EOF) return 'end of input';
  const image = token.image;
  if (PUNCTUATION.has(type)) return JSON.stringify(image);
  if (OPERATORS.has(type)) return `<op:${image}>`;
  if (hasCategory(type, T.AggregateOp)) return `<aggr:${image}>`;
  if (type === T.Identifier) return `identifier ${JSON.stringify(image)}`;
  if (type === T.Duration) return `duration ${JSON.stringify(image)}`;
  if (hasCategory(type, T.NumberLiteral)) return `number ${JSON.stringify(image)}`;
  if (hasCategory(type, T.StringLiteral)) return `string ${shorten(image)}`;
  if (hasCategory(type, T.LabelName)) return `<${image}>`;
  return JSON.stringify(image);
}

function shorten(s: string): string {
  return s.length > 10 ? `${JSON.stringify(s.slice(0, 10))}...` : JSON.stringify(s);
}

function hasCategory(type: TokenType, category: TokenType): boolean {
  return (type.CATEGORIES ?? []).includes(category);
}

/** The "in ..." part of a message, from the innermost grammar rule that failed. */
const RULE_CONTEXT: Record<string, string> = {
  labelMatchers: 'label matching',
  labelMatcher: 'label matching',
  labelList: 'grouping opts',
  labelNameRef: 'grouping opts',
  grouping: 'grouping opts',
  callArgs: 'function call arguments',
  aggregateExpr: 'aggregation',
  bracketSuffix: 'subquery or range selector',
  offsetSuffix: 'offset',
  atSuffix: '@',
  binModifiers: 'binary operator modifiers',
};

function unexpected(actual: IToken, ruleName: string, expected?: string): string {
  let msg = `unexpected ${describeToken(actual)}`;
  const ctx = RULE_CONTEXT[ruleName];
  if (ctx && actual.tokenType === EOF && ruleName === 'labelMatchers') return 'unexpected end of input inside braces';
  if (ctx) msg += ` in ${ctx}`;
  if (expected) msg += `, expected ${expected}`;
  return msg;
}

function expectedName(type: TokenType): string {
  if (type === T.RParen) return '")"';
  if (type === T.RBracket) return '"]"';
  if (type === T.RBrace) return '"}"';
  if (type === T.LParen) return '"("';
  if (type === T.StringLiteral) return 'string';
  if (type === T.MatchOp) return 'label matching operator';
  if (type === T.LabelName) return 'label';
  if (type === T.NumberLiteral) return 'number or duration';
  return type.name;
}

export const syntaxErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    if (actual.tokenType === T.Colon && ruleName === 'bracketSuffix') return "unexpected colon ':'";
    if (expected === T.RBrace && ruleName === 'labelMatchers') {
      return unexpected(actual, ruleName, previous?.tokenType === T.LBrace ? 'identifier or "}"' : '"," or "}"');
    }
    if (expected === T.RParen && ruleName === 'labelList') {
      const afterSeparator = previous?.tokenType === T.Comma || previous?.tokenType === T.LParen;
      return unexpected(actual, ruleName, afterSeparator ? 'label' : '"," or ")"');
    }
    return unexpected(actual, ruleName, expectedName(expected));
  },
  buildNotAllInputParsedMessage({ firstRedundant, ruleName }) {
    if (firstRedundant.tokenType === T.RParen) return "unexpected right parenthesis ')'";
    if (firstRedundant.tokenType === T.RBracket) return 'unexpected right bracket \']\'';
    if (firstRedundant.tokenType === T.RBrace) return 'unexpected right brace \'}\'';
    return unexpected(firstRedundant, ruleName);
  },
  buildNoViableAltMessage({ actual, ruleName }) {
    const first = actual[0];
    if (first.tokenType === EOF && (ruleName === 'primaryExpr' || ruleName === 'unaryExpr')) return 'unexpected end of input';
    if (ruleName === 'atSuffix') return unexpected(first, ruleName, 'timestamp');
    if (ruleName === 'offsetSuffix') return unexpected(first, ruleName, 'duration');
    return unexpected(first, ruleName);
  },
  buildEarlyExitMessage({ actual, ruleName }) {
    return unexpected(actual[0], ruleName);
  },
};

/** A chevrotain parser exception as a positioned problem. */
export function parserProblem(e: IRecognitionException, query: string, tokens: IToken[]): ParseProblem {
  const token = e.token;
  let start = token.tokenType === EOF || Number.isNaN(token.startOffset) ? query.length : token.startOffset;
  let message = e.message;
  // Arguments of an aggregation are "in aggregation", as Prometheus words it.
  const stack = e.context?.ruleStack ?? [];
  if (stack[stack.length - 1] === 'callArgs' && stack[stack.length - 2] === 'aggregateExpr') {
    message = message.replace(' in function call arguments', ' in aggregation').replace(/, expected .*$/, '');
  }
  // Prometheus's lexer reports a stray ")" just after it.
  if (token.tokenType === T.RParen && message.startsWith('unexpected right parenthesis')) start += 1;
  // Prometheus's lexer reports unclosed brackets where the input ends, before the parser.
  if (token.tokenType === EOF) message = unclosedMessage(tokens) ?? message;
  if (start > query.length) start = query.length;
  const end = token.tokenType === EOF ? start : (token.endOffset ?? start) + 1;
  return { posRange: { start, end }, message };
}

function unclosedMessage(tokens: IToken[]): string | null {
  let parens = 0;
  let brackets = 0;
  let braces = 0;
  for (const t of tokens) {
    if (t.tokenType === T.LParen) parens++;
    else if (t.tokenType === T.RParen) parens--;
    else if (t.tokenType === T.LBracket) brackets++;
    else if (t.tokenType === T.RBracket) brackets--;
    else if (t.tokenType === T.LBrace) braces++;
    else if (t.tokenType === T.RBrace) braces--;
  }
  if (braces > 0) return 'unexpected end of input inside braces';
  if (brackets > 0) return 'unclosed left bracket';
  if (parens > 0) return 'unclosed left parenthesis';
  return null;
}

/** A lexer error as a positioned problem (unterminated strings, stray characters). */
export function lexerProblem(e: ILexingError, query: string): ParseProblem {
  const start = e.offset;
  const ch = query[start] ?? '';
  let message: string;
  if (ch === '"' || ch === "'" || ch === '`') message = 'unterminated quoted string';
  else if (ch === '!') message = "unexpected character after '!': " + JSON.stringify(query[start + 1] ?? '');
  else message = `unexpected character: ${quoteRune(ch)}`;
  return { posRange: { start, end: start + Math.max(1, e.length) }, message };
}

function quoteRune(ch: string): string {
  const cp = ch.codePointAt(0);
  if (cp === undefined) return "''";
  if (ch === "'") return "'\\''";
  if (cp < 0x20 || cp === 0x7f) return `'\\x${cp.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCodePoint(cp)}'`;
}
