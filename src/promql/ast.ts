/**
 * PromQL abstract syntax tree (mirrors Prometheus parser/ast.go). Built from the chevrotain
 * CST by astBuilder.ts; evaluated by evaluator.ts. Every node carries its position range in
 * the query text (0-based character offsets, end exclusive) for error messages.
 *
 * Durations and timestamps are milliseconds.
 */
import type { Matcher } from '../storage/matcher.ts';

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string' | 'none';

export interface PosRange {
  start: number;
  end: number;
}

export type Expr =
  | AggregateExpr
  | BinaryExpr
  | Call
  | MatrixSelector
  | SubqueryExpr
  | NumberLiteral
  | StringLiteral
  | ParenExpr
  | UnaryExpr
  | VectorSelector;

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'count_values'
  | 'quantile'
  | 'limitk'
  | 'limit_ratio';

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | 'atan2'
  | '=='
  | '!='
  | '>'
  | '<'
  | '>='
  | '<='
  | 'and'
  | 'or'
  | 'unless';

export interface AggregateExpr {
  type: 'AggregateExpr';
  op: AggregateOp;
  expr: Expr;
  /** Parameter of topk/bottomk/quantile/count_values/limitk/limit_ratio, else null. */
  param: Expr | null;
  grouping: string[];
  /** true for `without (...)`, false for `by (...)` or no clause. */
  without: boolean;
  posRange: PosRange;
}

export type Cardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

export interface VectorMatching {
  card: Cardinality;
  /** Labels from on(...) or ignoring(...). */
  matchingLabels: string[];
  /** true for on(...), false for ignoring(...) or no clause. */
  on: boolean;
  /** Extra labels from group_left(...)/group_right(...). */
  include: string[];
}

export interface BinaryExpr {
  type: 'BinaryExpr';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  /** Set when both sides are instant vectors. */
  matching: VectorMatching | null;
  /** The `bool` modifier on a comparison. */
  returnBool: boolean;
  posRange: PosRange;
}

export interface Call {
  type: 'Call';
  /** Function name as written, e.g. "rate". */
  func: string;
  args: Expr[];
  posRange: PosRange;
}

/** `@` modifier: a fixed timestamp (ms) or the query's start()/end(). */
export type AtModifier = { kind: 'timestamp'; t: number } | { kind: 'start' } | { kind: 'end' };

export interface VectorSelector {
  type: 'VectorSelector';
  /** Metric name as written before the braces ('' when only given by a __name__ matcher). */
  name: string;
  /** All matchers, including the one on __name__ derived from `name`. */
  matchers: Matcher[];
  /** Offset in ms (negative allowed). */
  offset: number;
  at: AtModifier | null;
  /**
   * Set only when the offset is a duration expression that depends on the query
   * (`offset step()`); then `offset` is 0 until resolveDurationExprs() fills it in.
   * The expression is in seconds.
   */
  offsetExpr?: Expr;
  posRange: PosRange;
}

export interface MatrixSelector {
  type: 'MatrixSelector';
  vectorSelector: VectorSelector;
  /** Range in ms. */
  range: number;
  /** Set only for a query-dependent range (`[step() + 1m]`), in seconds; see VectorSelector.offsetExpr. */
  rangeExpr?: Expr;
  posRange: PosRange;
}

export interface SubqueryExpr {
  type: 'SubqueryExpr';
  expr: Expr;
  range: number;
  /** Resolution in ms; 0 means "the default evaluation interval". */
  step: number;
  offset: number;
  at: AtModifier | null;
  /** Query-dependent durations (seconds), see VectorSelector.offsetExpr. */
  rangeExpr?: Expr;
  stepExpr?: Expr;
  offsetExpr?: Expr;
  posRange: PosRange;
}

export interface NumberLiteral {
  type: 'NumberLiteral';
  val: number;
  posRange: PosRange;
}

export interface StringLiteral {
  type: 'StringLiteral';
  val: string;
  posRange: PosRange;
}

export interface ParenExpr {
  type: 'ParenExpr';
  expr: Expr;
  posRange: PosRange;
}

export interface UnaryExpr {
  type: 'UnaryExpr';
  op: '+' | '-';
  expr: Expr;
  posRange: PosRange;
}
