import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ChunkArena } from '../../../src/storage/chunkArena.ts';
import { XorChunk, type XorAppender } from '../../../src/storage/xorChunk.ts';
import { STALE_NAN } from '../../../src/storage/staleMarker.ts';

const dv = new DataView(new ArrayBuffer(8));
function fromBits(hi: number, lo: number): number {
  dv.setUint32(0, hi);
  dv.setUint32(4, lo);
  return dv.getFloat64(0);
}

const SPECIAL_BITS: Array<[number, number]> = [
  [0x80000000, 0], // -0
  [0, 0], // +0
  [0x7ff00000, 0], // +Inf
  [0xfff00000, 0], // -Inf
  [0x7ff80000, 0], // JS NaN
  [0x7ff80000, 1], // Go math.NaN()
  [0x7ff00000, 2], // stale marker (signaling NaN)
  [0xfff80000, 0xdeadbeef], // negative NaN with payload
  [0x7ff00000, 0xffffffff], // signaling NaN, max payload
  [0, 1], // smallest subnormal
  [0x7fefffff, 0xffffffff], // max finite
];

/** Encodes samples given as bits through appendBits, and through append(number) for the same data. */
function encode(ts: number[], bits: Array<[number, number]>, viaNumber: boolean): XorChunk {
  const c = new XorChunk();
  const a = c.appender();
  for (let i = 0; i < ts.length; i++) {
    if (viaNumber) a.append(ts[i], bits[i][0] === 0x7ff00000 && bits[i][1] === 2 ? STALE_NAN : fromBits(bits[i][0], bits[i][1]));
    else a.appendBits(ts[i], bits[i][0], bits[i][1]);
  }
  return c;
}

function decode(bytes: Uint8Array): { ts: number[]; bits: Array<[number, number]> } {
  const it = new XorChunk(bytes).iterator();
  const ts: number[] = [];
  const bits: Array<[number, number]> = [];
  while (it.next()) {
    ts.push(it.atT());
    bits.push([it.atVHi(), it.atVLo()]);
  }
  assert.equal(it.err(), null);
  return { ts, bits };
}

const arbBits = fc.oneof(
  fc.constantFrom(...SPECIAL_BITS),
  fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff })),
  fc.double().map((d) => {
    dv.setFloat64(0, d);
    return [dv.getUint32(0), dv.getUint32(4)] as [number, number];
  }),
  // Realistic: small integers and decimals (counters, gauges).
  fc.integer({ min: 0, max: 5000 }).map((n) => {
    dv.setFloat64(0, n / 4);
    return [dv.getUint32(0), dv.getUint32(4)] as [number, number];
  }),
);

/** Strictly increasing timestamps anywhere in ±2^53 with a mix of regular and wild steps. */
const arbTimestamps = fc
  .tuple(
    fc.integer({ min: -(2 ** 52), max: 2 ** 51 }),
    fc.array(fc.oneof(fc.constant(15000), fc.integer({ min: 1, max: 20000 }), fc.integer({ min: 1, max: 2 ** 40 })), { minLength: 0, maxLength: 300 }),
  )
  .map(([start, steps]) => {
    const out = [start];
    for (const s of steps) out.push(out[out.length - 1] + s);
    return out.filter((t) => t <= Number.MAX_SAFE_INTEGER);
  });

