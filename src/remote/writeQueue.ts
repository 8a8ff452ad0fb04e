/**
 * One remote_write destination: batches committed samples into WriteRequests and sends them
 * in order, one request in flight, retrying 5xx/429/network errors with exponential backoff
 * and dropping (and counting) batches the receiver refuses with 4xx.
 *
 * Memory is bounded: encoded requests beyond `maxPendingBytes` move, oldest first, into a
 * SQLite spool table (bounded by `maxSpoolBytes`), so a receiver outage loses nothing until
 * the spool is full; then the oldest spooled requests are dropped and counted.
 * Invariant: every spooled request is older than every in-memory one, so sending spool-first
 * keeps each series in timestamp order.
 */
import type Database from 'better-sqlite3';
import { Labels } from '../storage/labels.ts';
import type { CommittedBatch } from './teeAppendable.ts';
import { encodeWriteRequest, snappyEncode, type PbTimeSeries } from './prompb.ts';
import type { RemoteWriteSender } from './writeClient.ts';

export interface WriteQueueOptions {
  name: string;
  sender: RemoteWriteSender;
  /** Labels added to every series unless it has them (Prometheus's external_labels). */
  externalLabels: Labels;
  /** write_relabel_configs; null drops the series. */
  relabel: (l: Labels) => Labels | null;
  maxSamplesPerSend: number;
  batchSendDeadlineMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  retryOnHttp429: boolean;
  maxPendingBytes?: number;
  maxSpoolBytes?: number;
  db?: Database.Database;
  metrics?: WriteQueueMetrics;
  logger?: { warn(obj: object, msg: string): void };
}

export interface WriteQueueMetrics {
  sent(queue: string, samples: number): void;
  failed(queue: string, samples: number): void;
  retried(queue: string, samples: number): void;
  dropped(queue: string, samples: number): void;
  pending(queue: string, samples: number): void;
}

interface EncodedRequest {
  id?: number; // spool row id
  body: Uint8Array;
  samples: number;
}

const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_SPOOL_BYTES = 2 * 1024 * 1024 * 1024;

export class WriteQueue {
  private readonly relabelCache = new Map<string, Labels | null>();
  private series = new Map<string, PbTimeSeries>();
  private batchSamples = 0;
  private batchTimer: NodeJS.Timeout | null = null;
  private readonly ready: EncodedRequest[] = [];
  private readyBytes = 0;
  private spoolCount = 0;
  private spoolBytes = 0;
  private sending = false;
  private stopped = false;
  private backoffTimer: NodeJS.Timeout | null = null;
  private readonly idle: (() => void)[] = [];

  constructor(private readonly opts: WriteQueueOptions) {
    if (opts.db) {
      opts.db.exec(`CREATE TABLE IF NOT EXISTS remote_write_spool (
        queue TEXT NOT NULL, id INTEGER PRIMARY KEY AUTOINCREMENT, samples INTEGER NOT NULL, body BLOB NOT NULL)`);
      const row = opts.db
        .prepare('SELECT count(*) AS n, coalesce(sum(length(body)), 0) AS b FROM remote_write_spool WHERE queue = ?')
        .get(opts.name) as { n: number; b: number };
      this.spoolCount = row.n;
      this.spoolBytes = row.b;
      if (this.spoolCount > 0) queueMicrotask(() => this.pump());
    }
  }

  /** CommitListener: takes a committed batch from the TeeAppendable. */
  readonly onCommit = (b: CommittedBatch): void => {
    if (this.stopped) return;
    for (let i = 0; i < b.length; i++) this.add(b.labels[i], b.ts[i], b.vs[i]);
    if (this.batchSamples > 0 && !this.batchTimer) {
      this.batchTimer = setTimeout(() => this.flushBatch(), this.opts.batchSendDeadlineMs);
    }
  };

  private add(labels: Labels, t: number, v: number): void {
    const key = labels.key();
    let out = this.relabelCache.get(key);
    if (out === undefined) {
      out = this.outputLabels(labels);
      if (this.relabelCache.size > 1_000_000) this.relabelCache.clear();
      this.relabelCache.set(key, out);
    }
    if (out === null) return;
    const outKey = out.key();
    let ts = this.series.get(outKey);
    if (!ts) {
      const pbLabels: { name: string; value: string }[] = [];
      out.forEach((name, value) => pbLabels.push({ name, value }));
      ts = { labels: pbLabels, samples: [] };
      this.series.set(outKey, ts);
    }
    // An object field keeps the stale marker's NaN bits (a plain number array may not).
    ts.samples.push({ timestamp: t, value: v });
    if (++this.batchSamples >= this.opts.maxSamplesPerSend) this.flushBatch();
  }

  private outputLabels(l: Labels): Labels | null {
    let merged = l;
    if (this.opts.externalLabels.size > 0) {
      const m = new Map<string, string>();
      this.opts.externalLabels.forEach((n, v) => m.set(n, v));
      l.forEach((n, v) => m.set(n, v));
      merged = Labels.fromPairs(m);
    }
    return this.opts.relabel(merged);
  }

  private flushBatch(): void {
    if (this.batchTimer) {
      clearTimeout(this.batchTimer);
      this.batchTimer = null;
    }
    if (this.batchSamples === 0) return;
    const body = snappyEncode(encodeWriteRequest({ timeseries: [...this.series.values()] }));
    const req: EncodedRequest = { body, samples: this.batchSamples };
    this.series = new Map();
    this.batchSamples = 0;
    this.ready.push(req);
    this.readyBytes += body.byteLength;
    this.spillIfNeeded();
    this.reportPending();
    this.pump();
  }

