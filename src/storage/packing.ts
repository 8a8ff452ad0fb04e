/**
 * Staged chunks and stage two.
 *
 * A cut chunk is written into one of PACK_CHUNKS slots of its series in staged_chunks, rowid
 * `slot * 2^32 + series_id`, round robin. Every series of a target is cut at the same scrape
 * and so is at the same slot: a cut wave's rows are neighbours in the table (a page holds ~40
 * of them), where in `chunks`, keyed by series, each landed on a leaf of its own. A slot's
 * previous row was cut PACK_CHUNKS cuts earlier and has been moved into `chunks` since: it is
 * overwritten in place, so staging needs no deletes (a deleted page is written again, to the
 * WAL and then the db) and no index (the slots of a series are computed).
 *
 * Stage two moves a series' oldest staged chunks into `chunks`: a full run of PACK_CHUNKS
 * becomes one packed row (packedChunk.ts) when the cut completing the run is written (that
 * chunk goes straight into the packed row, not through a slot), and compaction moves the staged
 * chunks of a series that went idle as a shorter run (moveAll). Rows are capped so they stay
 * inside a b-tree page (no overflow pages); a run that packs too large is shortened (packRun),
 * and chunks that do not pack into a page even two at a time are moved as they are.
 *
 * What is moved is the oldest part of the series' live staged chunks, and every `chunks` row
 * of a series is older than its staged ones: a staged row is live exactly when its min_t is
 * after the newest max_t of the series in `chunks` (HeadSeries.chunksMaxT), which the same
 * transaction that writes a packed row advances. A moved row stays in its slot, ignored by
 * reads, until a later cut overwrites it (SqliteStorage.close deletes what is left). The
 * in-memory count and next slot only steer writing; an overwrite checks in SQL that the row it
 * replaces was moved, and a live one (should the count ever be wrong) is moved first.
 */
import type { Database } from 'better-sqlite3';
import type { HeadSeries } from './headSeries.ts';
import type { ChunkRef } from './chunkSeqIterator.ts';
import { PACK_CHUNKS, packRun } from './packedChunk.ts';

/** Largest row payload kept in-page for WITHOUT ROWID tables with 8 KiB pages (SQLite: ~2030). */
export const MAX_PACKED_BYTES = 1900;

/** Slots of staged chunks per series. */
export const STAGED_SLOTS = PACK_CHUNKS;
const SLOT_STRIDE = 2 ** 32;

/** Rowid of a series' staged slot. */
export function stagedRowId(seriesId: number, slot: number): number {
  return slot * SLOT_STRIDE + seriesId;
}

/** The slot of a staged_chunks rowid. */
export function stagedSlotOf(rowid: number): number {
  return Math.floor(rowid / SLOT_STRIDE);
}

/** SQL placeholders for a series' STAGED_SLOTS rowids (bind with stagedRowIds). */
export const STAGED_IDS_SQL = `(${Array.from({ length: STAGED_SLOTS }, () => '?').join(', ')})`;

/** The rowids of all of a series' slots. */
export function stagedRowIds(seriesId: number): number[] {
  const ids = new Array<number>(STAGED_SLOTS);
  for (let k = 0; k < STAGED_SLOTS; k++) ids[k] = stagedRowId(seriesId, k);
  return ids;
}

/**
 * Appends the rowids of the series' live staged rows to `out`: the stagedRows slots before its
 * next slot (a cut writes the next slot, stage two moves the oldest live rows).
 */
export function pushLiveSlotIds(s: HeadSeries, out: number[]): void {
  const next = s.stagedSlot;
  for (let i = s.stagedRows; i > 0; i--) out.push(stagedRowId(s.id, (next - i + STAGED_SLOTS) % STAGED_SLOTS));
}

interface Chunk {
  minT: number;
  maxT: number;
  data: Uint8Array;
}

export class Packer {
  private readonly live;
  private readonly write;
  private readonly ins;
  private readonly dropAll;
  /** Longest time span of any row written (the query lower bound relies on it). */
  maxRowSpanMs = 0;
  /** Overwrites refused because the slot held a live row (the in-memory count was wrong); each moved the series' rows first. */
  slotConflicts = 0;

  constructor(db: Database) {
    this.live = db.prepare<unknown[], { min_t: number; max_t: number; data: Buffer }>(
      `SELECT min_t, max_t, data FROM staged_chunks WHERE id IN ${STAGED_IDS_SQL} AND min_t > ? ORDER BY min_t`,
    );
    // Writes a slot unless it holds a live row (min_t after the series' chunksMaxT).
    this.write = db.prepare<[number, number, number, number, Uint8Array, number]>(
      `INSERT INTO staged_chunks (id, series_id, min_t, max_t, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET series_id = excluded.series_id, min_t = excluded.min_t, max_t = excluded.max_t, data = excluded.data
       WHERE staged_chunks.min_t <= ?`,
    );
    this.ins = db.prepare<[number, number, number, Uint8Array]>('INSERT INTO chunks (series_id, min_t, max_t, data) VALUES (?, ?, ?, ?)');
    this.dropAll = db.prepare<unknown[]>(`DELETE FROM staged_chunks WHERE id IN ${STAGED_IDS_SQL}`);
  }

