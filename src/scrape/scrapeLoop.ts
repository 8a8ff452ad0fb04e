/**
 * One target's scrape: fetch, parse, turn lines into series through the scrape cache, stage
 * the samples, and once the whole payload is valid append them with stale markers and the
 * report series (into the wake-up's shared batch, see commitBatch.ts), then record the
 * target's health. Any failure (HTTP, parse, limit) discards the staged samples and appends
 * only stale markers for the previous scrape's series plus the report with up=0, as
 * Prometheus does.
 */
import type { Clock } from '../clock.ts';
import { AppendError, type Appendable, type Appender } from '../storage/interface.ts';
import type { Labels } from '../storage/labels.ts';
import { STALE_NAN } from '../storage/staleMarker.ts';
import { Entry, type EntryKind, ExpositionError, type ExpositionParser, lineAt } from './expositionParser.ts';
import type { ScrapeResponse } from './httpScraper.ts';
import { checkLabelLimits, ScrapeLimitError } from './limitAppender.ts';
import type { CommitBatch } from './commitBatch.ts';
import { SampleStage } from './sampleStage.ts';
import { OpenMetricsParser } from './openMetricsParser.ts';
import { configFingerprint } from '../config/configDiff.ts';
import type { ScrapeLimits } from '../config/globalConfig.ts';
import type { RelabelConfig } from '../config/relabelConfig.ts';
import { relabel } from './relabel.ts';
import { withTargetLabels } from './sampleLabels.ts';
import { ReportSeries } from './reportSeries.ts';
import { NO_ENTRY, NO_SERIES, ScrapeCache } from './scrapeCache.ts';
import type { Target } from './target.ts';
import { TextParser } from './textParser.ts';

export interface ScrapeSource {
  scrape(): Promise<ScrapeResponse>;
  /** Releases connections when the loop stops. */
  close?(): void;
}

