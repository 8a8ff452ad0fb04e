/**
 * Cross-check with Prometheus 2.42 (Debian package; missing = failure, not a skip): both scrape
 * the same h2-only https target with the same prometheus.yml. Both use HTTP/2 and report it up
 * with tls_config ca_file or insecure_skip_verify; with enable_http2: false both report it down
 * with the same error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPromlite } from '../support/promliteProcess.ts';
import { eventually, promQuery, startPrometheusPeer } from '../support/prometheusPeer.ts';
import { http2ScrapeConfig, makeTestCert, TlsMetricsServer } from '../support/tlsTargets.ts';

interface ApiTarget {
  labels: Record<string, string>;
  health: string;
  lastError: string;
}

async function targetsByJob(url: string): Promise<Map<string, ApiTarget>> {
  const body = (await (await fetch(`${url}/api/v1/targets`)).json()) as { data: { activeTargets: ApiTarget[] } };
  return new Map(body.data.activeTargets.map((t) => [t.labels.job, t]));
}

test('Prometheus and promlite scrape an h2-only https target alike', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promlite-h2-interop-'));
  const target = new TlsMetricsServer(makeTestCert(dir), 'h2');
  await target.start();
  const config = http2ScrapeConfig(target, join(dir, 'cert.pem'));
  writeFileSync(join(dir, 'promlite.yml'), config);
  const prom = await startPrometheusPeer({ config });
  const pl = await startPromlite([`--config.file=${join(dir, 'promlite.yml')}`]);
  try {
    const jobs = ['h2-ca', 'h2-insecure', 'h2-disabled'];
    for (const [name, url] of [['Prometheus', prom.url], ['promlite', pl.url]]) {
      const t = await eventually(async () => {
        const m = await targetsByJob(url);
        return jobs.every((j) => m.get(j) && m.get(j)!.health !== 'unknown') ? m : null;
      }, `${name} scraped every job`);
      assert.deepEqual(
        jobs.map((j) => [j, t.get(j)!.health]),
        [['h2-ca', 'up'], ['h2-insecure', 'up'], ['h2-disabled', 'down']],
        `${name}: ${JSON.stringify([...t.values()])}`,
      );
      assert.equal((await promQuery(url, 'h2_test_metric{job="h2-ca"}'))[0]?.value[1], '42', name);
    }
    const [promTargets, plTargets] = [await targetsByJob(prom.url), await targetsByJob(pl.url)];
    assert.equal(plTargets.get('h2-disabled')!.lastError, promTargets.get('h2-disabled')!.lastError);
    assert.equal(promTargets.get('h2-disabled')!.lastError, 'server returned HTTP status 403 Forbidden');
    // Both spoke HTTP/2 to the target.
    for (const agent of [/^Prometheus\//, /^promlite\//]) {
      const seen = target.seen.filter((r) => agent.test(String(r.headers['user-agent'])));
      assert.ok(seen.some((r) => r.httpVersion === '2.0'), `${agent} used HTTP/2`);
      assert.ok(seen.every((r) => r.httpVersion === '2.0'), `${agent} used only HTTP/2 (h2-disabled never got through)`);
    }
  } finally {
    await Promise.allSettled([prom.stop(), pl.stop()]);
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