  private spillIfNeeded(): void {
    const maxPending = this.opts.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
    const db = this.opts.db;
    // The head of `ready` may be in flight; spill from the one after it.
    while (this.readyBytes > maxPending && this.ready.length > 1) {
      const victim = this.ready.splice(1, 1)[0];
      this.readyBytes -= victim.body.byteLength;
      if (!db) {
        this.opts.metrics?.dropped(this.opts.name, victim.samples);
        continue;
      }
      db.prepare('INSERT INTO remote_write_spool (queue, samples, body) VALUES (?, ?, ?)').run(this.opts.name, victim.samples, Buffer.from(victim.body));
      this.spoolCount++;
      this.spoolBytes += victim.body.byteLength;
      this.trimSpool();
    }
  }

  private trimSpool(): void {
    const db = this.opts.db!;
    const max = this.opts.maxSpoolBytes ?? DEFAULT_MAX_SPOOL_BYTES;
    while (this.spoolBytes > max && this.spoolCount > 0) {
      const row = db.prepare('SELECT id, samples, length(body) AS b FROM remote_write_spool WHERE queue = ? ORDER BY id LIMIT 1').get(this.opts.name) as
        | { id: number; samples: number; b: number }
        | undefined;
      if (!row) break;
      db.prepare('DELETE FROM remote_write_spool WHERE id = ?').run(row.id);
      this.spoolCount--;
      this.spoolBytes -= row.b;
      this.opts.metrics?.dropped(this.opts.name, row.samples);
    }
  }

  private nextRequest(): EncodedRequest | null {
    if (this.spoolCount > 0 && this.opts.db) {
      const row = this.opts.db.prepare('SELECT id, samples, body FROM remote_write_spool WHERE queue = ? ORDER BY id LIMIT 1').get(this.opts.name) as
        | { id: number; samples: number; body: Buffer }
        | undefined;
      if (row) return { id: row.id, samples: row.samples, body: row.body };
      this.spoolCount = 0;
      this.spoolBytes = 0;
    }
    return this.ready[0] ?? null;
  }

  private finish(req: EncodedRequest): void {
    if (req.id !== undefined) {
      this.opts.db!.prepare('DELETE FROM remote_write_spool WHERE id = ?').run(req.id);
      this.spoolCount--;
      this.spoolBytes -= req.body.byteLength;
    } else {
      this.ready.shift();
      this.readyBytes -= req.body.byteLength;
    }
    this.reportPending();
  }

  private pump(): void {
    if (this.sending || this.stopped || this.backoffTimer) return;
    const req = this.nextRequest();
    if (!req) {
      for (const f of this.idle.splice(0)) f();
      return;
    }
    this.sending = true;
    void this.sendWithRetry(req, this.opts.minBackoffMs).finally(() => {
      this.sending = false;
    });
  }

  private async sendWithRetry(req: EncodedRequest, backoff: number): Promise<void> {
    const r = await this.opts.sender.send(req.body);
    if (r.ok || !r.retryable || (r.status === 429 && !this.opts.retryOnHttp429)) {
      if (r.ok) this.opts.metrics?.sent(this.opts.name, req.samples);
      else {
        this.opts.metrics?.failed(this.opts.name, req.samples);
        this.opts.logger?.warn({ queue: this.opts.name, status: r.status, err: r.error }, 'remote write: non-recoverable error, dropping batch');
      }
      this.finish(req);
      this.sending = false;
      this.pump();
      return;
    }
    this.opts.metrics?.retried(this.opts.name, req.samples);
    this.opts.logger?.warn({ queue: this.opts.name, status: r.status, err: r.error, backoffMs: backoff }, 'remote write: recoverable error, retrying');
    this.sending = false;
    if (this.stopped) return;
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = null;
      if (this.stopped) return;
      this.sending = true;
      void this.sendWithRetry(req, Math.min(backoff * 2, this.opts.maxBackoffMs)).finally(() => {
        this.sending = false;
      });
    }, backoff);
  }

  private reportPending(): void {
    let n = 0;
    for (const r of this.ready) n += r.samples;
    this.opts.metrics?.pending(this.opts.name, n + this.batchSamples);
  }

  /** Flushes the open batch and resolves when everything queued has been sent (or dropped). */
  flush(): Promise<void> {
    this.flushBatch();
    if (!this.sending && !this.backoffTimer && this.ready.length === 0 && this.spoolCount === 0) return Promise.resolve();
    return new Promise((res) => this.idle.push(res));
  }

  /** Stops sending; unsent in-memory requests are spooled when a database is available. */
  stop(): void {
    this.flushBatch();
    this.stopped = true;
    if (this.batchTimer) clearTimeout(this.batchTimer);
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
    const db = this.opts.db;
    if (db) {
      const insert = db.prepare('INSERT INTO remote_write_spool (queue, samples, body) VALUES (?, ?, ?)');
      // In-memory requests are newer than spooled ones: appending keeps the order.
      for (const r of this.ready) insert.run(this.opts.name, r.samples, Buffer.from(r.body));
    }
    this.ready.length = 0;
    this.readyBytes = 0;
    for (const f of this.idle.splice(0)) f();
  }
}
