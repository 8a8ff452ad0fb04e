/**
 * Staged chunks (packing.ts): a cut chunk goes into one of its series' slots in staged_chunks,
 * stage two moves full runs (and the runs of idle series) into `chunks`, packed, and a moved
 * row waits in its slot until a later cut overwrites it. Every sample must read back exactly
 * once at every step, across failed writes, crashes, reopening, deletion, retention and
 * files written before staged_chunks existed (schema version 2).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openStorage, type OpenStorageOptions, type SqliteStorage } from '../../../src/storage/sqliteStorage.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';
import { ManualClock } from '../../../src/clock.ts';
import { SCHEMA_VERSION } from '../../../src/storage/schema.ts';
import { stagedSlotOf } from '../../../src/storage/packing.ts';
import { XorChunk } from '../../../src/storage/xorChunk.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-staged-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => path.join(root, `db${++dirs}`);

const T0 = 1_000_000;
const STEP = 1000;
const tAt = (i: number) => T0 + i * STEP;
/** Ten samples per chunk: cut k (k = 1, 2, ...) happens at sample 10k; PACK_CHUNKS = 8 cuts make a run. */
const cutPolicy = { maxSamples: 10, maxRangeMs: 3600_000 };
const open = (dir: string, opts: Partial<OpenStorageOptions> = {}) => openStorage({ path: dir, schedule: false, cutPolicy, ...opts });
const M = (name: string) => new Matcher('=', '__name__', name);
const L = (name: string) => Labels.fromObject({ __name__: name });
const value = (name: string, i: number) => (name.length % 5) * 1000 + i * 0.25;

/** Appends samples [from, to) of each named series, one commit per timestamp (one scrape). */
function fill(s: SqliteStorage, names: string[], from: number, to: number, v = value): void {
  for (let i = from; i < to; i++) {
    const a = s.appender();
    for (const name of names) a.append(0, L(name), tAt(i), v(name, i));
    a.commit();
  }
}

/** [t, v] of a series within [mint, maxt], read through the batched path or (labelsOnly) the single-series one. */
function read(s: SqliteStorage, name: string, mint = -Infinity, maxt = Infinity, labelsOnly = false): Array<[number, number]> {
  const q = s.querier(mint, maxt);
  const set = q.select([M(name)], { labelsOnly });
  const out: Array<[number, number]> = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next()) out.push([it.atT(), it.atV()]);
    assert.equal(it.err(), null);
  }
  assert.equal(set.err(), null);
  q.close();
  return out;
}

function expected(name: string, from: number, to: number, v = value): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = from; i < to; i++) out.push([tAt(i), v(name, i)]);
  return out;
}

/** Checks every sample [0, n) of the series reads back once, over the whole range and a few windows, both read paths. */
function assertReads(s: SqliteStorage, name: string, n: number, skip: (i: number) => boolean = () => false, v = value): void {
  const want = expected(name, 0, n, v).filter((_, i) => !skip(i));
  assert.deepEqual(read(s, name), want, `${name}: all samples`);
  assert.deepEqual(read(s, name, -Infinity, Infinity, true), want, `${name}: all samples (single-series read)`);
  for (const [a, b] of [
    [5, 17],
    [19, 41],
    [n - 25, n - 3],
    [n - 2, n + 5],
  ]) {
    const w = want.filter(([t]) => t >= tAt(a) && t <= tAt(b));
    assert.deepEqual(read(s, name, tAt(a), tAt(b)), w, `${name}: window [${a}, ${b}]`);
    assert.deepEqual(read(s, name, tAt(a), tAt(b), true), w, `${name}: window [${a}, ${b}] (single-series read)`);
  }
}

function seriesId(s: SqliteStorage, name: string): number {
  return s.db.prepare("SELECT id FROM series WHERE labels = ?").pluck().get(JSON.stringify(['__name__', name])) as number;
}

