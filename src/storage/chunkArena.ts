/**
 * Memory for in-memory chunk bytes without one ArrayBuffer per chunk.
 *
 * Every `new Uint8Array(n)` past 64 bytes is its own malloc'd backing store plus a V8
 * ArrayBuffer and a C++ BackingStore record (~230 bytes of overhead). Head chunks are long
 * lived and all series of a target cut at the same scrape, so 10k heads were re-allocated in
 * one burst every 2 minutes, interleaved with the copies of the chunks just cut: glibc's heap
 * then kept ~17 MB free but unreturnable between live blocks (bench:scrape, malloc_stats).
 *
 * - ChunkArena: head chunks, which have exactly one owner and a known end of life (cut, drop).
 *   Size classes of 64..4096 bytes carved from 64 KB slabs; a freed slot is zeroed and reused,
 *   a slab with no slot in use is kept as a spare (a few) or released. A bigger chunk (a cut
 *   policy of thousands of samples) gets a slab of its own, so every head is one slot number.
 * - copyChunkBytes: copies that are only read (chunks cut and waiting to be written, head
 *   snapshots handed to queries). They are packed one after another into shared 64 KB blocks;
 *   a block goes back to the allocator when the garbage collector finds no copy in it in use.
 */

const SLAB_BYTES = 64 * 1024;
/** A slot number is slab << SLAB_SHIFT | offset (below 2^32: up to 65536 slabs, 4 GB). */
const SLAB_SHIFT = 16;
const OFFSET_MASK = SLAB_BYTES - 1;
/** Size classes in half steps (waste under a third): 64, 96, 128, 192, ..., 3072, 4096 bytes. */
const CLASS_BYTES = [64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096];
const CLASSES = CLASS_BYTES.length;

/**
 * Empty slabs kept for reuse instead of released. Heads grow in step (series scraped together
 * move to the next size class in the same scrape), so the slab one class empties is the one the
 * next class needs a moment later; a few spares cover that without a malloc/free per slab. Past
 * this, empty slabs go back to the allocator (after a cut most of the heads' memory is free).
 */
const MAX_SPARE_SLABS = 8;

/** Largest size class; a bigger slot is a slab of its own, of exactly the size asked for. */
export const ARENA_MAX_BYTES = CLASS_BYTES[CLASSES - 1];
/** slabClass of a slab that is one slot of its own size. */
const OWN_SLAB = -1;

/** No slot: the buffer is its own allocation. */
export const NO_SLOT = -1;

const NO_SLAB = new Uint8Array(0);

export class ChunkArena {
  /** Slab i holds slots i * SLAB_BYTES + offset; a released slab is NO_SLAB until reused. */
  private readonly slabs: Uint8Array[] = [];
  private readonly slabClass: number[] = [];
  private readonly slabUsed: number[] = [];
  private readonly vacantSlabs: number[] = [];
  /** Released slabs' memory (all zero) kept for the next slab of any class; see MAX_SPARE_SLABS. */
  private readonly spareSlabs: Uint8Array[] = [];
  /** Per slab: offsets of its freed slots. */
  private readonly slabFree: number[][] = [];
  /**
   * Per class: slabs holding freed slots. Kept per slab, not as one list of slots per class, so
   * releasing a slab touches only its own entries: after a cut wave of 10k heads, filtering a
   * class-wide list once per emptied slab made ~9 MB of garbage arrays.
   */
  private readonly partial: number[][] = Array.from({ length: CLASSES }, () => []);
  /** Per class: the slab being carved (-1: none) and the next unused offset in it. */
  private readonly carveSlab = new Int32Array(CLASSES).fill(-1);
  private readonly carveNext = new Int32Array(CLASSES);
  /** Slots handed out and not freed. */
  slotsInUse = 0;

  private static classOf(size: number): number {
    for (let c = 0; c < CLASSES; c++) if (size <= CLASS_BYTES[c]) return c;
    throw new Error(`chunk arena: ${size} bytes is past the largest class`);
  }

