/**
 * PromQL tokens (chevrotain lexer). Every `createToken` of the grammar lives here.
 *
 * Keywords are case-insensitive (`SUM(x) BY (job)` is valid PromQL), carry `longer_alt:
 * Identifier` so `summary` or `offset_seconds` stay identifiers, and belong to the `LabelName`
 * category so they can be used where Prometheus's `maybe_label` accepts them
 * (`sum by (on, offset) (x)`, `{bool="x"}`). The ones Prometheus's `metric_identifier` accepts
 * also belong to `MetricIdentifier` (a metric may be called `offset` or `sum`).
 *
 * Order matters: chevrotain takes the first pattern that matches, so longer keywords come
 * before their prefixes (`group_left` before `group`), durations before plain numbers, and
 * two-character operators before one-character ones.
 */
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';

// ---- categories (match no text themselves) ----
/** Anything usable as a label name: identifiers and every keyword. */
export const LabelName = createToken({ name: 'LabelName', pattern: Lexer.NA });
/** Anything usable as a metric name in a selector. */
export const MetricIdentifier = createToken({ name: 'MetricIdentifier', pattern: Lexer.NA });
export const AggregateOp = createToken({ name: 'AggregateOp', pattern: Lexer.NA });
/** Names that start a function call when followed by `(`. */
export const FunctionName = createToken({ name: 'FunctionName', pattern: Lexer.NA });
export const OrOp = createToken({ name: 'OrOp', pattern: Lexer.NA });
export const AndUnlessOp = createToken({ name: 'AndUnlessOp', pattern: Lexer.NA });
export const ComparisonOp = createToken({ name: 'ComparisonOp', pattern: Lexer.NA });
export const AdditiveOp = createToken({ name: 'AdditiveOp', pattern: Lexer.NA });
export const MultiplicativeOp = createToken({ name: 'MultiplicativeOp', pattern: Lexer.NA });
export const MatchOp = createToken({ name: 'MatchOp', pattern: Lexer.NA });
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: Lexer.NA });
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: Lexer.NA });

// ---- skipped ----
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: Lexer.SKIPPED });

