import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { packBits, unpackBits } from '../../../src/storage/bitPacking.ts';

class Sink {
  bytes: number[] = [];
  byte(x: number): void {
    assert.ok(Number.isInteger(x) && x >= 0 && x <= 255, `byte ${x}`);
    this.bytes.push(x);
  }
}

const value = fc.oneof(fc.nat(40), fc.nat(), fc.integer({ min: 0, max: 2 ** 53 - 1 }), fc.constantFrom(0, 1, 2 ** 24 - 1, 2 ** 25, 2 ** 32, 2 ** 53 - 1));

describe('block bit-packing', () => {
  it('round-trips non-negative safe integers of every width (property)', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 200 }), fc.nat(5), (xs, offset) => {
        const sink = new Sink();
        for (let i = 0; i < offset; i++) sink.byte(0xaa);
        packBits(Float64Array.from(xs), xs.length, sink);
        const b = Uint8Array.from(sink.bytes);
        const out = new Float64Array(xs.length);
        assert.equal(unpackBits(b, offset, xs.length, out), b.length);
        assert.deepEqual(Array.from(out), xs);
        if (b.length > offset) assert.equal(unpackBits(b.subarray(0, b.length - 1), offset, xs.length, out), -1, 'truncated');
      }),
      { numRuns: 300 },
    );
  });

  it('spends one width byte per block plus the bits', () => {
    const sink = new Sink();
    packBits(Float64Array.from({ length: 64 }, (_, i) => i % 8), 64, sink);
    assert.equal(sink.bytes.length, 2 + (64 * 3) / 8);
  });
});
