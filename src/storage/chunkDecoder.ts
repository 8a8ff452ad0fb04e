/**
 * Decodes any stored chunk — plain XOR, ST-wrapped XOR (startTimestamps.ts) or a packed row
 * (packedChunk.ts) — into arrays it owns and reuses across calls.
 */
import { XorIterator } from './xorChunk.ts';
import { isPacked, PackedDecoder } from './packedChunk.ts';
import { decodeSts, isStChunk, splitChunk } from './startTimestamps.ts';

export class ChunkDecoder {
  /** Decoded samples, valid until the next decode(); indexes [0, n). */
  ts: Float64Array = EMPTY;
  vs: Float64Array = EMPTY;
  /** Start timestamps (NaN where a sample has none), or null when the chunk carries none. */
  sts: Float64Array | null = null;
  n = 0;
  private xit: XorIterator | null = null;
  private packed: PackedDecoder | null = null;
  private stBuf: Float64Array = EMPTY;

  /** Throws on a corrupt chunk (callers turn that into err()). */
  decode(data: Uint8Array): void {
    this.n = 0;
    if (isPacked(data)) {
      const d = (this.packed ??= new PackedDecoder());
      d.decode(data);
      this.ts = d.ts;
      this.vs = d.vs;
      this.sts = d.sts;
      this.n = d.n;
      return;
    }
    const st = isStChunk(data);
    const parts = st ? splitChunk(data) : null;
    const it = (this.xit ??= new XorIterator());
    it.reset(parts === null ? data : parts.xor);
    const e = it.err();
    if (e) throw e;
    const n = it.length();
    this.ts = it.timestamps();
    this.vs = it.values();
    this.sts = null;
    if (parts !== null) {
      if (this.stBuf.length < n) this.stBuf = new Float64Array(Math.max(n, 128));
      decodeSts(parts.st!, this.ts, n, this.stBuf);
      this.sts = this.stBuf;
    }
    this.n = n;
  }
}

const EMPTY = new Float64Array(0);