describe('XorChunk', () => {
  it('round-trips random timestamps and random float bits exactly (property)', () => {
    fc.assert(
      fc.property(arbTimestamps.chain((ts) => fc.tuple(fc.constant(ts), fc.array(arbBits, { minLength: ts.length, maxLength: ts.length }))), ([ts, bits]) => {
        const c = encode(ts, bits, false);
        assert.equal(c.numSamples(), ts.length);
        const got = decode(c.bytes());
        assert.deepEqual(got.ts, ts);
        assert.deepEqual(got.bits, bits.map(([h, l]) => [h >>> 0, l >>> 0]));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps special values distinct when appended as JS numbers', () => {
    const ts = SPECIAL_BITS.map((_, i) => 1_700_000_000_000 + i * 15000);
    const got = decode(encode(ts, SPECIAL_BITS, true).bytes());
    // Signaling NaNs other than the stale marker may be quieted by V8 before they reach the codec;
    // every other pattern, and the stale marker itself, must come back bit for bit.
    for (let i = 0; i < SPECIAL_BITS.length; i++) {
      const [h, l] = SPECIAL_BITS[i];
      if (h === 0x7ff00000 && l === 0xffffffff) continue;
      assert.deepEqual(got.bits[i], [h, l], `sample ${i}`);
    }
    assert.deepEqual(got.bits[6], [0x7ff00000, 2]);
    assert.notDeepEqual(got.bits[4], got.bits[6]);
  });

  it('continues appending to a chunk read back from bytes', () => {
    fc.assert(
      fc.property(fc.array(arbBits, { minLength: 2, maxLength: 200 }), fc.integer({ min: 1, max: 199 }), (bits, cut) => {
        cut = Math.min(cut, bits.length - 1);
        const ts = bits.map((_, i) => -1000 + i * 15000 + (i % 3));
        const full = encode(ts, bits, false);
        const first = encode(ts.slice(0, cut), bits.slice(0, cut), false);
        const resumed = new XorChunk(first.bytes().slice());
        const a = resumed.appender();
        for (let i = cut; i < ts.length; i++) a.appendBits(ts[i], bits[i][0], bits[i][1]);
        assert.deepEqual(resumed.bytes(), full.bytes());
      }),
      { numRuns: 200 },
    );
  });

  it('encodes the same bytes in an arena, with chunks growing, released and reused in any interleaving', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ chunk: fc.integer({ min: 0, max: 5 }), bits: arbBits, release: fc.boolean() }), { minLength: 1, maxLength: 600 }),
        (steps) => {
          const arena = new ChunkArena();
          const live: Array<{ c: XorChunk; a: XorAppender; ts: number[]; bits: Array<[number, number]> } | null> = Array(6).fill(null);
          const check = (k: number) => assert.deepEqual(live[k]!.c.bytes(), encode(live[k]!.ts, live[k]!.bits, false).bytes());
          for (const { chunk, bits, release } of steps) {
            let e = live[chunk];
            if (e === null) {
              const c = new XorChunk(undefined, arena);
              e = live[chunk] = { c, a: c.appender(), ts: [], bits: [] };
            }
            const t = e.ts.length * 15000 + (e.ts.length % 7);
            e.a.appendBits(t, bits[0], bits[1]);
            e.ts.push(t);
            e.bits.push(bits);
            if (release) {
              check(chunk);
              e.c.release();
              live[chunk] = null;
            }
          }
          for (let k = 0; k < live.length; k++) if (live[k] !== null) check(k);
          assert.equal(arena.slotsInUse, live.filter((e) => e !== null).length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('resumes an arena chunk from stored bytes, which it copies into the arena', () => {
    const stored = encode([1000, 2000, 3000], [[0, 1], [0, 2], [0, 3]], false).bytes().slice();
    const before = stored.slice();
    const arena = new ChunkArena();
    const c = new XorChunk(stored, arena);
    c.appender().appendBits(4000, 0, 4);
    assert.deepEqual(stored, before, 'the stored bytes are not written to');
    assert.equal(arena.slotsInUse, 1);
    assert.deepEqual(c.bytes(), encode([1000, 2000, 3000, 4000], [[0, 1], [0, 2], [0, 3], [0, 4]], false).bytes());
    c.release();
    assert.equal(arena.slotsInUse, 0);
  });

  it('is compact on regular counters: one bit per unchanged timestamp step', () => {
    const c = new XorChunk();
    const a = c.appender();
    for (let i = 0; i < 120; i++) a.append(1_700_000_000_000 + i * 15000, 1000);
    // header 2 + first sample 16 bytes + (15000 delta once) + ~2 bits per later sample
    assert.ok(c.bytes().length <= 2 + 16 + 3 + 30, `got ${c.bytes().length} bytes`);
  });

  it('seeks forward and reuses iterators', () => {
    const c = new XorChunk();
    const a = c.appender();
    for (let i = 0; i < 10; i++) a.append(i * 10, i);
    const it = c.iterator();
    assert.equal(it.seek(35), true);
    assert.equal(it.atT(), 40);
    assert.equal(it.seek(10), true);
    assert.equal(it.atT(), 40);
    assert.equal(it.seek(1000), false);
    const c2 = new XorChunk();
    c2.appender().append(5, 7);
    const it2 = c2.iterator(it);
    assert.equal(it2, it);
    assert.equal(it2.next(), true);
    assert.equal(it2.atV(), 7);
    assert.equal(it2.next(), false);
  });

  it('reports corrupt input through err() instead of throwing', () => {
    const c = new XorChunk();
    const a = c.appender();
    for (let i = 0; i < 50; i++) a.append(i * 1000, Math.random());
    const truncated = c.bytes().slice(0, 20);
    const it = new XorChunk(truncated).iterator();
    assert.equal(it.next(), false);
    assert.match(String(it.err()), /corrupt XOR chunk/);
  });
});
