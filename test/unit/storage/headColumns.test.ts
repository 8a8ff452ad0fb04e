import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DETACHED_ROW, HeadColumns } from '../../../src/storage/headColumns.ts';
import { HeadSeries, DEFAULT_CUT_POLICY, APPLIED } from '../../../src/storage/headSeries.ts';
import { Labels } from '../../../src/storage/labels.ts';

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
