/**
 * The target group document shared by file_sd files (JSON or YAML) and http_sd responses:
 *   [{"targets": ["host:port", ...], "labels": {"name": "value", ...}}, ...]
 */
import { isValidLabelName, isValidLabelValue } from '../../config/names.ts';
import type { TargetGroup } from '../../config/targetGroup.ts';
import { Labels } from '../../storage/labels.ts';

/** Validates a decoded document; throws Error naming the group and field at fault. */
export function targetGroupsFromDocument(
  doc: unknown,
  sourcePrefix: string,
  extraLabels: Record<string, string>,
  /** Reject unknown fields (YAML files, as Prometheus decodes them strictly; JSON is lenient). */
  strict = false,
): TargetGroup[] {
  if (doc === null || doc === undefined) return [];
  if (!Array.isArray(doc)) throw new Error('expected a list of target groups');
  return doc.map((item, i) => {
    const where = `target group ${i}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new Error(`${where}: expected an object with targets and labels`);
    for (const k of strict ? Object.keys(item) : []) {
      if (k !== 'targets' && k !== 'labels') throw new Error(`${where}: unknown field ${JSON.stringify(k)}`);
    }
    const rawTargets = (item as { targets?: unknown }).targets ?? [];
    if (!Array.isArray(rawTargets)) throw new Error(`${where}: targets must be a list of strings`);
    const targets = rawTargets.map((t) => {
      if (typeof t !== 'string') throw new Error(`${where}: target ${JSON.stringify(t)} is not a string`);
      return Labels.fromObject({ __address__: t });
    });
    const rawLabels = (item as { labels?: unknown }).labels ?? {};
    if (rawLabels === null || typeof rawLabels !== 'object' || Array.isArray(rawLabels)) throw new Error(`${where}: labels must be a mapping`);
    const pairs: Array<[string, string]> = [];
    for (const [n, v] of Object.entries(rawLabels as Record<string, unknown>)) {
      if (!isValidLabelName(n)) throw new Error(`${where}: ${JSON.stringify(n)} is not a valid label name`);
      const value = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
      if (value === undefined || !isValidLabelValue(value)) throw new Error(`${where}: ${JSON.stringify(v)} is not a valid label value`);
      pairs.push([n, value]);
    }
    for (const [n, v] of Object.entries(extraLabels)) pairs.push([n, v]);
    return { source: `${sourcePrefix}:${i}`, targets, labels: Labels.fromPairs(pairs) };
  });
}
