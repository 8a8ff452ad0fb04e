/**
 * Alertmanager's alert identity: the 64-bit FNV-1a hash of the sorted label pairs, each name and
 * value followed by the 0xff separator byte (prometheus/common `LabelsToSignature`), printed as
 * 16 hex digits. Equal label sets from different Prometheus servers merge into one alert.
 */
const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const SEPARATOR = 0xff;
const encoder = new TextEncoder();

function addBytes(h: bigint, bytes: Uint8Array): bigint {
  for (const b of bytes) h = ((h ^ BigInt(b)) * PRIME) & MASK;
  return h;
}

export function fingerprint(labels: Record<string, string>): string {
  let h = OFFSET;
  for (const name of Object.keys(labels).sort()) {
    h = addBytes(h, encoder.encode(name));
    h = ((h ^ BigInt(SEPARATOR)) * PRIME) & MASK;
    h = addBytes(h, encoder.encode(labels[name]));
    h = ((h ^ BigInt(SEPARATOR)) * PRIME) & MASK;
  }
  return h.toString(16).padStart(16, '0');
}
