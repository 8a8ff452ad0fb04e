import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ARENA_MAX_BYTES, headChunkArena } from '../../../src/storage/chunkArena.ts';
import { DETACHED_ROW, HeadColumns, headColumns } from '../../../src/storage/headColumns.ts';
import { HeadSeries, DEFAULT_CUT_POLICY, APPLIED, APPLIED_AFTER_CUT } from '../../../src/storage/headSeries.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { XorIterator } from '../../../src/storage/xorChunk.ts';
import { mulberry32 } from '../../support/random.ts';

const series = (id: number) => new HeadSeries(id, Labels.fromObject({ __name__: 'm', id: String(id) }));

/** Every sample of the series' closed chunks and head, as [t, hi, lo]. */
function samplesOf(s: HeadSeries): Array<[number, number, number]> {
  const got: Array<[number, number, number]> = [];
  const it = new XorIterator();
  for (const c of [...s.closed.map((c) => c.data), ...(s.hasHead() ? [s.headSnapshot()] : [])]) {
    it.reset(c);
    assert.equal(it.err(), null);
    while (it.next()) got.push([it.atT(), it.atVHi(), it.atVLo()]);
  }
  return got;
}

describe('HeadColumns', () => {
  it('hands out rows from 1, reuses freed ones and keeps their contents across growth', () => {
    const cols = new HeadColumns(4);
    const rows = Array.from({ length: 100 }, () => cols.alloc());
    assert.deepEqual(rows.slice(0, 3), [1, 2, 3]);
    for (const r of rows) cols.f64[r * 12] = r;
    cols.free(rows[10]);
    assert.equal(cols.alloc(), rows[10]);
    for (let i = 0; i < 1000; i++) cols.alloc();
    for (const r of rows) assert.equal(r === rows[10] ? 0 : cols.f64[r * 12], r === rows[10] ? 0 : r);
    assert.equal(cols.rowsInUse(), 1100);
  });

  it('gives each series its own row, with the empty defaults, kept across growth', () => {
    const inUse = headColumns.rowsInUse();
    const all = Array.from({ length: 1000 }, (_, i) => series(i));
    const fresh = all[999];
    assert.equal(fresh.lastT, -Infinity);
    assert.equal(fresh.minT, Infinity);
    assert.equal(fresh.maxT, -Infinity);
    assert.equal(fresh.dbMinT, Infinity);
    assert.equal(fresh.chunksMaxT, -Infinity);
    assert.equal(fresh.pendStamp, 0);
    for (const [i, s] of all.entries()) {
      assert.equal(s.apply(1_700_000_000_000 + i, 0x80000000 + i, 0xffffffff - i, DEFAULT_CUT_POLICY, NaN), APPLIED);
      s.pendStamp = i + 1;
      s.pendHi = 0xfffffffe;
      s.dbMaxT = -i;
    }
    all[7].persisted = true;
    all[8].headRowStored = true;
    all[9].stagedRows = 0xf0;
    all[9].stagedSlot = 7;
    // Enough rows that the shared columns (1024 rows to start with) grow at least once.
    const more = Array.from({ length: 2000 }, (_, i) => series(1000 + i));
    for (const [i, s] of all.entries()) {
      assert.equal(s.lastT, 1_700_000_000_000 + i);
      assert.equal(s.minT, s.lastT);
      assert.equal(s.headMaxT, s.lastT);
      assert.equal(s.lastHi, 0x80000000 + i, 'a uint32 word round-trips');
      assert.equal(s.lastLo, 0xffffffff - i);
      assert.equal(s.pendStamp, i + 1);
      assert.equal(s.pendHi, 0xfffffffe);
      assert.equal(s.dbMaxT, -i);
      assert.equal(s.persisted, i === 7, 'flags are per series');
      assert.equal(s.headRowStored, i === 8);
      assert.equal(s.headDirty, true, 'apply marks the head dirty');
      assert.equal(s.stagedRows, i === 9 ? 0xf0 : 0);
      assert.equal(s.stagedSlot, i === 9 ? 7 : 0);
      assert.deepEqual(samplesOf(s), [[1_700_000_000_000 + i, 0x80000000 + i, 0xffffffff - i]]);
    }
    all[8].headDirty = false;
    assert.equal(all[8].headRowStored, true, 'clearing one flag keeps the others');
    assert.equal(all[8].headDirty, false);
    assert.equal(headColumns.rowsInUse() - inUse, 3000);
    for (const s of [...all, ...more]) s.detach();
    assert.equal(headColumns.rowsInUse(), inUse);
  });

  it('reuses the row of a detached series, which then cannot touch its successor', () => {
    const inUse = headColumns.rowsInUse();
    const slots = headChunkArena.slotsInUse;
    const gone = series(1);
    gone.apply(5000, 1, 2, DEFAULT_CUT_POLICY, NaN);
    gone.persisted = true;
    assert.equal(gone.deleted, false);
    gone.detach();
    assert.equal(gone.deleted, true);
    assert.equal(headColumns.rowsInUse(), inUse);
    assert.equal(headChunkArena.slotsInUse, slots, 'its head went back to the arena');
    const next = series(2);
    assert.equal(headColumns.rowsInUse(), inUse + 1);
    assert.equal(next.lastT, -Infinity, 'the reused row starts from the defaults');
    assert.equal(next.persisted, false);
    assert.equal(next.hasHead(), false);
    next.apply(6000, 3, 4, DEFAULT_CUT_POLICY, NaN);
    // Late writes through the dropped series (an appender still holding it).
    gone.pendT = 123;
    gone.lastT = 999;
    gone.headRowStored = true;
    assert.equal(gone.apply(7000, 5, 6, DEFAULT_CUT_POLICY, NaN), APPLIED);
    gone.dropHead();
    gone.detach();
    assert.equal(next.pendT, 0);
    assert.equal(next.lastT, 6000);
    assert.equal(next.headRowStored, false);
    assert.deepEqual(samplesOf(next), [[6000, 3, 4]], 'its head chunk is untouched');
    assert.equal(headChunkArena.slotsInUse, slots + 1, 'only the successor holds a slot');
    headColumns.free(DETACHED_ROW); // never handed out, so never freed either
    assert.equal(headColumns.rowsInUse(), inUse + 1);
    next.detach();
    assert.equal(headChunkArena.slotsInUse, slots);
  });
});

