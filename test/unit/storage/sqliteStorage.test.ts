import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStorage, SqliteStorage } from '../../../src/storage/sqliteStorage.ts';
import type { SampleIterator, Storage } from '../../../src/storage/interface.ts';
import { Matcher } from '../../../src/storage/matcher.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { runQuerierSuite } from './querierSuite.ts';
import { SCHEMA_VERSION } from '../../../src/storage/schema.ts';
import { headColumns } from '../../../src/storage/headColumns.ts';
import { headChunkArena } from '../../../src/storage/chunkArena.ts';
import { logRecords } from './logFiles.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-sqlite-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(root, `db${++n}`);

// Small chunks so the suite's data spans the chunks table, cut chunks and the head.
const cutPolicy = { maxSamples: 40, maxRangeMs: 2 * 3600_000 };
const open = (dir = freshDir()) => openStorage({ path: dir, schedule: false, cutPolicy });

runQuerierSuite({ name: 'SqliteStorage (head + cut chunks)', open: () => open() });
runQuerierSuite({
  name: 'SqliteStorage (compacted)',
  open: () => open(),
  settle: (s: Storage) => {
    (s as SqliteStorage).compact();
    return s;
  },
});
runQuerierSuite({
  name: 'SqliteStorage (replayed after reopen, no compaction)',
  open: () => openStorage({ path: freshDir(), schedule: false, cutPolicy, maxAppendLogBytes: Infinity }),
  settle: (s: Storage) => {
    const dir = path.dirname((s as SqliteStorage).dbPath);
    // Simulate a crash: close the handle without the compaction close() does.
    (s as SqliteStorage).db.close();
    return open(dir);
  },
});
runQuerierSuite({
  name: 'SqliteStorage (chunks written without checkpoint, then crash and idempotent replay)',
  open: () => openStorage({ path: freshDir(), schedule: false, cutPolicy, maxAppendLogBytes: Infinity }),
  settle: (s: Storage) => {
    const st = s as SqliteStorage;
    st.compact();
    assert.ok(logRecords(path.dirname(st.dbPath)).length > 0, 'log kept');
    st.db.close();
    return open(path.dirname(st.dbPath));
  },
});
runQuerierSuite({
  name: 'SqliteStorage (compacted, appended more, reopened)',
  open: () => open(),
  settle: (s: Storage) => {
    const dir = path.dirname((s as SqliteStorage).dbPath);
    s.close();
    return open(dir);
  },
});

runQuerierSuite({
  name: 'SqliteStorage (tiny chunks packed by stage-two compaction)',
  open: () => openStorage({ path: freshDir(), schedule: false, cutPolicy: { maxSamples: 8, maxRangeMs: 3600_000 } }),
  settle: (s: Storage) => {
    (s as SqliteStorage).compact();
    return s;
  },
});

// 300 samples in chunks of 8: packed runs, staged chunks (live and moved) and the head.
const tiny = { maxSamples: 8, maxRangeMs: 3600_000 };
runQuerierSuite({
  name: 'SqliteStorage (tiny chunks, staged and packed, crash and reopen)',
  open: () => openStorage({ path: freshDir(), schedule: false, cutPolicy: tiny, maxAppendLogBytes: Infinity }),
  settle: (s: Storage) => {
    const dir = path.dirname((s as SqliteStorage).dbPath);
    (s as SqliteStorage).db.close();
    return openStorage({ path: dir, schedule: false, cutPolicy: tiny });
  },
});
runQuerierSuite({
  name: 'SqliteStorage (tiny chunks, staged ones moved at compaction as idle)',
  open: () => openStorage({ path: freshDir(), schedule: false, cutPolicy: tiny, stagedIdleMs: 0 }),
  settle: (s: Storage) => {
    (s as SqliteStorage).compact();
    return s;
  },
});
runQuerierSuite({
  name: 'SqliteStorage (tiny chunks, closed and reopened: staged rows rewritten)',
  open: () => openStorage({ path: freshDir(), schedule: false, cutPolicy: tiny }),
  settle: (s: Storage) => {
    const dir = path.dirname((s as SqliteStorage).dbPath);
    s.close();
    return openStorage({ path: dir, schedule: false, cutPolicy: tiny });
  },
});

