/** promlite UI entry: a nav bar and three pages chosen by path (/query, /alerts, /targets). */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { h } from './dom.ts';
import { queryPage } from './pages/queryPage.ts';
import { targetsPage } from './pages/targetsPage.ts';
import { alertsPage } from './pages/alertsPage.ts';

const PAGES: Record<string, { title: string; render: (root: HTMLElement) => void | Promise<void> }> = {
  query: { title: 'Query', render: queryPage },
  alerts: { title: 'Alerts', render: alertsPage },
  targets: { title: 'Targets', render: targetsPage },
};

function currentPage(): string {
  const last = location.pathname.replace(/\/+$/, '').split('/').pop() ?? '';
  return last in PAGES ? last : last === 'graph' ? 'query' : 'query';
}

const page = currentPage();
const nav = h('nav', {}, h('span', { class: 'brand' }, 'promlite'), ...Object.entries(PAGES).map(([key, p]) => h('a', { href: key, class: key === page ? 'active' : '' }, p.title)));
const main = h('main', { id: 'page' });
document.body.append(nav, main);
document.title = `promlite · ${PAGES[page].title}`;
Promise.resolve(PAGES[page].render(main)).catch((e: Error) => main.append(h('p', { class: 'error' }, `Error: ${e.message}`)));
