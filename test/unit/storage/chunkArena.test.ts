import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ARENA_MAX_BYTES, ChunkArena, copyChunkBytes } from '../../../src/storage/chunkArena.ts';
import { mulberry32 } from '../../support/random.ts';

describe('ChunkArena', () => {
  it('hands out zeroed slots of the size class and reuses freed ones', () => {
    const arena = new ChunkArena();
    const a = arena.alloc(100);
    assert.equal(arena.view(a).length, 128);
    arena.view(a).fill(0xab);
    const b = arena.alloc(100);
    assert.notEqual(a, b);
    assert.ok(arena.view(b).every((x) => x === 0), 'a neighbour is untouched');
    arena.free(a);
    const c = arena.alloc(128);
    assert.equal(c, a, 'the freed slot is reused');
    assert.ok(arena.view(c).every((x) => x === 0), 'and zeroed');
    assert.equal(arena.slotsInUse, 2);
    assert.equal(arena.view(arena.alloc(1)).length, 64);
    assert.equal(arena.view(arena.alloc(ARENA_MAX_BYTES)).length, ARENA_MAX_BYTES);
  });

  it('gives a slot past the largest class a slab of its own, released when it is freed', () => {
    const arena = new ChunkArena();
    const small = arena.alloc(100);
    const reserved = arena.bytesReserved();
    const big = arena.alloc(ARENA_MAX_BYTES + 1);
    assert.equal(arena.size(big), ARENA_MAX_BYTES + 1);
    assert.equal(arena.offset(big), 0);
    assert.ok(arena.view(big).every((x) => x === 0));
    arena.view(big).fill(9);
    assert.ok(arena.view(small).every((x) => x === 0), 'apart from the class slabs');
    assert.equal(arena.bytesReserved(), reserved + ARENA_MAX_BYTES + 1);
    assert.equal(arena.slotsInUse, 2);
    arena.free(big);
    assert.equal(arena.bytesReserved(), reserved, 'its memory is not kept');
    assert.equal(arena.slotsInUse, 1);
    const again = arena.alloc(10_000);
    assert.equal(again, big, 'the slab number is reused');
    assert.ok(arena.view(again).every((x) => x === 0));
    arena.free(again);
    const next = arena.alloc(200); // a class slab where the own slab was
    assert.equal(Math.floor(next / (64 * 1024)), Math.floor(big / (64 * 1024)));
    assert.equal(arena.view(next).length, 256);
    arena.free(next);
    assert.equal(arena.slotsInUse, 1);
  });

  it('keeps slots of different classes and slabs apart', () => {
    const arena = new ChunkArena();
    const slots: Array<{ slot: number; fill: number; size: number }> = [];
    for (let i = 0; i < 2000; i++) {
      const size = 64 << (i % 7);
      const slot = arena.alloc(size);
      arena.view(slot).fill(i & 0xff);
      slots.push({ slot, fill: i & 0xff, size });
    }
    for (const { slot, fill, size } of slots) {
      const v = arena.view(slot);
      assert.equal(v.length, size);
      assert.ok(v.every((x) => x === fill), `slot ${slot} was overwritten`);
    }
    assert.ok(arena.bytesReserved() >= slots.reduce((n, s) => n + s.size, 0));
  });
  it('releases slabs once none of their slots is in use (keeping a few spares), and carves new ones later', () => {
    const arena = new ChunkArena();
    const slots = Array.from({ length: 10_000 }, () => arena.alloc(200)); // 256-byte class: 256 per slab
    assert.equal(arena.bytesReserved(), 40 * 64 * 1024);
    for (const s of slots) arena.free(s);
    assert.equal(arena.bytesReserved(), (1 + 8) * 64 * 1024, 'the slab being carved and 8 spares are kept');
    assert.equal(arena.slotsInUse, 0);
    const again = Array.from({ length: 10_000 }, () => arena.alloc(200));
    for (const s of again) arena.view(s).fill(7);
    assert.equal(new Set(again).size, 10_000, 'no slot handed out twice');
    for (const s of again) assert.ok(arena.view(s).every((x) => x === 7));
  });

  it('never hands out a slot in use, under random allocations and frees of every class', () => {
    const rand = mulberry32(11);
    const arena = new ChunkArena();
    const live = new Map<number, { fill: number; size: number }>();
    for (let op = 0; op < 50_000; op++) {
      if (live.size > 0 && rand() < 0.48) {
        const keys = [...live.keys()];
        const slot = keys[Math.floor(rand() * keys.length)];
        const { fill, size } = live.get(slot)!;
        const v = arena.view(slot);
        assert.equal(v.length, size);
        assert.ok(v.every((x) => x === fill), `slot ${slot} kept its bytes until freed`);
        arena.free(slot);
        live.delete(slot);
      } else {
        const size = 1 + Math.floor(rand() * ARENA_MAX_BYTES * 1.2); // some past the largest class
        const slot = arena.alloc(size);
        assert.ok(!live.has(slot), `slot ${slot} handed out twice`);
        const v = arena.view(slot);
        assert.ok(v.length >= size && v.every((x) => x === 0), 'a new slot is zeroed and big enough');
        const fill = 1 + (op % 255);
        v.fill(fill);
        live.set(slot, { fill, size: v.length });
      }
    }
    assert.equal(arena.slotsInUse, live.size);
  });

  it('gives the memory of an emptied slab to the next slab of any class, zeroed', () => {
    const arena = new ChunkArena();
    const first = Array.from({ length: 256 }, () => arena.alloc(256)); // exactly one slab
    const second = arena.alloc(256); // a second slab is now the one being carved
    const memory = arena.view(first[0]).buffer;
    for (const s of first) arena.view(s).fill(0xee);
    for (const s of first) arena.free(s);
    const big = arena.alloc(1000);
    assert.equal(arena.view(big).buffer, memory, 'the 1024-byte class carves the spare, not a new allocation');
    assert.ok(new Uint8Array(memory).every((x) => x === 0), 'and all of it is zero');
    assert.notEqual(arena.view(second).buffer, memory);
  });
});

describe('copyChunkBytes', () => {
  it('copies: later writes to the source do not show, and copies do not overlap', () => {
    const src = new Uint8Array(300).map((_, i) => i & 0xff);
    const copies = Array.from({ length: 500 }, () => copyChunkBytes(src));
    src.fill(0);
    for (const c of copies) assert.deepEqual([...c.subarray(0, 4)], [0, 1, 2, 3]);
    copies[0].fill(9);
    assert.equal(copies[1][0], 0);
    const big = new Uint8Array(20_000).fill(5);
    assert.deepEqual(copyChunkBytes(big), big);
  });
});
