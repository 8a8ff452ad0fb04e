/**
 * The running server scrapes (itself), reports targets, and reloads its config on SIGHUP and
 * POST /-/reload; a bad config is refused and the old one keeps running.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startPromlite } from '../support/promliteProcess.ts';
import { eventually, promQuery } from '../support/prometheusPeer.ts';

const selfConfig = (port: number, extraJob = '') => `
global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: self
    static_configs: [{ targets: ['127.0.0.1:${port}'], labels: { env: test } }]
${extraJob}`;

test('scrapes its own /metrics, reports the target, reloads on SIGHUP and /-/reload', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promlite-reload-'));
  const cfg = join(dir, 'promlite.yml');
  const port = await freePort();
  writeFileSync(cfg, selfConfig(port));
  const p = await startPromlite([`--config.file=${cfg}`, '--web.enable-lifecycle'], { port });
  try {
    const up = await eventually(async () => {
      const r = await promQuery(p.url, 'up{job="self"}');
      return r.length && r[0].value[1] === '1' ? r : null;
    }, 'up{job="self"} == 1');
    assert.equal(up[0].metric.env, 'test');
    assert.equal(up[0].metric.instance, `127.0.0.1:${port}`);
    const samples = await promQuery(p.url, 'scrape_samples_scraped{job="self"}');
    assert.ok(Number(samples[0].value[1]) > 50);
    const targets = await (await fetch(`${p.url}/api/v1/targets`)).json();
    assert.equal(targets.data.activeTargets.length, 1);
    assert.equal(targets.data.activeTargets[0].health, 'up');
    assert.equal(targets.data.activeTargets[0].scrapeInterval, '1s');
    const md = await (await fetch(`${p.url}/api/v1/metadata?metric=process_cpu_seconds_total`)).json();
    assert.equal(md.data.process_cpu_seconds_total[0].type, 'counter');

    // SIGHUP with a new job: the job appears.
    writeFileSync(cfg, selfConfig(port, `  - job_name: second\n    metrics_path: /metrics\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`));
    p.proc.kill('SIGHUP');
    await eventually(async () => (await promQuery(p.url, 'up{job="second"}')).length > 0, 'second job scraped after SIGHUP');

    // A bad config is refused over HTTP and the running config stays.
    writeFileSync(cfg, 'scrape_configs:\n  - job_name: x\n    scrape_interval: nonsense\n');
    const res = await fetch(`${p.url}/-/reload`, { method: 'POST' });
    assert.equal(res.status, 500);
    assert.match(await res.text(), /promlite\.yml:3/);
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    assert.match(metrics, /^promlite_config_last_reload_successful 0$/m);
    const pools = await (await fetch(`${p.url}/api/v1/scrape_pools`)).json();
    assert.deepEqual(pools.data.scrapePools, ['second', 'self']);
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