export interface ScrapeLogger {
  warn(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

/** The parts of a pool's config that change how samples become series. */
export interface SampleOptions {
  honorLabels: boolean;
  honorTimestamps: boolean;
  limits: ScrapeLimits;
  metricRelabelConfigs: readonly RelabelConfig[];
}

export interface ScrapeLoopOptions extends SampleOptions {
  target: Target;
  source: ScrapeSource;
  appendable: Appendable;
  clock: Clock;
  logger?: ScrapeLogger;
  /** A cache carried over from the loop this one replaces (config reload). */
  cache?: ScrapeCache;
}

export interface AppendCounts {
  total: number;
  added: number;
  seriesAdded: number;
  /** Samples storage rejected (out of order, duplicate timestamp, too old); the scrape still succeeds. */
  rejected: number;
}

/** Samples with explicit timestamps further ahead than this are rejected (Prometheus: 10m). */
const MAX_FUTURE_MS = 10 * 60 * 1000;

export function isOpenMetrics(contentType: string): boolean {
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase() === 'application/openmetrics-text';
}

export function newParser(body: Uint8Array, contentType: string): ExpositionParser {
  return isOpenMetrics(contentType) ? new OpenMetricsParser(body) : new TextParser(body);
}

export class ScrapeLoop {
  readonly cache: ScrapeCache;
  private readonly report: ReportSeries;
  private running = false;
  /** Set by the pool when the target must not be scraped (target_limit exceeded). */
  forcedError: string | null = null;
  private opts: ScrapeLoopOptions;
  private stopped = false;
  /** The shared batch holding this loop's last scrape until it commits. */
  private uncommitted: CommitBatch | null = null;

  constructor(opts: ScrapeLoopOptions) {
    this.opts = opts;
    this.cache = opts.cache ?? new ScrapeCache();
    this.report = new ReportSeries(opts.target.labels);
  }

  get target(): Target {
    return this.opts.target;
  }

  /** New sample options (config reload); the cache is dropped only if labels could change. */
  reconfigure(o: SampleOptions): void {
    const old = this.opts;
    const labelsChange =
      old.honorLabels !== o.honorLabels || configFingerprint(old.metricRelabelConfigs) !== configFingerprint(o.metricRelabelConfigs);
    this.opts = { ...old, ...o };
    if (labelsChange) this.cache.clear();
  }

  /**
   * Runs one scrape unless the previous one is still in flight. With `batch` (the scheduler's
   * wake-up) the samples go into the wake-up's shared storage batch and this resolves after it
   * is committed; without, the scrape commits its own batch.
   */
  async scrapeAndReport(batch?: CommitBatch): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    const joined = batch ?? null;
    joined?.join();
    let finished = false;
    try {
      await this.scrapeOnce(joined, () => (finished = true));
    } finally {
      this.running = false;
      if (joined !== null && !finished) joined.leave();
    }
  }

  private async scrapeOnce(batch: CommitBatch | null, finishing: () => void): Promise<void> {
    const { clock, target } = this.opts;
    const start = clock.now();
    let response: ScrapeResponse | null = null;
    let error = this.forcedError;
    if (error === null) {
      try {
        response = await this.opts.source.scrape();
      } catch (e) {
        error = (e as Error).message;
      }
    }
    if (this.stopped) return;
    let counts: AppendCounts = { total: 0, added: 0, seriesAdded: 0, rejected: 0 };
    this.cache.begin(response === null ? undefined : isOpenMetrics(response.contentType));
    // Samples are staged until the whole payload has parsed and passed the limits; only then
    // do they reach storage, so a failed scrape never needs a rollback (and a batch can be shared).
    const stage = SampleStage.shared;
    stage.reset();
    if (response !== null) {
      try {
        counts = this.stagePayload(stage, response.body, response.contentType, start, counts);
      } catch (e) {
        stage.reset();
        error = describe(e);
      } finally {
        response.release?.(); // the cache copied what it keeps; the body is not read again
      }
    }
    const app = batch !== null ? batch.appender(this.opts.appendable) : this.opts.appendable.appender();
    if (error === null) {
      this.cache.commit((s) => this.appendStale(app, s, start));
      counts.added = this.appendStaged(app, stage, counts);
    } else {
      this.cache.abort((s) => this.appendStale(app, s, start));
    }
    stage.reset();
    const duration = (clock.now() - start) / 1000;
    this.report.append(app, start, {
      up: error === null,
      durationSeconds: duration,
      samplesScraped: counts.total,
      samplesPostRelabeling: counts.added,
      seriesAdded: counts.seriesAdded,
    });
    let commitError: string | null = null;
    if (batch !== null) {
      finishing();
      this.uncommitted = batch;
      commitError = await batch.finish();
      if (this.uncommitted === batch) this.uncommitted = null;
    } else {
      try {
        app.commit();
      } catch (e) {
        commitError = `commit failed: ${(e as Error).message}`;
      }
    }
    error ??= commitError;
    target.state.health = error === null ? 'up' : 'down';
    target.state.lastError = error ?? '';
    target.state.lastScrape = start;
    target.state.lastScrapeDurationSeconds = duration;
    // Debug level, as Prometheus: a down target is visible in `up` and /api/v1/targets, and
    // warning every interval would flood the log.
    if (error !== null) this.opts.logger?.debug?.({ target: target.url.href, err: error }, 'scrape failed');
    else if (counts.rejected > 0) this.opts.logger?.warn({ target: target.url.href, rejected: counts.rejected }, 'samples rejected by storage');
  }

  /** Appends staged samples; returns how many storage took (rejections are counted in `counts`). */
  private appendStaged(app: Appender, stage: SampleStage, counts: AppendCounts): number {
    let added = 0;
    const cache = this.cache;
    const { series, ts, vs } = stage;
    for (let i = 0; i < stage.n; i++) {
      const s = series[i];
      try {
        cache.setRef(s, app.append(cache.refOf(s), cache.labelsOf(s), ts[i], vs[i]));
      } catch (e) {
        if (!(e instanceof AppendError)) throw e;
        counts.rejected++;
        continue;
      }
      added++;
      if (cache.isNew(s)) counts.seriesAdded++;
    }
    return added;
  }

  /**
   * Parses a payload into `stage` at default time `t`, within the cache's current scrape
   * (begin() called with the payload's format). Throws on parse errors, limit errors,
   * duplicate series and invalid labels; the caller discards the stage. `counts.added` is
   * what was staged; storage's rejections are counted when the stage is appended.
   */
  stagePayload(stage: SampleStage, body: Uint8Array, contentType: string, t: number, counts: AppendCounts): AppendCounts {
    const o = this.opts;
    const { sampleLimit, labelLimit, labelNameLengthLimit, labelValueLengthLimit } = o.limits;
    const labelLimits = labelLimit > 0 || labelNameLengthLimit > 0 || labelValueLengthLimit > 0;
    const maxT = t + MAX_FUTURE_MS;
    const p = newParser(body, contentType);
    const cache = this.cache;
    const honorTs = o.honorTimestamps;
    for (;;) {
      // The line the cache expects next is checked in place: no scan, hash or table probe.
      let id = cache.predicted();
      let kind: EntryKind;
      if (id !== NO_ENTRY && p.skipKnownLine(cache.bytes, cache.entryStart(id), cache.entryEnd(id), cache.isMeta(id))) {
        cache.touch(id);
        if (cache.isMeta(id)) {
          cache.applyMeta(id);
          continue;
        }
        kind = Entry.Series;
      } else {
        kind = p.next();
        id = NO_ENTRY;
      }
      if (kind === Entry.Series) {
        counts.total++;
        if (id === NO_ENTRY) {
          id = cache.find(p.buf, p.seriesStart, p.seriesEnd);
          if (id === NO_ENTRY) id = cache.addSeries(p.buf, p.seriesStart, p.seriesEnd, this.sampleLabels(p.labels()));
        }
        const series = cache.seriesOf(id);
        if (series === NO_SERIES) continue; // dropped by metric_relabel_configs
        const explicit = honorTs && p.hasTimestamp;
        if (explicit && p.timestamp > maxT) {
          counts.rejected++; // too far in the future: storage would refuse it later anyway
          continue;
        }
        if (!cache.mark(series, explicit)) {
          throw new ExpositionError(`duplicate series in the same scrape: ${cache.labelsOf(series).toString()}`, lineAt(p.buf, p.seriesStart));
        }
        if (sampleLimit > 0 && stage.n >= sampleLimit) throw new ScrapeLimitError(`sample limit exceeded (limit: ${sampleLimit})`);
        if (cache.refOf(series) === 0) {
          // Checked until storage has the series (as Prometheus, only for series it does not know).
          const labels = cache.labelsOf(series);
          if (labelLimits) checkLabelLimits(labels, labelLimit, labelNameLengthLimit, labelValueLengthLimit);
          if (labels.size === 0) throw new AppendError('invalid_labels', 'empty label set');
        }
        stage.add(series, explicit ? p.timestamp : t, p.value);
        counts.added++;
      } else if (kind === Entry.EOF) {
        return counts;
      } else if (kind !== Entry.Comment) {
        if (!cache.metaSeen(p.buf, p.metaLineStart, p.metaLineEnd)) {
          const what = kind === Entry.Type ? 'type' : kind === Entry.Help ? 'help' : 'unit';
          cache.setMetadata(p.buf, p.metaLineStart, p.metaLineEnd, p.metaName(), what, p.metaText(), p.metaType());
        }
      }
    }
  }

  /** Target labels + metric relabeling applied to a scraped label set (cache-miss path). */
  private sampleLabels(scraped: Labels): Labels | null {
    const { honorLabels, metricRelabelConfigs } = this.opts;
    const merged = withTargetLabels(scraped, this.opts.target.labels, honorLabels);
    if (metricRelabelConfigs.length === 0) return merged;
    const out = relabel(merged, metricRelabelConfigs);
    return out === null || out.size === 0 ? null : out;
  }

  /** Appends a stale marker for a series of the cache. */
  private appendStale(app: Appender, series: number, t: number): void {
    const cache = this.cache;
    try {
      cache.setRef(series, app.append(cache.refOf(series), cache.labelsOf(series), t, STALE_NAN));
    } catch {
      // A newer sample already exists (explicit timestamps): no marker needed.
    }
  }

  /**
   * Stops the loop. With `writeStale`, marks every series of the last scrape and the report
   * series stale at `t` (target removed); without (shutdown), leaves storage as it is.
   */
  stop(writeStale: boolean, t = this.opts.clock.now()): void {
    if (this.stopped) return;
    this.stopped = true;
    this.opts.source.close?.();
    // The last scrape may still wait in its wake-up's batch: commit it first, so its samples are
    // stored and the stale markers below come after them.
    const waiting = this.uncommitted;
    this.uncommitted = null;
    waiting?.commitNow();
    if (!writeStale || (this.opts.target.state.lastScrape === 0 && waiting === null)) return;
    const app = this.opts.appendable.appender();
    this.cache.forEachLive((s) => this.appendStale(app, s, t));
    this.report.appendStale(app, t);
    app.commit();
  }
}

function describe(e: unknown): string {
  if (e instanceof ExpositionError || e instanceof ScrapeLimitError || e instanceof AppendError) return e.message;
  return `unexpected error: ${(e as Error)?.message ?? String(e)}`;
}
