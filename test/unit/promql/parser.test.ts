import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr } from '../../../src/promql/ast.ts';
import { parseExpr, parseMetricSelector } from '../../../src/promql/parser.ts';
import { PromQLParseError } from '../../../src/promql/parseError.ts';
import { resolveDurationExprs } from '../../../src/promql/durationExpr.ts';

/** Fully parenthesised structure, to test precedence and associativity. */
function shape(e: Expr): string {
  switch (e.type) {
    case 'BinaryExpr':
      return `(${shape(e.lhs)} ${e.op} ${shape(e.rhs)})`;
    case 'UnaryExpr':
      return `${e.op}${shape(e.expr)}`;
    case 'ParenExpr':
      return shape(e.expr);
    case 'NumberLiteral':
      return String(e.val);
    case 'VectorSelector':
      return (e.name || '{}') + (e.offset ? ` offset ${e.offset}` : '');
    case 'Call':
      return `${e.func}(${e.args.map(shape).join(', ')})`;
    case 'AggregateExpr':
      return `${e.op}(${e.expr ? shape(e.expr) : ''})`;
    default:
      return e.type;
  }
}

test('operator precedence and associativity follow Prometheus', () => {
  const cases: [string, string][] = [
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 * 2 + 3', '((1 * 2) + 3)'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b * c % d', '(((a / b) * c) % d)'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['-2 ^ 2', '-(2 ^ 2)'],
    ['-a * b', '(-a * b)'],
    ['-a ^ b', '-(a ^ b)'],
    ['2 ^ -1', '(2 ^ -1)'],
    ['a atan2 b + c', '((a atan2 b) + c)'],
    ['a + b > c', '((a + b) > c)'],
    ['a > b and c', '((a > b) and c)'],
    ['a or b and c', '(a or (b and c))'],
    ['a and b unless c', '((a and b) unless c)'],
    ['a or b or c', '((a or b) or c)'],
    ['a unless b or c and d', '((a unless b) or (c and d))'],
    ['1 - -1', '(1 - -1)'],
    ['-10^3 * - SUM(x) BY (job) ^ -1', '(-(10 ^ 3) * -(sum(x) ^ -1))'],
    ['foo offset 5m ^ 2', '(foo offset 300000 ^ 2)'],
    ['(1 + 2) * 3', '((1 + 2) * 3)'],
  ];
  for (const [input, want] of cases) assert.equal(shape(parseExpr(input)), want, input);
});

test('number literals', () => {
  const cases: [string, number][] = [
    ['1', 1],
    ['12.34e6', 12340000],
    ['12.34e+6', 12340000],
    ['12.34e-6', 0.00001234],
    ['.2', 0.2],
    ['2.', 2],
    ['0x1F', 31],
    ['0X1f', 31],
    ['017', 15],
    ['08', 8],
    ['+0.2', 0.2],
    ['-0.2e-6', -0.0000002],
    ['Inf', Infinity],
    ['+Inf', Infinity],
    ['inF', Infinity],
    ['-inf', -Infinity],
    ['5m', 300],
    ['1h30m', 5400],
    ['1d', 86400],
    ['1w', 604800],
    ['1y', 31536000],
    ['250ms', 0.25],
  ];
  for (const [input, want] of cases) {
    const e = parseExpr(input);
    assert.equal(e.type, 'NumberLiteral', input);
    assert.equal((e as { val: number }).val, want, input);
  }
  for (const input of ['NaN', 'nan', 'NAN']) {
    const e = parseExpr(input);
    assert.ok(e.type === 'NumberLiteral' && Number.isNaN(e.val), input);
  }
});

