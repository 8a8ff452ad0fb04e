/**
 * Bounded LRU of decoded samples of CLOSED chunks (chunks-table rows, packed rows, cut in-memory
 * chunks), so repeated queries over the same range skip XOR / packed decoding.
 *
 * Staleness: an entry is found by (series id, minT, byte length) but only served when its stored
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
  readonly n: number;
}

interface Entry extends DecodedChunk {
  readonly maxT: number;
  readonly data: Uint8Array;
  readonly bytes: number;
}

/** Per-entry bookkeeping (Map slot, key string, entry object) charged on top of the arrays. */
const ENTRY_OVERHEAD = 160;

export const DEFAULT_DECODED_CHUNK_CACHE_BYTES = 32 * 1024 * 1024;

export class DecodedChunkCache {
  private readonly map = new Map<string, Entry>();
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
    return this.map.size;
  }

  /** The decoded samples of the chunk (sid, minT, maxT, data), or undefined on a miss. */
  get(sid: number, minT: number, maxT: number, data: Uint8Array): DecodedChunk | undefined {
    const key = keyOf(sid, minT, data.length);
    const e = this.map.get(key);
    if (e === undefined || e.maxT !== maxT || !sameBytes(e.data, data)) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Most recently used goes last.
    this.map.delete(key);
    this.map.set(key, e);
    return e;
  }

  /** Stores a copy of the first n decoded samples; evicts least recently used entries past the bound. */
  put(sid: number, minT: number, maxT: number, data: Uint8Array, ts: Float64Array, vs: Float64Array, n: number): DecodedChunk {
    const cost = n * 16 + data.length + ENTRY_OVERHEAD;
    const e: Entry = { ts: ts.slice(0, n), vs: vs.slice(0, n), n, maxT, data, bytes: cost };
    if (cost > this.maxBytes) return e;
    const key = keyOf(sid, minT, data.length);
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      this.used -= old.bytes;
    }
    this.map.set(key, e);
    this.used += cost;
    if (this.used > this.maxBytes) this.evict();
    return e;
  }

  clear(): void {
    this.map.clear();
    this.used = 0;
  }

  private evict(): void {
    for (const [k, e] of this.map) {
      if (this.used <= this.maxBytes) break;
      this.map.delete(k);
      this.used -= e.bytes;
    }
  }
}

function keyOf(sid: number, minT: number, len: number): string {
  return `${sid}:${minT}:${len}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
