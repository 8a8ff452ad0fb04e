/**
 * End to end: `promlite serve` scrapes an https target that speaks only HTTP/2 (as some
 * gRPC-gateway exporters do) with tls_config ca_file or insecure_skip_verify: up is 1, the
 * samples are queryable, each target keeps one h2 session. With enable_http2: false the same
 * target is down with a readable error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPromlite } from '../support/promliteProcess.ts';
import { eventually, promQuery } from '../support/prometheusPeer.ts';
import { http2ScrapeConfig, makeTestCert, TlsMetricsServer } from '../support/tlsTargets.ts';

test('scrapes an h2-only https target through the real scrape path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promlite-h2-e2e-'));
  const target = new TlsMetricsServer(makeTestCert(dir), 'h2');
  await target.start();
  const cfg = join(dir, 'promlite.yml');
  // ca_file relative to the config file, as Prometheus resolves it.
  writeFileSync(cfg, http2ScrapeConfig(target, 'cert.pem'));
  const p = await startPromlite([`--config.file=${cfg}`]);
  try {
    for (const job of ['h2-ca', 'h2-insecure']) {
      await eventually(async () => (await promQuery(p.url, `up{job="${job}"}`))[0]?.value[1] === '1', `up{job="${job}"} == 1`);
      const [s] = await promQuery(p.url, `h2_test_metric{job="${job}"}`);
      assert.equal(s?.value[1], '42');
      assert.equal(s?.metric.proto, 'any');
    }
    // A few more scrapes: still one session per target.
    await eventually(async () => Number((await promQuery(p.url, 'count_over_time(up{job="h2-ca"}[1m])'))[0]?.value[1]) >= 4, 'four scrapes of h2-ca');
    assert.equal(target.connections, 2, 'one h2 session per target');
    const h2 = target.seen.filter((r) => r.httpVersion === '2.0');
    assert.ok(h2.length >= 8);
    assert.match(String(h2[0]!.headers['user-agent']), /^promlite\//);
    assert.equal(h2[0]!.headers['x-prometheus-scrape-timeout-seconds'], '1');

    const targets = (await (await fetch(`${p.url}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }> } };
    const byJob = new Map(targets.data.activeTargets.map((t) => [t.labels.job, t]));
    assert.equal(byJob.get('h2-ca')?.health, 'up');
    assert.equal(byJob.get('h2-disabled')?.health, 'down');
    assert.equal(byJob.get('h2-disabled')?.lastError, 'server returned HTTP status 403 Forbidden');
    assert.equal((await promQuery(p.url, 'up{job="h2-disabled"}'))[0]?.value[1], '0');
  } finally {
    await p.stop();
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
