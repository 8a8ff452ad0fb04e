/**
 * rate/increase/resets per series: state kept across the windows of one series must not leak
 * into the next one (range selectors may hand consecutive series over in the same arrays).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTestScript } from '../../../src/promql/promqltest.ts';

test('a counter reset is seen in a series that follows an equally long series without one', () => {
  const reports = runTestScript(`
load 1m
  c_total{i="1"} 100 110 120 130 140
  c_total{i="2"} 100 110 120 5 15
  c_total{i="3"} 100 110 120 130 140

# At 4m: 140 - 100 = 40, extrapolated 1m to the left (the zero point is far): 40 * 5/4.
# i=2: 15 - 100 + 120 (reset) = 35, likewise: 35 * 5/4.
eval instant at 4m increase(c_total[5m])
  {i="1"} 50
  {i="2"} 43.75
  {i="3"} 50

# At 3m the first sample is 2m from the window start: extrapolated by half an interval only.
eval range from 3m to 4m step 1m increase(c_total[5m])
  {i="1"} 35 50
  {i="2"} 29.166666666666668 43.75
  {i="3"} 35 50

eval instant at 4m resets(c_total[5m])
  {i="1"} 0
  {i="2"} 1
  {i="3"} 0
`);
  const bad = reports.filter((r) => r.outcome.status !== 'pass');
  assert.deepEqual(
    bad.map((r) => `line ${r.line}: ${r.outcome.status === 'fail' ? r.outcome.message : r.outcome.status}`),
    [],
  );
});
