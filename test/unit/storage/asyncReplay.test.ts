import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStorage, openStorageAsync, SqliteStorage, type ReplayProgress } from '../../../src/storage/sqliteStorage.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-replay-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;

const SERIES = 40;
const ROWS = 1000;

/** A store left with a big append log (ROWS batches of SERIES samples) and no checkpoint, as after a crash. */
function crashedStore(): string {
  const dir = path.join(root, `db${++dirs}`);
  const s = openStorage({ path: dir, schedule: false, maxAppendLogBytes: Infinity });
  const labels = Array.from({ length: SERIES }, (_, i) => Labels.fromObject({ __name__: 'r', i: String(i) }));
  for (let b = 0; b < ROWS; b++) {
    const a = s.appender();
    for (const l of labels) a.append(0, l, b * 1000, b, b % 2 ? b * 1000 - 60_000 : undefined);
    a.commit();
  }
  s.db.close();
  return dir;
}

function countSamples(s: SqliteStorage): { samples: number; withSt: number } {
  const q = s.querier(-Infinity, Infinity);
  const set = q.select([new Matcher('=', '__name__', 'r')]);
  let samples = 0;
  let withSt = 0;
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next()) {
      samples++;
      if (it.atST?.() !== undefined) withSt++;
    }
  }
  q.close();
  return { samples, withSt };
}

describe('asynchronous open (replay in slices)', () => {
  it('keeps the event loop turning and reports progress while replaying; all samples after', async () => {
    const dir = crashedStore();
    const seen: ReplayProgress[] = [];
    // Rows replayed when a timer set before the open fired (-1: it did not fire before the open resolved).
    let replayedWhenTimerFired = -1;
    const timer = setTimeout(() => (replayedWhenTimerFired = seen.at(-1)?.current ?? 0), 0);
    const store = await openStorageAsync({ path: dir, schedule: false, replaySliceMs: 1 }, (p) => seen.push(p));
    clearTimeout(timer);
    assert.ok(replayedWhenTimerFired >= 0 && replayedWhenTimerFired < ROWS, `a timer fired mid-replay (${replayedWhenTimerFired} rows)`);
    assert.ok(seen.length >= 3, `progress reported per slice (${seen.length} reports)`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].current > seen[i - 1].current, 'progress advances');
    assert.deepEqual(seen.at(-1), { min: 0, max: ROWS, current: ROWS });
    assert.ok(seen[0].current < ROWS);
    assert.equal(store.ready, true);
    assert.deepEqual(countSamples(store), { samples: SERIES * ROWS, withSt: (SERIES * ROWS) / 2 });
    store.close();
  });

  it('refuses appends, deletions and retention until replayed; queries see what is replayed so far', async () => {
    const dir = crashedStore();
    const s = new SqliteStorage({ path: dir, schedule: false, deferReplay: true, replaySliceMs: 1 });
    assert.equal(s.ready, false);
    assert.deepEqual(s.replayProgress(), { min: 0, max: ROWS, current: 0 });
    assert.throws(() => s.appender(), /not ready to append: replaying the append log \(0 of 1000 rows\)/);
    assert.throws(() => s.deleteSeries([new Matcher('=', '__name__', 'r')]), /not ready/);
    assert.throws(() => s.runRetention(0), /not ready/);
    // The commits wrote the chunks they cut (120 samples each) before the crash; the rest waits in the log.
    assert.equal(countSamples(s).samples, SERIES * (ROWS - (ROWS % 120)));
    const p = s.replay();
    assert.equal(s.replay(), p, 'one replay at a time');
    await p;
    assert.equal(s.ready, true);
    assert.equal(countSamples(s).samples, SERIES * ROWS);
    const a = s.appender();
    a.append(0, Labels.fromObject({ __name__: 'r', i: '0' }), ROWS * 1000, 1);
    a.commit();
    s.close();
  });

  it('closing during replay stops it and loses nothing', async () => {
    const dir = crashedStore();
    const s = new SqliteStorage({ path: dir, schedule: false, deferReplay: true, replaySliceMs: 1 });
    const p = s.replay();
    await new Promise((r) => setImmediate(r));
    s.close(); // checkpoints what was replayed, keeps the rest of the log
    await p;
    assert.equal(s.ready, false);
    const again = openStorage({ path: dir, schedule: false });
    assert.equal(countSamples(again).samples, SERIES * ROWS);
    again.close();
  });

  it('an empty store is ready at once with zero progress', async () => {
    const progress: ReplayProgress[] = [];
    const s = await openStorageAsync({ path: path.join(root, 'empty'), schedule: false }, (p) => progress.push(p));
    assert.equal(s.ready, true);
    assert.deepEqual(progress, [{ min: 0, max: 0, current: 0 }]);
    s.close();
  });
});
