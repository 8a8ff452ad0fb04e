/**
 * Byte sizes as Prometheus reads them (`units.Base2Bytes`): `512KB`, `10MB`, `1GiB`, `1GB512MB`.
 * KB/MB/... are powers of 1024 like KiB/MiB; a bare `0` is allowed, other numbers need a unit.
 */

const BYTE_UNITS: Record<string, number> = {
  B: 1,
  KB: 2 ** 10,
  KiB: 2 ** 10,
  MB: 2 ** 20,
  MiB: 2 ** 20,
  GB: 2 ** 30,
  GiB: 2 ** 30,
  TB: 2 ** 40,
  TiB: 2 ** 40,
  PB: 2 ** 50,
  PiB: 2 ** 50,
  EB: 2 ** 60,
  EiB: 2 ** 60,
};

export class ByteSizeError extends Error {}

export function parseByteSize(s: string): number {
  if (s === '0') return 0;
  if (s === '') throw new ByteSizeError('empty byte size');
  const re = /(\d+(?:\.\d+)?)([A-Za-z]+)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new ByteSizeError(`invalid byte size ${JSON.stringify(s)}: expected a number followed by a unit (B, KB, MB, GB, TB, PB, EB)`);
    const mult = BYTE_UNITS[m[2]];
    if (mult === undefined) throw new ByteSizeError(`invalid byte size ${JSON.stringify(s)}: unknown unit ${JSON.stringify(m[2])}`);
    total += Number(m[1]) * mult;
    pos = re.lastIndex;
  }
  return Math.floor(total);
}

export function formatByteSize(n: number): string {
  if (n === 0) return '0B';
  for (const u of ['EB', 'PB', 'TB', 'GB', 'MB', 'KB']) {
    if (n % BYTE_UNITS[u] === 0) return `${n / BYTE_UNITS[u]}${u}`;
  }
  return `${n}B`;
}
