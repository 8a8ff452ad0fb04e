/**
 * Runs one WriteQueue per `remote_write` entry and keeps them in step with the config:
 * unchanged entries keep their queue (and what it holds) across reloads.
 */
import type Database from 'better-sqlite3';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RemoteWriteConfig } from '../config/remoteConfig.ts';
import { relabel } from '../scrape/relabel.ts';
import type { Labels } from '../storage/labels.ts';
import type { TeeAppendable } from './teeAppendable.ts';
import { WriteQueue, type WriteQueueMetrics } from './writeQueue.ts';
import { HttpWriteSender } from './writeClient.ts';

export interface RemoteWriteManagerOptions {
  tee: TeeAppendable;
  db?: Database.Database;
  registry?: Registry;
  logger?: { warn(obj: object, msg: string): void };
}

/** Queue name as Prometheus derives it: the configured name, else a hash of the config. */
function queueName(cfg: RemoteWriteConfig, configKey: string): string {
  if (cfg.name) return cfg.name;
  let h = 0;
  for (let i = 0; i < configKey.length; i++) h = (Math.imul(h, 31) + configKey.charCodeAt(i)) | 0;
  return (h >>> 0).toString(16).padStart(8, '0');
}

function configKey(cfg: RemoteWriteConfig, external: Labels): string {
  const { line: _line, ...rest } = cfg;
  return JSON.stringify(rest) + external.key();
}

export class RemoteWriteManager {
  private queues = new Map<string, { queue: WriteQueue; sender: HttpWriteSender; name: string }>();
  private readonly metrics: WriteQueueMetrics;

  constructor(private readonly opts: RemoteWriteManagerOptions) {
    const reg = opts.registry ? [opts.registry] : [];
    const labelNames = ['remote_name'] as const;
    const sent = new Counter({ name: 'promlite_remote_storage_samples_total', help: 'Samples sent to remote storage.', labelNames, registers: reg });
    const failed = new Counter({ name: 'promlite_remote_storage_samples_failed_total', help: 'Samples that failed on send and were dropped (non-recoverable errors).', labelNames, registers: reg });
    const retried = new Counter({ name: 'promlite_remote_storage_samples_retried_total', help: 'Samples that failed on send and were retried.', labelNames, registers: reg });
    const dropped = new Counter({ name: 'promlite_remote_storage_samples_dropped_total', help: 'Samples dropped because the queue and spool were full.', labelNames, registers: reg });
    const pending = new Gauge({ name: 'promlite_remote_storage_samples_pending', help: 'Samples waiting in memory to be sent.', labelNames, registers: reg });
    this.metrics = {
      sent: (q, n) => sent.inc({ remote_name: q }, n),
      failed: (q, n) => failed.inc({ remote_name: q }, n),
      retried: (q, n) => retried.inc({ remote_name: q }, n),
      dropped: (q, n) => dropped.inc({ remote_name: q }, n),
      pending: (q, n) => pending.set({ remote_name: q }, n),
    };
  }

  applyConfig(configs: RemoteWriteConfig[], externalLabels: Labels): void {
    const next = new Map<string, { queue: WriteQueue; sender: HttpWriteSender; name: string }>();
    for (const cfg of configs) {
      const key = configKey(cfg, externalLabels);
      const existing = this.queues.get(key);
      if (existing) {
        next.set(key, existing);
        continue;
      }
      const name = queueName(cfg, key);
      const sender = new HttpWriteSender({ url: cfg.url, timeoutMs: cfg.remoteTimeoutMs, headers: cfg.headers, http: cfg.http });
      const queue = new WriteQueue({
        name,
        sender,
        externalLabels,
        relabel: (l) => relabel(l, cfg.writeRelabelConfigs),
        maxSamplesPerSend: cfg.queue.maxSamplesPerSend,
        batchSendDeadlineMs: cfg.queue.batchSendDeadlineMs,
        minBackoffMs: cfg.queue.minBackoffMs,
        maxBackoffMs: cfg.queue.maxBackoffMs,
        retryOnHttp429: cfg.queue.retryOnHttp429,
        db: this.opts.db,
        metrics: this.metrics,
        logger: this.opts.logger,
      });
      next.set(key, { queue, sender, name });
    }
    for (const [key, q] of this.queues) {
      if (!next.has(key)) {
        q.queue.stop();
        q.sender.close();
      }
    }
    this.queues = next;
    this.opts.tee.setListeners([...next.values()].map((q) => q.queue.onCommit));
  }

  /** /api/v1/status-style listing of active queues. */
  queueNames(): string[] {
    return [...this.queues.values()].map((q) => q.name);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.queue.flush()));
  }

  stop(): void {
    this.opts.tee.setListeners([]);
    for (const q of this.queues.values()) {
      q.queue.stop();
      q.sender.close();
    }
    this.queues.clear();
  }
}