/** Rows of a series: in chunks, in staged_chunks (all), and live there (after its newest chunks row). */
function rows(s: SqliteStorage, name: string): { chunks: number; packed: number; staged: number; live: number } {
  const id = seriesId(s, name);
  const chunksMax = (s.db.prepare('SELECT MAX(max_t) FROM chunks WHERE series_id = ?').pluck().get(id) as number | null) ?? -Infinity;
  return {
    chunks: s.db.prepare('SELECT COUNT(*) FROM chunks WHERE series_id = ?').pluck().get(id) as number,
    packed: s.db.prepare("SELECT COUNT(*) FROM chunks WHERE series_id = ? AND substr(data, 1, 2) = x'0000' AND substr(data, 3, 1) <> x'03'").pluck().get(id) as number,
    staged: s.db.prepare('SELECT COUNT(*) FROM staged_chunks WHERE series_id = ?').pluck().get(id) as number,
    live: s.db.prepare('SELECT COUNT(*) FROM staged_chunks WHERE series_id = ? AND min_t > ?').pluck().get(id, chunksMax) as number,
  };
}

/** A crash: the handle goes without the compaction and rewrite close() does. */
function crash(s: SqliteStorage): string {
  const dir = path.dirname(s.dbPath);
  s.db.close();
  return dir;
}

