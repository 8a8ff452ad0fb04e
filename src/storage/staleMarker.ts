/**
 * Prometheus's stale marker: the NaN with bit pattern 0x7ff0000000000002, written when a
 * series disappears. It must stay distinguishable from every other NaN.
 *
 * Caveat (measured on V8 / Node 20): 0x7ff0000000000002 is a *signaling* NaN, and V8 sets the
 * quiet bit when such a value is stored in a plain JS array or Map (it becomes
 * 0x7ff8000000000002); typed arrays, DataView and object fields keep the bits. So:
 *  - isStaleNaN() accepts the pattern with or without the quiet bit;
 *  - code that writes bits out (chunk codec, remote write, federation) writes the canonical
 *    pattern via writeStaleBits() rather than trusting the float it holds.
 * Ordinary NaNs (JS NaN is 0x7ff8000000000000, Go's math.NaN() is 0x7ff8000000000001) are
 * never mistaken for a stale marker.
 */
const buf = new DataView(new ArrayBuffer(8));

export const STALE_NAN_BITS_HI = 0x7ff00000;
export const STALE_NAN_BITS_LO = 0x00000002;

buf.setUint32(0, STALE_NAN_BITS_HI);
buf.setUint32(4, STALE_NAN_BITS_LO);

/** A float64 holding the stale-marker bit pattern. */
export const STALE_NAN: number = buf.getFloat64(0);

export function isStaleNaN(v: number): boolean {
  if (v === v) return false; // fast path: not NaN
  buf.setFloat64(0, v);
  return (buf.getUint32(0) & 0x7ff7ffff) === STALE_NAN_BITS_HI && buf.getUint32(4) === STALE_NAN_BITS_LO;
}

/** Writes the canonical stale-marker bits big-endian at `offset`. */
export function writeStaleBits(view: DataView, offset: number): void {
  view.setUint32(offset, STALE_NAN_BITS_HI);
  view.setUint32(offset + 4, STALE_NAN_BITS_LO);
}
