import type { Labels } from '../storage/labels.ts';

/**
 * A group of targets from one discovery source, as Prometheus's `targetgroup.Group`.
 * `source` identifies the group within its provider: a later group with the same source
 * replaces the earlier one; a group with no targets removes it.
 */
export interface TargetGroup {
  source: string;
  /** One label set per target; each has at least `__address__`. */
  targets: Labels[];
  /** Labels shared by all targets of the group; a target's own label wins. */
  labels: Labels;
}
