import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SeriesById } from '../../../src/storage/seriesById.ts';

describe('SeriesById', () => {
  it('finds, counts and iterates series by id, in id order, with gaps', () => {
    const m = new SeriesById<{ id: number; name: string }>();
    for (const id of [3, 1, 7, 2]) m.set({ id, name: `s${id}` });
    assert.equal(m.size, 4);
    assert.equal(m.get(7)?.name, 's7');
    assert.equal(m.get(4), undefined);
    assert.equal(m.get(1000), undefined);
    m.set({ id: 3, name: 'again' }); // replacing is not another series
    assert.equal(m.size, 4);
    m.delete(2);
    m.delete(2);
    m.delete(99);
    assert.equal(m.size, 3);
    assert.deepEqual([...m.keys()], [1, 3, 7]);
    assert.deepEqual([...m.values()].map((s) => s.name), ['s1', 'again', 's7']);
    const visited: string[] = [];
    m.forEach((s) => visited.push(s.name));
    assert.deepEqual(visited, ['s1', 'again', 's7']);
  });

  it('lets the caller delete the series it is visiting', () => {
    const m = new SeriesById<{ id: number }>();
    for (let id = 1; id <= 10; id++) m.set({ id });
    const seen: number[] = [];
    for (const s of m.values()) {
      seen.push(s.id);
      if (s.id % 2 === 0) m.delete(s.id);
      if (s.id === 3) m.delete(5); // a later one: not visited
    }
    assert.deepEqual(seen, [1, 2, 3, 4, 6, 7, 8, 9, 10]);
    assert.deepEqual([...m.keys()], [1, 3, 7, 9]);
    assert.equal(m.size, 4);
  });
});
