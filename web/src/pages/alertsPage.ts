/** Alerting rules with their state and active alerts; recording rules below. */
import { api } from '../api.ts';
import { formatSeries } from '../chartData.ts';
import { h } from '../dom.ts';

export async function alertsPage(root: HTMLElement): Promise<void> {
  const { data } = await api.rules();
  if (data.groups.length === 0) root.append(h('p', { class: 'empty' }, 'No rules loaded.'));
  for (const g of data.groups) {
    root.append(h('h2', {}, `${g.name}`, h('span', { class: 'muted' }, ` ${g.file} · every ${g.interval}s`)));
    for (const r of g.rules) {
      const head = h(
        'div',
        { class: `rule rule-${r.type} state-${r.state ?? 'none'}` },
        h('strong', {}, r.name),
        ' ',
        r.type === 'alerting' ? h('span', { class: 'badge' }, (r.state ?? 'inactive').toUpperCase()) : null,
        r.health !== 'ok' && r.lastError ? h('span', { class: 'error' }, ` ${r.lastError}`) : null,
        h('pre', {}, r.query),
      );
      root.append(head);
      if (r.alerts?.length) {
        const t = h('table', { class: 'result' }, h('tr', {}, h('th', {}, 'Labels'), h('th', {}, 'State'), h('th', {}, 'Active since'), h('th', {}, 'Value')));
        for (const a of r.alerts) t.append(h('tr', {}, h('td', {}, formatSeries(a.labels)), h('td', {}, a.state), h('td', {}, a.activeAt ?? ''), h('td', {}, a.value)));
        head.append(t);
      }
    }
  }
}