describe('HeadSeries with the shared head appender', () => {
  it('encodes interleaved series across cuts and restores exactly what each was given', () => {
    const rand = mulberry32(7);
    const cut = { maxSamples: 37, maxRangeMs: 3_600_000 };
    const all = Array.from({ length: 40 }, (_, i) => series(i));
    const want = all.map(() => [] as Array<[number, number, number]>);
    const words = new Uint32Array(2);
    for (let round = 0; round < 300; round++) {
      // Each round visits the series in a different order, so the appender's state moves between them.
      const order = all.map((_, i) => i).sort(() => rand() - 0.5);
      for (const i of order) {
        const s = all[i];
        const t = 1_700_000_000_000 + round * 15_000 + Math.floor(rand() * 2000);
        const kind = rand();
        if (kind < 0.3) [words[0], words[1]] = [want[i].at(-1)?.[1] ?? 0, want[i].at(-1)?.[2] ?? 0]; // same value
        else if (kind < 0.6) [words[0], words[1]] = [0x40590000 + (round & 0xff), 0]; // small changes
        else [words[0], words[1]] = [Math.floor(rand() * 2 ** 32), Math.floor(rand() * 2 ** 32)]; // anything, NaNs included
        assert.ok(s.apply(t, words[0], words[1], cut, NaN) === APPLIED || s.closed.length > 0);
        want[i].push([t, words[0], words[1]]);
        // Now and then a series is restored from its own checkpoint, as on restart.
        if (rand() < 0.01) s.restoreHead(s.headSnapshot(), s.headMinT, s.headMaxT);
      }
    }
    for (const [i, s] of all.entries()) assert.deepEqual(samplesOf(s), want[i], `series ${i}: every sample's timestamp and value bits`);
    for (const s of all) s.detach();
  });

  it('keeps a head past the largest arena class (a long cut policy) in a slot of its own, and frees it at the cut', () => {
    const slots = headChunkArena.slotsInUse;
    const rand = mulberry32(3);
    const cut = { maxSamples: 1000, maxRangeMs: 2 ** 50 };
    const [a, b] = [series(1), series(2)];
    const want: Array<[number, number, number]> = [];
    for (let i = 0; i < 1000; i++) {
      const w: [number, number, number] = [i * 1000, Math.floor(rand() * 2 ** 32), Math.floor(rand() * 2 ** 32)];
      assert.equal(a.apply(w[0], w[1], w[2], cut, NaN), APPLIED);
      assert.equal(b.apply(w[0], i, 0, cut, NaN), APPLIED);
      want.push(w);
    }
    assert.ok(a.headBytes().length > ARENA_MAX_BYTES);
    assert.equal(headChunkArena.slotsInUse, slots + 2);
    assert.equal(a.headNumSamples(), 1000);
    assert.deepEqual(samplesOf(a), want);
    a.restoreHead(a.headSnapshot(), a.headMinT, a.headMaxT);
    assert.deepEqual(samplesOf(a), want, 'restored from its own snapshot');
    assert.equal(a.apply(1_000_000, 1, 1, cut, NaN), APPLIED_AFTER_CUT);
    assert.deepEqual(samplesOf(a), [...want, [1_000_000, 1, 1]]);
    a.closedWritten();
    assert.equal(headChunkArena.slotsInUse, slots + 2, 'the cut chunk\'s slot is freed, the new head has one');
    assert.equal(b.headNumSamples(), 1000);
    for (const s of [a, b]) s.detach();
    assert.equal(headChunkArena.slotsInUse, slots);
  });
});
