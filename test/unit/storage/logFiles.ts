/**
 * Test helpers for the append log's segment files (appendLogFile.ts), read independently of
 * the store: <data>/log/<8-digit number>, records of u32 length, u32 crc32, payload.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export function logDir(storeDir: string): string {
  return path.join(storeDir, 'log');
}

/** Segment file paths, oldest first. */
export function segments(storeDir: string): string[] {
  const dir = logDir(storeDir);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => /^\d{8}$/.test(n))
    .sort()
    .map((n) => path.join(dir, n));
}

export interface RawRecord {
  segment: string;
  offset: number;
  payload: Buffer;
}

/** Every whole, CRC-valid record of every segment, in order (stops a segment at its first bad one). */
export function logRecords(storeDir: string): RawRecord[] {
  const out: RawRecord[] = [];
  for (const seg of segments(storeDir)) {
    const buf = fs.readFileSync(seg);
    let pos = 0;
    while (buf.length - pos >= 8) {
      const len = buf.readUInt32LE(pos);
      const crc = buf.readUInt32LE(pos + 4);
      if (len < 8 || pos + 8 + len > buf.length) break;
      const payload = buf.subarray(pos + 8, pos + 8 + len);
      if (zlib.crc32(payload) !== crc) break;
      out.push({ segment: seg, offset: pos, payload });
      pos += 8 + len;
    }
  }
  return out;
}