// ---- literals ----
export const DoubleQuotedString = createToken({
  name: 'DoubleQuotedString',
  pattern: /"(?:[^"\\\n]|\\[^\n])*"/,
  categories: [StringLiteral],
});
export const SingleQuotedString = createToken({
  name: 'SingleQuotedString',
  pattern: /'(?:[^'\\\n]|\\[^\n])*'/,
  categories: [StringLiteral],
});
export const RawString = createToken({ name: 'RawString', pattern: /`[^`]*`/, categories: [StringLiteral] });

/**
 * `5m`, `1h30m`, `250ms`. Unit order is checked when the AST is built; fractions (`1.5m`) are
 * lexed here only so that check can reject them with a clear message.
 */
export const Duration = createToken({
  name: 'Duration',
  pattern: /(?:\d+(?:\.\d+)?(?:ms|[smhdwy]))+/,
  categories: [NumberLiteral],
});
/** Decimal, exponent and hex numbers: `1`, `.5`, `2.`, `1e-3`, `0x1F`. */
export const Number = createToken({
  name: 'Number',
  pattern: /0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/,
  categories: [NumberLiteral],
});

// ---- operators and punctuation ----
export const EqlC = createToken({ name: 'EqlC', pattern: /==/, categories: [ComparisonOp] });
export const Neq = createToken({ name: 'Neq', pattern: /!=/, categories: [ComparisonOp, MatchOp] });
export const EqlRegex = createToken({ name: 'EqlRegex', pattern: /=~/, categories: [MatchOp] });
export const NeqRegex = createToken({ name: 'NeqRegex', pattern: /!~/, categories: [MatchOp] });
/** Native-histogram trim operators (`h </ 0.5`); recognised so the error can say so. */
export const TrimUpper = createToken({ name: 'TrimUpper', pattern: /<\//, categories: [MultiplicativeOp] });
export const TrimLower = createToken({ name: 'TrimLower', pattern: />\//, categories: [MultiplicativeOp] });
export const Lte = createToken({ name: 'Lte', pattern: /<=/, categories: [ComparisonOp] });
export const Gte = createToken({ name: 'Gte', pattern: /\>=/, categories: [ComparisonOp] });
export const Eql = createToken({ name: 'Eql', pattern: /=/, categories: [MatchOp] });
export const Lss = createToken({ name: 'Lss', pattern: /</, categories: [ComparisonOp] });
export const Gtr = createToken({ name: 'Gtr', pattern: />/, categories: [ComparisonOp] });
export const Add = createToken({ name: 'Add', pattern: /\+/, categories: [AdditiveOp] });
export const Sub = createToken({ name: 'Sub', pattern: /-/, categories: [AdditiveOp] });
export const Mul = createToken({ name: 'Mul', pattern: /\*/, categories: [MultiplicativeOp] });
export const Div = createToken({ name: 'Div', pattern: /\//, categories: [MultiplicativeOp] });
export const Mod = createToken({ name: 'Mod', pattern: /%/, categories: [MultiplicativeOp] });
export const Pow = createToken({ name: 'Pow', pattern: /\^/ });
export const At = createToken({ name: 'At', pattern: /@/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
/** `:` between a subquery's range and step; outside brackets a colon starts a metric name. */
export const Colon = createToken({
  name: 'Colon',
  pattern: { exec: (text: string, offset: number, matched: IToken[]) => (insideBrackets(matched) ? matchAt(COLON, text, offset) : null) },
  start_chars_hint: [':'],
  line_breaks: false,
});

// ---- identifiers and keywords ----
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[a-zA-Z_:][a-zA-Z0-9_:]*/,
  categories: [LabelName, MetricIdentifier, FunctionName],
});

/** A metric name starting with `:` (valid outside brackets, where `Colon` does not match). */
export const ColonIdentifier = createToken({
  name: 'ColonIdentifier',
  pattern: { exec: (text: string, offset: number, matched: IToken[]) => (insideBrackets(matched) ? null : matchAt(COLON_IDENTIFIER, text, offset)) },
  start_chars_hint: [':'],
  line_breaks: false,
  categories: [MetricIdentifier],
});

const COLON = /:/y;
const COLON_IDENTIFIER = /:[a-zA-Z0-9_:]*/y;

/** Whether the tokens so far leave a `[` open (subquery/range context). */
function insideBrackets(matched: IToken[]): boolean {
  let depth = 0;
  for (let i = matched.length - 1; i >= 0; i--) {
    const type = matched[i].tokenType;
    if (type === RBracket) depth++;
    else if (type === LBracket && --depth < 0) return true;
  }
  return false;
}

function matchAt(sticky: RegExp, text: string, offset: number): RegExpExecArray | null {
  sticky.lastIndex = offset;
  return sticky.exec(text);
}

function keyword(name: string, word: string, categories: TokenType[]): TokenType {
  return createToken({
    name,
    pattern: new RegExp(word, 'i'),
    longer_alt: Identifier,
    categories: [LabelName, ...categories],
  });
}

// `Inf` and `NaN` are numbers in expressions but plain label names inside braces (the parser
// accepts them there explicitly; they are not in the LabelName category, as in Prometheus).
export const InfNan = createToken({ name: 'InfNan', pattern: /inf|nan/i, longer_alt: Identifier, categories: [NumberLiteral] });

export const CountValues = keyword('CountValues', 'count_values', [AggregateOp, MetricIdentifier]);
export const Count = keyword('Count', 'count', [AggregateOp, MetricIdentifier]);
export const GroupLeft = keyword('GroupLeft', 'group_left', []);
export const GroupRight = keyword('GroupRight', 'group_right', []);
export const Group = keyword('Group', 'group', [AggregateOp, MetricIdentifier]);
export const Sum = keyword('Sum', 'sum', [AggregateOp, MetricIdentifier]);
export const Avg = keyword('Avg', 'avg', [AggregateOp, MetricIdentifier]);
export const Min = keyword('Min', 'min', [AggregateOp, MetricIdentifier]);
export const Max = keyword('Max', 'max', [AggregateOp, MetricIdentifier]);
export const Stddev = keyword('Stddev', 'stddev', [AggregateOp, MetricIdentifier]);
export const Stdvar = keyword('Stdvar', 'stdvar', [AggregateOp, MetricIdentifier]);
export const Topk = keyword('Topk', 'topk', [AggregateOp, MetricIdentifier]);
export const Bottomk = keyword('Bottomk', 'bottomk', [AggregateOp, MetricIdentifier]);
export const Quantile = keyword('Quantile', 'quantile', [AggregateOp, MetricIdentifier]);
export const Limitk = keyword('Limitk', 'limitk', [AggregateOp, MetricIdentifier]);
export const LimitRatio = keyword('LimitRatio', 'limit_ratio', [AggregateOp, MetricIdentifier]);

export const And = keyword('And', 'and', [AndUnlessOp, MetricIdentifier]);
export const Unless = keyword('Unless', 'unless', [AndUnlessOp, MetricIdentifier]);
export const Or = keyword('Or', 'or', [OrOp, MetricIdentifier]);
export const Atan2 = keyword('Atan2', 'atan2', [MultiplicativeOp]);
export const Offset = keyword('Offset', 'offset', [MetricIdentifier]);
export const By = keyword('By', 'by', [MetricIdentifier]);
export const Without = keyword('Without', 'without', [MetricIdentifier]);
export const On = keyword('On', 'on', []);
export const Ignoring = keyword('Ignoring', 'ignoring', []);
export const Bool = keyword('Bool', 'bool', []);
export const Start = keyword('Start', 'start', [MetricIdentifier, FunctionName]);
export const End = keyword('End', 'end', [MetricIdentifier, FunctionName]);
export const Step = keyword('Step', 'step', [MetricIdentifier, FunctionName]);
export const Range = keyword('Range', 'range', [MetricIdentifier, FunctionName]);

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  DoubleQuotedString,
  SingleQuotedString,
  RawString,
  Duration,
  Number,
  EqlC,
  Neq,
  EqlRegex,
  NeqRegex,
  TrimUpper,
  TrimLower,
  Lte,
  Gte,
  Eql,
  Lss,
  Gtr,
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  Pow,
  At,
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Comma,
  Colon,
  ColonIdentifier,
  InfNan,
  CountValues,
  Count,
  GroupLeft,
  GroupRight,
  Group,
  Sum,
  Avg,
  Min,
  Max,
  Stddev,
  Stdvar,
  Topk,
  Bottomk,
  Quantile,
  Limitk,
  LimitRatio,
  And,
  Unless,
  Or,
  Atan2,
  Offset,
  By,
  Without,
  On,
  Ignoring,
  Bool,
  Start,
  End,
  Step,
  Range,
  Identifier,
  // categories last: they match nothing but the parser must know them
  LabelName,
  MetricIdentifier,
  AggregateOp,
  FunctionName,
  OrOp,
  AndUnlessOp,
  ComparisonOp,
  AdditiveOp,
  MultiplicativeOp,
  MatchOp,
  StringLiteral,
  NumberLiteral,
];

let lexer: Lexer | undefined;

/** The PromQL lexer, built on first use (its optimized tables take ~1 MB of heap). */
export function promqlLexer(): Lexer {
  return (lexer ??= new Lexer(allTokens, { ensureOptimizations: true, positionTracking: 'full' }));
}
