/**
 * Fast grouping/matching keys: the identity of a label subset as a string, built without
 * materialising the subset as a Labels object (aggregations and vector matching compute one
 * per input series, and most of them map to an existing group).
 */
import type { Labels } from '../storage/labels.ts';

// A lone surrogate never occurs in label text decoded from UTF-8 (see labels.ts).
const SEP = '\uDFFF';

/** Key of the labels named in `names` (`keep`), or of all others (`!keep`). */
export function subsetKey(l: Labels, names: ReadonlySet<string>, keep: boolean): string {
  let k = '';
  const n = l.size;
  for (let i = 0; i < n; i++) {
    const name = l.nameAt(i);
    if (names.has(name) === keep) k += name + SEP + l.valueAt(i) + SEP;
  }
  return k;
}
