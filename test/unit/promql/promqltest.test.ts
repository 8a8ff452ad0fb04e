import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TestScriptError,
  loadedStorage,
  parseDuration,
  parseSeriesDesc,
  parseTestScript,
  parseValues,
  runTestScript,
} from '../../../src/promql/promqltest.ts';
import { isStaleNaN } from '../../../src/storage/staleMarker.ts';
import { Matcher } from '../../../src/storage/matcher.ts';

test('value notation: expansions count N+1, _xN counts N, stale and histograms keep their slot', () => {
  assert.deepEqual(parseValues('1x4'), [1, 1, 1, 1, 1]);
  assert.deepEqual(parseValues('0+10x3'), [0, 10, 20, 30]);
  assert.deepEqual(parseValues('-2-1x4'), [-2, -3, -4, -5, -6]);
  assert.deepEqual(parseValues('0x2 _x3 5'), [0, 0, 0, null, null, null, 5]);
  assert.deepEqual(parseValues('1 _ Inf -inf'), [1, null, Infinity, -Infinity]);
  assert.ok(Number.isNaN(parseValues('NaN')[0] as number));
  assert.deepEqual(parseValues('1 stale 2'), [1, 'stale', 2]);
  assert.deepEqual(parseValues('{{schema:0 sum:5 count:4 buckets:[1 2 1]}}x2 3'), ['histogram', 'histogram', 'histogram', 3]);
  // Repeated float addition, not multiplication: 0.1 steps accumulate rounding like Prometheus.
  assert.equal(parseValues('0+0.1x3')[3], 0.1 + 0.1 + 0.1);
  assert.throws(() => parseValues('1m'), /invalid value/);
});

test('series descriptions: names, quoted names, escapes, empty values dropped', () => {
  assert.equal(parseSeriesDesc('up{job="a",x=""} 1').labels.toString(), 'up{job="a"}');
  assert.equal(parseSeriesDesc('{"my.metric", l="v\\n"}').labels.get('__name__'), 'my.metric');
  assert.equal(parseSeriesDesc('{"my.metric", l="v\\n"}').labels.get('l'), 'v\n');
  assert.equal(parseSeriesDesc('a:b:c{x="1",}').labels.toString(), 'a:b:c{x="1"}');
});

test('durations', () => {
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('10s53ms'), 10_053);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.throws(() => parseDuration('1x'));
});

test('script parsing: comments end blocks, bare numbers end evals, expectations are collected', () => {
  const cmds = parseTestScript(`
load 1m
  m 1 2
# comment ends the block
eval instant at 1m m
  expect no_warn
  m 2

eval instant at 0 scalar(m)
  1
eval range from 0 to 1m step 30s m
  m 1 1 2
`);
  assert.deepEqual(
    cmds.map((c) => c.kind),
    ['load', 'eval', 'eval', 'eval'],
  );
  const e = cmds[1];
  assert.ok(e.kind === 'eval' && e.instant && e.at === 60_000 && e.expectations[0].type === 'no_warn');
  assert.ok(cmds[2].kind === 'eval' && cmds[2].scalar === 1);
  assert.ok(cmds[3].kind === 'eval' && !cmds[3].instant && cmds[3].step === 30_000);
  assert.throws(() => parseTestScript('bogus 1'), TestScriptError);
});

test('loadedStorage builds a fixture store; loads add up and stale markers are stored', () => {
  const s = loadedStorage('load 1m\n  m{a="1"} 1 stale 3\n\nload 1m\n  n 5');
  const q = s.querier(0, 1_000_000);
  const set = q.select([new Matcher('=', 'a', '1')]);
  assert.ok(set.next());
  const it = set.at().iterator();
  const vals: number[] = [];
  while (it.next()) vals.push(it.atV());
  assert.equal(vals.length, 3);
  assert.ok(isStaleNaN(vals[1]));
});

test('the runner judges evals: a wrong expectation fails, a right one passes', () => {
  const reports = runTestScript(`
load 1m
  m{a="1"} 1 2 3

eval instant at 2m m
  m{a="1"} 3

eval instant at 2m m
  m{a="1"} 4

eval instant at 2m m
  expect fail

eval range from 0 to 2m step 1m m
  m{a="1"} 1 2 3
`);
  assert.deepEqual(
    reports.map((r) => r.outcome.status),
    ['pass', 'fail', 'fail', 'pass'],
  );
});
