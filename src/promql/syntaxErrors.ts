/**
 * Prometheus-style wording for lexer and parser errors (`unexpected end of input`,
 * `unexpected identifier "foo" in label matching`, `unclosed left parenthesis`, ...).
 * Chevrotain reports which token it stopped at and in which rule; this module turns that
 * into the phrases Prometheus users know (compared against Prometheus 2.42's answers).
 */
import { EOF, type ILexingError, type IParserErrorMessageProvider, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import * as T from '../../grammar/tokens.ts';
import type { ParseProblem } from './parseError.ts';

const PUNCTUATION = new Set<TokenType>([T.LParen, T.RParen, T.LBrace, T.RBrace, T.LBracket, T.RBracket, T.Comma, T.Colon, T.Eql]);
const OPERATORS = new Set<TokenType>([
  T.EqlC, T.Neq, T.EqlRegex, T.NeqRegex, T.Lte, T.Gte, T.Lss, T.Gtr, T.Add, T.Sub, T.Mul, T.Div, T.Mod, T.Pow, T.At,
  T.And, T.Or, T.Unless, T.Atan2, T.TrimUpper, T.TrimLower,
]);

/** How Prometheus's `Item.desc()` names a token. */
export function describeToken(token: IToken): string {
  const type = token.tokenType;
  if (type === EOF) return 'end of input';
  const image = token.image;
  if (PUNCTUATION.has(type)) return JSON.stringify(image);
  if (OPERATORS.has(type)) return `<op:${image}>`;
  if (hasCategory(type, T.AggregateOp)) return `<aggr:${image}>`;
  if (type === T.Identifier || type === T.ColonIdentifier) {
    return `${image.includes(':') ? 'metric identifier' : 'identifier'} ${JSON.stringify(image)}`;
  }
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

/**
 * The "in ..." part of a message, for the grammar rules where Prometheus names one. The
 * expected-token hints are only given where Prometheus gives them.
 */
const RULE_CONTEXT: Record<string, string> = {
  labelMatchers: 'label matching',
  labelMatcher: 'label matching',
  labelList: 'grouping opts',
  labelNameRef: 'grouping opts',
  grouping: 'grouping opts',
  aggregateExpr: 'aggregation',
  bracketSuffix: 'subquery or range selector',
  offsetSuffix: 'offset',
  atSuffix: '@',
};

function unexpected(actual: IToken, ruleName: string, expected?: string): string {
  if (actual.tokenType === EOF && (ruleName === 'labelMatchers' || ruleName === 'labelMatcher')) {
    return 'unexpected end of input inside braces';
  }
  // Inside braces Prometheus lexes every word as a plain identifier.
  const inBraces = ruleName === 'labelMatchers' || ruleName === 'labelMatcher';
  const word = inBraces && (hasCategory(actual.tokenType, T.LabelName) || actual.tokenType === T.Atan2 || actual.tokenType === T.InfNan);
  let msg = `unexpected ${word ? `identifier ${JSON.stringify(actual.image)}` : describeToken(actual)}`;
  const ctx = RULE_CONTEXT[ruleName];
  if (ctx) msg += ` in ${ctx}`;
  if (expected) msg += `, expected ${expected}`;
  return msg;
}

/** The hint for a failed CONSUME, where Prometheus has one. */
function expectedHint(expected: TokenType, previous: IToken | undefined, ruleName: string): string | undefined {
  const after = previous?.tokenType;
  switch (ruleName) {
    case 'labelMatchers':
      if (expected === T.RBrace) return after === T.LBrace || after === T.Comma ? 'identifier or "}"' : '"," or "}"';
      return undefined;
    case 'labelMatcher':
      if (expected === T.MatchOp) return 'label matching operator';
      if (expected === T.StringLiteral) return 'string';
      return undefined;
    case 'labelList':
      if (expected === T.LParen) return '"("';
      if (expected === T.RParen) return after === T.Comma || after === T.LParen ? 'label' : '"," or ")"';
      return undefined;
    case 'grouping':
      return expected === T.LParen ? '"("' : undefined;
    default:
      return undefined;
  }
}

export const syntaxErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    return unexpected(actual, ruleName, expectedHint(expected, previous, ruleName));
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return unexpected(firstRedundant, '');
  },
  buildNoViableAltMessage({ actual, ruleName }) {
    const first = actual[0];
    if (ruleName === 'atSuffix') return unexpected(first, ruleName, 'timestamp');
    if (ruleName === 'offsetSuffix') return unexpected(first, ruleName, 'duration');
    if (ruleName === 'labelNameRef') return unexpected(first, 'labelList', 'label');
    if (ruleName === 'labelMatcher') return unexpected(first, ruleName, 'identifier or "}"');
    return unexpected(first, ruleName === 'primaryExpr' || ruleName === 'unaryExpr' ? '' : ruleName);
  },
  buildEarlyExitMessage({ actual, ruleName }) {
    return unexpected(actual[0], ruleName);
  },
};