describe('staged chunks', () => {
  it('stages the chunk a commit cuts, and reads see every sample once before, at and after the pack', () => {
    const s = open(freshDir());
    try {
      const names = ['a', 'bb'];
      let done = 0;
      for (const [to, packed, live] of [
        [10, 0, 0],
        [11, 0, 1], // first cut
        [36, 0, 3],
        [71, 0, 7], // seven staged chunks
        [80, 0, 7],
        [81, 1, 0], // the eighth cut packs the run; the chunk completing it never goes through a slot
        [125, 1, 4],
        [161, 2, 0],
        [203, 2, 4],
      ] as const) {
        fill(s, names, done, to);
        done = to;
        for (const name of names) {
          const r = rows(s, name);
          assert.equal(r.packed, packed, `${name} at ${to}: packed rows`);
          assert.equal(r.chunks, packed, `${name} at ${to}: only packed rows in chunks`);
          assert.equal(r.live, live, `${name} at ${to}: live staged rows`);
          assert.ok(r.staged <= 8, `${name} at ${to}: at most one row per slot (${r.staged})`);
          assertReads(s, name, to);
        }
      }
      // A wave's rows are neighbours: both series' chunks of a cut share a slot.
      const slots = s.db.prepare('SELECT series_id, min_t, id FROM staged_chunks ORDER BY min_t, series_id').all() as Array<{ min_t: number; id: number }>;
      for (let i = 0; i + 1 < slots.length; i += 2) {
        assert.equal(slots[i].min_t, slots[i + 1].min_t);
        assert.equal(stagedSlotOf(slots[i].id), stagedSlotOf(slots[i + 1].id));
      }
      assert.equal(s.packer.slotConflicts, 0);
    } finally {
      s.close();
    }
  });

  it('packs a run and retires its staged rows in one transaction: a failed pack leaves the run staged', () => {
    const s = open(freshDir(), { flushClosedChunks: Infinity });
    try {
      fill(s, ['a'], 0, 80); // seven staged
      s.db.exec(`CREATE TRIGGER no_chunks BEFORE INSERT ON chunks BEGIN SELECT RAISE(FAIL, 'disk full (test)'); END`);
      fill(s, ['a'], 80, 81); // the eighth cut: the pack fails
      assert.deepEqual(rows(s, 'a'), { chunks: 0, packed: 0, staged: 7, live: 7 });
      assert.equal(s.numMemChunks(), 2, 'the cut chunk waits in memory beside the head');
      assertReads(s, 'a', 81);
      fill(s, ['a'], 81, 95);
      assertReads(s, 'a', 95);
      s.db.exec('DROP TRIGGER no_chunks');
      s.compact();
      const r = rows(s, 'a');
      assert.equal(r.packed, 1);
      assert.equal(r.live, 1, 'the ninth chunk is staged after the packed run');
      assertReads(s, 'a', 95);
      fill(s, ['a'], 95, 181);
      assertReads(s, 'a', 181);
      assert.equal(s.packer.slotConflicts, 0);
    } finally {
      s.close();
    }
  });

  it('a failed write of a cut leaves the staged count and slot as they were', () => {
    const s = open(freshDir(), { flushClosedChunks: Infinity });
    try {
      fill(s, ['a'], 0, 45);
      s.db.exec(`CREATE TRIGGER no_staged BEFORE INSERT ON staged_chunks BEGIN SELECT RAISE(FAIL, 'disk full (test)'); END`);
      fill(s, ['a'], 45, 75); // three cuts fail
      s.db.exec('DROP TRIGGER no_staged');
      assert.equal(rows(s, 'a').live, 4);
      s.compact();
      assert.equal(rows(s, 'a').live, 7);
      fill(s, ['a'], 75, 200);
      assertReads(s, 'a', 200);
      assert.equal(s.packer.slotConflicts, 0, 'no cut aimed at a live slot');
    } finally {
      s.close();
    }
  });

  it('survives a crash after a cut (stale head checkpoint) and after a pack, and keeps going', () => {
    let dir = freshDir();
    let s = open(dir, { maxAppendLogBytes: Infinity });
    fill(s, ['a', 'bb'], 0, 15);
    s.compact({ checkpoint: true }); // head_chunks holds samples 10..14
    fill(s, ['a', 'bb'], 15, 25); // cut at 20: that head row is now older than a staged chunk
    dir = crash(s);
    s = open(dir, { maxAppendLogBytes: Infinity });
    assertReads(s, 'a', 25);
    assertReads(s, 'bb', 25);
    fill(s, ['a', 'bb'], 25, 81); // packs the first run
    assert.equal(rows(s, 'a').packed, 1);
    dir = crash(s);
    s = open(dir, { maxAppendLogBytes: Infinity });
    assertReads(s, 'a', 81);
    assert.equal(rows(s, 'a').live, 0, 'the moved rows wait in their slots, not live');
    fill(s, ['a', 'bb'], 81, 250);
    assertReads(s, 'a', 250);
    assertReads(s, 'bb', 250);
    assert.equal(s.packer.slotConflicts, 0, 'the reopened store aims its cuts at the slots it left');
    s.close();
    s = open(dir);
    assertReads(s, 'a', 250);
    s.close();
  });

  it('moves the staged chunks of a series idle for stagedIdleMs at compaction, as a short packed run', () => {
    const dir = freshDir();
    let s = open(dir, { stagedIdleMs: 30_000 });
    fill(s, ['a', 'bb'], 0, 35); // 3 staged chunks each, heads of 5
    fill(s, ['bb'], 35, 95); // a stops; bb goes on (one run packed, one chunk staged)
    s.compact();
    assert.deepEqual(rows(s, 'a'), { chunks: 1, packed: 1, staged: 3, live: 0 }, 'a: its three chunks moved as one packed row');
    assert.equal(rows(s, 'bb').live, 1, 'bb: still live, its run not complete, not moved');
    assertReads(s, 'a', 35);
    assertReads(s, 'bb', 95);
    // a comes back: new runs start after the moved one.
    fill(s, ['a'], 35, 95);
    fill(s, ['a', 'bb'], 95, 140);
    s.compact();
    assertReads(s, 'a', 140);
    s.close();
    s = open(dir);
    assertReads(s, 'a', 140);
    assertReads(s, 'bb', 140);
    s.close();
  });

  it('with a clock behind the data, idle is measured up to now, so nothing moves early', () => {
    const s = open(freshDir(), { stagedIdleMs: 30_000, clock: new ManualClock(0) });
    try {
      fill(s, ['a', 'bb'], 0, 35);
      fill(s, ['bb'], 35, 200);
      s.compact();
      assert.equal(rows(s, 'a').live, 3);
    } finally {
      s.close();
    }
  });

  it('deleteSeries of staged samples removes them for good (reopen, later packs)', () => {
    const dir = freshDir();
    let s = open(dir);
    fill(s, ['a', 'bb', 'ccc'], 0, 125); // a packed run, four staged chunks, a head
    const gone = (i: number) => i >= 85 && i <= 102;
    assert.equal(s.deleteSeries([M('a')], tAt(85), tAt(102)), 1);
    assertReads(s, 'a', 125, gone);
    // Across the newest packed row and the staged ones (moved rows of that run must not come back).
    const gone2 = (i: number) => i >= 60 && i <= 90;
    s.deleteSeries([M('bb')], tAt(60), tAt(90));
    assertReads(s, 'bb', 125, gone2);
    s.deleteSeries([M('ccc')]);
    assert.deepEqual(read(s, 'ccc'), []);
    assert.equal(s.db.prepare('SELECT COUNT(*) FROM staged_chunks WHERE series_id NOT IN (SELECT id FROM series)').pluck().get(), 0);
    fill(s, ['a', 'bb'], 125, 260);
    assertReads(s, 'a', 260, gone);
    assertReads(s, 'bb', 260, gone2);
    const d = crash(s);
    s = open(d);
    assertReads(s, 'a', 260, gone);
    assertReads(s, 'bb', 260, gone2);
    s.close();
    s = open(dir);
    assertReads(s, 'bb', 260, gone2);
    assert.equal(s.packer.slotConflicts, 0);
    s.close();
  });

  it('retention drops staged chunks like stored ones, and moved rows do not come back', () => {
    const dir = freshDir();
    const clock = new ManualClock(tAt(200));
    let s = open(dir, { clock });
    fill(s, ['a', 'bb'], 0, 125); // a run of 8 packed (0..79), staged 80..119, heads 120..124
    fill(s, ['ccc'], 0, 75); // staged 0..69 (no run yet), head 70..74
    s.setRetention({ timeMs: tAt(200) - tAt(101) });
    const r = s.runRetention();
    // a and bb: the packed row and the staged chunks 80..89, 90..99; ccc: seven staged chunks and its head.
    assert.deepEqual(r, { deletedChunks: 3 + 3 + 8, deletedSeries: 1 });
    const kept = (i: number) => i < 100;
    assertReads(s, 'a', 125, kept);
    assertReads(s, 'bb', 125, kept);
    assert.deepEqual(read(s, 'ccc'), []);
    assert.deepEqual(rows(s, 'a'), { chunks: 0, packed: 0, staged: 2, live: 2 }, 'a: the moved rows of its first run went too');
    const d = crash(s);
    s = open(d, { clock });
    assertReads(s, 'a', 125, kept);
    assert.deepEqual(read(s, 'ccc'), []);
    fill(s, ['a', 'bb'], 125, 250);
    assertReads(s, 'a', 250, kept);
    s.close();
    s = open(dir, { clock });
    assertReads(s, 'a', 250, kept);
    assertReads(s, 'bb', 250, kept);
    assert.equal(s.packer.slotConflicts, 0);
    s.close();
  });

  it('close keeps only the live staged rows, in a table of the same definition', () => {
    const dir = freshDir();
    let s = open(dir);
    const table = () => s.db.prepare("SELECT name, type, pk, \"notnull\" FROM pragma_table_info('staged_chunks')").all();
    const before = table();
    fill(s, ['a', 'bb'], 0, 125);
    assert.equal(rows(s, 'a').staged, 7 + 4 - 3, 'slots 0-6 then 7, 0, 1 (overwritten), 2 with the moved rows of the first run');
    s.close();
    s = open(dir);
    assert.deepEqual(table(), before);
    assert.deepEqual(rows(s, 'a'), { chunks: 1, packed: 1, staged: 4, live: 4 });
    assert.equal(s.db.pragma('integrity_check', { simple: true }), 'ok');
    assertReads(s, 'a', 125);
    fill(s, ['a', 'bb'], 125, 300);
    assertReads(s, 'a', 300);
    assertReads(s, 'bb', 300);
    assert.equal(s.packer.slotConflicts, 0);
    s.close();
  });

  it('a staged count gone wrong never overwrites a live row: the slot write refuses and the rows move first', () => {
    const s = open(freshDir());
    try {
      fill(s, ['a'], 0, 65); // six staged
      const h = s.byId.get(seriesId(s, 'a'))!;
      h.stagedRows = 0;
      h.stagedSlot = 0; // would overwrite the first live row
      fill(s, ['a'], 65, 75);
      assert.ok(s.packer.slotConflicts > 0);
      assertReads(s, 'a', 75);
      fill(s, ['a'], 75, 200);
      assertReads(s, 'a', 200);
    } finally {
      s.close();
    }
  });

  it('a cut wave writes about the bytes of its chunks, not a page per series', () => {
    const s = open(freshDir(), { maxAppendLogBytes: Infinity });
    try {
      const names = Array.from({ length: 2000 }, (_, k) => `s${k}`);
      // Random-looking values: packed rows of ~700 bytes, so `chunks` has a leaf per few series.
      const v = (name: string, i: number) => Math.sin(i * 7919 + name.length * 31 + Number(name.slice(1))) * 1e6;
      const commit = (i: number) => {
        const a = s.appender();
        for (const name of names) a.append(0, L(name), tAt(i), v(name, i));
        a.commit();
      };
      for (let i = 0; i < 170; i++) commit(i); // 16 cuts: two packed runs each
      const leaves = s.db.prepare("SELECT COUNT(*) FROM dbstat WHERE name = 'chunks' AND pagetype = 'leaf'").pluck().get() as number;
      assert.ok(leaves > 300, `chunks spans ${leaves} leaves`);
      for (let i = 170; i < 180; i++) commit(i);
      s.db.pragma('wal_checkpoint(TRUNCATE)');
      s.db.pragma('wal_autocheckpoint = 0');
      const wal = s.dbPath + '-wal';
      commit(180); // the 18th cut of every series, written as staged rows (one commit of 2000 cuts)
      const written = fs.statSync(wal).size;
      const rowBytes = s.db.prepare('SELECT SUM(length(data)) FROM staged_chunks WHERE min_t = ?').pluck().get(tAt(170)) as number;
      s.db.pragma('wal_autocheckpoint = 1000');
      assert.ok(rowBytes > 100_000, `the wave is ${rowBytes} bytes of chunks`);
      assert.ok(written < 2 * rowBytes + 16 * 8192, `the cut wave wrote ${written} bytes to the WAL for ${rowBytes} bytes of chunks (a page per series would be ${2000 * 8192})`);
      assertReads(s, 's7', 181, () => false, v);
    } finally {
      s.close();
    }
  });
});

