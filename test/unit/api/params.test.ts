import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurationParamMs, parsePromDurationMs, parseTimeMs, MAX_TIME_FORMATTED, MAX_TIME_MS } from '../../../src/api/params.ts';
import { formatSampleValue } from '../../../src/api/v1/formatValue.ts';

test('parseTimeMs accepts float seconds and RFC 3339, rounds to ms', () => {
  assert.equal(parseTimeMs('1700000000'), 1700000000000);
  assert.equal(parseTimeMs('1700000000.1234'), 1700000000123);
  assert.equal(parseTimeMs('2015-07-01T20:10:51.781Z'), 1435781451781);
  assert.equal(parseTimeMs('2015-07-01T22:10:51+02:00'), 1435781451000);
  assert.equal(parseTimeMs(MAX_TIME_FORMATTED), MAX_TIME_MS);
  for (const bad of ['abc', '', '2015-07-01', '1e', 'NaN', 'Inf']) assert.equal(parseTimeMs(bad), null, bad);
});

test('durations: float seconds or Prometheus units', () => {
  assert.equal(parseDurationParamMs('15'), 15000);
  assert.equal(parseDurationParamMs('0.5'), 500);
  assert.equal(parseDurationParamMs('1m30s'), 90000);
  assert.equal(parsePromDurationMs('1y2w3d4h5m6s7ms'), 365 * 864e5 + 14 * 864e5 + 3 * 864e5 + 4 * 36e5 + 5 * 6e4 + 6007);
  for (const bad of ['1ns', '5x', 'm', '1m1h', '-5m']) assert.equal(parseDurationParamMs(bad), null, bad);
});

test('sample values are formatted like Go strconv.FormatFloat(v, f, -1)', () => {
  const cases: [number, string][] = [
    [2, '2'],
    [0.1, '0.1'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-3.2e-5, '-0.000032'],
    [-0, '-0'],
  ];
  for (const [v, s] of cases) assert.equal(formatSampleValue(v), s, String(v));
});
