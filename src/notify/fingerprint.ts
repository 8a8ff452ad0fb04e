/**
 * Alertmanager's alert identity: the 64-bit FNV-1a hash of the sorted label pairs, each name and
 * value followed by the 0xff separator byte (prometheus/common `LabelsToSignature`), printed as
 * 16 hex digits. Equal label sets from different Prometheus servers merge into one alert.
 *
 * The 64-bit arithmetic runs on four 16-bit limbs (BigInt was ~10x slower on this hot path).
 */
const encoder = new TextEncoder();

class Fnv64 {
  // h0 is the least significant 16 bits. Offset basis 0xcbf29ce484222325.
  h0 = 0x2325;
  h1 = 0x8422;
  h2 = 0x9ce4;
  h3 = 0xcbf2;

  addByte(b: number): void {
    // h ^= b; h *= 0x100000001b3 (limbs: p0 = 0x1b3, p2 = 0x100).
    const h0 = this.h0 ^ b;
    const r0 = h0 * 0x1b3;
    const r1 = this.h1 * 0x1b3 + (r0 >>> 16);
    const r2 = this.h2 * 0x1b3 + h0 * 0x100 + (r1 >>> 16);
    const r3 = this.h3 * 0x1b3 + this.h1 * 0x100 + (r2 >>> 16);
    this.h0 = r0 & 0xffff;
    this.h1 = r1 & 0xffff;
    this.h2 = r2 & 0xffff;
    this.h3 = r3 & 0xffff;
  }

  addString(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) this.addByte(c);
      else {
        for (const b of encoder.encode(s.slice(i, i + (c >= 0xd800 && c < 0xdc00 ? 2 : 1)))) this.addByte(b);
        if (c >= 0xd800 && c < 0xdc00) i++;
      }
    }
  }

  hex(): string {
    return [this.h3, this.h2, this.h1, this.h0].map((x) => x.toString(16).padStart(4, '0')).join('');
  }
}

export function fingerprint(labels: Record<string, string>): string {
  const h = new Fnv64();
  for (const name of Object.keys(labels).sort()) {
    h.addString(name);
    h.addByte(0xff);
    h.addString(labels[name]);
    h.addByte(0xff);
  }
  return h.hex();
}
