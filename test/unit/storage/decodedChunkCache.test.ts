import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { DecodedChunkCache } from '../../../src/storage/decodedChunkCache.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';
import { STALE_NAN } from '../../../src/storage/staleMarker.ts';
import { openStorage, type SqliteStorage } from '../../../src/storage/sqliteStorage.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-chunkcache-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => path.join(root, `d${++dirs}`);
const cutPolicy = { maxSamples: 10, maxRangeMs: 3600_000 };
const job = [new Matcher('=', 'job', 'a')];

function series(i: number): Labels {
  return Labels.fromObject({ __name__: 'x', job: 'a', i: String(i) });
}

/** Value i of series k: every 7th sample is a stale marker, the rest distinct floats. */
function valueAt(k: number, i: number, salt = 0): number {
  return i % 7 === 3 ? STALE_NAN : k * 1000 + i + salt + 0.25;
}

function fill(s: SqliteStorage, from: number, to: number, salt = 0): void {
  for (let i = from; i < to; i++) {
    const app = s.appender();
    for (let k = 0; k < 3; k++) app.append(0, series(k), i * 1000, valueAt(k, i, salt));
    app.commit();
  }
}

/** Every sample as "labels t hi:lo" (value bits, so NaN payloads are compared exactly). */
function dump(s: SqliteStorage, mint = -Infinity, maxt = Infinity): string[] {
  const bits = new DataView(new ArrayBuffer(8));
  const set = s.querier(mint, maxt).select(job, { sorted: true });
  const out: string[] = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next()) {
      bits.setFloat64(0, it.atV());
      out.push(`${set.at().labels.get('i')} ${it.atT()} ${bits.getUint32(0).toString(16)}:${bits.getUint32(4).toString(16)}`);
    }
    assert.equal(it.err(), null);
  }
  assert.equal(set.err(), null);
  return out;
}

/** Runs the same history on a cached and an uncached store; the cached one is queried between every step. */
function twin(): { cached: SqliteStorage; plain: SqliteStorage; step(f: (s: SqliteStorage) => void): void; close(): void } {
  const cached = openStorage({ path: freshDir(), schedule: false, cutPolicy });
  const plain = openStorage({ path: freshDir(), schedule: false, cutPolicy, decodedChunkCacheBytes: 0 });
  return {
    cached,
    plain,
    step(f) {
      dump(cached); // warm the cache with the state before f
      f(cached);
      f(plain);
      assert.deepEqual(dump(cached), dump(plain));
      assert.deepEqual(dump(cached, 25_000, 95_000), dump(plain, 25_000, 95_000));
    },
    close() {
      cached.close();
      plain.close();
    },
  };
}

describe('DecodedChunkCache', () => {
  const ts = new Float64Array([1, 2, 3]);
  const vs = new Float64Array([STALE_NAN, 2, 3]);

  it('serves a hit only for identical chunk bytes', () => {
    const c = new DecodedChunkCache(1 << 20);
    c.put(1, 1, 3, Uint8Array.of(1, 2, 3), ts, vs, 3);
    assert.ok(c.get(1, 1, 3, Uint8Array.of(1, 2, 3)), 'equal bytes in another buffer hit');
    assert.equal(c.get(1, 1, 3, Uint8Array.of(1, 2, 4)), undefined, 'same key, other bytes: miss');
    assert.equal(c.get(1, 1, 4, Uint8Array.of(1, 2, 3)), undefined, 'other maxT: miss');
    assert.equal(c.get(2, 1, 3, Uint8Array.of(1, 2, 3)), undefined, 'other series: miss');
    assert.equal(c.hits, 1);
    assert.equal(c.misses, 3);
  });

  it('copies the decoded arrays, keeping NaN payload bits', () => {
    const c = new DecodedChunkCache(1 << 20);
    const bufT = new Float64Array([1, 2, 3, 99]);
    const bufV = new Float64Array([0, 2, 3, 99]);
    // Written as bits: a JS array literal may quiet the signaling NaN before it gets here.
    const bw = new Uint32Array(bufV.buffer);
    bw[1] = 0x7ff00000;
    bw[0] = 0x00000002;
    c.put(1, 1, 3, Uint8Array.of(9), bufT, bufV, 3);
    bufT.fill(0);
    bufV.fill(0); // the decoder reuses its buffers
    const e = c.get(1, 1, 3, Uint8Array.of(9))!;
    assert.equal(e.n, 3);
    assert.deepEqual([...e.ts], [1, 2, 3]);
    const w = new Uint32Array(e.vs.buffer, e.vs.byteOffset, 2);
    assert.deepEqual([w[1], w[0]], [0x7ff00000, 0x00000002]);
  });

  it('stays within its byte bound, evicting the least recently used', () => {
    const c = new DecodedChunkCache(4096);
    const big = new Float64Array(20);
    for (let i = 0; i < 100; i++) {
      c.put(i, 0, 1, Uint8Array.of(i), big, big, 20);
      assert.ok(c.bytes() <= 4096, `bytes ${c.bytes()} after ${i + 1} puts`);
      if (i > 0) assert.ok(c.get(0, 0, 1, Uint8Array.of(0)), 'the entry used on every put survives');
    }
    assert.ok(c.size() > 1 && c.size() < 100);
    assert.equal(c.get(1, 0, 1, Uint8Array.of(1)), undefined, 'an old unused entry was evicted');
    const off = new DecodedChunkCache(0);
    off.put(1, 0, 1, Uint8Array.of(1), big, big, 20);
    assert.equal(off.size(), 0);
  });
});

