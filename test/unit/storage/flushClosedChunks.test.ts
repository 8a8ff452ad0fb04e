/** Chunks cut from the heads are written out soon after many pile up, not held until the cron. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';
import { openStorage } from '../../../src/storage/sqliteStorage.ts';

const tick = () => new Promise((r) => setImmediate(r));

test('once flushClosedChunks chunks were cut, the next turn of the event loop compacts them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promlite-flush-'));
  const s = openStorage({ path: dir, schedule: false, flushClosedChunks: 4, cutPolicy: { maxSamples: 2, maxRangeMs: 3600_000 } });
  const chunkRows = () => s.db.prepare('SELECT COUNT(*) FROM chunks').pluck().get() as number;
  try {
    const series = [0, 1, 2, 3].map((i) => Labels.fromObject({ __name__: 'm', i: String(i) }));
    const refs = [0, 0, 0, 0];
    const commitAt = (t: number, which: number[]) => {
      const app = s.appender();
      for (const i of which) refs[i] = app.append(refs[i]!, series[i]!, t, t / 1000);
      app.commit();
    };
    commitAt(1000, [0, 1, 2, 3]);
    commitAt(2000, [0, 1, 2, 3]);
    commitAt(3000, [0, 1, 2]); // three cuts: below the threshold
    await tick();
    assert.equal(chunkRows(), 0, 'three closed chunks stay in memory');
    commitAt(3000, [3]); // the fourth cut
    assert.equal(chunkRows(), 0, 'not inside the commit');
    await tick();
    assert.equal(chunkRows(), 4, 'written out on the next turn');
    const q = s.querier(0, 10_000);
    const set = q.select([new Matcher('=', '__name__', 'm')]);
    let samples = 0;
    while (set.next()) for (const it = set.at().iterator(); it.next(); ) samples++;
    q.close();
    assert.equal(samples, 12, 'every sample still reads back');
  } finally {
    s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without the option and without scheduling, nothing compacts behind the caller', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promlite-flush-'));
  const s = openStorage({ path: dir, schedule: false, cutPolicy: { maxSamples: 1, maxRangeMs: 3600_000 } });
  try {
    let ref = 0;
    const l = Labels.fromObject({ __name__: 'm' });
    for (let t = 1; t <= 5000; t++) {
      const app = s.appender();
      ref = app.append(ref, l, t, t);
      app.commit();
    }
    await tick();
    assert.equal(s.db.prepare('SELECT COUNT(*) FROM chunks').pluck().get(), 0);
  } finally {
    s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
