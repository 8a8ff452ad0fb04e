import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpr } from '../../../src/promql/parser.ts';
import { astToJson } from '../../../src/promql/astJson.ts';
import { formatFloatPlain } from '../../../src/promql/literals.ts';

test('parse_query JSON tree in Prometheus web UI shape', () => {
  const json = astToJson(parseExpr('sum by (job) (rate(foo{a="b"}[5m] offset 1m @ 100)) / on(x) group_left(y) -bar > bool 1e6'));
  assert.deepEqual(json, {
    type: 'binaryExpr',
    op: '>',
    bool: true,
    matching: null,
    lhs: {
      type: 'binaryExpr',
      op: '/',
      bool: false,
      matching: { card: 'many-to-one', labels: ['x'], on: true, include: ['y'] },
      lhs: {
        type: 'aggregation',
        op: 'sum',
        grouping: ['job'],
        without: false,
        param: null,
        expr: {
          type: 'call',
          func: { name: 'rate', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
          args: [
            {
              type: 'matrixSelector',
              name: 'foo',
              matchers: [
                { type: '=', name: '__name__', value: 'foo' },
                { type: '=', name: 'a', value: 'b' },
              ],
              range: 300000,
              offset: 60000,
              timestamp: 100000,
              startOrEnd: null,
            },
          ],
        },
      },
      rhs: {
        type: 'unaryExpr',
        op: '-',
        expr: { type: 'vectorSelector', name: 'bar', matchers: [{ type: '=', name: '__name__', value: 'bar' }], offset: 0, timestamp: null, startOrEnd: null },
      },
    },
    rhs: { type: 'numberLiteral', val: '1000000' },
  });
  assert.deepEqual(astToJson(parseExpr('x[5m:] @ end()')), {
    type: 'subquery',
    expr: { type: 'vectorSelector', name: 'x', matchers: [{ type: '=', name: '__name__', value: 'x' }], offset: 0, timestamp: null, startOrEnd: null },
    range: 300000,
    offset: 0,
    step: 0,
    timestamp: null,
    startOrEnd: 'end',
  });
  assert.deepEqual(astToJson(parseExpr('("a")')), { type: 'parenExpr', expr: { type: 'stringLiteral', val: 'a' } });
});

test('numbers print without exponent, like strconv.FormatFloat(v, f, -1)', () => {
  assert.equal(formatFloatPlain(1e21), '1000000000000000000000');
  assert.equal(formatFloatPlain(1.5e-7), '0.00000015');
  assert.equal(formatFloatPlain(-2.5e22), '-25000000000000000000000');
  assert.equal(formatFloatPlain(0.1), '0.1');
  assert.equal(formatFloatPlain(-Infinity), '-Inf');
  assert.equal(formatFloatPlain(NaN), 'NaN');
});
