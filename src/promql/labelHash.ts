/**
 * Prometheus's Labels.Hash(): xxHash64 over `name 0xff value 0xff ...`. limit_ratio uses it to
 * pick a stable, label-dependent subset, so the choice matches Prometheus's series by series.
 */
import type { Labels } from '../storage/labels.ts';

const M64 = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M64;
const round = (acc: bigint, input: bigint): bigint => (rotl((acc + input * P2) & M64, 31n) * P1) & M64;
const mergeRound = (acc: bigint, val: bigint): bigint => (((acc ^ round(0n, val)) * P1 + P4) & M64);

function u64(b: Uint8Array, i: number): bigint {
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(b[i + k]);
  return v;
}

function u32(b: Uint8Array, i: number): bigint {
  return BigInt((b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) >>> 0) + (BigInt(b[i + 3]) << 24n);
}

export function xxhash64(b: Uint8Array): bigint {
  const n = b.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & M64;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (0n - P1) & M64;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, u64(b, i));
      v2 = round(v2, u64(b, i + 8));
      v3 = round(v3, u64(b, i + 16));
      v4 = round(v4, u64(b, i + 24));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M64;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = P5;
  }
  h = (h + BigInt(n)) & M64;
  for (; i + 8 <= n; i += 8) h = ((rotl(h ^ round(0n, u64(b, i)), 27n) * P1) + P4) & M64;
  if (i + 4 <= n) {
    h = ((rotl(h ^ ((u32(b, i) * P1) & M64), 23n) * P2) + P3) & M64;
    i += 4;
  }
  for (; i < n; i++) h = (rotl(h ^ ((BigInt(b[i]) * P5) & M64), 11n) * P1) & M64;
  h ^= h >> 33n;
  h = (h * P2) & M64;
  h ^= h >> 29n;
  h = (h * P3) & M64;
  h ^= h >> 32n;
  return h;
}

export function labelsHash(l: Labels): bigint {
  const parts: number[] = [];
  const enc = new TextEncoder();
  l.forEach((n, v) => {
    parts.push(...enc.encode(n), 0xff, ...enc.encode(v), 0xff);
  });
  return xxhash64(Uint8Array.from(parts));
}

/** The hash as a fraction of 2^64, in [0, 1). */
export function labelHashFraction(l: Labels): number {
  return Number(labelsHash(l)) / 18446744073709551615;
}
