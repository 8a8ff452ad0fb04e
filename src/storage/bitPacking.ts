/**
 * Block bit-packing of non-negative integers (zigzag tokens of packed chunks, packedChunk.ts):
 * blocks of BLOCK values, each a width byte w (0..53) followed by the block's values in w bits
 * each, most significant bit first, padded to a whole byte. Decoding is shifts and masks — no
 * general-purpose decompressor on the read path.
 */

export const BLOCK = 32;
const MAX_WIDTH = 53;

/** Bit length of a non-negative safe integer. */
function widthOf(x: number): number {
  if (x < 0x100000000) return 32 - Math.clz32(x);
  let w = 32;
  for (let h = Math.floor(x / 0x100000000); h > 0; h = Math.floor(h / 2)) w++;
  return w;
}

/** Appends the packed form of xs[0, n) to out (a growable byte sink). */
export function packBits(xs: Float64Array, n: number, out: { byte(x: number): void }): void {
  for (let b = 0; b < n; b += BLOCK) {
    const end = Math.min(n, b + BLOCK);
    let max = 0;
    for (let i = b; i < end; i++) if (xs[i] > max) max = xs[i];
    const w = widthOf(max);
    out.byte(w);
    if (w === 0) continue;
    let acc = 0; // pending bits (< 8 of them), as an integer
    let nacc = 0;
    if (w <= 24) {
      for (let i = b; i < end; i++) {
        acc = (acc << w) | xs[i];
        nacc += w;
        while (nacc >= 8) {
          nacc -= 8;
          out.byte((acc >>> nacc) & 0xff);
        }
        acc &= (1 << nacc) - 1;
      }
      if (nacc > 0) out.byte((acc << (8 - nacc)) & 0xff);
      continue;
    }
    for (let i = b; i < end; i++) {
      // Feed the value in pieces of at most 24 bits, high piece first.
      let x = xs[i];
      let left = w;
      while (left > 0) {
        const take = left > 24 ? left - 24 * Math.floor((left - 1) / 24) : left;
        const div = 2 ** (left - take);
        const piece = Math.floor(x / div);
        x -= piece * div;
        left -= take;
        acc = acc * 2 ** take + piece;
        nacc += take;
        while (nacc >= 8) {
          nacc -= 8;
          const d = 2 ** nacc;
          const byte = Math.floor(acc / d);
          out.byte(byte);
          acc -= byte * d;
        }
      }
    }
    if (nacc > 0) out.byte(acc * 2 ** (8 - nacc));
  }
}

/**
 * Unpacks n values from b at pos into out; returns the position after them, or -1 when the
 * data is truncated or a width is invalid.
 */
export function unpackBits(b: Uint8Array, pos: number, n: number, out: Float64Array): number {
  for (let base = 0; base < n; base += BLOCK) {
    const end = Math.min(n, base + BLOCK);
    const w = b[pos++];
    if (w === undefined || w > MAX_WIDTH) return -1;
    if (w === 0) {
      out.fill(0, base, end);
      continue;
    }
    const bytes = Math.ceil(((end - base) * w) / 8);
    if (pos + bytes > b.length) return -1;
    if (w <= 24) {
      // A bit buffer refilled a byte at a time: at most 24 + 8 = 32 bits are ever pending.
      const mask = (1 << w) - 1;
      let acc = 0;
      let have = 0;
      let j = pos;
      for (let i = base; i < end; i++) {
        while (have < w) {
          acc = (acc << 8) | b[j++];
          have += 8;
        }
        have -= w;
        out[i] = (acc >>> have) & mask;
      }
    } else {
      let bit = pos * 8;
      for (let i = base; i < end; i++, bit += w) out[i] = readWide(b, bit, w);
    }
    pos += bytes;
  }
  return pos;
}

/** A value of w (26..53) bits at bit offset `bit`, read in pieces of at most 24 bits. */
function readWide(b: Uint8Array, bit: number, w: number): number {
  let x = 0;
  while (w > 0) {
    const take = w > 24 ? 24 : w;
    const j = bit >>> 3;
    const word = ((b[j] << 24) | (b[j + 1] << 16) | (b[j + 2] << 8) | b[j + 3]) >>> 0;
    const piece = (word >>> (32 - (bit & 7) - take)) & ((1 << take) - 1);
    x = x * (1 << take) + piece;
    bit += take;
    w -= take;
  }
  return x;
}
