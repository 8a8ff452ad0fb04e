import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeBatch, encodeBatch, SampleBatch, tsAt } from '../../../src/storage/appendLog.ts';

describe('append log batch rows', () => {
  it('round-trip ids, timestamps, value bits and start timestamps in every layout (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.nat(2 ** 32 - 1), fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), fc.nat(2 ** 32 - 1), fc.nat(2 ** 32 - 1), fc.option(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }))),
          { minLength: 1, maxLength: 300 },
        ),
        fc.boolean(),
        fc.boolean(),
        (samples, seqIds, sameTs) => {
          const b = new SampleBatch();
          const id0 = samples[0][0] % 2 ** 31;
          samples.forEach(([id, t, hi, lo, st], i) => b.add(null, seqIds ? id0 + i : id, sameTs ? samples[0][1] : t, hi, lo, st ?? NaN));
          const row = encodeBatch(b);
          const d = decodeBatch(row);
          assert.equal(d.n, samples.length);
          samples.forEach(([id, t, hi, lo, st], i) => {
            assert.equal(d.ids[i], seqIds ? id0 + i : id);
            assert.equal(tsAt(d, i), sameTs ? samples[0][1] : t);
            assert.equal(d.vw[2 * i], lo);
            assert.equal(d.vw[2 * i + 1], hi);
            const got = d.sts === null ? null : d.sts[i];
            if (samples.every((x) => x[4] === null)) assert.equal(d.sts, null);
            else assert.equal(Number.isNaN(got) ? null : got, st);
          });
          assert.throws(() => decodeBatch(row.subarray(0, row.length - 1)), /does not hold/);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('round-trip batches of runs (targets woken together: consecutive ids at one scrape time each) (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(2 ** 31), fc.integer({ min: 1, max: 60 }), fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), fc.boolean()), { minLength: 1, maxLength: 30 }),
        (runs) => {
          const b = new SampleBatch();
          const want: Array<[number, number, number]> = [];
          for (const [id0, len, t, sameT] of runs) {
            for (let k = 0; k < len; k++) {
              const sample: [number, number, number] = [id0 + k, sameT ? t : t + k, want.length];
              want.push(sample);
              b.add(null, sample[0], sample[1], sample[2], ~sample[2] >>> 0, NaN);
            }
          }
          const d = decodeBatch(encodeBatch(b));
          assert.equal(d.n, want.length);
          want.forEach(([id, t, hi], i) => {
            assert.equal(d.ids[i], id);
            assert.equal(tsAt(d, i), t);
            assert.equal(d.vw[2 * i + 1], hi);
            assert.equal(d.vw[2 * i], ~hi >>> 0);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stores a wake-up of 20 targets x 500 series as runs: ids and timestamps once per target', () => {
    const b = new SampleBatch();
    for (let target = 0; target < 20; target++) {
      for (let i = 0; i < 500; i++) b.add(null, 1 + target * 1000 + i, 60_000 + target * 37, 0, i, NaN);
    }
    const row = encodeBatch(b);
    // header, id runs (count + 20 pairs), timestamp runs (count + 20 lengths), pad, 20 timestamps, values
    assert.equal(row.length, 8 + (4 + 20 * 8) + (4 + 20 * 4) + 0 + 20 * 8 + 8 * 10_000);
    assert.ok(row.length < 8.1 * 10_000);
    const d = decodeBatch(row);
    assert.equal(d.ids[500], 1001);
    assert.equal(tsAt(d, 9_999), 60_000 + 19 * 37);
  });

  it('rejects rows whose runs do not add up to the sample count', () => {
    const b = new SampleBatch();
    for (let target = 0; target < 4; target++) for (let i = 0; i < 50; i++) b.add(null, target * 100 + i, target, 0, 0, NaN);
    const row = encodeBatch(b);
    const bad = Buffer.from(row);
    bad.writeUInt32LE(51, 16); // the first id run claims one sample more
    assert.throws(() => decodeBatch(bad), /does not hold/);
    const zeroRuns = Buffer.from(row);
    zeroRuns.writeUInt32LE(0, 8);
    assert.throws(() => decodeBatch(zeroRuns), /does not hold/);
  });

  it('stores consecutive ids and a shared timestamp once', () => {
    const b = new SampleBatch();
    for (let i = 0; i < 500; i++) b.add(null, 1000 + i, 60_000, 0, i, NaN);
    assert.equal(encodeBatch(b).length, 8 + 4 + 4 /* pad */ + 8 + 8 * 500);
  });

  it('clear() drops the previous batch\'s series references and the batch is reusable', () => {
    const b = new SampleBatch<{ id: number }>();
    const first = Array.from({ length: 300 }, (_, i) => ({ id: i }));
    for (const s of first) b.add(s, s.id, 1000, 0, s.id, NaN);
    b.clear();
    assert.equal(b.n, 0);
    // No slot may keep a series of the old batch alive (a deleted series would leak until overwritten).
    assert.ok(b.series.every((s) => s === undefined));
    b.add({ id: 7 }, 7, 2000, 0, 1, NaN);
    const d = decodeBatch(encodeBatch(b));
    assert.equal(d.n, 1);
    assert.equal(d.ids[0], 7);
    assert.equal(tsAt(d, 0), 2000);
  });
});
