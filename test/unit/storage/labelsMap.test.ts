import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../../src/storage/labels.ts';
import { LabelsMap } from '../../../src/storage/labelsMap.ts';

interface Item {
  labels: Labels;
  n: number;
}

/** Two different label sets with the same 31-bit hash, found by search (birthday bound ~50k). */
function collidingPair(): [Labels, Labels] {
  const seen = new Map<number, Labels>();
  for (let i = 0; ; i++) {
    const l = Labels.fromObject({ __name__: 'm', id: `v${i}` });
    const other = seen.get(l.hash());
    if (other) return [other, l];
    seen.set(l.hash(), l);
  }
}

describe('LabelsMap', () => {
  it('finds values by equal label sets built separately, in any pair order', () => {
    const m = new LabelsMap<Item>((x) => x.labels);
    m.set({ labels: Labels.fromObject({ a: '1', b: '2' }), n: 1 });
    assert.equal(m.get(Labels.fromPairs([['b', '2'], ['a', '1']]))?.n, 1);
    assert.equal(m.get(Labels.fromObject({ a: '1', b: '3' })), undefined);
    assert.equal(m.get(Labels.fromObject({ a: '1' })), undefined);
    // Pair boundaries count: ("ab","c") is not ("a","bc").
    m.set({ labels: Labels.fromObject({ ab: 'c' }), n: 2 });
    assert.equal(m.get(Labels.fromObject({ a: 'bc' })), undefined);
    m.set({ labels: Labels.fromObject({ b: '2', a: '1' }), n: 3 });
    assert.equal(m.size, 2, 'same labels replace');
    assert.equal(m.get(Labels.fromObject({ a: '1', b: '2' }))?.n, 3);
  });

  it('keeps label sets whose hashes collide apart', () => {
    const [x, y] = collidingPair();
    assert.notEqual(x.key(), y.key());
    const m = new LabelsMap<Item>((i) => i.labels);
    m.set({ labels: x, n: 1 });
    assert.equal(m.get(y), undefined);
    m.set({ labels: y, n: 2 });
    assert.equal(m.size, 2);
    assert.equal(m.get(x)?.n, 1);
    assert.equal(m.get(y)?.n, 2);
    assert.deepEqual([...m.values()].map((i) => i.n).sort(), [1, 2]);
    m.set({ labels: Labels.fromObject({ __name__: 'm', id: y.get('id') }), n: 3 });
    assert.equal(m.size, 2);
    assert.equal(m.get(y)?.n, 3);
    assert.equal(m.delete(x), true);
    assert.equal(m.get(x), undefined);
    assert.equal(m.get(y)?.n, 3);
    assert.equal(m.delete(x), false);
    assert.equal(m.delete(y), true);
    assert.equal(m.size, 0);
  });
});
