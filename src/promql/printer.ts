/**
 * AST -> canonical PromQL text, in the shape of Prometheus's `Expr.String()` (what
 * /api/v1/format_query returns): `sum by (job) (rate(x{a="b"}[5m] offset 1m))`.
 * Parsing the output gives back an equal AST (positions aside).
 */
import type { AggregateExpr, AtModifier, BinaryExpr, Expr, SubqueryExpr, VectorSelector } from './ast.ts';
import { formatDuration, formatNumber, quoteString } from './literals.ts';

export function formatExpr(e: Expr): string {
  switch (e.type) {
    case 'NumberLiteral':
      return formatNumber(e.val);
    case 'StringLiteral':
      return quoteString(e.val);
    case 'ParenExpr':
      return `(${formatExpr(e.expr)})`;
    case 'UnaryExpr': {
      // `-Inf ^ 2` is -(Inf ^ 2): print the inner +Inf as Inf so no second sign appears.
      const inner = formatExpr(e.expr);
      return `${e.op}${inner.startsWith('+Inf') ? inner.slice(1) : inner}`;
    }
    case 'Call':
      return `${e.func}(${e.args.map(formatExpr).join(', ')})`;
    case 'AggregateExpr':
      return formatAggregate(e);
    case 'BinaryExpr':
      return formatBinary(e);
    case 'VectorSelector':
      return formatSelector(e) + modifiers(e.at, e.offset, e.offsetExpr);
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      const range = e.rangeExpr ? formatDurationExpr(e.rangeExpr) : formatDuration(e.range);
      return `${formatSelector(vs)}[${range}]${modifiers(vs.at, vs.offset, vs.offsetExpr)}`;
    }
    case 'SubqueryExpr':
      return formatExpr(e.expr) + subquerySuffix(e);
  }
}

/** `[30m:1m] offset 5m` */
function subquerySuffix(e: SubqueryExpr): string {
  const range = e.rangeExpr ? formatDurationExpr(e.rangeExpr) : formatDuration(e.range);
  const step = e.stepExpr ? formatDurationExpr(e.stepExpr) : e.step ? formatDuration(e.step) : '';
  return `[${range}:${step}]${modifiers(e.at, e.offset, e.offsetExpr)}`;
}

function formatAggregate(e: AggregateExpr): string {
  const param = e.param ? `${formatExpr(e.param)}, ` : '';
  return `${aggregateHead(e)}(${param}${formatExpr(e.expr)})`;
}

/** `sum`, `sum by (job) `, `avg without () `. */
function aggregateHead(e: AggregateExpr): string {
  if (e.without) return `${e.op} without (${e.grouping.map(formatLabelName).join(', ')}) `;
  if (e.grouping.length > 0) return `${e.op} by (${e.grouping.map(formatLabelName).join(', ')}) `;
  return e.op;
}

function formatBinary(e: BinaryExpr): string {
  let lhs = formatExpr(e.lhs);
  // `+Inf ^ 2` would read back as +(Inf ^ 2); the base is written without its sign.
  if (e.op === '^' && lhs.startsWith('+Inf')) lhs = lhs.slice(1);
  return `${lhs} ${binaryOperator(e)} ${formatExpr(e.rhs)}`;
}

/** `op`, `== bool`, `/ on (a) group_left (b)`. */
function binaryOperator(e: BinaryExpr): string {
  let s: string = e.op;
  if (e.returnBool) s += ' bool';
  const m = e.matching;
  const grouped = m && (m.card === 'many-to-one' || m.card === 'one-to-many');
  if (m && (m.matchingLabels.length > 0 || m.on || grouped)) {
    s += ` ${m.on ? 'on' : 'ignoring'} (${m.matchingLabels.map(formatLabelName).join(', ')})`;
    if (grouped) s += ` group_${m.card === 'many-to-one' ? 'left' : 'right'} (${m.include.map(formatLabelName).join(', ')})`;
  }
  return s;
}