/** A chevrotain parser exception as a positioned problem. */
export function parserProblem(e: IRecognitionException, query: string, tokens: IToken[]): ParseProblem {
  const token = e.token;
  let start = token.tokenType === EOF || Number.isNaN(token.startOffset) ? query.length : token.startOffset;
  if (start > query.length) start = query.length;
  let message = e.message;
  // Arguments of an aggregation are "in aggregation", as Prometheus words it.
  const stack = e.context?.ruleStack ?? [];
  if (stack[stack.length - 1] === 'callArgs' && stack[stack.length - 2] === 'aggregateExpr') message += ' in aggregation';
  // Prometheus's lexer reports unclosed brackets where the input ends, before the parser.
  if (token.tokenType === EOF) message = unclosedMessage(tokens) ?? message;
  const end = token.tokenType === EOF ? start : start + token.image.length;
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

function allowedInBraces(type: TokenType): boolean {
  return (
    type === T.Comma ||
    type === T.InfNan ||
    hasCategory(type, T.LabelName) ||
    hasCategory(type, T.StringLiteral) ||
    hasCategory(type, T.MatchOp)
  );
}

/**
 * Problems Prometheus's lexer finds because it lexes by context (inside braces, brackets or
 * parentheses): stray closing brackets, `=~`/`!~` outside braces, `:` inside braces.
 */
export function contextualLexProblems(tokens: IToken[]): ParseProblem[] {
  const out: ParseProblem[] = [];
  let parens = 0;
  let brackets = 0;
  let inBraces = false;
  let colonSeen = false; // in the innermost open bracket
  const at = (t: IToken, message: string, shift = 0) =>
    out.push({ posRange: { start: t.startOffset + shift, end: t.startOffset + t.image.length }, message });
  for (const t of tokens) {
    const type = t.tokenType;
    if (inBraces) {
      if (type === T.RBrace) inBraces = false;
      else if (type === T.Identifier && t.image.includes(':')) {
        out.push({ posRange: { start: t.startOffset + t.image.indexOf(':'), end: t.startOffset + t.image.length }, message: "unexpected character inside braces: ':'" });
      } else if (type === T.LBrace) at(t, "unexpected left brace '{'");
      else if (!allowedInBraces(type)) at(t, `unexpected character inside braces: ${quoteRune(t.image[0])}`);
      continue;
    }
    if (type === T.LBrace) inBraces = true;
    else if (type === T.RBrace) at(t, "unexpected character: '}'");
    else if (type === T.LParen) parens++;
    else if (type === T.RParen && --parens < 0) at(t, "unexpected right parenthesis ')'", 1);
    else if (type === T.LBracket) {
      brackets++;
      colonSeen = false;
    } else if (type === T.RBracket) {
      colonSeen = false;
      if (--brackets < 0) at(t, "unexpected right bracket ']'");
    } else if (type === T.Colon && brackets > 0) {
      if (colonSeen) at(t, "unexpected colon ':'");
      colonSeen = true;
    }
    else if (type === T.EqlRegex) at(t, "unexpected character after '=': '~'");
    else if (type === T.NeqRegex) at(t, "unexpected character after '!': '~'");
    else continue;
    if (out.length > 0 && (parens < 0 || brackets < 0)) break; // Prometheus stops at the first stray closer
  }
  return out;
}

/** A lexer error as a positioned problem (unterminated strings, stray characters). */
export function lexerProblem(e: ILexingError, query: string): ParseProblem {
  const start = e.offset;
  const ch = query[start] ?? '';
  let message: string;
  if (ch === '"' || ch === "'" || ch === '`') message = 'unterminated quoted string';
  else if (ch === '!') message = `unexpected character after '!': ${quoteRune(query[start + 1] ?? '')}`;
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