test('string literals with Go escapes', () => {
  const cases: [string, string][] = [
    ['"Foo"', 'Foo'],
    ["'Foo'", 'Foo'],
    ['`Fo\\o`', 'Fo\\o'],
    ['`multi\nline`', 'multi\nline'],
    ['"a\\nb\\tc\\\\d\\"e"', 'a\nb\tc\\d"e'],
    ["'it\\'s'", "it's"],
    ['"\\x41\\101\\u00e9\\U0001F600"', 'AAé😀'],
    ['"\\a\\b\\f\\r\\v"', '\x07\b\f\r\v'],
    ['"é😀"', 'é😀'],
    ['"\\xc3\\xa9"', 'é'],
  ];
  for (const [input, want] of cases) {
    const e = parseExpr(input);
    assert.ok(e.type === 'StringLiteral', input);
    assert.equal(e.val, want, input);
  }
  // An invalid UTF-8 byte stays detectable (lone surrogate U+DC00 + byte).
  const e = parseExpr('"a\\xc5z"');
  assert.ok(e.type === 'StringLiteral' && e.val === 'a\udcc5z');
});

test('selectors, matchers and keywords used as names', () => {
  const vs = parseExpr('foo{a="b", c!="d", e=~"f.*", g!~"h",}');
  assert.ok(vs.type === 'VectorSelector');
  assert.equal(vs.name, 'foo');
  assert.deepEqual(
    vs.matchers.map((m) => `${m.name}${m.type}${m.value}`),
    ['__name__=foo', 'a=b', 'c!=d', 'e=~f.*', 'g!~h'],
  );

  const quoted = parseExpr('{"metric.name", "label.x"="y"}');
  assert.ok(quoted.type === 'VectorSelector');
  assert.deepEqual(
    quoted.matchers.map((m) => `${m.name}${m.type}${m.value}`),
    ['__name__=metric.name', 'label.x=y'],
  );

  const byName = parseExpr('{__name__=~"a|b"}');
  assert.ok(byName.type === 'VectorSelector' && byName.name === '' && byName.matchers.length === 1);

  for (const name of ['offset', 'sum', 'by', 'and', 'start', 'foo:bar:rate5m', ':leading:colon']) {
    const e = parseExpr(name);
    assert.ok(e.type === 'VectorSelector' && e.name === name, name);
  }

  const kwLabels = parseExpr('foo{on="a", offset="b", nan="c", inf="d", bool="e", sum="f"}');
  assert.ok(kwLabels.type === 'VectorSelector');
  assert.deepEqual(
    kwLabels.matchers.map((m) => m.name),
    ['__name__', 'on', 'offset', 'nan', 'inf', 'bool', 'sum'],
  );

  const agg = parseExpr('sum by (on, offset, bool, sum, group_left, "quoted.label") (x)');
  assert.ok(agg.type === 'AggregateExpr');
  assert.deepEqual(agg.grouping, ['on', 'offset', 'bool', 'sum', 'group_left', 'quoted.label']);
});

test('range selectors, offset, @ and subqueries', () => {
  const m = parseExpr('rate(foo[5m] offset -1m @ 100)');
  assert.ok(m.type === 'Call');
  const ms = m.args[0];
  assert.ok(ms.type === 'MatrixSelector');
  assert.equal(ms.range, 300000);
  assert.equal(ms.vectorSelector.offset, -60000);
  assert.deepEqual(ms.vectorSelector.at, { kind: 'timestamp', t: 100000 });

  const at = parseExpr('foo @ start()');
  assert.ok(at.type === 'VectorSelector');
  assert.deepEqual(at.at, { kind: 'start' });
  const atEnd = parseExpr('foo @ end() offset 1m');
  assert.ok(atEnd.type === 'VectorSelector' && atEnd.at?.kind === 'end' && atEnd.offset === 60000);
  const atNeg = parseExpr('foo @ -1.5');
  assert.ok(atNeg.type === 'VectorSelector' && atNeg.at?.kind === 'timestamp' && atNeg.at.t === -1500);

  const sq = parseExpr('max_over_time(rate(foo[1m])[30m:1m] offset 5m)');
  assert.ok(sq.type === 'Call' && sq.args[0].type === 'SubqueryExpr');
  const sub = sq.args[0];
  assert.equal(sub.range, 1800000);
  assert.equal(sub.step, 60000);
  assert.equal(sub.offset, 300000);

  const noStep = parseExpr('foo[30m:]');
  assert.ok(noStep.type === 'SubqueryExpr' && noStep.step === 0);
});

