/** XOR chunk codec alone on the bench data (STYLE 3: the codec has its own measurement). */
import { XorChunk, XorIterator } from '../../../src/storage/xorChunk.ts';
import { SAMPLES_PER_SERIES, SERIES, START_MS, STEP_MS } from './syntheticData.ts';

export interface CodecResult {
  encodeNsPerSample: number;
  decodeNsPerSample: number;
  xorBytesPerSample: number;
}

function encodeAll(bySeries: Float64Array[], perChunk: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (const vs of bySeries) {
    let c = new XorChunk();
    let a = c.appender();
    for (let i = 0; i < vs.length; i++) {
      if (c.numSamples() === perChunk) {
        chunks.push(c.bytes());
        c = new XorChunk();
        a = c.appender();
      }
      a.append(START_MS + i * STEP_MS, vs[i]);
    }
    chunks.push(c.bytes());
  }
  return chunks;
}

function decodeAll(chunks: Uint8Array[], it: XorIterator): number {
  let n = 0;
  for (const c of chunks) {
    it.reset(c);
    while (it.next()) n++;
  }
  return n;
}

/** Best of 3 encodes and 5 decodes (JIT warm-up included). */
export function benchXorCodec(values: Float64Array, perChunk = 120): CodecResult {
  // Per-series contiguous values, so the timing measures the codec, not strided memory reads.
  const bySeries = Array.from({ length: SERIES }, (_, s) => {
    const v = new Float64Array(SAMPLES_PER_SERIES);
    for (let i = 0; i < SAMPLES_PER_SERIES; i++) v[i] = values[i * SERIES + s];
    return v;
  });
  const total = SERIES * SAMPLES_PER_SERIES;
  let chunks: Uint8Array[] = [];
  let encodeMs = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    chunks = encodeAll(bySeries, perChunk);
    encodeMs = Math.min(encodeMs, performance.now() - t0);
  }
  const it = new XorIterator();
  let decodeMs = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    const n = decodeAll(chunks, it);
    decodeMs = Math.min(decodeMs, performance.now() - t0);
    if (n !== total) throw new Error(`decoded ${n}, expected ${total}`);
  }
  return {
    encodeNsPerSample: (encodeMs * 1e6) / total,
    decodeNsPerSample: (decodeMs * 1e6) / total,
    xorBytesPerSample: chunks.reduce((n, c) => n + c.length, 0) / total,
  };
}
