/** Self-metrics of the storage engine, registered on the caller's prom-client Registry. */
import { Counter, Gauge, type Registry } from 'prom-client';

export interface StorageGaugeSource {
  numSeries(): number;
  numMemChunks(): number;
  appendLogBytes(): number;
  dbFileBytes(): number;
  minTime(): number;
  maxTime(): number;
  /** Decoded-chunk cache counters (optional: stores without a cache omit it). */
  chunkCache?(): { hits: number; misses: number; bytes: number };
}

export class StorageMetrics {
  readonly samplesAppended: Counter;
  readonly samplesRejected: Counter<'reason'>;
  readonly compactions: Counter;
  readonly compactionFailures: Counter;
  readonly appendLogCorruptions: Counter;
  readonly retentionDeletedChunks: Counter<'reason'>;
  readonly retentionDeletedSeries: Counter;

  constructor(registry: Registry | undefined, src: StorageGaugeSource) {
    const registers = registry ? [registry] : [];
    this.samplesAppended = new Counter({ name: 'promlite_tsdb_head_samples_appended_total', help: 'Samples appended to the head (committed).', registers });
    this.samplesRejected = new Counter({
      name: 'promlite_tsdb_samples_rejected_total',
      help: 'Samples rejected at append, by reason (out_of_order, duplicate_timestamp, invalid_labels).',
      labelNames: ['reason'],
      registers,
    });
    for (const r of ['out_of_order', 'duplicate_timestamp', 'invalid_labels']) this.samplesRejected.inc({ reason: r }, 0);
    this.compactions = new Counter({ name: 'promlite_tsdb_compactions_total', help: 'Head compactions (cut chunks written; with a checkpoint, heads saved and the append log deleted).', registers });
    this.compactionFailures = new Counter({ name: 'promlite_tsdb_compactions_failed_total', help: 'Head compactions that failed.', registers });
    this.appendLogCorruptions = new Counter({
      name: 'promlite_tsdb_append_log_corruptions_total',
      help: 'Bad records found replaying the append log (a torn tail truncated, or the rest of a segment skipped).',
      registers,
    });
    this.retentionDeletedChunks = new Counter({
      name: 'promlite_tsdb_retention_deleted_chunks_total',
      help: 'Chunks deleted by retention, by reason (time, size, rule).',
      labelNames: ['reason'],
      registers,
    });
    for (const r of ['time', 'size', 'rule']) this.retentionDeletedChunks.inc({ reason: r }, 0);
    this.retentionDeletedSeries = new Counter({ name: 'promlite_tsdb_retention_deleted_series_total', help: 'Series removed because retention left them without samples.', registers });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('promlite_tsdb_head_series', 'Series currently known to the store.', () => src.numSeries());
    gauge('promlite_tsdb_head_chunks', 'Chunks held in memory (open head chunks and cut chunks awaiting compaction).', () => src.numMemChunks());
    gauge('promlite_tsdb_append_log_bytes', 'Bytes in the append log since the last checkpoint.', () => src.appendLogBytes());
    gauge('promlite_tsdb_storage_bytes', 'Size of the database file, its WAL and the append log segments.', () => src.dbFileBytes());
    const cache = src.chunkCache?.bind(src);
    if (cache) {
      // Counted as plain numbers on the read path; turned into counters only when scraped.
      const counter = (name: string, help: string, read: () => number) => {
        let reported = 0;
        return new Counter({
          name,
          help,
          registers,
          collect() {
            const v = read();
            if (v > reported) this.inc(v - reported);
            reported = v;
          },
        });
      };
      counter('promlite_tsdb_decoded_chunk_cache_hits_total', 'Closed chunks served from the decoded-chunk cache.', () => cache().hits);
      counter('promlite_tsdb_decoded_chunk_cache_misses_total', 'Closed chunks decoded because the cache did not hold them.', () => cache().misses);
      gauge('promlite_tsdb_decoded_chunk_cache_bytes', 'Bytes charged to the decoded-chunk cache.', () => cache().bytes);
    }
    gauge('promlite_tsdb_lowest_timestamp_seconds', 'Lowest sample timestamp stored.', () => {
      const t = src.minTime();
      return Number.isFinite(t) ? t / 1000 : 0;
    });
    gauge('promlite_tsdb_highest_timestamp_seconds', 'Highest sample timestamp stored.', () => {
      const t = src.maxTime();
      return Number.isFinite(t) ? t / 1000 : 0;
    });
  }
}
