/**
 * The append log on disk: numbered segment files in `<data>/log/` (`00000001`, `00000002`, ...),
 * each a run of records
 *   u32 length, u32 crc32(payload), payload          (little-endian; payload = appendLog.ts batch)
 * written with one positioned write per commit to a descriptor kept open. A returned append is
 * in the OS's page cache, so it survives kill -9 (what SQLite's WAL with synchronous=NORMAL
 * gave the log when it was a table); an OS crash or power loss can lose the last appends, and
 * the CRC finds a record the crash tore.
 *
 * The writer never leaves a torn record followed by good ones in a segment: a failed append is
 * cut off again (ftruncate to the length before it) and the error thrown; if even that fails the
 * segment is closed and the next append starts a new one.
 *
 * Replay reads the segments that existed at open, in order. A bad record (short, zero-length or
 * failing its CRC) at the tail of the last segment is what a crash leaves: a warning, the
 * segment is truncated there. One in an earlier segment is reported as an error naming the
 * segment and offset, and the rest of that segment is skipped. Both are counted (onCorruption).
 *
 * checkpointed() is called by the store once a SQLite transaction holding every sample appended
 * and replayed so far is durable: the segments are then deleted (all of them once replay is
 * done; during replay only those fully replayed) and the directory fsynced, so a later
 * deletion in SQLite cannot be undone by a replay of a segment whose unlink was lost.
 * The next append creates the next segment.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const LOG_DIR_NAME = 'log';
export const RECORD_HEADER_BYTES = 8;
/** A batch payload is at least its count and flags words (appendLog.ts); shorter records are corrupt (a zeroed header is not a record). */
const MIN_PAYLOAD_BYTES = 8;
const SEGMENT_NAME = /^\d{8}$/;

/** zlib.crc32 (Node >= 20.15); a table-driven fallback for older Node 20 releases. */
export const crc32: (data: Uint8Array) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (data) => zlib.crc32(data) : tableCrc32;

