/**
 * The label set a scraped series is stored under: its own labels plus the target's labels
 * (Prometheus honor_labels semantics). Runs once per new series (scrape cache miss); the result
 * lives as long as the series, so the common case shares the sorted names array between all
 * series with the same label names (a family's series usually do): ~100 bytes per series.
 */
import { Labels, LabelsBuilder } from '../storage/labels.ts';

const NAMES_CACHE_LIMIT = 4096;
const namesCache = new Map<string, readonly string[]>();

/** One shared array per distinct list of names (Labels never mutates its arrays). */
function sharedNames(names: string[]): readonly string[] {
  const key = names.join('\u00ff');
  const known = namesCache.get(key);
  if (known !== undefined) return known;
  if (namesCache.size >= NAMES_CACHE_LIMIT) namesCache.clear();
  namesCache.set(key, names);
  return names;
}

/**
 * `scraped` merged with `target`. On a name present in both: with honorLabels the scraped value
 * stays; without, the target's wins and the scraped one moves to exported_<name> (prefixed
 * again until the name is free).
 */
export function withTargetLabels(scraped: Labels, target: Labels, honorLabels: boolean): Labels {
  // Sized exactly: these arrays live as long as the series (push would leave up to 2x capacity).
  const names = new Array<string>(scraped.size + target.size);
  const values = new Array<string>(scraped.size + target.size);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < scraped.size || j < target.size) {
    const a = i < scraped.size ? scraped.nameAt(i) : null;
    const b = j < target.size ? target.nameAt(j) : null;
    if (a !== null && (b === null || a < b)) {
      names[k] = a;
      values[k++] = scraped.valueAt(i++);
    } else if (b !== null && (a === null || b < a)) {
      names[k] = b;
      values[k++] = target.valueAt(j++);
    } else {
      return withConflicts(scraped, target, honorLabels); // rare: a name in both
    }
  }
  return Labels.fromSortedArrays(sharedNames(names), values);
}

function withConflicts(scraped: Labels, target: Labels, honorLabels: boolean): Labels {
  const b = new LabelsBuilder(scraped);
  if (honorLabels) {
    target.forEach((n, v) => {
      if (!scraped.has(n)) b.set(n, v);
    });
  } else {
    target.forEach((n, v) => {
      const exposed = scraped.get(n);
      if (exposed !== '') {
        let name = 'exported_' + n;
        while (scraped.has(name) || target.has(name)) name = 'exported_' + name;
        b.set(name, exposed);
      }
      b.set(n, v);
    });
  }
  return b.labels();
}
