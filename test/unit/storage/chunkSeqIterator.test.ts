import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ChunkSeqIterator, type ChunkRef } from '../../../src/storage/chunkSeqIterator.ts';
import { XorChunk } from '../../../src/storage/xorChunk.ts';

/** Chunks of `per` samples over ascending timestamps ts (value = index). */
function chunksOf(ts: number[], per: number): ChunkRef[] {
  const out: ChunkRef[] = [];
  for (let i = 0; i < ts.length; i += per) {
    const c = new XorChunk();
    const a = c.appender();
    const end = Math.min(ts.length, i + per);
    for (let j = i; j < end; j++) a.append(ts[j], j);
    out.push({ minT: ts[i], maxT: ts[end - 1], data: c.bytes().slice() });
  }
  return out;
}

describe('ChunkSeqIterator', () => {
  it('matches a filtered array under any mix of next() and seek() (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 0, maxLength: 120 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: -20, max: 2000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.array(fc.oneof(fc.constant<null>(null), fc.integer({ min: -50, max: 3000 })), { maxLength: 60 }),
        (steps, per, mint, span, ops) => {
          const ts: number[] = [];
          let t = 0;
          for (const d of steps) ts.push((t += d));
          const maxt = mint + span;
          const visible = ts.map((x, i) => [x, i] as const).filter(([x]) => x >= mint && x <= maxt);
          const it = new ChunkSeqIterator(chunksOf(ts, per), mint, maxt);
          let k = -1; // reference position in visible
          let exhausted = false;
          for (const op of ops) {
            let ok: boolean;
            if (op === null) {
              ok = it.next();
              if (!exhausted) k++;
            } else {
              ok = it.seek(op);
              if (!exhausted) {
                if (k < 0) k = 0;
                while (k < visible.length && visible[k][0] < op) k++;
              }
            }
            const want: boolean = !exhausted && k < visible.length;
            assert.equal(ok, want, `op ${op} at ${k}`);
            if (!want) {
              exhausted = true;
              continue;
            }
            assert.equal(it.atT(), visible[k][0]);
            assert.equal(it.atV(), visible[k][1]);
            assert.equal(it.atST(), undefined);
          }
          assert.equal(it.err(), null);
        },
      ),
      { numRuns: 500 },
    );
  });
});
