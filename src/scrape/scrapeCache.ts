/**
 * Per-target scrape cache. A line seen before costs a byte comparison, not a label parse and
 * sort: raw bytes → the series' final labels (after target labels and metric relabeling) and
 * its storage ref, or → the decoded HELP/TYPE/UNIT metadata.
 *
 * Layout (measured: the former Map of objects each holding its own Uint8Array spent ~650 ns
 * per lookup in cache misses with 20 targets, and ~400 bytes per series): every distinct raw
 * line is an integer entry id; its bytes live in one arena, its fields in typed arrays, and an
 * open-addressing table maps a 30-bit hash of the bytes to ids. Targets expose their lines in
 * the same order every scrape, so the cache also predicts the next line (the one that followed
 * the previous line last time): the parser checks the prediction against the payload in place
 * and skips scanning, hashing and probing for it (TextParser.skipKnownLine).
 *
 * It also tracks staleness the way Prometheus does: by label set, so one series written two
 * ways (label order, spacing) is still one series. After each scrape, `commit()` yields the
 * series that were present in the previous scrape but not in this one; `abort()` (failed
 * scrape) undoes this scrape's marks and yields every series of the previous scrape.
 * Series that carried an explicit timestamp are not tracked for staleness (as in Prometheus).
 *
 * A series has no object of its own: it is the entry id of its first spelling, and its ref,
 * labels and scrape marks are columns of that entry. Measured at 20 targets × 500 series: a
 * SeriesState object per series, a LabelsMap of them and separate series/metadata arrays cost
 * 1.0 MB more heap than these columns; fitting the columns and the arena to the lines after a
 * scrape that added some (instead of leaving up to half of a doubled array empty) saved another
 * 0.2 MB of array buffers. Series and entry ids stay valid until the next begin(), which is
 * where compaction renumbers entries.
 */
import type { SeriesRef } from '../storage/interface.ts';
import type { Labels } from '../storage/labels.ts';
import type { MetricType } from './expositionParser.ts';

export interface MetricMetadata {
  type: MetricType;
  help: string;
  unit: string;
}

interface FamilyMeta extends MetricMetadata {
  lastIter: number;
}

type MetaKind = 'type' | 'help' | 'unit';

/** What one raw metadata line says about its family. */
class MetaLine {
  constructor(
    readonly family: FamilyMeta,
    readonly kind: MetaKind,
    readonly value: string,
    readonly type: MetricType,
  ) {}

  apply(iter: number): void {
    const f = this.family;
    f.lastIter = iter;
    if (this.kind === 'type') f.type = this.type;
    else if (this.kind === 'help') f.help = this.value;
    else f.unit = this.value;
  }
}

/** No entry (a miss, or no prediction). */
export const NO_ENTRY = -1;
/** seriesOf() a line dropped by metric relabeling. */
export const NO_SERIES = -1;
/** `seen` of an entry that was swept; its slot and bytes are reclaimed by the next compaction. */
const DEAD = -2;

// Bits of an entry's `flags`.
/** A HELP/TYPE/UNIT line. */
const META = 1;
/** A series last seen without an explicit timestamp: eligible for a stale marker. */
const TRACKED = 2;
/** TRACKED before this scrape marked the series, to undo a failed scrape. */
const PREV_TRACKED = 4;

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
  return h & 0x3fffffff;
}

type Column = Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;

/** A copy of `a` with room for `size` elements (longer: zero-filled; shorter: cut). */
function resized<C extends Column>(a: C, size: number): C {
  const out = new (a.constructor as new (size: number) => C)(size);
  out.set(a.subarray(0, Math.min(a.length, size)));
  return out;
}

/** Capacity kept for `count` entries (or arena bytes) once a scrape is done: an eighth to spare. */
function roomFor(count: number, min: number): number {
  return Math.max(min, count + (count >> 3));
}

/** Whether a capacity is well past roomFor(count), worth a copy to give back. */
function oversized(capacity: number, count: number, min: number): boolean {
  return capacity > Math.max(min, count + (count >> 2));
}

/** The smallest power-of-two table at most half full with `count` ids. */
function tableSize(count: number, min: number): number {
  let size = min;
  while (size < count * 2 + 2) size *= 2;
  return size;
}

const MIN_ENTRIES = 16;
const MIN_ARENA = 1024;

