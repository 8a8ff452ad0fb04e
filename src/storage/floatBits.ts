/**
 * Raw float64 bit access. Values are compared and stored by their bits so that -0, NaN payloads
 * and the stale marker survive exactly (see staleMarker.ts for why plain JS arrays are unsafe).
 * The engine is little-endian on every platform Node supports, so u32[0] is the low word.
 */
import { STALE_NAN_BITS_HI, STALE_NAN_BITS_LO } from './staleMarker.ts';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Splits v into [hi, lo] uint32 words, mapping a quieted stale marker back to the canonical bits. */
export function floatHi(v: number): number {
  f64[0] = v;
  const hi = u32[1];
  if (v !== v && (hi & 0x7ff7ffff) === STALE_NAN_BITS_HI && u32[0] === STALE_NAN_BITS_LO) return STALE_NAN_BITS_HI;
  return hi;
}

/** Low word of v's bits (call right after floatHi for the same v, or on its own). */
export function floatLo(v: number): number {
  f64[0] = v;
  return u32[0];
}

export function floatFromBits(hi: number, lo: number): number {
  u32[1] = hi;
  u32[0] = lo;
  return f64[0];
}

/** True when a and b have identical bits (after stale-marker canonicalisation). */
export function sameFloatBits(a: number, b: number): boolean {
  return floatHi(a) === floatHi(b) && floatLo(a) === floatLo(b);
}

/** Stores v into arr[i] keeping its bits; a (possibly quieted) stale marker is written canonically. */
export function storeFloat(arr: Float64Array, i: number, v: number): void {
  const hi = floatHi(v);
  const lo = u32[0];
  const view = new Uint32Array(arr.buffer, arr.byteOffset + i * 8, 2);
  view[0] = lo;
  view[1] = hi;
}
