/**
 * Bounded LRU of decoded samples of CLOSED chunks (chunks-table rows, packed rows, cut in-memory
 * chunks), so repeated queries over the same range skip XOR / packed decoding.
 *
 * Staleness: an entry is found by (series id, minT) but only served when its stored
 * chunk bytes equal the bytes being read (same object, or memcmp). Decoding is a pure function of
 * the bytes, so a hit can never return samples the chunk does not hold — a deleted, retained or
 * rewritten chunk with different bytes simply misses and replaces the entry. No invalidation hooks
 * are needed; dropped chunks age out of the LRU.
 *
 * The open head chunk is never cached (callers leave ChunkRef.sid unset for it): it still grows.
 */

export interface DecodedChunk {
  /** Exactly n timestamps / values; values keep their bits (stale markers) in a Float64Array. */
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  /** Start timestamps (NaN = none), or null when the chunk carries none. */
  readonly sts: Float64Array | null;
  readonly n: number;
}

interface Entry extends DecodedChunk {
  readonly sid: number;
  readonly minT: number;
  readonly maxT: number;
  readonly data: Uint8Array;
  readonly bytes: number;
  /** LRU list neighbours: older (prev) and newer (next). */
  prev: Entry | null;
  next: Entry | null;
}

/** Per-entry bookkeeping (Map slots, entry object) charged on top of the arrays. */
const ENTRY_OVERHEAD = 160;

export const DEFAULT_DECODED_CHUNK_CACHE_BYTES = 32 * 1024 * 1024;

export class DecodedChunkCache {
  // Keyed by series id, then chunk minT: numeric keys, because building a string key cost more
  // than the rest of a hit. One entry per (series, minT): a rewritten chunk replaces the old one.
  private readonly bySeries = new Map<number, Map<number, Entry>>();
  private entries = 0;
  /** Least recently used end of the LRU list (evicted first) and most recently used end. */
  private oldest: Entry | null = null;
  private newest: Entry | null = null;
  private used = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number = DEFAULT_DECODED_CHUNK_CACHE_BYTES) {
    if (!(maxBytes >= 0)) throw new Error(`decoded chunk cache size must be >= 0 bytes, got ${maxBytes}`);
  }

  /** Bytes currently charged (decoded arrays + kept chunk bytes + overhead). */
  bytes(): number {
    return this.used;
  }

  size(): number {
    return this.entries;
  }

  /** The decoded samples of the chunk (sid, minT, maxT, data), or undefined on a miss. */
  get(sid: number, minT: number, maxT: number, data: Uint8Array): DecodedChunk | undefined {
    const e = this.bySeries.get(sid)?.get(minT);
    if (e === undefined || e.maxT !== maxT || !sameBytes(e.data, data)) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    if (e !== this.newest) {
      this.unlink(e);
      this.append(e);
    }
    return e;
  }

  /** Stores a copy of the first n decoded samples; evicts least recently used entries past the bound. */
  put(sid: number, minT: number, maxT: number, data: Uint8Array, ts: Float64Array, vs: Float64Array, n: number, sts: Float64Array | null = null): DecodedChunk {
    const cost = n * (sts === null ? 16 : 24) + data.length + ENTRY_OVERHEAD;
    const e: Entry = {
      ts: ts.slice(0, n),
      vs: vs.slice(0, n),
      sts: sts === null ? null : sts.slice(0, n),
      n,
      sid,
      minT,
      maxT,
      // A view into a shared block (copyChunkBytes) would keep the whole block alive.
      data: data.byteLength < data.buffer.byteLength ? data.slice() : data,
      bytes: cost,
      prev: null,
      next: null,
    };
    if (cost > this.maxBytes) return e;
    let chunks = this.bySeries.get(sid);
    if (chunks === undefined) this.bySeries.set(sid, (chunks = new Map()));
    const old = chunks.get(minT);
    if (old !== undefined) this.remove(old);
    chunks.set(minT, e);
    this.entries++;
    this.append(e);
    this.used += cost;
    while (this.used > this.maxBytes && this.oldest !== null) this.evict(this.oldest);
    return e;
  }

  clear(): void {
    this.bySeries.clear();
    this.entries = 0;
    this.oldest = this.newest = null;
    this.used = 0;
  }

  private evict(e: Entry): void {
    const chunks = this.bySeries.get(e.sid)!;
    chunks.delete(e.minT);
    if (chunks.size === 0) this.bySeries.delete(e.sid);
    this.remove(e);
  }

  /** Drops e from the LRU list and the byte count (the caller updates the maps). */
  private remove(e: Entry): void {
    this.unlink(e);
    this.entries--;
    this.used -= e.bytes;
  }

  private unlink(e: Entry): void {
    if (e.prev === null) this.oldest = e.next;
    else e.prev.next = e.next;
    if (e.next === null) this.newest = e.prev;
    else e.next.prev = e.prev;
    e.prev = e.next = null;
  }

  private append(e: Entry): void {
    e.prev = this.newest;
    e.next = null;
    if (this.newest === null) this.oldest = e;
    else this.newest.next = e;
    this.newest = e;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
