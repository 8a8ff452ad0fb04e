import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { decodeSts, encodeSts, isStChunk, splitChunk, StColumn, wrapStChunk } from '../../../src/storage/startTimestamps.ts';
import { XorChunk } from '../../../src/storage/xorChunk.ts';
import { isPacked, packChunks, PackedDecoder, unpackToXor } from '../../../src/storage/packedChunk.ts';
import { ChunkDecoder } from '../../../src/storage/chunkDecoder.ts';
import { openStorage, type SqliteStorage } from '../../../src/storage/sqliteStorage.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';
import { SCHEMA_VERSION } from '../../../src/storage/schema.ts';
import { logRecords } from './logFiles.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-st-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => path.join(root, `db${++dirs}`);

/** Samples: increasing timestamps and STs that are constant, T - d, arbitrary or missing. */
const samplesArb = fc
  .tuple(
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.array(
      fc.tuple(
        fc.oneof(fc.constant(15_000), fc.integer({ min: 1, max: 10 ** 6 })),
        fc.oneof(
          fc.constant<'same' | 'delta' | 'none'>('same'),
          fc.constant<'same' | 'delta' | 'none'>('delta'),
          fc.constant<'same' | 'delta' | 'none'>('none'),
          fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
        ),
        fc.double(),
      ),
      { minLength: 1, maxLength: 300 },
    ),
  )
  .map(([start, steps]) => {
    const ts: number[] = [];
    const sts: Array<number | undefined> = [];
    const vs: number[] = [];
    let t = start;
    let prevSt: number | undefined = t - 1000;
    let prevT = t;
    for (const [dt, kind, v] of steps) {
      t += dt;
      let st: number | undefined;
      if (kind === 'same') st = prevSt ?? t - 5;
      else if (kind === 'delta') st = prevSt === undefined ? t - 60_000 : t - (prevT - prevSt);
      else if (kind === 'none') st = undefined;
      else st = t - kind;
      ts.push(t);
      sts.push(st);
      vs.push(v);
      if (st !== undefined) prevSt = st;
      prevT = t;
    }
    return { ts, sts, vs };
  });

const toF64 = (xs: Array<number | undefined>) => Float64Array.from(xs, (x) => (x === undefined ? NaN : x));
const fromF64 = (xs: Float64Array, n: number) => Array.from(xs.subarray(0, n), (x) => (Number.isNaN(x) ? undefined : x));

function xorChunk(ts: number[], vs: number[]): Uint8Array {
  const c = new XorChunk();
  const a = c.appender();
  ts.forEach((t, i) => a.append(t, vs[i]));
  return c.bytes().slice();
}