export class ScrapeCache {
  private iter = 0;
  private openMetrics = false;

  // ---- the line table: columns indexed by entry id ----
  private arena = new Uint8Array(MIN_ARENA);
  private arenaUsed = 0;
  /** Entries allocated (live and dead) and dead ones awaiting compaction. */
  private n = 0;
  private dead = 0;
  private start = new Int32Array(MIN_ENTRIES);
  private end = new Int32Array(MIN_ENTRIES);
  private hashes = new Int32Array(MIN_ENTRIES);
  /** Iteration in which the entry was last seen, or DEAD. */
  private seen = new Int32Array(MIN_ENTRIES);
  /** The entry that followed this one in the last scrape that saw it (prediction). */
  private succ = new Int32Array(MIN_ENTRIES);
  /** The series a series line spells (NO_SERIES: dropped by metric relabeling, or a metadata line). */
  private series = new Int32Array(MIN_ENTRIES);
  /** META, TRACKED, PREV_TRACKED. */
  private flags = new Uint8Array(MIN_ENTRIES);
  /** A series' labels (at its own entry), a metadata line's MetaLine, else null. */
  private objects: Array<Labels | MetaLine | null> = [];
  /** Open addressing, linear probing: entry id + 1, 0 = empty. At most half full. */
  private slots = new Int32Array(32);
  /** First line of the last scrape, and the line before the current one in this scrape. */
  private first = NO_ENTRY;
  private prevLine = NO_ENTRY;
  /** Entries seen in this scrape: commit() sweeps only when not all were. */
  private touched = 0;

  // ---- series: columns at the entry of each series' first spelling ----
  private refs = new Float64Array(MIN_ENTRIES);
  /** Iteration in which the series was last marked, -1 if never. */
  private lastIter = new Int32Array(MIN_ENTRIES);
  /** lastIter before this scrape marked it, to undo a failed scrape. */
  private prevIter = new Int32Array(MIN_ENTRIES);
  /** Labels hash → series, as `slots`; swept series stay in it (skipped) until compaction. */
  private seriesSlots = new Int32Array(32);
  private seriesSlotsUsed = 0;
  private seriesCount = 0;
  /** Series marked in this scrape: commit() looks for vanished series only when not all were. */
  private marked = 0;

  // ---- metadata ----
  /** Metric family metadata from HELP/TYPE/UNIT lines, keyed by family name. */
  private readonly meta = new Map<string, FamilyMeta>();

  get iteration(): number {
    return this.iter;
  }

  /**
   * Starts a scrape; every lookup and mark until commit()/abort() belongs to it. A change of
   * exposition format forgets the cached metadata lines (their escapes differ by format);
   * without a payload (failed fetch) the format stays. Dead entries are compacted away here,
   * so ids handed out during a scrape stay valid through the appends that follow its commit.
   */
  begin(openMetrics: boolean = this.openMetrics): void {
    this.iter++;
    this.marked = 0;
    this.touched = 0;
    this.prevLine = NO_ENTRY;
    if (openMetrics !== this.openMetrics) {
      this.openMetrics = openMetrics;
      for (let id = 0; id < this.n; id++) if (this.isMeta(id)) this.kill(id);
    }
    if (this.dead * 2 > this.n) this.compact();
  }

  // ---- entries ----

  /** The bytes of every entry; entry `id` is bytes[entryStart(id), entryEnd(id)). */
  get bytes(): Uint8Array {
    return this.arena;
  }

  entryStart(id: number): number {
    return this.start[id];
  }

  entryEnd(id: number): number {
    return this.end[id];
  }

  /** Whether the entry is a metadata line (else a series). */
  isMeta(id: number): boolean {
    return (this.flags[id] & META) !== 0;
  }

  /** The line expected next: the one that followed the previous line last time (or NO_ENTRY). */
  predicted(): number {
    const id = this.prevLine === NO_ENTRY ? this.first : this.succ[this.prevLine];
    return id >= 0 && this.seen[id] !== DEAD ? id : NO_ENTRY;
  }

  /** Records that entry `id` is the next line of this scrape. */
  touch(id: number): void {
    if (this.seen[id] !== this.iter) {
      this.seen[id] = this.iter;
      this.touched++;
    }
    if (this.prevLine === NO_ENTRY) this.first = id;
    else this.succ[this.prevLine] = id;
    this.prevLine = id;
  }

