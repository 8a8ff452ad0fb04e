/**
 * Scrape limits as Appender decorators (Prometheus's limitAppender and label limits; the
 * future-timestamp bound is a comparison in the scrape loop, only for explicit timestamps). A limit that fails the scrape throws ScrapeLimitError; the scrape loop rolls
 * the batch back and reports up=0 with the message.
 */
import type { Appender, SeriesRef } from '../storage/interface.ts';
import type { Labels } from '../storage/labels.ts';
import type { ScrapeLimits } from '../config/globalConfig.ts';

export class ScrapeLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScrapeLimitError';
  }
}

/** Fails the scrape when more than `limit` samples are appended (after metric relabeling). */
export function withSampleLimit(inner: Appender, limit: number): Appender {
  if (limit <= 0) return inner;
  let n = 0;
  return {
    append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
      if (++n > limit) throw new ScrapeLimitError(`sample limit exceeded (limit: ${limit})`);
      return inner.append(ref, labels, t, v);
    },
    commit: () => inner.commit(),
    rollback: () => inner.rollback(),
  };
}

/**
 * Checks label_limit, label_name_length_limit and label_value_length_limit. Only a series seen
 * for the first time (ref 0) is checked: a known ref has passed before.
 */
export function withLabelLimits(inner: Appender, limits: ScrapeLimits): Appender {
  const { labelLimit, labelNameLengthLimit: nameLen, labelValueLengthLimit: valueLen } = limits;
  if (labelLimit <= 0 && nameLen <= 0 && valueLen <= 0) return inner;
  return {
    append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
      if (ref === 0) checkLabelLimits(labels, labelLimit, nameLen, valueLen);
      return inner.append(ref, labels, t, v);
    },
    commit: () => inner.commit(),
    rollback: () => inner.rollback(),
  };
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

/** All per-scrape limits around one batch (no wrapper at all when no limit is set). */
export function withScrapeLimits(inner: Appender, limits: ScrapeLimits): Appender {
  return withSampleLimit(withLabelLimits(inner, limits), limits.sampleLimit);
}
