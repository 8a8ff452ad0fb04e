import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr } from '../../../src/promql/ast.ts';
import { parseExpr } from '../../../src/promql/parser.ts';
import { formatExpr, prettyExpr } from '../../../src/promql/printer.ts';
import { formatDuration, formatNumber, quoteString } from '../../../src/promql/literals.ts';
import { astShape, conformanceExpressions, TRIM_OPERATOR } from './parser.fixtures.ts';

function assertRoundTrip(input: string): void {
  const first = parseExpr(input);
  const printed = formatExpr(first);
  let second: Expr;
  try {
    second = parseExpr(printed);
  } catch (e) {
    assert.fail(`${JSON.stringify(input)} printed as ${JSON.stringify(printed)}, which does not parse: ${(e as Error).message}`);
  }
  assert.equal(astShape(second), astShape(first), `${JSON.stringify(input)} printed as ${JSON.stringify(printed)}`);
  assert.equal(formatExpr(second), printed, 'printing is stable');
}

/** Outputs checked against Prometheus 2.42's /api/v1/format_query (single-line cases). */
const CANONICAL: [string, string][] = [
  ['sum without() (x) + sum by () (x) + topk(3, x) + count_values("a", x) + x == bool 1', 'sum without () (x) + sum(x) + topk(3, x) + count_values("a", x) + x == bool 1'],
  ['"a\\nb\\x00é\\u2028\\\\\\"\'"', '"a\\nb\\x00é\\u2028\\\\\\"\'"'],
  ['a and on() b or ignoring(x) c / ignoring(x) group_right d', 'a and on () b or ignoring (x) c / ignoring (x) group_right () d'],
  ['sum(x) by (a,b)', 'sum by (a, b) (x)'],
  ["{a='b'}", '{a="b"}'],
  ['foo @ start() offset 1w', 'foo @ start() offset 1w'],
  ['1e-7 + 123456789012345678901234 + 0x10 + Inf - -Inf + NaN + 1.5e-300', '1e-07 + 1.2345678901234569e+23 + 16 + +Inf - -Inf + NaN + 1.5e-300'],
  ['1000000 + 123456 + 1234567 + 0.0001 + 0.00001 + 0.1', '1e+06 + 123456 + 1.234567e+06 + 0.0001 + 1e-05 + 0.1'],
  [
    'rate(foo[1d])+rate(foo[7d])+rate(foo[90d])+rate(foo[365d])+rate(foo[1y1d])+rate(foo[100ms])',
    'rate(foo[1d]) + rate(foo[1w]) + rate(foo[90d]) + rate(foo[1y]) + rate(foo[366d]) + rate(foo[100ms])',
  ],
  ['foo @ 1.5 + -foo + - (1) + +foo', 'foo @ 1.500 + -foo + -(1) + +foo'],
  [
    'sum by(job)(rate(foo{a="b",c=~"d"}[5m] offset 1m @ 100)) / on(x) group_left(y) bar + -2^2',
    'sum by (job) (rate(foo{a="b",c=~"d"}[5m] @ 100.000 offset 1m)) / on (x) group_left (y) bar + -2 ^ 2',
  ],
  ['rate(foo[1h30m:90s] offset -5m)', 'rate(foo[1h30m:1m30s] offset -5m)'],
  ['rate(foo[5m:])', 'rate(foo[5m:])'],
  ['{__name__="foo"}', '{__name__="foo"}'],
  ['{c="1",__name__="x",a="2"}', '{__name__="x",a="2",c="1"}'],
];

test('prints the canonical form Prometheus prints', () => {
  for (const [input, want] of CANONICAL) assert.equal(formatExpr(parseExpr(input)), want, input);
});

