/**
 * Evaluation semantics the shared conformance files exercise little or not at all (subqueries,
 * `@`, negative offsets, lookback boundaries, group_left), written as promqltest scripts with
 * hand-computed expectations.
 */
import { test } from 'node:test';
import { assertAllPass } from '../../support/promqlScript.ts';

test('subqueries: inner steps align to multiples of the step; the window is left-open', () => {
  assertAllPass(`
load 10s
  metric1 0+1x1000

# inner points at 980s, 990s, 1000s (970s is outside the left-open window)
eval instant at 1000s sum_over_time(metric1[30s:10s])
  {} 297

# offset 3s: window (977s, 1007s]; aligned inner points 980s, 990s, 1000s
eval instant at 1010s sum_over_time(metric1[30s:10s] offset 3s)
  {} 297

# step omitted: the default subquery step (1m); points at 960s and 1020s
eval instant at 1020s count_over_time(metric1[2m:])
  {} 2

eval range from 1000s to 1020s step 10s sum_over_time(metric1[20s:10s])
  {} 199 201 203
`);
});

test('@ modifier: fixed timestamps, start() and end() in range queries; negative offsets', () => {
  assertAllPass(`
load 1m
  m 0+1x10

eval range from 0 to 3m step 1m m @ end()
  m 3 3 3 3

eval range from 1m to 3m step 1m m @ start()
  m 1 1 1

eval instant at 10m m @ 120
  m 2

eval instant at 3m m offset -2m
  m 5

eval range from 0 to 2m step 1m rate(m[2m] @ 5m)
  {} 0.016666666666666666 0.016666666666666666 0.016666666666666666
`);
});

test('lookback is left-open and stale markers end a series', () => {
  assertAllPass(`
load 1m
  once 1
  ends 1 2 stale

eval instant at 4m59s once
  once 1

eval instant at 5m once

eval instant at 1m30s ends
  ends 2

eval instant at 2m ends
`);
});

test('vector matching: group_left copies labels from the one side; ambiguous one-to-one fails', () => {
  assertAllPass(`
load 1m
  req{job="a", instance="x"} 10
  req{job="a", instance="y"} 20
  build{job="a", version="v1"} 1

eval instant at 0 req * on(job) group_left(version) build
  {job="a", instance="x", version="v1"} 10
  {job="a", instance="y", version="v1"} 20

eval instant at 0 build * on(job) group_right req
  {job="a", instance="x"} 10
  {job="a", instance="y"} 20

eval instant at 0 req + on(job) build
  expect fail msg: multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)

eval instant at 0 req > bool 15
  {job="a", instance="x"} 0
  {job="a", instance="y"} 1

eval instant at 0 req > 15
  req{job="a", instance="y"} 20
`);
});

test('delayed name removal: label_replace can keep a name that rate() would drop', () => {
  assertAllPass(`
load 1m
  x_total{a="1"} 0+60x10

eval instant at 10m label_replace(rate(x_total[5m]), "__name__", "rate_$1", "__name__", "(.+)")
  rate_x_total{a="1"} 1

eval instant at 10m rate(x_total[5m])
  {a="1"} 1
`);
});