describe('SqliteStorage', () => {
  it('packs runs of closed chunks into stage-two rows during compaction', () => {
    const s = openStorage({ path: freshDir(), schedule: false, cutPolicy: { maxSamples: 8, maxRangeMs: 3600_000 } });
    const a = s.appender();
    for (let i = 0; i < 200; i++) a.append(0, Labels.fromObject({ __name__: 'g' }), i * 1000, i / 4);
    a.commit();
    s.compact();
    const packed = s.db.prepare("SELECT COUNT(*) FROM chunks WHERE substr(data, 1, 2) = x'0000'").pluck().get() as number;
    assert.equal(packed, 3, '24 closed chunks of 8 samples -> 3 runs of 8');
    s.close();
  });

  it('gives a query heads that later appends, cuts and reuse of their memory do not change', () => {
    const s = openStorage({ path: freshDir(), schedule: false, cutPolicy: { maxSamples: 10, maxRangeMs: 3600_000 } });
    const series = Array.from({ length: 50 }, (_, k) => Labels.fromObject({ __name__: 'g', k: String(k) }));
    const refs = series.map(() => 0);
    const appendRound = (i: number, value: (k: number) => number) => {
      const a = s.appender();
      for (let k = 0; k < series.length; k++) refs[k] = a.append(refs[k], series[k], i * 1000, value(k));
      a.commit();
    };
    for (let i = 0; i < 15; i++) appendRound(i, (k) => k * 100 + i); // heads hold samples 10..14
    const set = s.querier(0, 1_000_000).select([new Matcher('=', '__name__', 'g')]);
    const its: SampleIterator[] = [];
    while (set.next()) its.push(set.at().iterator());
    // Cut every head (its arena slot is freed) and fill new heads with other values, reusing those slots.
    for (let i = 15; i < 40; i++) appendRound(i, (k) => -k - i);
    for (const it of its) {
      const seen: Array<[number, number]> = [];
      while (it.next()) seen.push([it.atT(), it.atV()]);
      assert.equal(it.err(), null);
      const k = seen[0][1] / 100;
      assert.deepEqual(seen, Array.from({ length: 15 }, (_, i) => [i * 1000, k * 100 + i]));
    }
    assert.equal(its.length, 50);
    s.close();
  });

  it('gives its head rows and arena slots back on close; a deleted series held by an appender touches no other series', () => {
    const rows = headColumns.rowsInUse();
    const slots = headChunkArena.slotsInUse;
    const dir = freshDir();
    const s = openStorage({ path: dir, schedule: false, cutPolicy: { maxSamples: 10, maxRangeMs: 3600_000 } });
    const gone = Labels.fromObject({ __name__: 'gone' });
    const kept = Labels.fromObject({ __name__: 'kept' });
    const a = s.appender();
    for (let i = 0; i < 25; i++) {
      a.append(0, gone, i * 1000, i);
      a.append(0, kept, i * 1000, -i);
    }
    a.commit();
    const late = s.appender();
    late.append(0, gone, 30_000, 30); // holds the series across its deletion
    assert.equal(s.deleteSeries([new Matcher('=', '__name__', 'gone')]), 1);
    const fresh = s.appender(); // a new series may take the row (and slots) the deleted one gave back
    for (let i = 0; i < 25; i++) fresh.append(0, Labels.fromObject({ __name__: 'new' }), i * 1000, 100 + i);
    fresh.commit();
    late.commit(); // its sample is skipped: the series it was for is gone
    const read = (name: string, store: Storage = s) => {
      const set = store.querier(0, 1e9).select([new Matcher('=', '__name__', name)]);
      const out: number[] = [];
      while (set.next()) for (const it = set.at().iterator(); it.next(); ) out.push(it.atV());
      return out;
    };
    assert.deepEqual(read('gone'), []);
    assert.deepEqual(read('kept'), Array.from({ length: 25 }, (_, i) => -i));
    assert.deepEqual(read('new'), Array.from({ length: 25 }, (_, i) => 100 + i));
    assert.equal(headColumns.rowsInUse(), rows + 2);
    s.close();
    assert.equal(headColumns.rowsInUse(), rows);
    assert.equal(headChunkArena.slotsInUse, slots);
    const again = openStorage({ path: dir, schedule: false });
    assert.deepEqual(read('new', again), Array.from({ length: 25 }, (_, i) => 100 + i));
    assert.deepEqual(read('kept', again), Array.from({ length: 25 }, (_, i) => -i));
    again.close();
  });

  it('stores the database at <dir>/promlite.db in WAL mode with a schema version', () => {
    const dir = freshDir();
    const s = open(dir);
    assert.equal(s.dbPath, path.join(dir, 'promlite.db'));
    assert.equal(s.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(s.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    s.close();
  });
});