  /** The entry for raw line bytes b[s..e) (touched), or NO_ENTRY on a miss. */
  find(b: Uint8Array, s: number, e: number): number {
    const h = hashBytes(b, s, e);
    const slots = this.slots;
    const mask = slots.length - 1;
    const len = e - s;
    const arena = this.arena;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const id = slots[i] - 1;
      if (id < 0) return NO_ENTRY;
      if (this.hashes[id] !== h || this.end[id] - this.start[id] !== len || this.seen[id] === DEAD) continue;
      const k = this.start[id] - s;
      let j = s;
      while (j < e && arena[j + k] === b[j]) j++;
      if (j === e) {
        this.touch(id);
        return id;
      }
    }
  }

  /** The series a series entry spells, or NO_SERIES (dropped by metric relabeling). */
  seriesOf(id: number): number {
    return this.series[id];
  }

  /** Records raw bytes b[s..e) as a spelling of `labels` (null: dropped by relabeling). */
  addSeries(b: Uint8Array, s: number, e: number, labels: Labels | null): number {
    const id = this.addEntry(b, s, e);
    if (labels !== null) {
      const known = this.findSeries(labels);
      this.series[id] = known !== NO_SERIES ? known : this.newSeries(id, labels);
    }
    return id;
  }

  /** A new entry for bytes b[s..e), touched, with no series and no metadata. */
  private addEntry(b: Uint8Array, s: number, e: number): number {
    if (this.n === this.start.length) this.resizeEntries(this.n * 2);
    if ((this.n + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    const len = e - s;
    if (this.arenaUsed + len > this.arena.length) this.arena = resized(this.arena, Math.max(this.arena.length * 2, this.arenaUsed + len));
    const id = this.n++;
    const at = this.arenaUsed;
    const arena = this.arena;
    for (let i = 0; i < len; i++) arena[at + i] = b[s + i];
    this.arenaUsed += len;
    this.start[id] = at;
    this.end[id] = at + len;
    this.hashes[id] = hashBytes(b, s, e);
    this.seen[id] = -1;
    this.succ[id] = NO_ENTRY;
    this.series[id] = NO_SERIES;
    this.flags[id] = 0;
    this.objects[id] = null;
    this.insertSlot(id);
    this.touch(id);
    return id;
  }

  private insertSlot(id: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = this.hashes[id] & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = id + 1;
  }

  private resizeEntries(size: number): void {
    this.start = resized(this.start, size);
    this.end = resized(this.end, size);
    this.hashes = resized(this.hashes, size);
    this.seen = resized(this.seen, size);
    this.succ = resized(this.succ, size);
    this.series = resized(this.series, size);
    this.flags = resized(this.flags, size);
    this.refs = resized(this.refs, size);
    this.lastIter = resized(this.lastIter, size);
    this.prevIter = resized(this.prevIter, size);
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let id = 0; id < this.n; id++) if (this.seen[id] !== DEAD) this.insertSlot(id);
  }

  /** Forgets an entry (and, for a series' own entry, the series: its other spellings must go too). */
  private kill(id: number): void {
    if (this.seen[id] === DEAD) return;
    if (this.seen[id] === this.iter) this.touched--;
    if (this.series[id] === id) this.seriesCount--;
    this.seen[id] = DEAD;
    this.objects[id] = null;
    this.dead++;
  }

  /**
   * Drops dead entries: live ones move down to consecutive ids in order (a series' own entry
   * comes before its other spellings, so it moves first), bytes are packed, tables rebuilt.
   */
  private compact(): void {
    const n = this.n;
    const remap = new Int32Array(n);
    let m = 0;
    let at = 0;
    for (let id = 0; id < n; id++) {
      if (this.seen[id] === DEAD) {
        remap[id] = NO_ENTRY;
        continue;
      }
      remap[id] = m;
      at = this.moveEntry(id, m, at);
      m++;
    }
    for (let id = 0; id < m; id++) {
      if (this.succ[id] >= 0) this.succ[id] = remap[this.succ[id]];
      if (this.series[id] >= 0) this.series[id] = remap[this.series[id]];
    }
    this.first = this.first >= 0 ? remap[this.first] : NO_ENTRY;
    this.prevLine = this.prevLine >= 0 ? remap[this.prevLine] : NO_ENTRY;
    this.n = m;
    this.dead = 0;
    this.arenaUsed = at;
    this.objects.length = m;
    this.fitToEntries();
    this.rehash(tableSize(m, 32));
    this.rebuildSeriesSlots(tableSize(this.seriesCount, 32));
  }

  /** Moves entry `from` to id `to` <= from, its bytes to arena offset `at`; returns the offset after them. */
  private moveEntry(from: number, to: number, at: number): number {
    const len = this.end[from] - this.start[from];
    this.arena.copyWithin(at, this.start[from], this.end[from]);
    this.start[to] = at;
    this.end[to] = at + len;
    this.hashes[to] = this.hashes[from];
    this.seen[to] = this.seen[from];
    this.succ[to] = this.succ[from];
    this.series[to] = this.series[from];
    this.flags[to] = this.flags[from];
    this.objects[to] = this.objects[from];
    this.refs[to] = this.refs[from];
    this.lastIter[to] = this.lastIter[from];
    this.prevIter[to] = this.prevIter[from];
    return at + len;
  }

  /** Gives back the room a scrape that added lines left in the columns and the arena (ids stay). */
  private fitToEntries(): void {
    if (oversized(this.start.length, this.n, MIN_ENTRIES)) this.resizeEntries(roomFor(this.n, MIN_ENTRIES));
    if (oversized(this.arena.length, this.arenaUsed, MIN_ARENA)) this.arena = resized(this.arena, roomFor(this.arenaUsed, MIN_ARENA));
  }

  // ---- series ----

  /** The live series with these labels, or NO_SERIES. */
  private findSeries(labels: Labels): number {
    const h = labels.hash();
    const slots = this.seriesSlots;
    const mask = slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const id = slots[i] - 1;
      if (id < 0) return NO_SERIES;
      if (this.seen[id] === DEAD) continue;
      const other = this.objects[id] as Labels;
      if (other.hash() === h && other.equals(labels)) return id;
    }
  }

  /** Makes entry `id` the first spelling of a new series with these labels. */
  private newSeries(id: number, labels: Labels): number {
    this.objects[id] = labels;
    this.refs[id] = 0;
    this.lastIter[id] = -1;
    this.prevIter[id] = -1;
    this.seriesCount++;
    if ((this.seriesSlotsUsed + 1) * 2 > this.seriesSlots.length) this.rebuildSeriesSlots(this.seriesSlots.length * 2);
    this.insertSeriesSlot(id);
    return id;
  }

  private insertSeriesSlot(id: number): void {
    const slots = this.seriesSlots;
    const mask = slots.length - 1;
    let i = (this.objects[id] as Labels).hash() & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = id + 1;
    this.seriesSlotsUsed++;
  }

  private rebuildSeriesSlots(size: number): void {
    this.seriesSlots = new Int32Array(size);
    this.seriesSlotsUsed = 0;
    for (let id = 0; id < this.n; id++) if (this.isLiveSeries(id)) this.insertSeriesSlot(id);
  }

  /** Whether entry `id` is a series' own entry (its first spelling) and not swept. */
  private isLiveSeries(id: number): boolean {
    return this.series[id] === id && this.seen[id] !== DEAD;
  }

  labelsOf(series: number): Labels {
    return this.objects[series] as Labels;
  }

  /** The series' storage ref (0: not appended yet, or unknown). */
  refOf(series: number): SeriesRef {
    return this.refs[series];
  }

  setRef(series: number, ref: SeriesRef): void {
    this.refs[series] = ref;
  }

  private isTracked(series: number): boolean {
    return (this.flags[series] & TRACKED) !== 0;
  }

  /**
   * Marks a series as present in this scrape. Returns false if it was already marked (the
   * payload holds the same series twice). `isNew` tells whether the target never had it.
   */
  mark(series: number, explicitTimestamp: boolean): boolean {
    if (this.lastIter[series] === this.iter) return false;
    this.prevIter[series] = this.lastIter[series];
    this.lastIter[series] = this.iter;
    this.flags[series] = (this.isTracked(series) ? PREV_TRACKED : 0) | (explicitTimestamp ? 0 : TRACKED);
    this.marked++;
    return true;
  }

  /** Undoes this scrape's mark() of a series. */
  private unmark(series: number): void {
    this.lastIter[series] = this.prevIter[series];
    this.flags[series] = this.flags[series] & PREV_TRACKED ? TRACKED : 0;
  }

  /** Whether the series was not present in the previous scrape (call after mark()). */
  isNew(series: number): boolean {
    return this.prevIter[series] !== this.iter - 1;
  }

  /** Successful scrape: calls `stale` for series present last time and gone now; forgets old entries. */
  commit(stale: (series: number) => void): void {
    const prev = this.iter - 1;
    if (this.marked !== this.seriesCount || this.touched !== this.n - this.dead) this.sweep(prev, stale);
    this.fitToEntries();
    this.meta.forEach((m, name) => {
      if (m.lastIter < prev) this.meta.delete(name);
    });
  }

  /**
   * Calls `stale` for series of the previous scrape missing from this one, and forgets lines
   * unseen in this scrape and the previous one. A series' own entry (its first spelling) stays
   * while the series was marked in either, through another spelling too; when it goes, the
   * series goes, with all its spellings.
   */
  private sweep(prev: number, stale: (series: number) => void): void {
    for (let id = 0; id < this.n; id++) {
      if (this.seen[id] === DEAD) continue;
      const series = this.series[id];
      if (series === id) {
        if (this.lastIter[id] === prev && this.isTracked(id)) stale(id);
        if (this.lastIter[id] < prev && this.seen[id] < prev) this.kill(id);
      } else if (this.seen[id] < prev || (series !== NO_SERIES && this.seen[series] === DEAD)) {
        this.kill(id); // a series' own entry has a lower id: if it was just swept, it is DEAD by now
      }
    }
  }

  /** Failed scrape: undoes this scrape's marks and calls `stale` for every series of the previous scrape. */
  abort(stale: (series: number) => void): void {
    const prev = this.iter - 1;
    for (let id = 0; id < this.n; id++) {
      if (!this.isLiveSeries(id)) continue;
      if (this.lastIter[id] === this.iter) this.unmark(id);
      if (this.lastIter[id] === prev && this.isTracked(id)) stale(id);
      if (this.lastIter[id] === -1) this.refs[id] = 0; // created by the failed batch: its ref may not exist
    }
  }

  /** Every series of the last scrape, for stale markers when the target goes away. */
  forEachLive(fn: (series: number) => void): void {
    for (let id = 0; id < this.n; id++) {
      if (this.isLiveSeries(id) && this.lastIter[id] === this.iter && this.isTracked(id)) fn(id);
    }
  }

  /** Drops every series and line (labels mapping changed, e.g. new target labels or relabel rules). */
  clear(): void {
    for (let id = 0; id < this.n; id++) this.kill(id);
    this.compact();
    this.first = NO_ENTRY;
    this.prevLine = NO_ENTRY;
    this.touched = 0;
  }

  /** Number of live cached lines (series spellings and metadata lines). */
  get lineCount(): number {
    return this.n - this.dead;
  }

  // ---- metadata ----

  /** A metadata line seen before: refreshes its family from it. */
  applyMeta(id: number): void {
    (this.objects[id] as MetaLine).apply(this.iter);
  }

  /**
   * Metadata lines (HELP/TYPE/UNIT) are cached by their raw bytes too: returns true when the
   * line b[s..e) was seen before (its family is refreshed), false when the caller must call setMetadata.
   */
  metaSeen(b: Uint8Array, s: number, e: number): boolean {
    const id = this.find(b, s, e);
    if (id === NO_ENTRY) return false;
    if (!this.isMeta(id)) return false; // the same bytes as a series line cannot happen; be safe
    this.applyMeta(id);
    return true;
  }

  setMetadata(b: Uint8Array, s: number, e: number, name: string, kind: MetaKind, value: string, type?: MetricType): void {
    let f = this.meta.get(name);
    if (f === undefined) {
      f = { type: 'unknown', help: '', unit: '', lastIter: this.iter };
      this.meta.set(name, f);
    }
    const line = new MetaLine(f, kind, value, type ?? 'unknown');
    line.apply(this.iter);
    const id = this.addEntry(b, s, e);
    this.flags[id] = META;
    this.objects[id] = line;
  }

  metadata(): Map<string, MetricMetadata> {
    const out = new Map<string, MetricMetadata>();
    for (const [name, m] of this.meta) out.set(name, { type: m.type, help: m.help, unit: m.unit });
    return out;
  }
}