  /** A slot of at least `size` zeroed bytes; view it with `view`. */
  alloc(size: number): number {
    if (size > ARENA_MAX_BYTES) return this.allocOwn(size);
    const c = ChunkArena.classOf(size);
    this.slotsInUse++;
    const partial = this.partial[c];
    if (partial.length > 0) {
      const slab = partial[partial.length - 1];
      const free = this.slabFree[slab];
      const off = free.pop()!;
      if (free.length === 0) partial.pop();
      this.slabUsed[slab]++;
      return slab * SLAB_BYTES + off;
    }
    const bytes = CLASS_BYTES[c];
    let slab = this.carveSlab[c];
    if (slab < 0 || this.carveNext[c] + bytes > SLAB_BYTES) {
      slab = this.vacantSlabs.pop() ?? this.slabs.length;
      this.slabs[slab] = this.spareSlabs.pop() ?? new Uint8Array(SLAB_BYTES);
      this.slabClass[slab] = c;
      this.slabUsed[slab] = 0;
      this.slabFree[slab] ??= [];
      this.carveSlab[c] = slab;
      this.carveNext[c] = 0;
    }
    const off = this.carveNext[c];
    this.carveNext[c] = off + bytes;
    this.slabUsed[slab]++;
    return slab * SLAB_BYTES + off;
  }

  /** A slot past the largest class: a slab of exactly `size` bytes, released when the slot is freed. */
  private allocOwn(size: number): number {
    const slab = this.vacantSlabs.pop() ?? this.slabs.length;
    this.slabs[slab] = new Uint8Array(size);
    this.slabClass[slab] = OWN_SLAB;
    this.slabUsed[slab] = 1;
    this.slotsInUse++;
    return slab * SLAB_BYTES;
  }

  /** The slab holding the slot (its bytes are slab[offset(slot) .. offset(slot) + size(slot)]). */
  slab(slot: number): Uint8Array {
    return this.slabs[slot >>> SLAB_SHIFT];
  }

  offset(slot: number): number {
    return slot & OFFSET_MASK;
  }

  /** Bytes in the slot (its size class, or its own slab's size). */
  size(slot: number): number {
    const slab = slot >>> SLAB_SHIFT;
    const c = this.slabClass[slab];
    return c === OWN_SLAB ? this.slabs[slab].length : CLASS_BYTES[c];
  }

  /** The slot's bytes (a view; valid until the slot is freed). */
  view(slot: number): Uint8Array {
    const off = this.offset(slot);
    return this.slab(slot).subarray(off, off + this.size(slot));
  }

  /**
   * Returns a slot for reuse; its bytes are zeroed now, so `alloc` hands out clean memory. A
   * slab left without slots in use goes back to the allocator (series that shrank, or went).
   */
  free(slot: number): void {
    const slab = slot >>> SLAB_SHIFT;
    const off = slot & OFFSET_MASK;
    const c = this.slabClass[slab];
    this.slotsInUse--;
    if (c === OWN_SLAB) {
      this.slabUsed[slab] = 0;
      this.slabs[slab] = NO_SLAB;
      this.vacantSlabs.push(slab);
      return;
    }
    this.slabs[slab].fill(0, off, off + CLASS_BYTES[c]);
    const free = this.slabFree[slab];
    if (free.length === 0) this.partial[c].push(slab);
    free.push(off);
    if (--this.slabUsed[slab] === 0 && this.carveSlab[c] !== slab) this.releaseSlab(slab, c);
  }

  private releaseSlab(slab: number, c: number): void {
    const partial = this.partial[c];
    const i = partial.lastIndexOf(slab);
    partial[i] = partial[partial.length - 1];
    partial.pop();
    this.slabFree[slab].length = 0;
    if (this.spareSlabs.length < MAX_SPARE_SLABS) this.spareSlabs.push(this.slabs[slab]);
    this.slabs[slab] = NO_SLAB;
    this.vacantSlabs.push(slab);
  }

  /** Bytes of slab memory held (in use or free). */
  bytesReserved(): number {
    let n = 0;
    for (const s of this.slabs) n += s.length;
    return n + this.spareSlabs.length * SLAB_BYTES;
  }
}

/** Head chunks of every storage in the process. */
export const headChunkArena = new ChunkArena();

const COPY_BLOCK_BYTES = 64 * 1024;
/** Copies at least this big get their own allocation (they would waste a block's tail). */
const COPY_OWN_BYTES = 8 * 1024;
let copyBlock = new Uint8Array(0);
let copyNext = 0;

/** A read-only copy of chunk bytes, packed into a shared block (see the file comment). */
export function copyChunkBytes(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  if (n >= COPY_OWN_BYTES) return bytes.slice();
  if (copyNext + n > copyBlock.length) {
    copyBlock = new Uint8Array(COPY_BLOCK_BYTES);
    copyNext = 0;
  }
  const out = copyBlock.subarray(copyNext, copyNext + n);
  out.set(bytes);
  copyNext += n;
  return out;
}
