/**
 * The fast paths of sum/count (member-major accumulation) and topk/bottomk (one pass per step)
 * against straightforward per-step references, on seeded random data with gaps, NaN and
 * values that make compensated summation matter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from '../../../src/storage/memoryStorage.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Engine } from '../../../src/promql/engine.ts';
import { TEST_ENGINE_OPTIONS } from '../../../src/promql/promqltest.ts';
import { kahanSumInc } from '../../../src/promql/kahan.ts';
import { mulberry32 } from '../../support/random.ts';

const SERIES = 120;
const STEPS = 30;
const STEP_MS = 15_000;

/** values[s][i]: the sample of series s at step i, or undefined when it has none. */
function makeData(): (number | undefined)[][] {
  const rnd = mulberry32(7);
  const pick = (): number | undefined => {
    const r = rnd();
    if (r < 0.15) return undefined;
    if (r < 0.2) return NaN;
    if (r < 0.25) return 1e17 * (rnd() < 0.5 ? -1 : 1); // large magnitudes: compensation matters
    if (r < 0.35) return Math.round(rnd() * 10); // ties
    return rnd() * 1000 - 300;
  };
  return Array.from({ length: SERIES }, () => Array.from({ length: STEPS }, pick));
}

function load(data: (number | undefined)[][]): MemoryStorage {
  const s = new MemoryStorage();
  const app = s.appender();
  data.forEach((row, k) => {
    const labels = Labels.fromObject({ __name__: 'm', id: String(k).padStart(3, '0'), half: String(k % 2) });
    row.forEach((v, i) => {
      if (v !== undefined) app.append(0, labels, i * STEP_MS, v);
    });
  });
  app.commit();
  return s;
}

/** Range query at exactly the sample times, with a lookback shorter than the step. */
function query(store: MemoryStorage, q: string): Map<string, (number | undefined)[]> {
  const engine = new Engine({ ...TEST_ENGINE_OPTIONS, lookbackDeltaMs: STEP_MS - 1 });
  const r = engine.rangeQuerySync(store, q, 0, (STEPS - 1) * STEP_MS, STEP_MS, { queryText: q }).result;
  assert.equal(r.type, 'matrix');
  const out = new Map<string, (number | undefined)[]>();
  if (r.type !== 'matrix') return out;
  for (const s of r.series) {
    const row: (number | undefined)[] = new Array(STEPS).fill(undefined);
    for (const p of s.points) row[p.t / STEP_MS] = p.v;
    out.set(s.metric.toString(), row);
  }
  return out;
}

const same = (a: number | undefined, b: number | undefined) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

test('sum and count by group equal step-by-step compensated sums, bit for bit', () => {
  const data = makeData();
  const store = load(data);
  const sums = query(store, 'sum by (half) (m)');
  const counts = query(store, 'count by (half) (m)');
  for (const half of [0, 1]) {
    for (let i = 0; i < STEPS; i++) {
      let acc = 0;
      let c = 0;
      let n = 0;
      for (let k = half; k < SERIES; k += 2) {
        const v = data[k][i];
        if (v === undefined) continue;
        [acc, c] = kahanSumInc(v, acc, c);
        n++;
      }
      const key = `{half="${half}"}`;
      assert.ok(same(sums.get(key)![i], n === 0 ? undefined : acc + c), `sum at step ${i}`);
      assert.equal(counts.get(key)![i], n === 0 ? undefined : n, `count at step ${i}`);
    }
  }
});

test('topk/bottomk pick the same series as a full sort, for small and large k', () => {
  const data = makeData();
  const store = load(data);
  for (const op of ['topk', 'bottomk'] as const) {
    for (const k of [1, 5, 64, 65, 200]) {
      const got = query(store, `${op}(${k}, m)`);
      for (let i = 0; i < STEPS; i++) {
        // Reference: present series ranked by value (NaN last), ties in label order (half, id).
        const present = data.map((row, idx) => ({ idx, v: row[i] })).filter((x) => x.v !== undefined) as { idx: number; v: number }[];
        const rank = (v: number) => (Number.isNaN(v) ? 2 : v === (op === 'topk' ? Infinity : -Infinity) ? 0 : 1);
        const labelOrder = (idx: number) => (idx % 2) * SERIES + idx;
        present.sort((a, b) => {
          const ra = rank(a.v);
          const rb = rank(b.v);
          if (ra !== rb) return ra - rb;
          if (ra === 1 && a.v !== b.v) return op === 'topk' ? b.v - a.v : a.v - b.v;
          return labelOrder(a.idx) - labelOrder(b.idx);
        });
        const want = new Set(present.slice(0, k).map((x) => x.idx));
        const chosen = new Set<number>();
        for (const [metric, row] of got) if (row[i] !== undefined) chosen.add(Number(/id="(\d+)"/.exec(metric)![1]));
        assert.deepEqual([...chosen].sort((a, b) => a - b), [...want].sort((a, b) => a - b), `${op}(${k}) at step ${i}`);
      }
    }
  }
});