let crcTable: Uint32Array | undefined;
function tableCrc32(data: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function segmentName(seq: number): string {
  return String(seq).padStart(8, '0');
}

/** The system calls appends go through (replaceable in tests to simulate failing writes). */
export interface LogIo {
  /** Writes buffers at `position`; returns the bytes written (may be fewer). */
  writev(fd: number, buffers: readonly Uint8Array[], position: number): number;
  ftruncate(fd: number, length: number): void;
}

export const defaultLogIo: LogIo = {
  writev: (fd, buffers, position) => fs.writevSync(fd, buffers, position),
  ftruncate: (fd, length) => fs.ftruncateSync(fd, length),
};

export interface LogWarnings {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface LogRecord {
  data: Buffer;
  segment: string;
  offset: number;
}

interface Writer {
  seq: number;
  fd: number;
  size: number;
}

export class AppendLogFile {
  readonly dir: string;
  /** Records found in the segments at open (whole ones by their headers; a CRC is checked when replayed). */
  readonly recordsAtOpen: number;
  /** @internal replaceable in tests. */
  io: LogIo = defaultLogIo;
  /** Segments present at open, oldest first, not yet deleted (replay reads them). */
  private readonly old: Array<{ seq: number; size: number }>;
  /** Segments this process wrote since the last checkpoint and has closed (a write it could not undo). */
  private readonly closedWritten: Array<{ seq: number; size: number }> = [];
  private writer: Writer | null = null;
  private nextSeq: number;
  /** Replay cursor: old[rIdx] at rPos, read through rFd. */
  private rIdx = 0;
  private rPos = 0;
  private rFd = -1;
  private rSize = 0;
  private readonly header = Buffer.alloc(RECORD_HEADER_BYTES);
  private readonly readHeader = Buffer.alloc(RECORD_HEADER_BYTES);
  private closed = false;

  constructor(
    dir: string,
    private readonly logger: LogWarnings,
    private readonly onCorruption: () => void = () => {},
  ) {
    this.dir = dir;
    fs.mkdirSync(dir, { recursive: true });
    const seqs = fs
      .readdirSync(dir)
      .filter((n) => SEGMENT_NAME.test(n))
      .map(Number)
      .sort((a, b) => a - b);
    this.old = seqs.map((seq) => ({ seq, size: fs.statSync(this.file(seq)).size }));
    this.nextSeq = seqs.length > 0 ? seqs[seqs.length - 1] + 1 : 1;
    let records = 0;
    for (const s of this.old) records += this.countRecords(s.seq, s.size);
    this.recordsAtOpen = records;
  }

  private file(seq: number): string {
    return path.join(this.dir, segmentName(seq));
  }

  /** Walks the record headers of a segment (no payload read): whole records up to the first that does not fit. */
  private countRecords(seq: number, size: number): number {
    const fd = fs.openSync(this.file(seq), 'r');
    try {
      let n = 0;
      let pos = 0;
      while (size - pos >= RECORD_HEADER_BYTES) {
        if (fs.readSync(fd, this.readHeader, 0, RECORD_HEADER_BYTES, pos) !== RECORD_HEADER_BYTES) break;
        const len = this.readHeader.readUInt32LE(0);
        if (len < MIN_PAYLOAD_BYTES || len > size - pos - RECORD_HEADER_BYTES) break;
        n++;
        pos += RECORD_HEADER_BYTES + len;
      }
      return n;
    } finally {
      fs.closeSync(fd);
    }
  }

  // ---- appending ----

  /**
   * Appends one record. Throws if it could not be written whole; the segment then ends where it
   * ended before (or, if it could not be cut back, is closed and the next append starts another).
   * Returns the bytes written (header included).
   */
  append(payload: Uint8Array): number {
    if (this.closed) throw new Error('append log is closed');
    if (payload.length < MIN_PAYLOAD_BYTES || payload.length > 0xffffffff) throw new RangeError(`append log record of ${payload.length} bytes`);
    const w = this.writer ?? this.openWriter();
    const h = this.header;
    h.writeUInt32LE(payload.length, 0);
    h.writeUInt32LE(crc32(payload), 4);
    const total = RECORD_HEADER_BYTES + payload.length;
    const start = w.size;
    try {
      let done = this.io.writev(w.fd, [h, payload], start);
      // A short write (a regular file gives one only when the disk or a limit is reached): finish it, or fail.
      while (done < total) {
        const rest = done < RECORD_HEADER_BYTES ? [h.subarray(done), payload] : [payload.subarray(done - RECORD_HEADER_BYTES)];
        const n = this.io.writev(w.fd, rest, start + done);
        if (n <= 0) throw new Error(`short write to append log segment ${segmentName(w.seq)}: ${done} of ${total} bytes`);
        done += n;
      }
    } catch (e) {
      this.undo(w, start, e);
      throw e;
    }
    w.size += total;
    return total;
  }

  /** Cuts a failed append off the segment; if that fails too, retires the segment (it keeps its good records for replay). */
  private undo(w: Writer, length: number, cause: unknown): void {
    try {
      this.io.ftruncate(w.fd, length);
    } catch (e) {
      this.logger.error(
        { segment: segmentName(w.seq), offset: length, err: e, cause },
        'cannot cut a failed write off the append log segment; continuing in a new segment',
      );
      try {
        fs.closeSync(w.fd);
      } catch {
        /* the descriptor is of no further use either way */
      }
      this.closedWritten.push({ seq: w.seq, size: length });
      this.writer = null;
    }
  }

  private openWriter(): Writer {
    const seq = this.nextSeq++;
    // 'wx': never reuse a name (an existing file would be a segment this process did not list).
    const fd = fs.openSync(this.file(seq), 'wx');
    this.writer = { seq, fd, size: 0 };
    return this.writer;
  }

  // ---- replay ----

  /** True once every record of the segments present at open has been read. */
  replayDone(): boolean {
    return this.rIdx >= this.old.length || (this.rIdx === this.old.length - 1 && this.rFd >= 0 && this.rPos >= this.rSize);
  }

  /** The next record of the segments present at open, or null at their end. */
  nextRecord(): LogRecord | null {
    for (;;) {
      if (this.rIdx >= this.old.length) return null;
      const seg = this.old[this.rIdx];
      if (this.rFd < 0) {
        this.rFd = fs.openSync(this.file(seg.seq), 'r');
        this.rSize = fs.fstatSync(this.rFd).size;
        this.rPos = 0;
      }
      const pos = this.rPos;
      if (pos >= this.rSize) {
        this.nextSegment();
        continue;
      }
      let problem: string | null = null;
      let data: Buffer | null = null;
      if (this.rSize - pos < RECORD_HEADER_BYTES || fs.readSync(this.rFd, this.readHeader, 0, RECORD_HEADER_BYTES, pos) !== RECORD_HEADER_BYTES) {
        problem = 'short record header';
      } else {
        const len = this.readHeader.readUInt32LE(0);
        const crc = this.readHeader.readUInt32LE(4);
        if (len < MIN_PAYLOAD_BYTES) problem = `record length ${len}`;
        else if (len > this.rSize - pos - RECORD_HEADER_BYTES) problem = `record of ${len} bytes past the end of the segment`;
        else {
          data = Buffer.allocUnsafe(len);
          if (fs.readSync(this.rFd, data, 0, len, pos + RECORD_HEADER_BYTES) !== len) problem = 'short read';
          else if (crc32(data) !== crc) problem = 'CRC mismatch';
        }
      }
      if (problem === null) {
        this.rPos = pos + RECORD_HEADER_BYTES + data!.length;
        return { data: data!, segment: segmentName(seg.seq), offset: pos };
      }
      this.onCorruption();
      const where = { segment: path.join(this.dir, segmentName(seg.seq)), offset: pos, problem };
      if (this.rIdx === this.old.length - 1) {
        // The tail a crash tore: cut it off (new appends go to a new segment anyway).
        this.logger.warn({ ...where, droppedBytes: this.rSize - pos }, 'append log ends in a torn record; truncating the last segment there');
        try {
          fs.truncateSync(this.file(seg.seq), pos);
        } catch (e) {
          this.logger.warn({ ...where, err: e }, 'cannot truncate the append log segment');
        }
        seg.size = pos;
      } else {
        this.logger.error({ ...where, skippedBytes: this.rSize - pos }, 'corrupt append log record; skipping the rest of the segment');
      }
      this.nextSegment();
    }
  }

  private nextSegment(): void {
    if (this.rFd >= 0) fs.closeSync(this.rFd);
    this.rFd = -1;
    this.rPos = 0;
    this.rSize = 0;
    this.rIdx++;
  }

  // ---- checkpoint / close ----

  /** Segments that a checkpoint would delete now (those written, and those fully replayed). */
  hasCheckpointable(): boolean {
    return this.writer !== null || this.closedWritten.length > 0 || this.replayedSegments() > 0;
  }

  private replayedSegments(): number {
    return this.replayDone() ? this.old.length : this.rIdx;
  }

  /**
   * Call once everything appended and everything replayed so far is durable in SQLite: closes the
   * segment being written and deletes it with every fully replayed one, then fsyncs the directory.
   * Throws if a segment cannot be deleted (it stays listed and is retried at the next checkpoint).
   */
  checkpointed(): void {
    const victims: number[] = [];
    if (this.writer !== null) {
      fs.closeSync(this.writer.fd);
      victims.push(this.writer.seq);
      this.writer = null;
    }
    for (const s of this.closedWritten) victims.push(s.seq);
    this.closedWritten.length = 0;
    const replayed = this.replayedSegments();
    if (replayed > 0) {
      if (this.rFd >= 0 && this.rIdx < replayed) {
        fs.closeSync(this.rFd);
        this.rFd = -1;
      }
      for (const s of this.old.splice(0, replayed)) victims.push(s.seq);
      this.rIdx -= Math.min(this.rIdx, replayed);
      if (this.rFd < 0) this.rPos = 0;
    }
    if (victims.length === 0) return;
    let failed: unknown = null;
    for (const seq of victims) {
      try {
        fs.unlinkSync(this.file(seq));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        failed ??= e;
        this.closedWritten.push({ seq, size: 0 });
      }
    }
    fsyncDir(this.dir);
    if (failed !== null) throw new Error(`cannot delete checkpointed append log segments: ${(failed as Error).message}`, { cause: failed });
  }

  /** Bytes of the segment files (for the storage size gauge). */
  diskBytes(): number {
    let n = this.writer?.size ?? 0;
    for (const s of this.old) n += s.size;
    for (const s of this.closedWritten) n += s.size;
    return n;
  }

  /** Closes descriptors; files stay as they are (call checkpointed() first to leave none). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.writer !== null) fs.closeSync(this.writer.fd);
    this.writer = null;
    if (this.rFd >= 0) fs.closeSync(this.rFd);
    this.rFd = -1;
  }
}

function fsyncDir(dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* not supported on this platform / filesystem */
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