test('duration expressions fold, or stay until the query times are known', () => {
  const folded: [string, number][] = [
    ['foo[26m+4m]', 1800000],
    ['foo[1800]', 1800000],
    ['foo[60*30]', 1800000],
    ['foo[2m*(10+5)]', 1800000],
    ['foo[-5m+35m]', 1800000],
    ['foo[1h/2]', 1800000],
    ['foo[1h30m % 1h]', 1800000],
    ['foo[24m+((1.5*2m)+2m)]', 1740000],
  ];
  for (const [input, want] of folded) {
    const e = parseExpr(input);
    assert.ok(e.type === 'MatrixSelector' && e.rangeExpr === undefined, input);
    assert.equal(e.range, want, input);
  }
  const off = parseExpr('metric offset (20*(((((8 - 2) / 3) * 7s) % 4) + 8000ms))');
  assert.ok(off.type === 'VectorSelector' && off.offset === 200000);

  // `offset 100 + 2` is (metric offset 100s) + 2
  const bin = parseExpr('metric offset 100 + 2');
  assert.ok(bin.type === 'BinaryExpr' && bin.lhs.type === 'VectorSelector' && bin.lhs.offset === 100000);

  const dyn = parseExpr('count_over_time(m[step() + 1ms]) + (m offset -min_of(step(), 1s))');
  assert.ok(dyn.type === 'BinaryExpr');
  const times = { startMs: 50000, endMs: 60000, stepMs: 5000 };
  const resolved = resolveDurationExprs(dyn, times);
  assert.ok(resolved.type === 'BinaryExpr' && resolved.lhs.type === 'Call' && resolved.rhs.type === 'ParenExpr');
  const ms = resolved.lhs.args[0];
  assert.ok(ms.type === 'MatrixSelector' && ms.range === 5001 && ms.rangeExpr === undefined);
  const vs = resolved.rhs.expr;
  assert.ok(vs.type === 'VectorSelector' && vs.offset === -1000);
  // the parsed AST itself is untouched
  assert.ok(dyn.lhs.type === 'Call' && dyn.lhs.args[0].type === 'MatrixSelector' && dyn.lhs.args[0].rangeExpr);

  const rng = resolveDurationExprs(parseExpr('m offset range()'), times);
  assert.ok(rng.type === 'VectorSelector' && rng.offset === 10000);
});

test('aggregations with grouping before or after, and parameters', () => {
  for (const input of ['sum by (job) (x)', 'sum(x) by (job)', 'SUM(x) BY (job)']) {
    const e = parseExpr(input);
    assert.ok(e.type === 'AggregateExpr', input);
    assert.equal(e.op, 'sum');
    assert.deepEqual(e.grouping, ['job']);
    assert.equal(e.without, false);
    assert.equal(e.param, null);
  }
  const w = parseExpr('avg without (instance, job,) (x)');
  assert.ok(w.type === 'AggregateExpr' && w.without && w.grouping.length === 2);
  const top = parseExpr('topk(3, x)');
  assert.ok(top.type === 'AggregateExpr' && top.param?.type === 'NumberLiteral' && top.param.val === 3);
  const cv = parseExpr('count_values("v", x)');
  assert.ok(cv.type === 'AggregateExpr' && cv.param?.type === 'StringLiteral');
});

test('binary operator modifiers', () => {
  const e = parseExpr('a * on(x, y) group_left(z) b');
  assert.ok(e.type === 'BinaryExpr');
  assert.deepEqual(e.matching, { card: 'many-to-one', matchingLabels: ['x', 'y'], on: true, include: ['z'] });
  const r = parseExpr('a / ignoring(x) group_right b');
  assert.ok(r.type === 'BinaryExpr');
  assert.deepEqual(r.matching, { card: 'one-to-many', matchingLabels: ['x'], on: false, include: [] });
  const set = parseExpr('a and b');
  assert.ok(set.type === 'BinaryExpr' && set.matching?.card === 'many-to-many');
  const cmp = parseExpr('a > bool 1');
  assert.ok(cmp.type === 'BinaryExpr' && cmp.returnBool && cmp.matching === null);
  const scalars = parseExpr('1 < bool 2');
  assert.ok(scalars.type === 'BinaryExpr' && scalars.matching === null);
});

