import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../../src/config/duration.ts';
import { parseByteSize } from '../../../src/config/units.ts';

describe('Prometheus durations', () => {
  const ok: Array<[string, number, string]> = [
    ['0', 0, '0s'],
    ['0s', 0, '0s'],
    ['15s', 15_000, '15s'],
    ['1m30s', 90_000, '1m30s'],
    ['90s', 90_000, '1m30s'],
    ['1d', 86_400_000, '1d'],
    ['7d', 7 * 86_400_000, '1w'],
    ['8d', 8 * 86_400_000, '8d'],
    ['1y', 365 * 86_400_000, '1y'],
    ['1h2m3s4ms', 3_723_004, '1h2m3s4ms'],
    ['500ms', 500, '500ms'],
  ];
  for (const [text, ms, formatted] of ok) {
    it(`${text} = ${ms} ms, formatted ${formatted}`, () => {
      assert.equal(parseDuration(text), ms);
      assert.equal(formatDuration(ms), formatted);
    });
  }
  for (const bad of ['', '1', '15 s', '1.5s', '-1s', '1s1m', '1m1m', 's', '1x', '1S']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseDuration(bad), bad === '' ? /empty duration string/ : /not a valid duration string/));
  }
});

describe('byte sizes', () => {
  it('uses powers of 1024 like units.Base2Bytes', () => {
    assert.equal(parseByteSize('0'), 0);
    assert.equal(parseByteSize('512B'), 512);
    assert.equal(parseByteSize('10KB'), 10 * 1024);
    assert.equal(parseByteSize('10MB'), 10 * 1024 * 1024);
    assert.equal(parseByteSize('1GiB'), 2 ** 30);
    assert.equal(parseByteSize('1GB512MB'), 2 ** 30 + 512 * 2 ** 20);
  });
  for (const bad of ['10', '10 MB', '10mb', 'MB', '10XB']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseByteSize(bad)));
  }
});