  /**
   * Writes a chunk cut from the series' head: into its next slot, or, when it completes a run,
   * into `chunks` packed with the staged ones. Returns packed rows written. Call inside a
   * transaction, with the series' chunks in time order.
   */
  stage(s: HeadSeries, c: Chunk): number {
    let packed = 0;
    if (s.stagedRows >= PACK_CHUNKS - 1) {
      const r = this.moveRun(s, c, false);
      packed += r.packed;
      if (r.extraMoved) return packed;
    }
    const slot = s.stagedSlot;
    if (this.write.run(stagedRowId(s.id, slot), s.id, c.minT, c.maxT, c.data, s.chunksMaxT).changes === 0) {
      // The slot still holds a live row: move the series' staged rows out, then it is free.
      this.slotConflicts++;
      packed += this.moveAll(s);
      if (this.write.run(stagedRowId(s.id, slot), s.id, c.minT, c.maxT, c.data, s.chunksMaxT).changes === 0) {
        throw new Error(`staged chunk slot ${slot} of series ${s.id} holds a live row`);
      }
    }
    s.stagedSlot = (slot + 1) % STAGED_SLOTS;
    s.stagedRows = Math.min(s.stagedRows + 1, STAGED_SLOTS);
    if (c.maxT - c.minT > this.maxRowSpanMs) this.maxRowSpanMs = c.maxT - c.minT;
    return packed;
  }

  /** Moves every live staged row of the series into chunks (packed where they pack); returns packed rows written. Call inside a transaction. */
  moveAll(s: HeadSeries): number {
    let written = 0;
    for (;;) {
      const r = this.moveRun(s, null, true);
      written += r.packed;
      if (r.moved === 0 || s.stagedRows === 0) return written;
    }
  }

  /** Deletes the series' staged rows (call once none is live, or for a series being dropped). */
  dropStaged(s: HeadSeries): void {
    this.dropAll.run(...stagedRowIds(s.id));
    s.stagedRows = 0;
  }

  /** Rowids of the series' live staged rows (pushLiveSlotIds), padded to STAGED_SLOTS with -1 (no row) for STAGED_IDS_SQL. */
  liveRowIds(s: HeadSeries): number[] {
    const ids: number[] = [];
    pushLiveSlotIds(s, ids);
    while (ids.length < STAGED_SLOTS) ids.push(-1);
    return ids;
  }

  /** The series' live staged chunks, oldest first (all slots are read: this also corrects stagedRows). */
  liveRows(s: HeadSeries): Array<{ min_t: number; max_t: number; data: Buffer }> {
    return this.live.all(...stagedRowIds(s.id), s.chunksMaxT);
  }

  /**
   * Moves the oldest run of the series' live staged chunks, followed by `extra` (a chunk just
   * cut, not staged) if given, into chunks: PACK_CHUNKS of them, or fewer if `partial`. The
   * staged count is corrected from what the table holds.
   */
  private moveRun(s: HeadSeries, extra: Chunk | null, partial: boolean): { packed: number; moved: number; extraMoved: boolean } {
    const rows = this.liveRows(s);
    const run: Chunk[] = rows.map((r) => ({ minT: r.min_t, maxT: r.max_t, data: r.data }));
    if (extra !== null && run.length < PACK_CHUNKS) run.push(extra);
    s.stagedRows = rows.length;
    if (run.length === 0 || (!partial && run.length < PACK_CHUNKS)) return { packed: 0, moved: 0, extraMoved: false };
    if (run.length > PACK_CHUNKS) run.length = PACK_CHUNKS;
    const { data: packed, take } = packRun(
      run.map((c) => c.data),
      MAX_PACKED_BYTES,
    );
    const first = run[0];
    const last = run[take - 1];
    if (packed !== null) {
      this.ins.run(s.id, first.minT, last.maxT, packed);
      if (last.maxT - first.minT > this.maxRowSpanMs) this.maxRowSpanMs = last.maxT - first.minT;
    } else {
      // Not even the shortest run fits in a page: these chunks go into chunks as they are.
      for (let i = 0; i < take; i++) this.ins.run(s.id, run[i].minT, run[i].maxT, run[i].data);
    }
    // The staged rows moved are now history: chunksMaxT passes them, which is what moves them.
    s.chunksMaxT = last.maxT;
    s.stagedRows = rows.length - Math.min(take, rows.length);
    return { packed: packed !== null ? 1 : 0, moved: take, extraMoved: take > rows.length };
  }
}
