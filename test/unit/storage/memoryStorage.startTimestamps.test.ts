/**
 * MemoryStorage keeps per-sample start timestamps exactly (the shared querier suite checks
 * the round trip on every store; these are MemoryStorage's own edge cases).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from '../../../src/storage/memoryStorage.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';
import type { SampleIterator, Storage } from '../../../src/storage/interface.ts';

const A = Labels.fromObject({ __name__: 'a' });

function iterator(s: Storage, mint = -Infinity, maxt = Infinity): SampleIterator {
  const set = s.querier(mint, maxt).select([new Matcher('=', '__name__', 'a')]);
  assert.equal(set.next(), true);
  return set.at().iterator();
}

function drain(it: SampleIterator): Array<[number, number, number | undefined]> {
  const out: Array<[number, number, number | undefined]> = [];
  while (it.next()) out.push([it.atT(), it.atV(), it.atST?.()]);
  return out;
}

test('start timestamps round-trip across array growth, with gaps before and after the first one', () => {
  const s = new MemoryStorage();
  const want: Array<[number, number, number | undefined]> = [];
  // Several commits, so that both the pending batch and the committed arrays grow past 16.
  for (let b = 0; b < 4; b++) {
    const app = s.appender();
    for (let i = b * 20; i < b * 20 + 20; i++) {
      const st = i < 25 || i % 5 === 0 ? undefined : i * 1000 - 500;
      app.append(0, A, i * 1000, i, st);
      want.push([i * 1000, i, st]);
    }
    app.commit();
  }
  assert.deepEqual(drain(iterator(s)), want);
  // A window inside the data and seek() keep start timestamps aligned with their samples.
  const it = iterator(s, 30_000, 40_000);
  assert.equal(it.seek(33_000), true);
  assert.deepEqual([it.atT(), it.atST?.()], [33_000, 32_500]);
  assert.equal(it.seek(35_000), true);
  assert.deepEqual([it.atT(), it.atST?.()], [35_000, undefined]);
});

test('a start timestamp of 0 and negative ones are kept, not taken for "none"', () => {
  const s = new MemoryStorage();
  const app = s.appender();
  app.append(0, A, 1000, 1, 0);
  app.append(0, A, 2000, 2, -5000);
  app.append(0, A, 3000, 3);
  app.commit();
  assert.deepEqual(drain(iterator(s)), [
    [1000, 1, 0],
    [2000, 2, -5000],
    [3000, 3, undefined],
  ]);
});

test('series without start timestamps report none; rolled-back start timestamps leave no trace', () => {
  const s = new MemoryStorage();
  let app = s.appender();
  app.append(0, A, 1000, 1);
  app.commit();
  app = s.appender();
  app.append(0, A, 2000, 2, 1500);
  app.rollback();
  app = s.appender();
  app.append(0, A, 3000, 3);
  app.commit();
  assert.deepEqual(
    drain(iterator(s)).map(([, , st]) => st),
    [undefined, undefined],
  );
});