const LEGACY_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label name as written in PromQL: bare when it is a legacy name, else quoted. */
export function formatLabelName(name: string): string {
  return LEGACY_LABEL_NAME.test(name) ? name : quoteString(name);
}

function formatSelector(vs: VectorSelector): string {
  // The metric name: written before the braces, or (Prometheus 3) quoted inside them when it
  // is not a legacy name, e.g. `{"http.requests", a="b"}`.
  let nameMatcher = vs.name === '' ? vs.matchers.find((m) => m.name === '__name__' && m.type === '=' && !LEGACY_METRIC_NAME.test(m.value)) : undefined;
  const name = vs.name !== '' ? vs.name : (nameMatcher?.value ?? '');
  const parts: string[] = [];
  for (const m of vs.matchers) {
    if (!nameMatcher && vs.name !== '' && m.name === '__name__' && m.type === '=' && m.value === name) {
      nameMatcher = m; // derived from the name before the braces: not printed again
      continue;
    }
    if (m === nameMatcher) continue;
    parts.push(`${formatLabelName(m.name)}${m.type}${quoteString(m.value)}`);
  }
  parts.sort(); // as Prometheus prints them: matcher order has no meaning
  if (name !== '' && !LEGACY_METRIC_NAME.test(name)) return `{${[quoteString(name), ...parts].join(',')}}`;
  if (parts.length === 0 && name !== '') return name;
  return `${name}{${parts.join(',')}}`;
}

function modifiers(at: AtModifier | null, offset: number, offsetExpr: Expr | undefined): string {
  let s = '';
  if (at) {
    s += at.kind === 'timestamp' ? ` @ ${(at.t / 1000).toFixed(3)}` : ` @ ${at.kind}()`;
  }
  if (offsetExpr) s += ` offset ${formatOffsetExpr(offsetExpr)}`;
  else if (offset !== 0) s += ` offset ${formatDuration(offset)}`;
  return s;
}

/** A query-dependent duration expression (always a duration context, so numbers are seconds). */
function formatDurationExpr(e: Expr): string {
  return formatExpr(e);
}

/** After `offset` only a single (signed) term may follow without parentheses. */
function formatOffsetExpr(e: Expr): string {
  const simple = e.type === 'Call' || e.type === 'ParenExpr' || e.type === 'NumberLiteral';
  if (simple || (e.type === 'UnaryExpr' && (e.expr.type === 'Call' || e.expr.type === 'ParenExpr'))) return formatExpr(e);
  return `(${formatExpr(e)})`;
}

const MAX_LINE = 100;

/**
 * Multi-line form, as Prometheus's `Pretty(0)` (what its /api/v1/format_query returns): a node
 * whose one-line form is longer than 100 characters is split, children indented by two spaces
 * per level; shorter nodes stay on one line.
 */
export function prettyExpr(e: Expr, level = 0): string {
  const pad = '  '.repeat(level);
  const flat = formatExpr(e);
  if (flat.length <= MAX_LINE) return pad + flat;
  switch (e.type) {
    case 'BinaryExpr':
      return `${prettyExpr(e.lhs, level + 1)}\n${pad}${binaryOperator(e)}\n${prettyExpr(e.rhs, level + 1)}`;
    case 'AggregateExpr': {
      const args = e.param ? [e.param, e.expr] : [e.expr];
      return `${pad}${aggregateHead(e)}(\n${args.map((a) => prettyExpr(a, level + 1)).join(',\n')}\n${pad})`;
    }
    case 'Call':
      return `${pad}${e.func}(\n${e.args.map((a) => prettyExpr(a, level + 1)).join(',\n')}\n${pad})`;
    case 'ParenExpr':
      return `${pad}(\n${prettyExpr(e.expr, level + 1)}\n${pad})`;
    case 'UnaryExpr':
      return `${pad}${e.op}${prettyExpr(e.expr, level).trimStart()}`;
    case 'SubqueryExpr':
      return prettyExpr(e.expr, level) + subquerySuffix(e);
    default:
      return pad + flat;
  }
}
