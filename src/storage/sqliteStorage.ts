/**
 * SqliteStorage: the persistent time-series store (DESIGN.md "Storage").
 *
 *  - series + postings tables index label sets; all series are also kept in memory (HeadSeries).
 *  - Samples go into an in-memory XOR head chunk per series. Each commit inserts its new series
 *    (one transaction, only when there are some), then appends ONE record (the whole batch) to
 *    the append log's segment files in <dir>/log (appendLogFile.ts), so a committed batch
 *    survives kill -9. The log is a plain append-only file: SQLite's WAL would write each
 *    batch twice plus its page overhead.
 *  - A commit that cuts head chunks writes them into `staged_chunks` before it returns, into
 *    slots where the rows of a cut wave are neighbours (packing.ts), rather than one leaf of
 *    `chunks` (keyed by series) per series. Stage two moves a series' staged chunks into
 *    `chunks`, packed, when a run of them is complete (in the same transaction) or, at
 *    compaction, once the series has been idle for stagedIdleMs.
 *    compact() writes any cut chunks whose write failed and, once the log is big
 *    enough, checkpoints the open heads into `head_chunks` in one transaction made durable
 *    (synchronous=FULL), then deletes the log segments. Opening replays head_chunks, rows of
 *    the old `append_log` table (written by earlier versions), then the segments
 *    (idempotently: samples already stored are skipped), and checkpoints.
 *  - Retention (time, size, per-selector rules) and compaction run on wall-clock-aligned schedules;
 *    runRetention(now) / compact() can be called directly (tests inject a clock).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { everyAligned, type ScheduledJob } from './maintenanceSchedule.ts';
import type { Registry } from 'prom-client';
import { systemClock, type Clock } from '../clock.ts';
import { AppendError, type Appender, type Querier, type SeriesRef, type Storage } from './interface.ts';
import { SqliteAppender } from './sqliteAppender.ts';
import { compareLabels, Labels } from './labels.ts';
import { LabelsMap } from './labelsMap.ts';
import type { Matcher } from './matcher.ts';
import { SampleBatch, decodeBatch, encodeBatch, tsAt } from './appendLog.ts';
import { AppendLogFile, LOG_DIR_NAME, RECORD_HEADER_BYTES } from './appendLogFile.ts';
import { APPLIED, APPLIED_AFTER_CUT, DEFAULT_CUT_POLICY, DUPLICATE, HeadSeries, OUT_OF_ORDER, type CutPolicy } from './headSeries.ts';
import { PostingsIndex } from './postings.ts';
import { migrate, prepareNewDatabase, STAGED_CHUNKS_COLUMNS } from './schema.ts';
import { acquireDirLock } from './dirLock.ts';
import { Packer, pushLiveSlotIds, STAGED_IDS_SQL, STAGED_SLOTS, stagedSlotOf } from './packing.ts';
import { checkSelectMatchers } from './selectSemantics.ts';
import { SqliteQuerier } from './sqliteQuerier.ts';
import { StorageMetrics } from './storageMetrics.ts';
import { XorIterator } from './xorChunk.ts';
import { splitChunk } from './startTimestamps.ts';
import type { ChunkRef } from './chunkSeqIterator.ts';
import { DecodedChunkCache, DEFAULT_DECODED_CHUNK_CACHE_BYTES } from './decodedChunkCache.ts';
import { applyRetention, type RetentionOptions, type RetentionResult } from './retention.ts';
import { computeTsdbStats, type TsdbStats } from './tsdbStats.ts';
import { deleteSeriesData } from './deleteSeries.ts';
import { SeriesById } from './seriesById.ts';

export type { RetentionOptions, RetentionRule, RetentionResult } from './retention.ts';
export type { TsdbStats } from './tsdbStats.ts';

/** pino-compatible subset. */
export interface StorageLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface OpenStorageOptions {
  /** Data directory; the database is `<path>/promlite.db` (created if missing). */
  path: string;
  retention?: RetentionOptions;
  clock?: Clock;
  /** prom-client registry for the promlite_tsdb_* self-metrics. */
  registry?: Registry;
  logger?: StorageLogger;
  /** Run compaction and retention on wall-clock-aligned schedules (default true; tests pass false). */
  schedule?: boolean;
  /** Compaction period in ms (default 5 minutes, at every multiple of it since the epoch). */
  compactEveryMs?: number;
  /** Retention period in ms (default 15 minutes). */
  retentionEveryMs?: number;
  /** Compact with a checkpoint right after a commit once the append log holds more than this many bytes since the last checkpoint (default 64 MiB). */
  maxAppendLogBytes?: number;
  /** Scheduled compactions also checkpoint heads and truncate the log once it exceeds this (default 16 MiB). */
  checkpointLogBytes?: number;
  /** When to cut head chunks (default 120 samples or 2 h). */
  cutPolicy?: CutPolicy;
  /** SQLite's page cache (default 1 MiB). */
  pageCacheBytes?: number;
  /**
   * Cut chunks are written by the commit that cut them; those whose write failed wait in
   * memory. Compact soon after a commit once this many wait (default 2000 when `schedule` is
   * on, otherwise never).
   */
  flushClosedChunks?: number;
  /** Bound of the LRU of decoded closed chunks shared by queries (default 32 MiB; 0 disables it). */
  decodedChunkCacheBytes?: number;
  /**
   * Return from the constructor before replaying the append log; the caller then runs
   * `replay()` (what openStorageAsync does). Default false: the constructor replays.
   */
  deferReplay?: boolean;
  /** Longest stretch (ms) replay() runs before yielding to the event loop (default 10). */
  replaySliceMs?: number;
  /**
   * Compaction moves the staged cut chunks of a series with no sample this long (ms, before the
   * newest sample in the store) into `chunks`, packed as a short run, rather than waiting for
   * its run to fill (default 2 h). A live series is cut at least every cutPolicy.maxRangeMs.
   */
  stagedIdleMs?: number;
}

/**
 * Append-log replay progress, in logged batches (one per committed batch: a record of a log
 * segment, or a row of the old append_log table), shaped like Prometheus's
 * /api/v1/status/walreplay: min is 0, max the batches in the log when the store was opened
 * (counted from the segments' record headers), current the batches replayed so far
 * (current === max once replayed).
 */
export interface ReplayProgress {
  min: number;
  max: number;
  current: number;
}

