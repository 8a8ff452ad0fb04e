/**
 * Remote write both ways with the real Prometheus 2.42: Prometheus writes into promlite's
 * receiver; promlite writes into Prometheus's receiver, and nothing is lost while that
 * receiver is down for a while.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startPromlite } from '../support/promliteProcess.ts';
import { promQuery, startPrometheusPeer } from '../support/prometheusPeer.ts';
import { eventually } from '../support/wait.ts';
import { pushSamples } from '../support/remoteWritePush.ts';

test('Prometheus remote_writes into promlite: samples are queryable with equal values', async () => {
  const pl = await startPromlite(['--web.enable-remote-write-receiver']);
  const peer = await startPrometheusPeer({
    config: `
global: { scrape_interval: 1s, external_labels: { replica: a } }
scrape_configs:
  - job_name: prometheus
    static_configs: [{ targets: ['127.0.0.1:PORT'] }]
remote_write:
  - url: http://127.0.0.1:${pl.port}/api/v1/write
    queue_config: { batch_send_deadline: 1s }
`.replace('PORT', String(await freePort())),
  });
  try {
    // `up` of a target that is down is 0 on both sides; wait until promlite has some samples.
    const mine = await eventually(async () => {
      const r = await promQuery(pl.url, 'up{job="prometheus",replica="a"}');
      return r.length ? r : null;
    }, 'up in promlite');
    const t = mine[0].value[0];
    const theirs = await promQuery(peer.url, 'up{job="prometheus"}', t);
    assert.equal(theirs.length, 1);
    assert.equal(mine[0].value[1], theirs[0].value[1]);
    // A counter from Prometheus's own scrape series compares exactly at the same timestamp.
    const q = 'count(scrape_samples_scraped)';
    const a = await promQuery(pl.url, q, t);
    const b = await promQuery(peer.url, q, t);
    assert.deepEqual(a.map((s) => s.value[1]), b.map((s) => s.value[1]));
  } finally {
    await peer.stop();
    await pl.stop();
  }
});

test('promlite remote_writes into Prometheus and loses nothing across a receiver outage', async () => {
  const promPort = await freePort();
  const promDir = mkdtempSync(join(tmpdir(), 'promlite-rw-'));
  const peerConfig = 'global: { scrape_interval: 1m }\n';
  let peer = await startPrometheusPeer({ config: peerConfig, dir: promDir, port: promPort, args: ['--web.enable-remote-write-receiver'] });
  const cfgDir = mkdtempSync(join(tmpdir(), 'promlite-rwcfg-'));
  const cfg = join(cfgDir, 'promlite.yml');
  writeFileSync(
    cfg,
    `
global: { scrape_interval: 1m, external_labels: { origin: promlite } }
remote_write:
  - url: http://127.0.0.1:${promPort}/api/v1/write
    queue_config: { batch_send_deadline: 200ms, min_backoff: 50ms, max_backoff: 500ms }
    write_relabel_configs:
      - source_labels: [__name__]
        regex: rw_dropped
        action: drop
`,
  );
  const pl = await startPromlite([`--config.file=${cfg}`, '--web.enable-remote-write-receiver']);
  const base = Date.now() - 60_000;
  const push = async (from: number, to: number) => {
    const samples: [number, number][] = [];
    for (let i = from; i < to; i++) samples.push([base + i * 1000, i]);
    const r = await pushSamples(pl.url, [
      { labels: { __name__: 'rw_forwarded', job: 'x' }, samples },
      { labels: { __name__: 'rw_dropped', job: 'x' }, samples },
    ]);
    assert.equal(r.status, 204);
  };
  const countIn = async (url: string) => {
    const r = await promQuery(url, `count_over_time(rw_forwarded{origin="promlite"}[2m])`, (base + 59_000) / 1000);
    return r.length ? Number(r[0].value[1]) : 0;
  };
  try {
    await push(0, 20);
    await eventually(async () => (await countIn(peer.url)) === 20, 'first 20 samples in Prometheus');
    await peer.stop(false); // outage
    await push(20, 40);
    await new Promise((r) => setTimeout(r, 1500)); // retries happen against a dead receiver
    await push(40, 60);
    peer = await startPrometheusPeer({ config: peerConfig, dir: promDir, port: promPort, args: ['--web.enable-remote-write-receiver'] });
    await eventually(async () => (await countIn(peer.url)) === 60, 'all 60 samples in Prometheus after the outage', 30_000);
    assert.equal((await promQuery(peer.url, 'count(rw_dropped)', (base + 59_000) / 1000)).length, 0, 'write_relabel_configs dropped rw_dropped');
    const metrics = await (await fetch(`${pl.url}/metrics`)).text();
    assert.match(metrics, /promlite_remote_storage_samples_retried_total\{remote_name="[^"]+"\} [1-9]/);
  } finally {
    await pl.stop();
    await peer.stop();
    rmSync(cfgDir, { recursive: true, force: true });
  }
});
