/**
 * Scrape limits that fail a scrape (Prometheus's sample_limit and label limits). The scrape
 * loop checks them while staging a payload (sample_limit by count, label limits for series
 * storage does not know yet); a limit throws ScrapeLimitError, the loop discards the staged
 * samples and reports up=0 with the message. The future-timestamp bound is a comparison in the
 * loop, only for explicit timestamps.
 */
import type { Labels } from '../storage/labels.ts';

export class ScrapeLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScrapeLimitError';
  }
}

/** Throws ScrapeLimitError when `labels` exceeds label_limit or a label name/value length limit (0 = none). */
export function checkLabelLimits(labels: Labels, labelLimit: number, nameLen: number, valueLen: number): void {
  const metric = labels.metricName().slice(0, 50);
  if (labelLimit > 0 && labels.size > labelLimit) {
    throw new ScrapeLimitError(`label_limit exceeded (metric: ${metric}, number of labels: ${labels.size}, limit: ${labelLimit})`);
  }
  for (let i = 0; i < labels.size; i++) {
    const name = labels.nameAt(i);
    const value = labels.valueAt(i);
    if (nameLen > 0 && name.length > nameLen) {
      throw new ScrapeLimitError(`label_name_length_limit exceeded (metric: ${metric}, label name: ${name}, length: ${name.length}, limit: ${nameLen})`);
    }
    if (valueLen > 0 && value.length > valueLen) {
      throw new ScrapeLimitError(
        `label_value_length_limit exceeded (metric: ${metric}, label name: ${name}, value: ${JSON.stringify(value.slice(0, 50))}, length: ${value.length}, limit: ${valueLen})`,
      );
    }
  }
}