export const DB_FILE_NAME = 'promlite.db';

/** Rows of the old append_log table read per statement during replay (bounds memory held per read). */
const REPLAY_ROWS_PER_READ = 64;
/**
 * A commit writes the chunks it cuts in groups of this many series, not all at its end. The
 * scrape manager commits every target of a wake-up in one batch, so a cut wave is one commit of
 * 10k cuts; holding all their chunk records until its end got them promoted to the old
 * generation (~6 MB of garbage waiting there for the next major GC).
 */
const CUT_WRITE_GROUP = 256;
/** Default OpenStorageOptions.stagedIdleMs. */
const STAGED_IDLE_MS = 2 * 3600_000;

const silentLogger: StorageLogger = { info() {}, warn() {}, error() {} };

/** Opens (creating if needed) the store in `opts.path` and replays its append log before returning. */
export function openStorage(opts: OpenStorageOptions): SqliteStorage {
  return new SqliteStorage(opts);
}

/**
 * Opens the store like openStorage, but replays the append log in slices that yield to the
 * event loop (so a server can answer /-/ready with 503 meanwhile). `onProgress` is called after
 * every slice and once at the end. Resolves with the ready store; if opening or replay fails
 * the store is closed and the promise rejects.
 */
export async function openStorageAsync(opts: OpenStorageOptions, onProgress?: (p: ReplayProgress) => void): Promise<SqliteStorage> {
  const s = new SqliteStorage({ ...opts, deferReplay: true });
  try {
    await s.replay(onProgress);
  } catch (e) {
    s.close();
    throw e;
  }
  return s;
}

/** Serialises a label set for the series table (JSON of sorted name/value pairs: canonical, UTF-8 safe). */
function labelsToText(l: Labels): string {
  const flat: string[] = [];
  l.forEach((n, v) => flat.push(n, v));
  return JSON.stringify(flat);
}

function labelsFromText(s: string): Labels {
  const flat = JSON.parse(s) as string[];
  const names = new Array<string>(flat.length >> 1); // exact size: they live as long as the series
  const values = new Array<string>(flat.length >> 1);
  for (let i = 0; i < flat.length; i += 2) {
    names[i >> 1] = flat[i];
    values[i >> 1] = flat[i + 1];
  }
  return Labels.fromSortedArrays(names, values);
}

export class SqliteStorage implements Storage {
  readonly db: Database.Database;
  readonly dbPath: string;
  readonly clock: Clock;
  readonly metrics: StorageMetrics;
  /** @internal */ readonly postings: PostingsIndex;
  /** @internal */ readonly byId = new SeriesById<HeadSeries>();
  /** @internal */ readonly cut: CutPolicy;
  /** @internal */ readonly packer: Packer;
  /** @internal decoded samples of closed chunks, reused across queries. */
  readonly chunkCache: DecodedChunkCache;
  private readonly byLabels = new LabelsMap<HeadSeries>((s) => s.labels);
  private readonly logger: StorageLogger;
  private retention: RetentionOptions;
  private readonly maxLogBytes: number;
  private readonly flushClosedChunks: number;
  private readonly stagedIdleMs: number;
  private closedSinceCompaction = 0;
  private flushScheduled = false;
  private readonly checkpointLogBytes: number;
  private readonly tasks: ScheduledJob[] = [];
  private nextId = 1;
  private batchStamp = 0;
  /** Bytes in the log (segment records with their headers, old append_log rows) since the last checkpoint. */
  private logBytes = 0;
  private closed = false;
  /** @internal the append log's segment files. */
  readonly log: AppendLogFile;
  /** Id of the last old-format append_log row replayed (replay reads rows after it). */
  private replayedId = 0;
  /** Rows of the old append_log table at open; once replayed, checkpoints delete them. */
  private legacyRows = 0;
  private legacyDone = false;
  private readonly progress: ReplayProgress = { min: 0, max: 0, current: 0 };
  private replaying: Promise<void> | null = null;
  private readonly replaySliceMs: number;
  private openedAt = 0;
  /** False until the append log is replayed: appends, deletions and retention are refused meanwhile. */
  ready = false;
  private readonly releaseLock: () => void;

  private readonly stmt: {
    insertSeries: Database.Statement<[number, string]>;
    upsertHead: Database.Statement<[number, Uint8Array]>;
    deleteHead: Database.Statement<[number]>;
    truncateLog: Database.Statement<[number]>;
    chunksInRange: Database.Statement<[number, number, number, number], { min_t: number; max_t: number; data: Buffer }>;
    stagedInRange: Database.Statement<unknown[], { min_t: number; max_t: number; data: Buffer }>;
    /** Raw rows [series_id, min_t, max_t, data] (arrays are cheaper than row objects). */
    chunksOfIds: Database.Statement<[string, number, number, number], [number, number, number, Buffer]>;
    stagedOfIds: Database.Statement<[string, number, number, number], [number, number, number, Buffer]>;
  };

