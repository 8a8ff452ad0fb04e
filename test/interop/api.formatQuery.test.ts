/** /api/v1/format_query answers exactly what Prometheus 2.42 answers for the same queries. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startPromlite } from '../support/promliteProcess.ts';
import { startPrometheusPeer } from '../support/prometheusPeer.ts';

const QUERIES = [
  'sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / ignoring(code) group_left sum by (job) (rate(http_requests_total[5m]))',
  'histogram_quantile(0.99, sum by (le, service) (rate(request_duration_seconds_bucket{service!="",env="prod"}[5m]))) > 0.5',
  'topk(5, max_over_time(node_load1[1h:5m] offset 1d))',
  'label_replace(up, "host", "$1", "instance", "(.*):.*") == bool 0',
  '(1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m]))) * 100',
];

test('format_query matches Prometheus 2.42 byte for byte', async () => {
  const pl = await startPromlite();
  const prom = await startPrometheusPeer({ config: 'global: { scrape_interval: 1m }\n' });
  try {
    for (const q of QUERIES) {
      const ask = async (url: string) => (await (await fetch(`${url}/api/v1/format_query?${new URLSearchParams({ query: q })}`)).json()) as { status: string; data: string };
      const [mine, theirs] = await Promise.all([ask(pl.url), ask(prom.url)]);
      assert.equal(theirs.status, 'success', q);
      assert.deepEqual(mine, theirs, q);
    }
    const bad = await (await fetch(`${pl.url}/api/v1/format_query?query=sum(`)).json();
    const theirsBad = await (await fetch(`${prom.url}/api/v1/format_query?query=sum(`)).json();
    assert.deepEqual(bad, theirsBad);
  } finally {
    await pl.stop();
    await prom.stop();
  }
});

test('query responses are the same bytes as Prometheus 2.42, HTML-sensitive characters escaped as Go does', async () => {
  const pl = await startPromlite();
  const prom = await startPrometheusPeer({ config: 'global: { scrape_interval: 1m }\n' });
  try {
    for (const query of ['label_replace(vector(1), "x", "<&>\u2028", "", "")', 'vector(1) < 2', '1 <']) {
      const ask = async (url: string) => (await fetch(`${url}/api/v1/query?${new URLSearchParams({ query, time: '10' })}`)).text();
      const [mine, theirs] = await Promise.all([ask(pl.url), ask(prom.url)]);
      assert.equal(mine, theirs, query);
    }
  } finally {
    await pl.stop();
    await prom.stop();
  }
});