describe('start timestamps: codec', () => {
  it('ST stream round-trips; resuming a column from its bytes encodes like one pass (property)', () => {
    fc.assert(
      fc.property(samplesArb, fc.nat(), ({ ts, sts }, cutAt) => {
        const n = ts.length;
        const t = Float64Array.from(ts);
        const st = toF64(sts);
        const stream = encodeSts(t, st, n);
        if (sts.every((x) => x === undefined)) {
          assert.equal(stream, null);
          return;
        }
        const out = new Float64Array(n);
        decodeSts(stream!, t, n, out);
        assert.deepEqual(fromF64(out, n), sts);
        // Append k samples, serialise, restore, append the rest.
        const k = cutAt % (n + 1);
        const first = new StColumn();
        for (let i = 0; i < k; i++) first.append(ts[i], st[i]);
        const resumed = k === 0 ? new StColumn() : StColumn.fromBytes(first.bytes(), t, k);
        for (let i = k; i < n; i++) resumed.append(ts[i], st[i]);
        assert.deepEqual(resumed.bytes(), stream);
      }),
      { numRuns: 300 },
    );
  });

  it('steady series cost a few bytes per chunk', () => {
    const t = Float64Array.from({ length: 120 }, (_, i) => 1.7e12 + i * 15_000);
    assert.ok(encodeSts(t, new Float64Array(120).fill(1.7e12 - 3_600_000), 120)!.length <= 6, 'constant ST');
    assert.ok(encodeSts(t, t.map((x) => x - 60_000), 120)!.length <= 6, 'T - 1m');
  });

  it('wrapped and packed chunks keep STs through ChunkDecoder (property)', () => {
    fc.assert(
      fc.property(samplesArb, fc.integer({ min: 1, max: 120 }), ({ ts, sts, vs }, per) => {
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < ts.length; i += per) {
          const end = Math.min(ts.length, i + per);
          const x = xorChunk(ts.slice(i, end), vs.slice(i, end));
          const stream = encodeSts(Float64Array.from(ts.slice(i, end)), toF64(sts.slice(i, end)), end - i);
          chunks.push(stream === null ? x : wrapStChunk(x, stream));
        }
        const d = new ChunkDecoder();
        const got: Array<number | undefined> = [];
        for (const c of chunks) {
          assert.equal(isPacked(c), false);
          d.decode(c);
          for (let i = 0; i < d.n; i++) got.push(d.sts === null ? undefined : fromF64(d.sts, d.n)[i]);
        }
        assert.deepEqual(got, sts);
        const packed = packChunks(chunks);
        assert.equal(isPacked(packed), true);
        d.decode(packed);
        assert.deepEqual(Array.from(d.ts.subarray(0, d.n)), ts);
        assert.deepEqual(d.sts === null ? ts.map(() => undefined) : fromF64(d.sts, d.n), sts);
        assert.deepEqual(Array.from(d.vs.subarray(0, d.n)), vs);
        // Unpacked back to chunks: STs survive, chunks without any stay plain XOR.
        const back: Array<number | undefined> = [];
        for (const c of unpackToXor(packed, 50)) {
          d.decode(c.data);
          if (d.sts === null) assert.equal(isStChunk(c.data), false);
          for (let i = 0; i < d.n; i++) back.push(d.sts === null ? undefined : fromF64(d.sts, d.n)[i]);
        }
        assert.deepEqual(back, sts);
      }),
      { numRuns: 150 },
    );
  });

  it('rejects corrupt ST chunks with an error, not a crash', () => {
    const x = xorChunk([1000, 2000], [1, 2]);
    const ok = wrapStChunk(x, encodeSts(Float64Array.of(1000, 2000), Float64Array.of(5, 5), 2)!);
    const d = new ChunkDecoder();
    d.decode(ok);
    assert.deepEqual(Array.from(d.sts!.subarray(0, 2)), [5, 5]);
    assert.throws(() => d.decode(ok.subarray(0, ok.length - 1)), /corrupt ST/);
    assert.throws(() => d.decode(Uint8Array.of(0, 0, 3, 0x7f)), /corrupt ST chunk/);
    assert.throws(() => splitChunk(Uint8Array.of(0, 0, 3)), /corrupt ST chunk/);
    const longer = wrapStChunk(x, Uint8Array.of(4 * 3 + 1, 0));
    assert.throws(() => d.decode(longer), /corrupt ST stream/);
  });

  it('a SCALED packed row of samples with STs is flagged and decodes', () => {
    const ts = [1000, 2000, 3000];
    const x = xorChunk(ts, [1.5, 2.5, 3.5]);
    const packed = packChunks([wrapStChunk(x, encodeSts(Float64Array.from(ts), Float64Array.of(NaN, 10, 10), 3)!)]);
    assert.equal(packed[2], 0x86);
    const d = new PackedDecoder();
    d.decode(packed);
    assert.deepEqual(fromF64(d.sts!, 3), [undefined, 10, 10]);
  });
});

const M = (name: string, value: string) => new Matcher('=', name, value);

function readBack(s: SqliteStorage, name: string): Array<[number, number | undefined]> {
  const q = s.querier(-Infinity, Infinity);
  const set = q.select([M('__name__', name)]);
  const out: Array<[number, number | undefined]> = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next()) out.push([it.atT(), it.atST?.()]);
    assert.equal(it.err(), null);
  }
  assert.equal(set.err(), null);
  q.close();
  return out;
}