test('comments and whitespace', () => {
  const e = parseExpr('# leading comment\nsum(\n  rate(x[5m]) # why\n)');
  assert.equal(e.type, 'AggregateExpr');
});

test('positions cover the written text', () => {
  const q = 'sum by (job) (rate(foo{a="b"}[5m] offset 1m)) / 2';
  const e = parseExpr(q);
  assert.ok(e.type === 'BinaryExpr');
  assert.deepEqual(e.posRange, { start: 0, end: q.length });
  assert.equal(q.slice(e.lhs.posRange.start, e.lhs.posRange.end), 'sum by (job) (rate(foo{a="b"}[5m] offset 1m))');
  assert.ok(e.lhs.type === 'AggregateExpr' && e.lhs.expr.type === 'Call');
  const ms = e.lhs.expr.args[0];
  assert.equal(q.slice(ms.posRange.start, ms.posRange.end), 'foo{a="b"}[5m] offset 1m');
});

/** Messages checked against Prometheus 2.42's /api/v1/query (3.x-only syntax aside). */
const ERRORS: [string, string][] = [
  ['', '1:1: parse error: no expression found in input'],
  ['# only a comment', '1:1: parse error: no expression found in input'],
  ['sum(foo[5m])', '1:5: parse error: expected type instant vector in aggregation expression, got range vector'],
  ['rate(foo)', '1:6: parse error: expected type range vector in call to function "rate", got instant vector'],
  ['{}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
  ['{a=""}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
  ['{__name__=~".*"}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
  ['1 and 1', '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
  ['1 == 1', '1:3: parse error: comparisons between scalars must use BOOL modifier'],
  ['foo + bool bar', '1:5: parse error: bool modifier can only be used on comparison operators'],
  ['rate()', '1:1: parse error: expected 1 argument(s) in call to "rate", got 0'],
  ['abs(x, y)', '1:1: parse error: expected 1 argument(s) in call to "abs", got 2'],
  ['round(x, 1, 2)', '1:1: parse error: expected at most 2 argument(s) in call to "round", got 3'],
  ['label_join(x, "a")', '1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 2'],
  ['label_replace(x, "a", "b", "c")', '1:1: parse error: expected 5 argument(s) in call to "label_replace", got 4'],
  ['topk(x)', '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1'],
  ['sum()', '1:1: parse error: no arguments for aggregate expression provided'],
  ['count_values(1, x)', '1:14: parse error: expected type string in aggregation parameter, got scalar'],
  ['sum("a")', '1:5: parse error: expected type instant vector in aggregation expression, got string'],
  ['foo offset 5m[1m]', '1:14: parse error: no offset modifiers allowed before range'],
  ['foo[5m][5m]', '1:8: parse error: ranges only allowed for vector selectors'],
  ['(foo)[5m]', '1:6: parse error: ranges only allowed for vector selectors'],
  ['sum(x) offset 5m', '1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'],
  ['1 + 2 offset 5m', '1:5: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'],
  ['foo[5m:1m][1m:]', '1:1: parse error: subquery is only allowed on instant vector, got matrix instead'],
  ['-foo[5m]', '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector"'],
  ['-"a"', '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string"'],
  ['x[5m] + 1', '1:1: parse error: binary expression must contain only scalar and instant vector types'],
  ['"a" + 1', '1:1: parse error: binary expression must contain only scalar and instant vector types'],
  ['1 + foo[5m:]', '1:5: parse error: binary expression must contain only scalar and instant vector types'],
  ['foo{a=~"("}', '1:5: parse error: error parsing regexp: missing closing ): `^(?:()$`'],
  ['unknown_fn(x)', '1:1: parse error: unknown function with name "unknown_fn"'],
  ['RATE(x[5m])', '1:1: parse error: unknown function with name "RATE"'],
  ['"foo', '1:1: parse error: unterminated quoted string'],
  ['foo)', "1:5: parse error: unexpected right parenthesis ')'"],
  ['(foo', '1:5: parse error: unclosed left parenthesis'],
  ['rate(foo[5m]', '1:13: parse error: unclosed left parenthesis'],
  ['sum(x) by (', '1:12: parse error: unclosed left parenthesis'],
  ['foo[5m', '1:7: parse error: unclosed left bracket'],
  ['foo{', '1:5: parse error: unexpected end of input inside braces'],
  ['foo{a="b"', '1:10: parse error: unexpected end of input inside braces'],
  ['foo\n  + bar[5m]', '2:5: parse error: binary expression must contain only scalar and instant vector types'],
  ['"\\q"', "1:1: parse error: unknown escape sequence U+0071 'q'"],
  ['foo bar', '1:5: parse error: unexpected identifier "bar"'],
  ['sum(x) by', '1:10: parse error: unexpected end of input in grouping opts, expected "("'],
  ['a and on(x) group_left b', '1:1: parse error: no grouping allowed for "and" operation'],
  ['x unless ignoring(a) group_right(b) y', '1:1: parse error: no grouping allowed for "unless" operation'],
  ['foo{a}', '1:6: parse error: unexpected "}" in label matching, expected label matching operator'],
  ['foo{,}', '1:5: parse error: unexpected "," in label matching, expected identifier or "}"'],
  ['1 +', '1:4: parse error: unexpected end of input'],
  ['foo and', '1:8: parse error: unexpected end of input'],
  ['*1', '1:1: parse error: unexpected <op:*>'],
  ['on', '1:1: parse error: unexpected <on>'],
  ['bool', '1:1: parse error: unexpected <bool>'],
  ['foo @ 1 @ 2', '1:1: parse error: @ <timestamp> may not be set multiple times'],
  ['foo offset 1m offset 2m', '1:1: parse error: offset may not be set multiple times'],
  ['foo{bar=~"a"} + on(x) group_left(x) bar', '1:15: parse error: label "x" must not occur in ON and GROUP clause at once'],
  ['foo @ bar', '1:7: parse error: unexpected identifier "bar" in @, expected timestamp'],
  ['foo[5m:1m:1m]', "1:10: parse error: unexpected colon ':'"],
  ['sum without(a) by (b) (x)', '1:16: parse error: unexpected <by> in aggregation'],
  ['foo[0s]', '1:5: parse error: duration must be greater than 0'],
  ['foo[5m:0s]', '1:8: parse error: duration must be greater than 0'],
  ['foo{a:b="c"}', "1:6: parse error: unexpected character inside braces: ':'"],
  ['sum by (a:b) (x)', '1:9: parse error: unexpected metric identifier "a:b" in grouping opts, expected label'],
  ['sum by (:a) (x)', '1:9: parse error: unexpected metric identifier ":a" in grouping opts, expected label'],
  ['{:a="b"}', "1:2: parse error: unexpected character inside braces: ':'"],
  ['sum by (nan) (x)', '1:9: parse error: unexpected number "nan" in grouping opts, expected label'],
  ['sum(x,)', '1:6: parse error: trailing commas not allowed in function call args'],
  ['rate(x[5m],)', '1:11: parse error: trailing commas not allowed in function call args'],
  ['sum(,x)', '1:5: parse error: unexpected "," in aggregation'],
  ['foo{__name__="bar"}', '1:1: parse error: metric name must not be set twice: "foo" or "bar"'],
  // Prometheus 3 syntax, messages of our own
  ['1h1d', '1:1: parse error: not a valid duration string: "1h1d"'],
  ['foo[1.5m]', '1:5: parse error: not a valid duration string: "1.5m"'],
  ['foo[bar]', '1:5: parse error: unexpected identifier "bar" in duration expression'],
  ['h </ 0.5', '1:3: parse error: the native histogram trim operator "</" is not supported'],
  ['min_of(1)', '1:1: parse error: expected 2 argument(s) in call to "min_of", got 1'],
  ['é', "1:1: parse error: unexpected character: 'é'"],
  // lexer-context errors, checked against Prometheus 2.42
  ['}', "1:1: parse error: unexpected character: '}'"],
  ['] or', "1:1: parse error: unexpected right bracket ']'"],
  ['without or ) topk', "1:13: parse error: unexpected right parenthesis ')'"],
  ['=~ foo', "1:1: parse error: unexpected character after '=': '~'"],
  ['1e3 !~ foo', "1:5: parse error: unexpected character after '!': '~'"],
  ['= -', '1:1: parse error: unexpected "="'],
  ['{ bool 2 * rate', "1:8: parse error: unexpected character inside braces: '2'"],
  ['foo { { or', "1:7: parse error: unexpected left brace '{'"],
  ['{ group_left bool *', '1:14: parse error: unexpected identifier "bool" in label matching, expected label matching operator'],
  ['rate ( unless 2 =~ -', '1:15: parse error: unexpected number "2"'],
  ['( or without ==', '1:6: parse error: unexpected <without>'],
  ['foo @ 1e20', '1:1: parse error: timestamp out of bounds for @ modifier: 100000000000000000000.000000'],
  ['foo @ Inf', '1:1: parse error: timestamp out of bounds for @ modifier: +Inf'],
  ['foo @ NaN', '1:1: parse error: timestamp out of bounds for @ modifier: NaN'],
];

test('errors carry Prometheus positions and messages', () => {
  for (const [input, want] of ERRORS) {
    assert.throws(
      () => parseExpr(input),
      (e: unknown) => {
        assert.ok(e instanceof PromQLParseError, `${JSON.stringify(input)} threw ${String(e)}`);
        assert.equal(e.message, want, JSON.stringify(input));
        assert.equal(e.query, input);
        return true;
      },
    );
  }
});

test('every problem is kept, lexer and parser alike', () => {
  try {
    parseExpr('foo{a="b"} + é + "unterminated');
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof PromQLParseError);
    assert.ok(e.errors.length >= 2, e.renderAll());
    assert.equal(e.errors[0].message, "unexpected character: 'é'");
    assert.deepEqual(e.posRange, { start: 13, end: 14 });
    assert.equal(e.reason, "unexpected character: 'é'");
    assert.match(e.renderAll(), /1:18: parse error: unterminated quoted string/);
  }
});

test('pathological nesting is a parse error, not a stack overflow', () => {
  const deep = [
    '('.repeat(5000) + '1' + ')'.repeat(5000),
    'sum('.repeat(3000) + 'x' + ')'.repeat(3000),
    '-'.repeat(5000) + '1',
    Array(5000).fill('2').join(' ^ '),
    Array(3000).fill('a').join(' + '),
  ];
  for (const q of deep) {
    assert.throws(() => parseExpr(q), (e: unknown) => e instanceof PromQLParseError && /nesting too deep/.test(e.message), q.slice(0, 20));
  }
  // still fine afterwards, and ordinary depths are accepted
  assert.equal(parseExpr('('.repeat(100) + '1' + ')'.repeat(100)).type, 'ParenExpr');
  assert.equal(parseExpr(Array(500).fill('a').join(' or ')).type, 'BinaryExpr');
});

test('series selectors (match[]) parse like ParseMetricSelector', () => {
  assert.deepEqual(parseMetricSelector('up{a="b", c=~"d"}').map(String), ['__name__="up"', 'a="b"', 'c=~"d"']);
  assert.deepEqual(parseMetricSelector('{job="x"}').map(String), ['job="x"']);
  assert.deepEqual(parseMetricSelector('{}'), [], 'emptiness is for the API to judge');
  // messages checked against Prometheus 2.42's /api/v1/series
  const errors: [string, string][] = [
    ['rate(x[5m])', '1:5: parse error: unexpected "("'],
    ['up offset 5m', '1:4: parse error: unexpected <offset>'],
    ['up + 1', '1:4: parse error: unexpected <op:+>'],
    ['up[5m]', '1:3: parse error: unexpected "["'],
  ];
  for (const [input, want] of errors) {
    assert.throws(() => parseMetricSelector(input), (e: unknown) => e instanceof PromQLParseError && e.message === want, input);
  }
});
