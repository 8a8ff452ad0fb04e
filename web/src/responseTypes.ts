/** Shapes of the Prometheus API responses the UI reads (docs: querying/api). */
export type Metric = Record<string, string>;
export type SampleValue = [number, string];

export interface InstantSeries {
  metric: Metric;
  value: SampleValue;
}
export interface RangeSeries {
  metric: Metric;
  values: SampleValue[];
}

export type QueryData =
  | { resultType: 'vector'; result: InstantSeries[] }
  | { resultType: 'matrix'; result: RangeSeries[] }
  | { resultType: 'scalar'; result: SampleValue }
  | { resultType: 'string'; result: SampleValue };

export interface ApiEnvelope<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

export interface Target {
  discoveredLabels: Metric;
  labels: Metric;
  scrapePool: string;
  scrapeUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
}

export interface RuleAlert {
  labels: Metric;
  annotations: Metric;
  state: string;
  activeAt?: string;
  value: string;
}

export interface Rule {
  type: 'alerting' | 'recording';
  name: string;
  query: string;
  health: string;
  lastError?: string;
  state?: string;
  duration?: number;
  labels?: Metric;
  annotations?: Metric;
  alerts?: RuleAlert[];
  lastEvaluation: string;
  evaluationTime: number;
}

export interface RuleGroup {
  name: string;
  file: string;
  interval: number;
  rules: Rule[];
}