describe('SqliteStorage with the decoded-chunk cache', () => {
  it('returns identical bits (stale markers included) from cache hits, and counts them', async () => {
    const registry = new Registry();
    const s = openStorage({ path: freshDir(), schedule: false, cutPolicy, registry });
    fill(s, 0, 45); // cut in-memory chunks + an open head
    const mem1 = dump(s);
    const hitsBefore = s.chunkCache.hits;
    assert.deepEqual(dump(s), mem1);
    assert.ok(s.chunkCache.hits > hitsBefore, 'cut in-memory chunks are served from the cache');
    s.compact();
    const db1 = dump(s);
    assert.deepEqual(db1, mem1);
    const h = s.chunkCache.hits;
    assert.deepEqual(dump(s), db1);
    assert.ok(s.chunkCache.hits > h, 'chunks-table rows are served from the cache');
    assert.ok(db1.some((l) => l.endsWith('7ff00000:2')), 'stale markers are in the data');
    const text = await registry.metrics();
    assert.match(text, /^promlite_tsdb_decoded_chunk_cache_hits_total [1-9]\d*$/m);
    assert.match(text, /^promlite_tsdb_decoded_chunk_cache_misses_total [1-9]\d*$/m);
    s.close();
  });

  it('never caches the open head chunk', () => {
    const s = openStorage({ path: freshDir(), schedule: false, cutPolicy });
    fill(s, 0, 5); // head only
    dump(s);
    assert.equal(s.chunkCache.size(), 0);
    const before = dump(s);
    fill(s, 5, 8);
    const after = dump(s);
    assert.equal(after.length, before.length + 3 * 3, 'the grown head is read again');
    s.close();
  });

  it('deleteSeries, rewrites and retention never serve old samples', () => {
    const t = twin();
    t.step((s) => fill(s, 0, 120));
    t.step((s) => s.compact());
    t.step((s) => s.deleteSeries([new Matcher('=', 'i', '1')], 33_000, 47_000)); // rewrites chunks in place
    t.step((s) => s.deleteSeries([new Matcher('=', 'i', '2')])); // whole series
    t.step((s) => fill(s, 120, 140));
    t.step((s) => s.compact({ checkpoint: true }));
    t.step((s) => s.runRetention(200_000 + 15 * 86400_000));
    t.step((s) => s.setRetention({ timeMs: 100_000 }));
    t.step((s) => s.runRetention(170_000));
    t.close();
  });

  it('a series deleted and written again with other values at the same timestamps reads the new values', () => {
    const t = twin();
    t.step((s) => fill(s, 0, 60));
    t.step((s) => s.compact());
    t.step((s) => s.deleteSeries(job));
    t.step((s) => fill(s, 0, 60, 0.5));
    t.step((s) => s.compact());
    assert.ok(dump(t.cached).some((l) => l.startsWith('0 1000 ')));
    t.close();
  });

  it('packed rows are cached and stay correct across packing', () => {
    const t = twin();
    for (let r = 0; r < 12; r++) {
      t.step((s) => fill(s, r * 10, r * 10 + 10));
      t.step((s) => s.compact());
    }
    const packed = t.cached.db.prepare("SELECT COUNT(*) FROM chunks WHERE substr(data, 1, 2) = x'0000'").pluck().get() as number;
    assert.ok(packed > 0, 'stage two packed some rows');
    const h = t.cached.chunkCache.hits;
    dump(t.cached);
    assert.ok(t.cached.chunkCache.hits > h);
    t.close();
  });
});
