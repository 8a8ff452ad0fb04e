import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultStep, formatSeries, getUPlotData, parseValue } from '../../../web/src/chartData.ts';
import { decodePanel, encodePanel, parseRange } from '../../../web/src/urlState.ts';

test('getUPlotData aligns series on every step and fills gaps with null', () => {
  const data = getUPlotData(
    [
      { metric: { __name__: 'a' }, values: [[10, '1'], [30, '3']] },
      { metric: { __name__: 'b' }, values: [[20, 'NaN'], [30, '+Inf'], [40, '4']] },
    ],
    10,
    40,
    10,
  );
  assert.deepEqual(data, [
    [10, 20, 30, 40],
    [1, null, 3, null],
    [null, null, null, 4],
  ]);
});

test('fractional steps do not drift', () => {
  const [xs] = getUPlotData([], 1700000000.1, 1700000100.1, 0.1);
  assert.equal(xs.length, 1001);
  assert.equal(xs[1000], 1700000100.1);
});

test('parseValue, formatSeries, defaultStep', () => {
  assert.equal(parseValue('1.5'), 1.5);
  assert.equal(parseValue('-Inf'), null);
  assert.equal(formatSeries({ __name__: 'up', job: 'x', a: 'b"c' }), 'up{a="b\\"c", job="x"}');
  assert.equal(formatSeries({}), '{}');
  assert.equal(defaultStep(3600), 15);
  assert.equal(defaultStep(60), 1);
});

test('URL state round-trips with Prometheus parameter names', () => {
  const s = { expr: 'rate(x[5m])', tab: 'graph' as const, rangeS: 7200, endMs: 1700000000000, stepS: 30 };
  const enc = encodePanel(s);
  assert.match(enc, /g0\.expr=rate%28x%5B5m%5D%29/);
  assert.match(enc, /g0\.range_input=2h/);
  assert.deepEqual(decodePanel('?' + enc), s);
  assert.deepEqual(decodePanel('?g0.expr=up&g0.tab=1&g0.range_input=bogus'), { expr: 'up', tab: 'table', rangeS: 3600, endMs: null, stepS: null });
  assert.equal(parseRange('90m'), 5400);
});
