/**
 * Stage-two compaction: rewrites runs of PACK_CHUNKS closed XOR chunks of a series in the
 * chunks table into one packed row (packedChunk.ts). Rows are capped so they stay inside a
 * b-tree page (no overflow pages); a run that packs too large is shortened (packRun).
 */
import type { Database } from 'better-sqlite3';
import type { HeadSeries } from './headSeries.ts';
import { PACK_CHUNKS, packRun } from './packedChunk.ts';

/** Largest row payload kept in-page for WITHOUT ROWID tables with 8 KiB pages (SQLite: ~2030). */
export const MAX_PACKED_BYTES = 1900;

export class Packer {
  private readonly select;
  private readonly del;
  private readonly ins;
  /** Longest time span of any row written (the query lower bound relies on it). */
  maxRowSpanMs = 0;

  constructor(db: Database) {
    this.select = db.prepare<[number, number, number], { min_t: number; max_t: number; data: Buffer }>(
      'SELECT min_t, max_t, data FROM chunks WHERE series_id = ? AND min_t > ? ORDER BY min_t LIMIT ?',
    );
    this.del = db.prepare<[number, number, number]>('DELETE FROM chunks WHERE series_id = ? AND min_t >= ? AND min_t <= ?');
    this.ins = db.prepare<[number, number, number, Uint8Array]>('INSERT INTO chunks (series_id, min_t, max_t, data) VALUES (?, ?, ?, ?)');
  }

  /** Packs full runs of the series' XOR rows; returns rows written. Call inside a transaction. */
  packSeries(s: HeadSeries): number {
    let written = 0;
    while (s.xorRowsInDb >= PACK_CHUNKS) {
      const rows = this.select.all(s.id, s.packCursor, PACK_CHUNKS);
      if (rows.length < PACK_CHUNKS) {
        s.xorRowsInDb = rows.length;
        break;
      }
      const { data: packed, take } = packRun(
        rows.map((r) => r.data),
        MAX_PACKED_BYTES,
      );
      const first = rows[0];
      const last = rows[take - 1];
      if (packed !== null) {
        this.del.run(s.id, first.min_t, last.min_t);
        this.ins.run(s.id, first.min_t, last.max_t, packed);
        if (last.max_t - first.min_t > this.maxRowSpanMs) this.maxRowSpanMs = last.max_t - first.min_t;
        written++;
      }
      // Packed, or incompressible enough to stay XOR: either way these rows are done.
      s.packCursor = last.min_t;
      s.xorRowsInDb -= take;
    }
    return written;
  }
}
