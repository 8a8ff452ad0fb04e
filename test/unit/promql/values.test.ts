import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFloat } from '../../../src/promql/values.ts';
import { quantile } from '../../../src/promql/aggregations.ts';
import { xxhash64 } from '../../../src/promql/labelHash.ts';

test('formatFloat prints like Go strconv.FormatFloat(v, f, -1, 64)', () => {
  assert.equal(formatFloat(1e21), '1000000000000000000000');
  assert.equal(formatFloat(1.5e-7), '0.00000015');
  assert.equal(formatFloat(-2.5e22), '-25000000000000000000000');
  assert.equal(formatFloat(123.5), '123.5');
  assert.equal(formatFloat(NaN), 'NaN');
  assert.equal(formatFloat(-Infinity), '-Inf');
});

test('quantile interpolates between ranks and clamps out-of-range q', () => {
  assert.equal(quantile(0.5, [1, 2, 3, 4]), 2.5);
  assert.equal(quantile(0, [3, 1, 2]), 1);
  assert.equal(quantile(1.5, [1]), Infinity);
  assert.equal(quantile(-1, [1]), -Infinity);
  assert.ok(Number.isNaN(quantile(NaN, [1])));
});

test('xxhash64 matches the reference vectors (limit_ratio picks series by it)', () => {
  const h = (s: string) => xxhash64(new TextEncoder().encode(s)).toString(16);
  assert.equal(h(''), 'ef46db3751d8e999');
  assert.equal(h('abc'), '44bc2cf5ad770999');
  assert.equal(h('Nobody inspects the spammish repetition'), 'fbcea83c8a378bf1');
});
