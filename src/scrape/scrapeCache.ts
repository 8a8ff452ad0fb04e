/**
 * Per-target scrape cache. A line seen before costs a 32-bit hash of its raw series bytes and a
 * byte comparison, not a label parse and sort: raw bytes → the series' final labels (after
 * target labels and metric relabeling) and its storage ref.
 *
 * It also tracks staleness the way Prometheus does: by label set, so one series written two
 * ways (label order, spacing) is still one series. After each scrape, `commit()` yields the
 * series that were present in the previous scrape but not in this one; `abort()` (failed
 * scrape) undoes this scrape's marks and yields every series of the previous scrape.
 * Series that carried an explicit timestamp are not tracked for staleness (as in Prometheus).
 */
import type { SeriesRef } from '../storage/interface.ts';
import type { Labels } from '../storage/labels.ts';
import type { MetricType } from './expositionParser.ts';

export class SeriesState {
  ref: SeriesRef = 0;
  lastIter = -1;
  /** lastIter before this scrape touched it, to undo a failed scrape. */
  prevIter = -1;
  /** Last seen without an explicit timestamp: eligible for a stale marker. */
  tracked = false;
  prevTracked = false;
  constructor(readonly labels: Labels) {}
}

/** One raw spelling of a series; `state` is null when metric relabeling dropped it. */
class RawEntry {
  lastIter = 0;
  next: RawEntry | null = null;
  constructor(
    readonly bytes: Uint8Array,
    readonly state: SeriesState | null,
  ) {}
}

export interface MetricMetadata {
  type: MetricType;
  help: string;
  unit: string;
}

interface FamilyMeta extends MetricMetadata {
  lastIter: number;
}

interface MetaLine {
  bytes: Uint8Array;
  family: FamilyMeta;
  next: MetaLine | undefined;
}

/**
 * 30-bit hash of b[s..e): four bytes per multiply (a byte-at-a-time FNV chain is latency-bound
 * on the multiply), then a final avalanche. Collisions only cost a byte comparison.
 */
export function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5 ^ (e - s);
  let i = s;
  for (const end4 = e - 3; i < end4; i += 4) {
    const w = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    h = Math.imul(h ^ w, 0x01000193);
    h ^= h >>> 15;
  }
  for (; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  // 30 bits keep Map keys small integers (Smis); a full uint32 key is a heap number per lookup.
  return h & 0x3fffffff;
}

/** A copy (Buffer#slice would be a view pinning the whole scrape body in memory). */
function copyBytes(b: Uint8Array, s: number, e: number): Uint8Array {
  const out = new Uint8Array(e - s);
  for (let i = s; i < e; i++) out[i - s] = b[i];
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array, s: number, e: number): boolean {
  if (a.length !== e - s) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[s + i]) return false;
  return true;
}

export class ScrapeCache {
  private iter = 0;
  private readonly raw = new Map<number, RawEntry>();
  // Bookkeeping that lets commit() skip its sweeps when every known series and spelling was
  // seen again (the steady state): series marked, raw entries touched, raw entries in total.
  private marked = 0;
  private rawTouched = 0;
  private rawCount = 0;
  private readonly series = new Map<string, SeriesState>();
  /** Metric family metadata from HELP/TYPE/UNIT lines, keyed by family name. */
  private readonly meta = new Map<string, FamilyMeta>();
  private readonly metaRaw = new Map<number, MetaLine>();

  get iteration(): number {
    return this.iter;
  }

  /** Starts a scrape; every lookup and mark until commit()/abort() belongs to it. */
  begin(): void {
    this.iter++;
    this.marked = 0;
    this.rawTouched = 0;
  }

  /** The cached entry for raw series bytes b[s..e), or undefined on a miss. */
  lookup(b: Uint8Array, s: number, e: number): { state: SeriesState | null } | undefined {
    let entry: RawEntry | null = this.raw.get(hashBytes(b, s, e)) ?? null;
    while (entry !== null) {
      if (sameBytes(entry.bytes, b, s, e)) {
        if (entry.lastIter !== this.iter) {
          entry.lastIter = this.iter;
          this.rawTouched++;
        }
        return entry;
      }
      entry = entry.next;
    }
    return undefined;
  }

  /** Records raw bytes b[s..e) as a spelling of `labels` (null: dropped by relabeling). */
  add(b: Uint8Array, s: number, e: number, labels: Labels | null): { state: SeriesState | null } {
    let state: SeriesState | null = null;
    if (labels !== null) {
      const key = labels.key();
      state = this.series.get(key) ?? null;
      if (state === null) {
        state = new SeriesState(labels);
        this.series.set(key, state);
      }
    }
    const entry = new RawEntry(copyBytes(b, s, e), state);
    entry.lastIter = this.iter;
    this.rawCount++;
    this.rawTouched++;
    const h = hashBytes(b, s, e);
    entry.next = this.raw.get(h) ?? null;
    this.raw.set(h, entry);
    return entry;
  }

