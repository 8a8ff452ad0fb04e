import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DETACHED_ROW, HeadColumns } from '../../../src/storage/headColumns.ts';
import { HeadSeries, DEFAULT_CUT_POLICY, APPLIED } from '../../../src/storage/headSeries.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { XorIterator } from '../../../src/storage/xorChunk.ts';
import { mulberry32 } from '../../support/random.ts';

const series = (cols: HeadColumns, id: number) => new HeadSeries(id, Labels.fromObject({ __name__: 'm', id: String(id) }), cols);

describe('HeadColumns', () => {
  it('gives each series its own row, with the empty defaults, kept across growth', () => {
    const cols = new HeadColumns(4);
    const all = Array.from({ length: 1000 }, (_, i) => series(cols, i));
    const fresh = all[999];
    assert.equal(fresh.lastT, -Infinity);
    assert.equal(fresh.minT, Infinity);
    assert.equal(fresh.maxT, -Infinity);
    assert.equal(fresh.dbMinT, Infinity);
    assert.equal(fresh.packCursor, -Infinity);
    assert.equal(fresh.pendStamp, 0);
    for (const [i, s] of all.entries()) {
      assert.equal(s.apply(1_700_000_000_000 + i, 0x80000000 + i, 0xffffffff - i, DEFAULT_CUT_POLICY, NaN), APPLIED);
      s.pendStamp = i + 1;
      s.pendHi = 0xfffffffe;
      s.dbMaxT = -i;
    }
    series(cols, 1000); // one more row: the columns grow again
    for (const [i, s] of all.entries()) {
      assert.equal(s.lastT, 1_700_000_000_000 + i);
      assert.equal(s.minT, s.lastT);
      assert.equal(s.headMaxT, s.lastT);
      assert.equal(s.lastHi, 0x80000000 + i, 'a uint32 word round-trips');
      assert.equal(s.lastLo, 0xffffffff - i);
      assert.equal(s.pendStamp, i + 1);
      assert.equal(s.pendHi, 0xfffffffe);
      assert.equal(s.dbMaxT, -i);
    }
    assert.equal(cols.rowsInUse(), 1001);
  });

  it('reuses the row of a detached series, which then cannot touch its successor', () => {
    const cols = new HeadColumns(4);
    const gone = series(cols, 1);
    gone.apply(5000, 1, 2, DEFAULT_CUT_POLICY, NaN);
    gone.dropHead();
    gone.detach();
    assert.equal(cols.rowsInUse(), 0);
    const next = series(cols, 2);
    assert.equal(cols.rowsInUse(), 1);
    assert.equal(next.lastT, -Infinity, 'the reused row starts from the defaults');
    gone.pendT = 123; // a late write through the dropped series (an appender still holding it)
    gone.lastT = 999;
    assert.equal(next.pendT, 0);
    assert.equal(next.lastT, -Infinity);
    cols.free(DETACHED_ROW); // never handed out, so never freed either
    assert.equal(cols.rowsInUse(), 1);
  });
});

describe('HeadSeries with the shared head appender', () => {
  it('encodes interleaved series across cuts and restores exactly what each was given', () => {
    const rand = mulberry32(7);
    const cols = new HeadColumns(8);
    const cut = { maxSamples: 37, maxRangeMs: 3_600_000 };
    const all = Array.from({ length: 40 }, (_, i) => series(cols, i));
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
    for (const [i, s] of all.entries()) {
      const got: Array<[number, number, number]> = [];
      const it = new XorIterator();
      for (const c of [...s.closed.map((c) => c.data), s.headSnapshot()]) {
        it.reset(c);
        assert.equal(it.err(), null);
        while (it.next()) got.push([it.atT(), it.atVHi(), it.atVLo()]);
      }
      assert.deepEqual(got, want[i], `series ${i}: every sample's timestamp and value bits`);
    }
  });
});