describe('start timestamps: SqliteStorage', () => {
  it('keeps STs through head, cut chunks, compaction, packing, checkpoint and crash replay (property)', () => {
    fc.assert(
      fc.property(samplesArb, fc.integer({ min: 1, max: 60 }), fc.constantFrom('crash', 'compact', 'checkpoint-crash', 'close'), ({ ts, sts, vs }, batch, how) => {
        const dir = freshDir();
        const opts = { path: dir, schedule: false, cutPolicy: { maxSamples: 7, maxRangeMs: 2 ** 50 }, maxAppendLogBytes: Infinity } as const;
        let s = openStorage(opts);
        const l = Labels.fromObject({ __name__: 'p' });
        for (let i = 0; i < ts.length; i += batch) {
          const a = s.appender();
          for (let j = i; j < Math.min(ts.length, i + batch); j++) a.append(0, l, ts[j], vs[j], sts[j]);
          a.commit();
          if (how === 'checkpoint-crash' && i === 0) s.compact({ checkpoint: true });
        }
        if (how === 'compact' || how === 'checkpoint-crash') s.compact({ checkpoint: how === 'compact' });
        if (how === 'close') s.close();
        else s.db.close(); // crash: no compaction on the way out
        s = openStorage(opts);
        assert.deepEqual(
          readBack(s, 'p'),
          ts.map((t, i) => [t, sts[i]]),
        );
        s.close();
      }),
      { numRuns: 40 },
    );
  });

  it('continues a restored ST head and keeps STs of samples left by deleteSeries', () => {
    const dir = freshDir();
    const l = Labels.fromObject({ __name__: 'd' });
    let s = openStorage({ path: dir, schedule: false });
    let a = s.appender();
    for (let i = 0; i < 10; i++) a.append(0, l, i * 1000, i, i % 2 ? i * 1000 - 500 : undefined);
    a.commit();
    s.close(); // checkpoints the ST head into head_chunks
    s = openStorage({ path: dir, schedule: false });
    a = s.appender();
    for (let i = 10; i < 14; i++) a.append(0, l, i * 1000, i, 77);
    a.commit();
    const all = Array.from({ length: 14 }, (_, i) => [i * 1000, i >= 10 ? 77 : i % 2 ? i * 1000 - 500 : undefined]);
    assert.deepEqual(readBack(s, 'd'), all);
    s.deleteSeries([M('__name__', 'd')], 2000, 4000);
    assert.deepEqual(
      readBack(s, 'd'),
      all.filter(([t]) => t! < 2000 || t! > 4000),
    );
    s.close();
  });

  it('series without STs write the same bytes as before (plain XOR rows, no ST column in the log)', () => {
    const s = openStorage({ path: freshDir(), schedule: false, cutPolicy: { maxSamples: 10, maxRangeMs: 3600_000 }, maxAppendLogBytes: Infinity });
    const a = s.appender();
    for (let i = 0; i < 100; i++) {
      a.append(0, Labels.fromObject({ __name__: 'plain' }), i * 1000, i);
      a.append(0, Labels.fromObject({ __name__: 'with_st' }), i * 1000, i, 0);
    }
    a.commit();
    const logDirOf = path.dirname(s.dbPath);
    const flags = logRecords(logDirOf).map((r) => r.payload);
    assert.equal(flags[0].readUInt32LE(4) & 2, 2, 'the mixed batch carries an ST column');
    const b = s.appender();
    b.append(0, Labels.fromObject({ __name__: 'plain' }), 100_000, 1);
    b.commit();
    const rows = logRecords(logDirOf).map((r) => r.payload);
    assert.equal(rows[1].readUInt32LE(4) & 2, 0, 'a batch without STs has no ST column');
    s.compact();
    const chunks = s.db
      .prepare('SELECT s.labels, c.data FROM (SELECT series_id, data FROM chunks UNION ALL SELECT series_id, data FROM staged_chunks) c JOIN series s ON s.id = c.series_id')
      .all() as Array<{ labels: string; data: Buffer }>;
    for (const c of chunks) {
      const stRow = c.data[0] === 0 && c.data[1] === 0 && (c.data[2] === 3 || (c.data[2] & 0x80) !== 0);
      assert.equal(stRow, c.labels.includes('with_st'), c.labels);
    }
    s.close();
  });

  it('opens a schema version 1 database and migrates it', () => {
    const dir = freshDir();
    let s = openStorage({ path: dir, schedule: false });
    const a = s.appender();
    a.append(0, Labels.fromObject({ __name__: 'old' }), 1000, 1);
    a.commit();
    s.db.exec('DROP TABLE staged_chunks'); // (empty: nothing was cut) version 3 added it
    s.db.pragma('user_version = 1'); // version 1 data is exactly what a store without STs writes
    s.db.close();
    s = openStorage({ path: dir, schedule: false });
    assert.equal(s.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.deepEqual(readBack(s, 'old'), [[1000, undefined]]);
    s.close();
  });

  it('rejects start timestamps that are not integers', () => {
    const s = openStorage({ path: freshDir(), schedule: false });
    const a = s.appender();
    assert.throws(() => a.append(0, Labels.fromObject({ __name__: 'x' }), 1000, 1, 0.5), RangeError);
    assert.throws(() => a.append(0, Labels.fromObject({ __name__: 'x' }), 1000, 1, NaN), RangeError);
    a.rollback();
    s.close();
  });
});