  /**
   * Marks a series as present in this scrape. Returns false if it was already marked (the
   * payload holds the same series twice). `isNew` tells whether the target never had it.
   */
  mark(state: SeriesState, explicitTimestamp: boolean): boolean {
    if (state.lastIter === this.iter) return false;
    state.prevIter = state.lastIter;
    state.prevTracked = state.tracked;
    state.lastIter = this.iter;
    state.tracked = !explicitTimestamp;
    this.marked++;
    return true;
  }

  /** Whether the series was not present in the previous scrape (call after mark()). */
  isNew(state: SeriesState): boolean {
    return state.prevIter !== this.iter - 1;
  }

  /** Successful scrape: calls `stale` for series present last time and gone now; forgets old entries. */
  commit(stale: (s: SeriesState) => void): void {
    const prev = this.iter - 1;
    if (this.marked !== this.series.size) {
      this.series.forEach((s, key) => {
        if (s.lastIter === prev && s.tracked) stale(s);
        if (s.lastIter < prev) this.series.delete(key);
      });
    }
    if (this.rawTouched !== this.rawCount) this.sweepRaw(prev);
    let metaGone = false;
    this.meta.forEach((m, name) => {
      if (m.lastIter < prev) {
        this.meta.delete(name);
        metaGone = true;
      }
    });
    if (metaGone) this.metaRaw.clear(); // rare (a family vanished): rebuilt from the next scrape
  }

  /** Forgets raw spellings not seen in this scrape or the previous one. */
  private sweepRaw(prev: number): void {
    let count = 0;
    this.raw.forEach((head, h) => {
      let first: RawEntry | null = head;
      while (first !== null && first.lastIter < prev) first = first.next;
      if (first === null) {
        this.raw.delete(h);
        return;
      }
      count++;
      let e = first;
      while (e.next !== null) {
        if (e.next.lastIter < prev) e.next = e.next.next;
        else {
          e = e.next;
          count++;
        }
      }
      if (first !== head) this.raw.set(h, first);
    });
    this.rawCount = count;
  }

  /** Failed scrape: undoes this scrape's marks and calls `stale` for every series of the previous scrape. */
  abort(stale: (s: SeriesState) => void): void {
    const prev = this.iter - 1;
    for (const s of this.series.values()) {
      if (s.lastIter === this.iter) {
        s.lastIter = s.prevIter;
        s.tracked = s.prevTracked;
      }
      if (s.lastIter === prev && s.tracked) stale(s);
      if (s.lastIter === -1) s.ref = 0; // created by the failed batch: its ref may not exist
    }
  }

  /** Every series of the last scrape, for stale markers when the target goes away. */
  forEachLive(fn: (s: SeriesState) => void): void {
    for (const s of this.series.values()) if (s.lastIter === this.iter && s.tracked) fn(s);
  }

  /** Drops everything (labels mapping changed, e.g. new target labels or relabel rules). */
  clear(): void {
    this.raw.clear();
    this.series.clear();
    this.rawCount = 0;
  }

  /**
   * Metadata lines (HELP/TYPE/UNIT) are cached by their raw bytes too: returns true when the
   * line b[s..e) was seen before (nothing to decode), false when the caller must call setMetadata.
   */
  metaSeen(b: Uint8Array, s: number, e: number): boolean {
    let entry = this.metaRaw.get(hashBytes(b, s, e));
    while (entry !== undefined) {
      if (sameBytes(entry.bytes, b, s, e)) {
        entry.family.lastIter = this.iter;
        return true;
      }
      entry = entry.next;
    }
    return false;
  }

  setMetadata(b: Uint8Array, s: number, e: number, name: string, kind: 'type' | 'help' | 'unit', value: string, type?: MetricType): void {
    let m = this.meta.get(name);
    if (m === undefined) {
      m = { type: 'unknown', help: '', unit: '', lastIter: this.iter };
      this.meta.set(name, m);
    }
    m.lastIter = this.iter;
    if (kind === 'type') m.type = type ?? 'unknown';
    else if (kind === 'help') m.help = value;
    else m.unit = value;
    const h = hashBytes(b, s, e);
    this.metaRaw.set(h, { bytes: copyBytes(b, s, e), family: m, next: this.metaRaw.get(h) });
  }

  metadata(): Map<string, MetricMetadata> {
    const out = new Map<string, MetricMetadata>();
    for (const [name, m] of this.meta) out.set(name, { type: m.type, help: m.help, unit: m.unit });
    return out;
  }
}
