/** Targets grouped by scrape pool, with health, last scrape and last error. */
import { api } from '../api.ts';
import { formatSeries } from '../chartData.ts';
import { h } from '../dom.ts';

export async function targetsPage(root: HTMLElement): Promise<void> {
  const { data } = await api.targets();
  const pools = new Map<string, typeof data.activeTargets>();
  for (const t of data.activeTargets) pools.set(t.scrapePool, [...(pools.get(t.scrapePool) ?? []), t]);
  if (pools.size === 0) root.append(h('p', { class: 'empty' }, 'No targets.'));
  for (const [pool, targets] of [...pools].sort(([a], [b]) => a.localeCompare(b))) {
    const up = targets.filter((t) => t.health === 'up').length;
    const table = h('table', { class: 'result' }, h('tr', {}, h('th', {}, 'Endpoint'), h('th', {}, 'State'), h('th', {}, 'Labels'), h('th', {}, 'Last scrape'), h('th', {}, 'Duration'), h('th', {}, 'Error')));
    for (const t of targets) {
      table.append(
        h(
          'tr',
          {},
          h('td', {}, t.scrapeUrl),
          h('td', { class: `health-${t.health}` }, t.health.toUpperCase()),
          h('td', {}, formatSeries(t.labels)),
          h('td', {}, t.lastScrape),
          h('td', {}, `${(t.lastScrapeDuration * 1000).toFixed(1)} ms`),
          h('td', { class: 'error' }, t.lastError),
        ),
      );
    }
    root.append(h('h2', {}, `${pool} (${up}/${targets.length} up)`), table);
  }
}