describe('staged chunks: files of schema version 2', () => {
  /** What the fixtures hold (fixtures/README.md; cut policy 10 samples, t = T0 + i * STEP). */
  const v2 = [
    { name: 'decimals', n: 125, v: (i: number) => i * 0.25, staged: 4 },
    { name: 'floats', n: 97, v: (i: number) => Math.sin(i) * 1e3, staged: 1 },
    { name: 'short', n: 35, v: (i: number) => i, staged: 3 },
    { name: 'with_st', n: 118, v: (i: number) => i * 2, staged: 3, st: 500_000 },
  ];
  const copyFixture = (name: string): string => {
    const dir = freshDir();
    fs.cpSync(path.join(fixtures, name), dir, { recursive: true });
    return dir;
  };
  const assertV2Reads = (s: SqliteStorage, upTo = (n: number) => n) => {
    for (const x of v2) {
      const n = upTo(x.n);
      assertReads(s, x.name, n, () => false, (_, i) => x.v(i));
      if (x.st !== undefined) {
        const q = s.querier(-Infinity, Infinity);
        const set = q.select([M(x.name)]);
        assert.ok(set.next());
        const it = set.at().iterator();
        let k = 0;
        while (it.next()) {
          assert.equal(it.atST?.(), x.st);
          k++;
        }
        assert.equal(k, n);
        q.close();
      }
    }
  };

  it('opens a cleanly closed version 2 file: its unpacked XOR rows become staged, and later runs pack them', () => {
    const dir = copyFixture('v2-closed');
    let s = open(dir);
    assert.equal(s.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    for (const x of v2) {
      const r = rows(s, x.name);
      assert.equal(r.live, x.staged, `${x.name}: XOR rows after its last packed row staged`);
      assert.equal(r.staged, x.staged);
      assert.equal(r.chunks, x.name === 'short' ? 0 : 1, `${x.name}: the packed row stays`);
    }
    assertV2Reads(s);
    // Enough samples for every series to complete a run with the migrated chunks.
    for (let i = 0; i < 120; i++) {
      const a = s.appender();
      for (const x of v2) a.append(0, L(x.name), tAt(x.n + i), x.v(x.n + i), x.st);
      a.commit();
    }
    // Twelve more cuts each: decimals packs 4 migrated + 4 new, then 8 new; the others one run each.
    const runs = Object.fromEntries(v2.map((x) => [x.name, s.db.prepare('SELECT min_t FROM chunks WHERE series_id = ? ORDER BY min_t').pluck().all(seriesId(s, x.name))]));
    assert.deepEqual(runs, {
      decimals: [tAt(0), tAt(80), tAt(160)],
      floats: [tAt(0), tAt(80)],
      short: [tAt(0)],
      with_st: [tAt(0), tAt(80)],
    });
    assertV2Reads(s, (n) => n + 120);
    s.close();
    s = open(dir);
    assertV2Reads(s, (n) => n + 120);
    s.close();
  });

  it('opens a version 2 store that was killed: WAL and log segments replay on top of the migration', () => {
    const dir = copyFixture('v2-killed');
    let s = open(dir);
    assert.equal(s.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(s.db.pragma('integrity_check', { simple: true }), 'ok');
    assertV2Reads(s);
    fill(s, ['decimals'], 125, 300, (_, i) => i * 0.25);
    s.close();
    s = open(dir);
    assertReads(s, 'decimals', 300, () => false, (_, i) => i * 0.25);
    s.close();
  });

  it('leaves in chunks the XOR rows beyond the seven newest after a version 2 series\' last packed row', () => {
    const dir = freshDir();
    let s = open(dir);
    s.close();
    // A version 2 layout by hand: nine XOR rows of one series, nothing packed.
    const db = new Database(path.join(dir, 'promlite.db'));
    db.exec('DROP TABLE staged_chunks');
    db.prepare('INSERT INTO series (id, labels) VALUES (1, ?)').run(JSON.stringify(['__name__', 'nine']));
    db.prepare("INSERT INTO postings (name, value, series_id) VALUES ('__name__', 'nine', 1)").run();
    for (let k = 0; k < 9; k++) {
      const c = new XorChunk();
      const app = c.appender();
      for (let i = k * 10; i < k * 10 + 10; i++) app.append(tAt(i), value('nine', i));
      db.prepare('INSERT INTO chunks (series_id, min_t, max_t, data) VALUES (1, ?, ?, ?)').run(tAt(k * 10), tAt(k * 10 + 9), c.bytes());
    }
    db.pragma('user_version = 2');
    db.close();
    s = open(dir);
    assert.deepEqual(rows(s, 'nine'), { chunks: 2, packed: 0, staged: 7, live: 7 });
    assertReads(s, 'nine', 90);
    fill(s, ['nine'], 90, 101); // the eighth staged chunk completes a run of the migrated ones
    assert.equal(rows(s, 'nine').packed, 1);
    assertReads(s, 'nine', 101);
    s.close();
  });
});