/** Multi-line outputs of Prometheus 2.42's /api/v1/format_query (which prints `Pretty(0)`). */
const PRETTY: [string, string][] = [
  [
    "sum by(job)(rate(foo{a=\"b\",c=~\"d\"}[5m] offset 1m @ 100)) / on(x) group_left(y) bar + -2^2 + 1000000 + 123456 + 1234567 + 0.0001 + 0.00001+ 0.1 + {__name__=\"foo\"} + rate(foo[5m:]) + rate(foo[1h30m:90s] offset -5m)",
    "                  sum by (job) (rate(foo{a=\"b\",c=~\"d\"}[5m] @ 100.000 offset 1m)) / on (x) group_left (y) bar + -2 ^ 2\n                +\n                  1e+06\n              +\n                123456\n            +\n              1.234567e+06\n          +\n            0.0001\n        +\n          1e-05\n      +\n        0.1\n    +\n      {__name__=\"foo\"}\n  +\n    rate(foo[5m:])\n+\n  rate(foo[1h30m:1m30s] offset -5m)",
  ],
  [
    "sum by (job, instance, very_long_label_name_number_one) (rate(http_requests_total{status=~\"5..\", job!=\"x\", instance=~\"abc.*\"}[5m]))",
    "sum by (job, instance, very_long_label_name_number_one) (\n  rate(http_requests_total{instance=~\"abc.*\",job!=\"x\",status=~\"5..\"}[5m])\n)",
  ],
  [
    "histogram_quantile(0.99, sum by (le, job, instance) (rate(festivals_http_request_duration_seconds_bucket{job=\"api\", status!~\"5..\"}[5m])))",
    "histogram_quantile(\n  0.99,\n  sum by (le, job, instance) (\n    rate(festivals_http_request_duration_seconds_bucket{job=\"api\",status!~\"5..\"}[5m])\n  )\n)",
  ],
  [
    "-(sum by (job, instance, very_long_label_name_number_one) (rate(http_requests_total{status=~\"5..\", job!=\"x\", instance=~\"abc.*\"}[5m])))",
    "-(\n  sum by (job, instance, very_long_label_name_number_one) (\n    rate(http_requests_total{instance=~\"abc.*\",job!=\"x\",status=~\"5..\"}[5m])\n  )\n)",
  ],
  [
    "topk(5, sum by (job, instance, very_long_label_name_number_one) (rate(http_requests_total{status=~\"5..\", job!=\"x\"}[5m])))",
    "topk(\n  5,\n  sum by (job, instance, very_long_label_name_number_one) (\n    rate(http_requests_total{job!=\"x\",status=~\"5..\"}[5m])\n  )\n)",
  ],
  [
    "max_over_time(sum by (job, instance, very_long_label_name_number_one) (rate(http_requests_total{status=~\"5..\", job!=\"x\"}[5m]))[30m:1m])",
    "max_over_time(\n  sum by (job, instance, very_long_label_name_number_one) (\n    rate(http_requests_total{job!=\"x\",status=~\"5..\"}[5m])\n  )[30m:1m]\n)",
  ],
  [
    "sum(rate(a_very_long_metric_name_for_testing_the_pretty_printer_total[5m])) > bool on (job) group_left (instance) sum(rate(another_long_metric_name_total[5m]))\n",
    "  sum(rate(a_very_long_metric_name_for_testing_the_pretty_printer_total[5m]))\n> bool on (job) group_left (instance)\n  sum(rate(another_long_metric_name_total[5m]))",
  ],
];

test('pretty form splits long expressions like Prometheus', () => {
  for (const [input, want] of PRETTY) assert.equal(prettyExpr(parseExpr(input)), want, input);
  assert.equal(prettyExpr(parseExpr('sum(x)')), 'sum(x)');
});

test('non-legacy metric names print quoted inside the braces (Prometheus 3 style)', () => {
  assert.equal(formatExpr(parseExpr('{__name__="http.requests", a="b"}')), '{"http.requests",a="b"}');
  assert.equal(formatExpr(parseExpr('{"http.requests", "label.x"="y"}')), '{"http.requests","label.x"="y"}');
  assert.equal(formatExpr(parseExpr('sum by ("label.x") ({"a.b"})')), 'sum by ("label.x") ({"a.b"})');
});

test('literal formatting helpers', () => {
  assert.equal(formatNumber(-0), '-0');
  assert.equal(formatNumber(-1234567), '-1.234567e+06');
  assert.equal(formatNumber(0.5), '0.5');
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(90061001), '1d1h1m1s1ms');
  assert.equal(formatDuration(-300000), '-5m');
  assert.equal(quoteString('a\udcc5z'), '"a\\xc5z"', 'invalid UTF-8 bytes print as \\x escapes');
  assert.equal(quoteString('\u0085\t😀'), '"\\u0085\\t😀"');
});

const TRICKY = [
  '-2 ^ 2',
  '(-2) ^ 2',
  '2 ^ -1',
  '2 ^ 3 ^ 2',
  '(2 ^ 3) ^ 2',
  '1 - -1',
  '- -1',
  '-(1)',
  'a - (b - c)',
  'a or b and c',
  '(a or b) and c',
  'a > bool on(x) group_left(y, z) b',
  'a + ignoring() group_left b',
  'sum without (a, "b.c") (x)',
  'topk by (job) (5, x)',
  'quantile(0.9, rate(x[5m]))',
  'count_values("val", x)',
  'foo{"quoted.label"="v", a!~"b|c"}',
  '{"metric.name"}',
  '{"metric.name", a="b"}',
  '{"a.b", __name__="c.d"}',
  '{__name__="plain", x="y"}',
  'offset offset 5m',
  'sum{a="b"}',
  'x @ -1.5',
  'x @ end()',
  'rate(x[5m] @ start() offset -1h)',
  'max_over_time(rate(x[1m])[30m:1m] offset 5m @ 100)',
  'x offset 100 + 2',
  'x[step() + 1ms]',
  'x offset -min_of(step(), 1s)',
  'x offset (step() * 2)',
  'x offset -(range() / 2)',
  'sum_over_time(x[29s + 1s:step()])',
  '"\\xff\\x00\\u2028`"',
  "'single \"q\"'",
  '`raw \\n`',
  'NaN',
  '-Inf',
  '1e308 * 10',
  '0.1 + 0.2',
  'time() - 5m',
  'vector(1) unless on() vector(2)',
  'label_replace(up, "a", "$1", "b", "(.*)")',
  'histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))',
  'start() + end() + step() + range()',
];

test('print -> parse gives the same AST', () => {
  for (const input of TRICKY) assertRoundTrip(input);
});

test('round trip of every conformance expression', () => {
  let n = 0;
  for (const { expr } of conformanceExpressions()) {
    if (TRIM_OPERATOR.test(expr)) continue;
    assertRoundTrip(expr);
    n++;
  }
  assert.ok(n > 1500, `only ${n} expressions`);
});
