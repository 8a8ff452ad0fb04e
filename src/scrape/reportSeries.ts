/**
 * The synthetic series every scrape writes next to the target's own samples (Prometheus
 * scrape.go report/reportStale): up, scrape_duration_seconds, scrape_samples_scraped,
 * scrape_samples_post_metric_relabeling, scrape_series_added, all with the target's labels.
 */
import type { Appender, SeriesRef } from '../storage/interface.ts';
import { Labels, LabelsBuilder, METRIC_NAME } from '../storage/labels.ts';
import { STALE_NAN } from '../storage/staleMarker.ts';

export const REPORT_METRICS = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
] as const;

export interface ScrapeReport {
  up: boolean;
  durationSeconds: number;
  samplesScraped: number;
  samplesPostRelabeling: number;
  seriesAdded: number;
}

/** Label sets and storage refs of one target's report series, built once per target. */
export class ReportSeries {
  private readonly labels: Labels[];
  private readonly refs: SeriesRef[] = [0, 0, 0, 0, 0];

  constructor(targetLabels: Labels) {
    this.labels = REPORT_METRICS.map((name) => new LabelsBuilder(targetLabels).set(METRIC_NAME, name).labels());
  }

  append(app: Appender, t: number, r: ScrapeReport): void {
    const values = [r.up ? 1 : 0, r.durationSeconds, r.samplesScraped, r.samplesPostRelabeling, r.seriesAdded];
    for (let i = 0; i < values.length; i++) this.appendOne(app, i, t, values[i]);
  }

  appendStale(app: Appender, t: number): void {
    for (let i = 0; i < this.labels.length; i++) this.appendOne(app, i, t, STALE_NAN);
  }

  private appendOne(app: Appender, i: number, t: number, v: number): void {
    try {
      this.refs[i] = app.append(this.refs[i], this.labels[i], t, v);
    } catch {
      // Out of order after a clock jump: the report of this scrape is dropped, as in Prometheus.
      this.refs[i] = 0;
    }
  }
}