  constructor(opts: OpenStorageOptions) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.retention = opts.retention ?? {};
    this.maxLogBytes = opts.maxAppendLogBytes ?? 64 * 1024 * 1024;
    this.flushClosedChunks = opts.flushClosedChunks ?? (opts.schedule === false ? Infinity : 2000);
    this.stagedIdleMs = opts.stagedIdleMs ?? STAGED_IDLE_MS;
    this.checkpointLogBytes = opts.checkpointLogBytes ?? 16 * 1024 * 1024;
    this.cut = opts.cutPolicy ?? DEFAULT_CUT_POLICY;
    this.replaySliceMs = opts.replaySliceMs ?? 10;
    this.chunkCache = new DecodedChunkCache(opts.decodedChunkCacheBytes ?? DEFAULT_DECODED_CHUNK_CACHE_BYTES);
    fs.mkdirSync(opts.path, { recursive: true });
    this.dbPath = path.join(opts.path, DB_FILE_NAME);
    this.releaseLock = acquireDirLock(opts.path);
    try {
      this.db = new Database(this.dbPath);
    } catch (e) {
      this.releaseLock();
      throw new Error(`cannot open storage ${this.dbPath}: ${(e as Error).message}`, { cause: e });
    }
    try {
      prepareNewDatabase(this.db);
      this.db.pragma('journal_mode = WAL');
      // WAL + NORMAL: a transaction is in the OS when it returns, so it survives a process
      // crash (kill -9); only an OS crash / power loss can lose the last ones (and the log's
      // last records, which are in the OS's page cache too). A checkpoint is made durable
      // before log segments are deleted (compact).
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      // better-sqlite3 builds SQLite with a 16 MB page cache, which stays resident once the
      // database outgrows it. Reads go through the decoded-chunk cache, pages missing here come
      // from the OS's page cache, and a wave of cut chunks (keyed by series) touches a leaf per
      // series whatever the size. bench:scrape RSS: 16 -> 2 MB saved 20 MB, 2 -> 1 MB 1.5 MB,
      // CPU per sample within run-to-run noise.
      this.db.pragma(`cache_size = -${Math.round((opts.pageCacheBytes ?? 1 << 20) / 1024)}`);
      migrate(this.db);
      this.log = new AppendLogFile(path.join(opts.path, LOG_DIR_NAME), this.logger, () => this.metrics.appendLogCorruptions.inc());
      this.postings = new PostingsIndex(this.db);
      this.packer = new Packer(this.db);
      this.stmt = {
        insertSeries: this.db.prepare('INSERT INTO series (id, labels) VALUES (?, ?)'),
        upsertHead: this.db.prepare('INSERT OR REPLACE INTO head_chunks (series_id, data) VALUES (?, ?)'),
        deleteHead: this.db.prepare('DELETE FROM head_chunks WHERE series_id = ?'),
        truncateLog: this.db.prepare('DELETE FROM append_log WHERE id <= ?'),
        chunksInRange: this.db.prepare(
          'SELECT min_t, max_t, data FROM chunks WHERE series_id = ? AND min_t >= ? AND min_t <= ? AND max_t >= ? ORDER BY min_t',
        ),
        // A series' live staged rows: its slots whose row starts after its chunksMaxT (packing.ts).
        stagedInRange: this.db.prepare(
          `SELECT min_t, max_t, data FROM staged_chunks WHERE id IN ${STAGED_IDS_SQL} AND min_t > ? AND min_t >= ? AND min_t <= ? AND max_t >= ? ORDER BY min_t`,
        ),
        chunksOfIds: this.db
          .prepare<[string, number, number, number], [number, number, number, Buffer]>(
            `SELECT series_id, min_t, max_t, data FROM chunks
             WHERE series_id IN (SELECT value FROM json_each(?)) AND min_t >= ? AND min_t <= ? AND max_t >= ?
             ORDER BY series_id, min_t`,
          )
          .raw(true),
        // Rows of the given slots (rowids), live or moved: the caller keeps the live ones.
        stagedOfIds: this.db
          .prepare<[string, number, number, number], [number, number, number, Buffer]>(
            `SELECT series_id, min_t, max_t, data FROM staged_chunks
             WHERE id IN (SELECT value FROM json_each(?)) AND min_t >= ? AND min_t <= ? AND max_t >= ?`,
          )
          .raw(true),
      };
      this.metrics = new StorageMetrics(opts.registry, {
        numSeries: () => this.byId.size,
        numMemChunks: () => this.numMemChunks(),
        appendLogBytes: () => this.logBytes,
        dbFileBytes: () => this.fileBytes(),
        minTime: () => this.minTime(),
        maxTime: () => this.maxTime(),
        chunkCache: () => ({ hits: this.chunkCache.hits, misses: this.chunkCache.misses, bytes: this.chunkCache.bytes() }),
      });
      this.load();
      if (opts.deferReplay !== true) {
        this.replaySlice(Infinity);
        this.finishReplay();
      }
    } catch (e) {
      (this as { log?: AppendLogFile }).log?.close(); // unset if its constructor threw
      this.db.close();
      this.releaseLock();
      throw new Error(`cannot open storage ${this.dbPath}: ${(e as Error).message}`, { cause: e });
    }
    if (opts.schedule !== false) {
      const guard = (what: string, fn: () => void) => () => {
        if (!this.ready || this.closed) return; // replay still running: the next run catches up
        try {
          fn();
        } catch (e) {
          this.logger.error({ err: e }, `storage ${what} failed`);
        }
      };
      this.tasks.push(everyAligned(opts.compactEveryMs ?? 5 * 60_000, guard('compaction', () => this.compact())));
      this.tasks.push(everyAligned(opts.retentionEveryMs ?? 15 * 60_000, guard('retention', () => this.runRetention())));
    }
  }

  // ---- open / replay ----

  private load(): void {
    const t0 = performance.now();
    for (const row of this.db.prepare<[], { id: number; labels: string }>('SELECT id, labels FROM series').iterate()) {
      const s = new HeadSeries(row.id, labelsFromText(row.labels));
      s.persisted = true;
      this.byId.set(s);
      this.byLabels.set(s);
      s.labels.forEach((n, v) => this.postings.index(n, v, s.id));
      if (s.id >= this.nextId) this.nextId = s.id + 1;
    }
    // One pass over `chunks`: bounds, longest row, where each series' rows end (chunksMaxT).
    const bounds = this.db.prepare<[], { id: number; mn: number; mx: number; span: number }>(
      'SELECT series_id AS id, MIN(min_t) AS mn, MAX(max_t) AS mx, MAX(max_t - min_t) AS span FROM chunks GROUP BY series_id',
    );
    for (const row of bounds.iterate()) {
      if (row.span > this.packer.maxRowSpanMs) this.packer.maxRowSpanMs = row.span;
      const s = this.byId.get(row.id);
      if (!s) continue;
      s.minT = s.dbMinT = row.mn;
      s.maxT = s.dbMaxT = row.mx;
      s.chunksMaxT = row.mx;
    }
    // Then over staged_chunks (without the chunk bytes): live rows (those starting after the
    // series' chunksMaxT) count and bound the series; its next slot follows its newest row.
    const newest = new Map<number, number>(); // series id -> min_t of its newest staged row
    const staged = this.db.prepare<[], { id: number; sid: number; mn: number; mx: number }>('SELECT id, series_id AS sid, min_t AS mn, max_t AS mx FROM staged_chunks');
    for (const row of staged.iterate()) {
      if (row.mx - row.mn > this.packer.maxRowSpanMs) this.packer.maxRowSpanMs = row.mx - row.mn;
      const s = this.byId.get(row.sid);
      if (!s) continue;
      const prev = newest.get(s.id);
      if (prev === undefined || row.mn > prev) {
        newest.set(s.id, row.mn);
        s.stagedSlot = (stagedSlotOf(row.id) + 1) % STAGED_SLOTS;
      }
      if (!(row.mn > s.chunksMaxT)) continue; // moved into chunks already
      s.stagedRows = s.stagedRows + 1;
      if (row.mn < s.dbMinT) s.minT = s.dbMinT = row.mn;
      if (row.mx > s.dbMaxT) s.maxT = s.dbMaxT = row.mx;
    }
    this.byId.forEach((s) => {
      if (s.dbMaxT === -Infinity) return;
      // The last value's bits are unknown here; a sample at exactly lastT is then a duplicate.
      s.lastT = s.dbMaxT;
      s.lastHi = 0x7ff80000;
      s.lastLo = 0xdeadbeef;
    });
    const it = new XorIterator();
    for (const row of this.db.prepare<[], { id: number; data: Buffer }>('SELECT series_id AS id, data FROM head_chunks').iterate()) {
      const s = this.byId.get(row.id);
      if (!s) continue;
      let xor: Uint8Array;
      try {
        xor = splitChunk(row.data).xor;
      } catch (e) {
        this.logger.warn({ series: s.labels.toString(), err: e }, 'dropping unreadable head chunk checkpoint');
        continue;
      }
      it.reset(xor);
      const n = it.length();
      if (it.err() || n === 0) {
        this.logger.warn({ series: s.labels.toString(), err: it.err() }, 'dropping unreadable head chunk checkpoint');
        continue;
      }
      const ts = it.timestamps();
      if (ts[0] <= s.dbMaxT) {
        // Checkpointed before the head was cut: its samples are in a stored chunk (a cut leaves
        // the row, see writeCutChunks). The next checkpoint deletes it or writes the head over it.
        s.headRowStored = true;
        s.headDirty = true;
        continue;
      }
      try {
        s.restoreHead(new Uint8Array(row.data), ts[0], ts[n - 1]);
      } catch (e) {
        this.logger.warn({ series: s.labels.toString(), err: e }, 'dropping unreadable head chunk checkpoint');
        continue;
      }
      if (ts[0] < s.minT) s.minT = ts[0];
      if (ts[n - 1] > s.maxT) s.maxT = ts[n - 1];
      s.lastT = it.decodeState.t;
      s.lastHi = it.decodeState.vHi;
      s.lastLo = it.decodeState.vLo;
    }
    this.legacyRows = this.db.prepare('SELECT COUNT(*) FROM append_log').pluck().get() as number;
    this.legacyDone = this.legacyRows === 0;
    this.progress.max = this.legacyRows + this.log.recordsAtOpen;
    this.openedAt = t0;
  }

  /**
   * Replays the append log in slices of at most replaySliceMs, yielding to the event loop in
   * between (setImmediate), calling onProgress after each slice. Only for stores opened with
   * deferReplay (openStorageAsync); a second call returns the same promise.
   */
  replay(onProgress?: (p: ReplayProgress) => void): Promise<void> {
    if (this.ready) return Promise.resolve();
    this.replaying ??= (async () => {
      let reported = -1;
      for (;;) {
        if (this.closed) return; // closed meanwhile: ready stays false
        const done = this.replaySlice(this.replaySliceMs);
        if (done) this.finishReplay();
        // A slice that replayed nothing (the log ended with the previous one) reports nothing new.
        if (this.progress.current !== reported) onProgress?.(this.replayProgress());
        reported = this.progress.current;
        if (done) return;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })();
    return this.replaying;
  }

  /** Replay progress in logged batches (see ReplayProgress). */
  replayProgress(): ReplayProgress {
    return { ...this.progress };
  }

  /**
   * Applies logged batches for up to `budgetMs`: rows of the old append_log table after
   * replayedId, then the records of the log segments. True when the log is exhausted.
   */
  private replaySlice(budgetMs: number): boolean {
    const stop = performance.now() + budgetMs;
    while (!this.legacyDone) {
      const rowsAfter = (this.stmtReplay ??= this.db.prepare<[number, number], { id: number; data: Buffer }>(
        'SELECT id, data FROM append_log WHERE id > ? ORDER BY id LIMIT ?',
      ));
      // Small reads: no statement stays open across a yield, so other statements may run in between.
      const rows = rowsAfter.all(this.replayedId, REPLAY_ROWS_PER_READ);
      // A short read reaches the end of the table (nothing appends to it any more).
      const last = rows.length < REPLAY_ROWS_PER_READ;
      for (let i = 0; i < rows.length; i++) {
        this.replayedId = rows[i].id;
        this.replayBatch(rows[i].data, rows[i].data.length, { row: rows[i].id });
        if (performance.now() >= stop) {
          if (last && i === rows.length - 1) this.legacyDone = true;
          // The slice that replays the last batch says so itself, rather than leaving it to a slice that would replay nothing.
          return this.legacyDone && this.log.replayDone();
        }
      }
      if (last) this.legacyDone = true;
    }
    for (;;) {
      const r = this.log.nextRecord();
      if (r === null) return true;
      this.replayBatch(r.data, RECORD_HEADER_BYTES + r.data.length, { segment: r.segment, offset: r.offset });
      if (performance.now() >= stop) return this.log.replayDone();
    }
  }
  private stmtReplay: Database.Statement<[number, number], { id: number; data: Buffer }> | undefined;

  /** Applies one logged batch (`logBytes`: what it takes in the log); `where` names it in errors. */
  private replayBatch(data: Buffer, logBytes: number, where: object): void {
    this.logBytes += logBytes;
    this.progress.current++;
    if (this.progress.current > this.progress.max) this.progress.max = this.progress.current;
    let b;
    try {
      b = decodeBatch(data);
    } catch (e) {
      this.logger.error({ ...where, err: e }, 'skipping corrupt append log batch');
      return;
    }
    const sts = b.sts;
    for (let i = 0; i < b.n; i++) {
      const id = b.ids[i];
      const s = this.byId.get(id);
      if (s) {
        const r = s.apply(tsAt(b, i), b.vw[2 * i + 1], b.vw[2 * i], this.cut, sts === null ? NaN : sts[i]);
        if (r === APPLIED) this.replayedSamples++;
        else if (r === APPLIED_AFTER_CUT) {
          this.replayedSamples++;
          this.cutApplied(s);
        }
      } else if (id >= this.nextId) {
        // A series whose row did not survive (power loss) or was deleted: its id is never handed out again.
        this.nextId = id + 1;
      }
    }
    this.writeCutChunks();
  }
  private replayedSamples = 0;

  private finishReplay(): void {
    this.ready = true;
    this.progress.current = this.progress.max;
    this.logger.info(
      { series: this.byId.size, logBatches: this.progress.max, samples: this.replayedSamples, ms: Math.round(performance.now() - this.openedAt) },
      'storage opened, append log replayed',
    );
    // Checkpoint what was replayed, so the old segments and rows go: the next open replays
    // nothing twice, and no log record outlives a series id it names.
    if (this.legacyRows > 0 || this.log.hasCheckpointable()) {
      try {
        this.compact({ checkpoint: true });
      } catch (e) {
        this.logger.error({ err: e }, 'checkpoint after replay failed; the log is kept and replayed again at the next open');
      }
    }
  }

  // ---- writing ----

  appender(): Appender {
    this.assertOpen();
    this.assertReady('append');
    return new SqliteAppender(this, ++this.batchStamp);
  }

  /** @internal */
  seriesFor(ref: SeriesRef, labels: Labels): HeadSeries {
    if (ref !== 0) {
      const s = this.byId.get(ref);
      if (s !== undefined) return s;
    }
    let s = this.byLabels.get(labels);
    if (!s) {
      if (labels.size === 0) this.reject('invalid_labels', 'empty label set');
      s = new HeadSeries(this.nextId++, labels);
      this.byId.set(s);
      this.byLabels.set(s);
    }
    return s;
  }

  private readonly batchPool: SampleBatch<HeadSeries>[] = [];

  /** @internal */
  takeBatch(): SampleBatch<HeadSeries> {
    const b = this.batchPool.pop() ?? new SampleBatch<HeadSeries>();
    b.clear();
    return b;
  }

  /** @internal */
  returnBatch(b: SampleBatch<HeadSeries>): void {
    if (this.batchPool.length < 8) this.batchPool.push(b);
  }

  /** @internal counts and throws a rejection. */
  reject(reason: 'out_of_order' | 'duplicate_timestamp' | 'invalid_labels', message: string): never {
    this.metrics.samplesRejected.inc({ reason });
    throw new AppendError(reason, message);
  }

  private readonly insertSeriesTx = (newSeries: HeadSeries[]): void => {
    // Created once: better-sqlite3 builds a wrapper per db.transaction() call.
    this.insertSeriesTxFn ??= this.db.transaction((ns: HeadSeries[]) => {
      for (const s of ns) {
        if (s.persisted || s.deleted) continue;
        this.stmt.insertSeries.run(s.id, labelsToText(s.labels));
        s.labels.forEach((n, v) => this.postings.add(n, v, s.id));
      }
    });
    this.insertSeriesTxFn(newSeries);
  };
  private insertSeriesTxFn: ((ns: HeadSeries[]) => void) | undefined;

  /**
   * @internal new series + postings in one transaction (when there are any), then one record
   * appended to the log (after the rows of the series it names), then the heads. A failed
   * append throws with the heads unchanged and nothing of the batch in the log (the new
   * series stay, without samples).
   */
  commitBatch(batch: SampleBatch<HeadSeries>, newSeries: HeadSeries[]): void {
    this.assertOpen();
    if (batch.n === 0 && newSeries.length === 0) return;
    if (newSeries.length > 0) {
      this.insertSeriesTx(newSeries);
      for (const s of newSeries) s.persisted = true;
    }
    if (batch.n === 0) return;
    this.logBytes += this.log.append(encodeBatch(batch));
    let applied = 0;
    const { series, ts, vw } = batch;
    const sts = batch.hasSt ? batch.sts : null;
    for (let i = 0; i < batch.n; i++) {
      const s = series[i];
      if (s.deleted) continue; // deleteSeries ran while the batch was open
      const r = s.apply(ts[i], vw[2 * i + 1], vw[2 * i], this.cut, sts === null ? NaN : sts[i]);
      if (r === APPLIED) applied++;
      else if (r === APPLIED_AFTER_CUT) {
        applied++;
        this.cutApplied(s);
      }
      // Another appender committed newer samples of this series in between: count, as Prometheus does.
      else if (r === OUT_OF_ORDER) this.metrics.samplesRejected.inc({ reason: 'out_of_order' });
      else if (r === DUPLICATE) this.metrics.samplesRejected.inc({ reason: 'duplicate_timestamp' });
    }
    this.writeCutChunks();
    this.metrics.samplesAppended.inc(applied);
    if (this.logBytes > this.maxLogBytes) this.compact({ checkpoint: true });
    else if (this.closedSinceCompaction >= this.flushClosedChunks) this.scheduleFlush();
  }

  /**
   * Retries the cut chunks whose write failed soon (next turn of the event loop, not inside
   * the caller's commit) once many are waiting, instead of holding them in memory until the
   * scheduled compaction.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.closed || !this.ready || this.closedSinceCompaction < this.flushClosedChunks) return;
      try {
        this.compact();
      } catch (e) {
        this.logger.error({ err: e }, 'storage compaction failed');
      }
    });
  }

  /**
   * Writes chunks cut from the heads whose write failed (staged, or packed: writeClosed), and
   * moves the staged chunks of series idle for stagedIdleMs into `chunks` (packing.ts). A
   * head_chunks row may be older than a chunk written since its head was cut (load() ignores
   * such a row; with a checkpoint it is rewritten). With `checkpoint` (default: once
   * the log passes checkpointLogBytes) every changed head is checkpointed into head_chunks, in
   * a transaction made durable (synchronous=FULL: the WAL is fsynced, with every earlier
   * transaction in it) before the log segments it covers are deleted; rows of the old
   * append_log table go in that same transaction.
   *
   * Replay is idempotent — a logged sample at or before a series' stored data is skipped — so
   * chunks can be written without truncating the log, and a crash between the checkpoint and
   * the deletion of the segments is harmless.
   */
  compact(opts: { checkpoint?: boolean } = {}): void {
    this.assertOpen();
    const checkpoint = opts.checkpoint ?? this.logBytes >= this.checkpointLogBytes;
    const t0 = performance.now();
    const withClosed: HeadSeries[] = [];
    const dirty: HeadSeries[] = [];
    // Series idle for stagedIdleMs (before the newest sample, or now if that is later): their
    // staged rows will not complete a run soon, so stage two moves them as they are.
    const idleBefore = Math.min(this.maxTime(), this.clock.now()) - this.stagedIdleMs;
    const idle: HeadSeries[] = [];
    for (const s of this.byId.values()) {
      if (!s.persisted) continue;
      if (s.closed.length > 0) withClosed.push(s);
      else if (checkpoint && s.headDirty) dirty.push(s);
      if (s.stagedRows > 0 && s.maxT < idleBefore) idle.push(s);
    }
    withClosed.sort((a, b) => a.id - b.id);
    idle.sort((a, b) => a.id - b.id);
    const touched = idle.length === 0 ? withClosed : withClosed.concat(idle);
    let chunks = 0;
    let packed = 0;
    const saveHead = (s: HeadSeries) => {
      if (s.headNumSamples() > 0) this.stmt.upsertHead.run(s.id, s.headBytes());
      else if (s.headRowStored) this.stmt.deleteHead.run(s.id);
    };
    const truncateLegacy = checkpoint && this.legacyRows > 0 && this.replayedId > 0;
    let legacyRemoved = 0;
    // Segments are deleted after the transaction: it must be on disk first, not only in the OS.
    const durable = checkpoint && this.log.hasCheckpointable();
    this.saveStaged(touched);
    try {
      if (durable) this.db.pragma('synchronous = FULL');
      try {
        this.db.transaction(() => {
          for (const s of withClosed) {
            chunks += s.closed.length;
            packed += this.writeClosed(s);
            if (checkpoint) saveHead(s);
          }
          for (const s of idle) packed += this.packer.moveAll(s);
          for (const s of dirty) saveHead(s);
          if (truncateLegacy) legacyRemoved = this.stmt.truncateLog.run(this.replayedId).changes;
        })();
      } finally {
        if (durable) this.db.pragma('synchronous = NORMAL');
      }
    } catch (e) {
      this.restoreStaged(touched);
      this.metrics.compactionFailures.inc();
      throw e;
    }
    this.legacyRows -= legacyRemoved;
    for (const list of [withClosed, dirty]) {
      for (const s of list) {
        s.closedWritten();
        if (checkpoint) {
          s.headDirty = false;
          s.headRowStored = s.headNumSamples() > 0;
        }
      }
    }
    if (checkpoint) {
      this.logBytes = 0;
      try {
        this.log.checkpointed();
      } catch (e) {
        this.metrics.compactionFailures.inc();
        throw e;
      }
    }
    this.closedSinceCompaction = 0;
    this.metrics.compactions.inc();
    this.logger.info(
      { chunks, packed, idleSeriesMoved: idle.length, heads: withClosed.length + dirty.length, checkpoint, ms: Math.round(performance.now() - t0) },
      'storage compaction done',
    );
  }

  /**
   * Writes a series' closed chunks into its staged slots, or with the staged ones into `chunks`
   * as a packed row once they complete a run (packing.ts; call inside a transaction); returns
   * the packed rows written. Its head_chunks row may hold samples now in these chunks: it
   * stays until the next checkpoint rewrites it, and load() ignores it meanwhile (the log still
   * holds the whole head; deleting the rows of a 10k-series cut wave wrote their pages again).
   */
  private writeClosed(s: HeadSeries): number {
    let packed = 0;
    for (const c of s.closed) {
      packed += this.packer.stage(s, c);
      if (c.minT < s.dbMinT) s.dbMinT = c.minT;
      if (c.maxT > s.dbMaxT) s.dbMaxT = c.maxT;
    }
    return packed;
  }

  /**
   * Saves what a transaction writing, moving or deleting the series' chunks changes in memory,
   * besides bounds that only widen (chunksMaxT, staged row count and next slot), for
   * restoreStaged to put back when the transaction fails: a chunksMaxT past staged rows that the
   * rollback kept live would hide them from reads, a count or slot off would have the next cut
   * aim at a live row. @internal (retention and deleteSeries use it too)
   */
  saveStaged(list: readonly HeadSeries[]): Float64Array {
    if (this.stagedSave.length < 3 * list.length) this.stagedSave = new Float64Array(3 * list.length);
    const saved = this.stagedSave;
    for (let i = 0; i < list.length; i++) {
      saved[3 * i] = list[i].stagedRows;
      saved[3 * i + 1] = list[i].stagedSlot;
      saved[3 * i + 2] = list[i].chunksMaxT;
    }
    return saved;
  }

  /** saveStaged's buffer, reused (a cut wave saves 256 series at a time). */
  private stagedSave = new Float64Array(3 * CUT_WRITE_GROUP);

  /** @internal puts back what saveStaged saved (the last call's buffer). */
  restoreStaged(list: readonly HeadSeries[]): void {
    const saved = this.stagedSave;
    for (let i = 0; i < list.length; i++) {
      if (list[i].deleted) continue;
      list[i].stagedRows = saved[3 * i];
      list[i].stagedSlot = saved[3 * i + 1];
      list[i].chunksMaxT = saved[3 * i + 2];
    }
  }

  /** Notes a series whose head was just cut; its chunk is written with the group it falls in. */
  private cutApplied(s: HeadSeries): void {
    if (s.cutPending) return;
    s.cutPending = true;
    this.pendingCuts.push(s);
    if (this.pendingCuts.length >= CUT_WRITE_GROUP) this.writeCutChunks();
  }

  /**
   * Writes the chunks just cut from the pending series' heads, before the commit (or replay
   * step) that cut them returns: no query can have seen them yet, so they need no copy, and the
   * heads' arena bytes they still use are freed right after. A failed write keeps copies in
   * memory for the next compaction to retry.
   */
  private writeCutChunks(): void {
    const cut = this.pendingCuts;
    if (cut.length === 0) return;
    try {
      // Created once, like commitTx: better-sqlite3 builds a wrapper per db.transaction() call.
      this.writeCutTx ??= this.db.transaction((list: Iterable<HeadSeries>) => {
        // A head_chunks row of these series now holds samples of the chunks written: it stays
        // (see writeClosed).
        for (const s of list) this.writeClosed(s);
      });
      this.saveStaged(cut);
      this.writeCutTx(cut);
    } catch (e) {
      this.restoreStaged(cut);
      this.metrics.compactionFailures.inc();
      this.logger.error({ err: e }, 'writing cut chunks failed; keeping them in memory for the next compaction');
      for (const s of cut) {
        s.keepClosedInMemory();
        s.cutPending = false;
        this.closedSinceCompaction += s.closed.length;
      }
      cut.length = 0;
      return;
    }
    for (const s of cut) {
      s.closedWritten();
      s.cutPending = false;
    }
    cut.length = 0;
  }

  private writeCutTx: ((cut: Iterable<HeadSeries>) => void) | undefined;
  /**
   * Series cut by the commit or replay step in progress, not yet written (see cutApplied); each
   * once, by its cutPending flag. An array reused from group to group: a Set filled and cleared
   * in a 10k-series cut wave left its tables' garbage in the old generation.
   */
  private readonly pendingCuts: HeadSeries[] = [];

  /**
   * Rewrites staged_chunks with its live rows only (close). While the store runs, a row moved
   * into `chunks` waits in its slot for a later cut to overwrite it (deleting it would write its
   * page once more); a store being closed keeps each sample once, in full pages: the live rows
   * are copied into a new table and the old one is dropped (its pages freed without being
   * written). A row is live when it starts after the series' newest `chunks` row (as load()
   * decides; read here from the newest row by min_t, which never keeps fewer).
   */
  private rewriteStaged(): void {
    this.db.transaction(() => {
      this.db.exec(`
        CREATE TABLE staged_chunks_live ${STAGED_CHUNKS_COLUMNS};
        INSERT INTO staged_chunks_live (id, series_id, min_t, max_t, data)
          SELECT s.id, s.series_id, s.min_t, s.max_t, s.data FROM staged_chunks s
          WHERE s.min_t > COALESCE((SELECT c.max_t FROM chunks c WHERE c.series_id = s.series_id ORDER BY c.min_t DESC LIMIT 1), -9e18)
          ORDER BY s.id;
        DROP TABLE staged_chunks;
        ALTER TABLE staged_chunks_live RENAME TO staged_chunks;
      `);
    })();
  }

  /** Gives free pages back to the OS once they exceed `fraction` of the file (later writes reuse the rest). */
  /** @internal */
  releaseFreePages(fraction: number): void {
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    if (free > 0 && free >= pages * fraction) this.db.pragma('incremental_vacuum');
  }

  // ---- reading ----

  querier(mint: number, maxt: number): Querier {
    this.assertOpen();
    return new SqliteQuerier(this, mint, maxt);
  }

  /** Label sets of series with samples in [mint, maxt] matching a selector, sorted (for /api/v1/series). */
  series(matchers: Matcher[], mint = -Infinity, maxt = Infinity): Labels[] {
    const err = checkSelectMatchers(matchers);
    if (err) throw err;
    return this.matchingSeries(matchers, mint, maxt)
      .map((s) => s.labels)
      .sort(compareLabels);
  }

  /** @internal series matching the matchers whose time bounds overlap [mint, maxt]. */
  matchingSeries(matchers: readonly Matcher[], mint: number, maxt: number): HeadSeries[] {
    const out: HeadSeries[] = [];
    if (matchers.length === 0) {
      for (const s of this.byId.values()) if (s.minT <= maxt && s.maxT >= mint) out.push(s);
      return out;
    }
    const ids = this.postings.resolve(matchers, () => this.byId.keys());
    for (let i = 0; i < ids.length; i++) {
      const s = this.byId.get(ids[i]);
      if (s && s.minT <= maxt && s.maxT >= mint) out.push(s);
    }
    return out;
  }

  /**
   * @internal chunksOf for many series at once, snapshotted now: one SQL statement for all the
   * series whose stored rows may overlap the range (instead of one statement per series).
   */
  chunksOfMany(list: readonly HeadSeries[], mint: number, maxt: number): ChunkRef[][] {
    const out: ChunkRef[][] = list.map(() => []);
    const ids: number[] = [];
    const slotIds: number[] = [];
    for (const s of list) {
      if (s.dbMinT > maxt || s.dbMaxT < mint) continue;
      if (this.chunksMayOverlap(s, mint)) ids.push(s.id);
      if (this.stagedMayOverlap(s, maxt)) pushLiveSlotIds(s, slotIds);
    }
    if (ids.length > 0 || slotIds.length > 0) {
      const at = new Map<number, number>();
      for (let i = 0; i < list.length; i++) at.set(list[i].id, i);
      const span = Math.max(this.cut.maxRangeMs, this.packer.maxRowSpanMs);
      if (ids.length > 0) {
        // Rows come ordered by (series_id, min_t): each series' chunks oldest first.
        const rows = this.stmt.chunksOfIds.all(JSON.stringify(ids), mint - span, maxt, mint);
        let sid = -1;
        let dest: ChunkRef[] = [];
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i];
          if (r[0] !== sid) dest = out[at.get((sid = r[0]))!];
          dest.push({ minT: r[1], maxT: r[2], data: r[3], sid });
        }
      }
      if (slotIds.length > 0) {
        // Slot order; a series' live staged rows all come after its `chunks` rows.
        const rows = this.stmt.stagedOfIds.all(JSON.stringify(slotIds), mint - span, maxt, mint);
        rows.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i];
          const j = at.get(r[0])!;
          if (r[1] > list[j].chunksMaxT) out[j].push({ minT: r[1], maxT: r[2], data: r[3], sid: r[0] });
        }
      }
    }
    for (let i = 0; i < list.length; i++) this.memChunksOf(list[i], mint, maxt, out[i]);
    return out;
  }

  /** Whether the series' `chunks` rows (all ending by chunksMaxT) may reach [mint, ...]. */
  private chunksMayOverlap(s: HeadSeries, mint: number): boolean {
    return s.chunksMaxT >= mint;
  }

  /** Whether the series' live staged rows (all starting after chunksMaxT) may reach [..., maxt]. */
  private stagedMayOverlap(s: HeadSeries, maxt: number): boolean {
    return s.stagedRows > 0 && s.chunksMaxT < maxt;
  }

  /** Appends the in-memory chunks (cut, then head) of s overlapping [mint, maxt] to out. */
  private memChunksOf(s: HeadSeries, mint: number, maxt: number, out: ChunkRef[]): void {
    for (const c of s.closed) if (c.minT <= maxt && c.maxT >= mint) out.push(c);
    if (s.headNumSamples() > 0 && s.headMinT <= maxt && s.headMaxT >= mint) {
      out.push({ minT: s.headMinT, maxT: s.headMaxT, data: s.headSnapshot() });
    }
  }

  /** @internal chunks of a series overlapping [mint, maxt], oldest first, snapshotted now. */
  chunksOf(s: HeadSeries, mint: number, maxt: number): ChunkRef[] {
    const out: ChunkRef[] = [];
    // No row spans more than the cut range (XOR) or the longest packed run, so min_t bounds the scan from below too.
    // Rows only ever lie within [dbMinT, dbMaxT] (a superset after deletions): a range inside the
    // in-memory data (the common recent query) needs no SQL at all.
    if (s.dbMinT <= maxt && s.dbMaxT >= mint) {
      const span = Math.max(this.cut.maxRangeMs, this.packer.maxRowSpanMs);
      if (this.chunksMayOverlap(s, mint)) {
        for (const r of this.stmt.chunksInRange.all(s.id, mint - span, maxt, mint)) out.push({ minT: r.min_t, maxT: r.max_t, data: r.data, sid: s.id });
      }
      if (this.stagedMayOverlap(s, maxt)) {
        for (const r of this.stmt.stagedInRange.all(...this.packer.liveRowIds(s), s.chunksMaxT, mint - span, maxt, mint)) {
          out.push({ minT: r.min_t, maxT: r.max_t, data: r.data, sid: s.id });
        }
      }
    }
    this.memChunksOf(s, mint, maxt, out);
    return out;
  }

  // ---- admin ----

  /**
   * Deletes the samples of series matching a selector within [mint, maxt] (all time by
   * default); series left without samples disappear. Returns the number of series touched.
   */
  deleteSeries(matchers: Matcher[], mint = -Infinity, maxt = Infinity): number {
    const err = checkSelectMatchers(matchers);
    if (err) throw err;
    this.assertReady('delete series');
    this.compact({ checkpoint: true }); // everything in chunks / head_chunks, empty log: no replay can resurrect deleted samples
    const victims = this.matchingSeries(matchers, mint, maxt);
    this.saveStaged(victims);
    try {
      this.db.transaction(() => {
        for (const s of victims) deleteSeriesData(this, s, mint, maxt);
      })();
    } catch (e) {
      this.restoreStaged(victims);
      throw e;
    }
    return victims.length;
  }

  /** @internal forget a series entirely (rows, postings, memory). Call inside a transaction. */
  dropSeries(s: HeadSeries): void {
    this.db.prepare('DELETE FROM chunks WHERE series_id = ?').run(s.id);
    this.packer.dropStaged(s);
    this.stmt.deleteHead.run(s.id);
    this.db.prepare('DELETE FROM series WHERE id = ?').run(s.id);
    this.postings.remove(s.id, s.labels);
    this.byId.delete(s.id);
    this.byLabels.delete(s.labels);
    s.detach(); // now `deleted`, for appenders still holding it
  }

  /**
   * Online backup of the whole database (consistent snapshot) into a new file. The heads are
   * checkpointed first, so the file alone holds every committed sample (the log is not copied).
   */
  backup(destFile: string): void {
    this.assertOpen();
    this.assertReady('back up');
    if (fs.existsSync(destFile)) throw new Error(`backup target ${destFile} already exists`);
    fs.mkdirSync(path.dirname(path.resolve(destFile)), { recursive: true });
    this.compact({ checkpoint: true });
    this.db.prepare('VACUUM INTO ?').run(destFile);
  }

  /** Replaces the retention settings (config reload); applied at the next retention run. */
  setRetention(retention: RetentionOptions): void {
    this.retention = retention;
  }

  /** Applies time, size and rule retention as of `now` (ms). */
  runRetention(now = this.clock.now()): RetentionResult {
    this.assertOpen();
    this.assertReady('apply retention');
    const r = applyRetention(this, this.retention, now);
    if (r.deletedChunks > 0 || r.deletedSeries > 0) this.logger.info({ ...r }, 'storage retention applied');
    return r;
  }

  /** Head statistics and top-N cardinality for /api/v1/status/tsdb. */
  stats(limit = 10): TsdbStats {
    return computeTsdbStats(this.byId.values(), limit, this.minTime(), this.maxTime(), this.numMemChunks());
  }

  // ---- bookkeeping ----

  /** @internal */
  numMemChunks(): number {
    let n = 0;
    // forEach, not values(): read at every /metrics scrape, an iterator result per series is garbage.
    this.byId.forEach((s) => (n += s.memChunks()));
    return n;
  }

  /** @internal bytes of the db file + WAL + append log segments. */
  fileBytes(): number {
    let n = this.log.diskBytes();
    for (const f of [this.dbPath, this.dbPath + '-wal']) {
      try {
        n += fs.statSync(f).size;
      } catch {
        /* absent */
      }
    }
    return n;
  }

  /** @internal pages in use (excluding the free list), in bytes. */
  usedBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  appendLogBytes(): number {
    return this.logBytes;
  }

  minTime(): number {
    let t = Infinity;
    this.byId.forEach((s) => {
      if (s.minT < t) t = s.minT;
    });
    return t;
  }

  maxTime(): number {
    let t = -Infinity;
    this.byId.forEach((s) => {
      if (s.maxT > t) t = s.maxT;
    });
    return t;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('storage is closed');
  }

  private assertReady(what: string): void {
    if (!this.ready) {
      throw new Error(`storage is not ready to ${what}: replaying the append log (${this.progress.current} of ${this.progress.max} rows)`);
    }
  }

  /**
   * Stops schedules, compacts with a checkpoint (so the log is left empty, or during replay holds
   * only what was not replayed yet) and closes the database.
   */
  close(): void {
    if (this.closed) return;
    for (const t of this.tasks) t.stop();
    try {
      this.compact({ checkpoint: true });
      if (this.ready) this.rewriteStaged();
      this.releaseFreePages(0);
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.closed = true;
      this.log.close();
      this.db.close();
      this.releaseLock();
      for (const s of this.byId.values()) s.detach(); // their bytes and rows go back to the shared arena and columns
    }
  }
}
