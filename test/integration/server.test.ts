import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, startPromlite } from '../support/promliteProcess.ts';

const BIN = join(REPO_ROOT, 'bin', 'promlite.mjs');

test('--help lists the commands; unknown flags are an error with usage', () => {
  const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  for (const cmd of ['serve', 'check config', 'test rules', 'query instant', 'backup']) assert.ok(help.stdout.includes(cmd), cmd);
  const bad = spawnSync(process.execPath, [BIN, 'serve', '--no-such-flag=1'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no-such-flag/);
  assert.match(bad.stderr, /--storage\.tsdb\.retention\.time/);
});

test('serve starts on the default config, answers health, readiness, queries and its own metrics', async () => {
  const p = await startPromlite([], { embeddedConfig: true });
  try {
    assert.equal((await fetch(`${p.url}/-/healthy`)).status, 200);
    const q = await (await fetch(`${p.url}/api/v1/query?query=1%2B1&time=4`)).json();
    assert.deepEqual(q, { status: 'success', data: { resultType: 'scalar', result: [4, '2'] } });
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    for (const m of ['promlite_tsdb_head_samples_appended_total', 'promlite_config_last_reload_successful 1', 'process_cpu_seconds_total']) {
      assert.ok(metrics.includes(m), m);
    }
    const bi = await (await fetch(`${p.url}/api/v1/status/buildinfo`)).json();
    assert.match(bi.data.version, /^\d+\.\d+\.\d+/);
    assert.equal(bi.data.features, undefined, 'no features field, so Grafana treats promlite as Prometheus');
  } finally {
    assert.equal(await p.stop(), 0);
  }
});

test('a bad config file fails start with file:line', async () => {
  const r = spawnSync(process.execPath, [BIN, 'serve', '--config.file=test/fixtures/server/bad.yml', '--web.listen-address=127.0.0.1:0', '--storage.tsdb.path=/tmp/promlite-never'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.yml:3/);
});
