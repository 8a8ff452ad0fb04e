import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

test('bin/promlite becomes the node server with its memory settings; an environment variable already set wins', async () => {
  const p = await startPromlite([], { env: { MALLOC_TRIM_THRESHOLD_: '131072' } });
  try {
    const pid = p.proc.pid!;
    // exec: the launcher's pid is the server's, so stop() (SIGTERM) and SIGHUP reach node itself.
    assert.match(readFileSync(`/proc/${pid}/comm`, 'utf8'), /^node/);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    for (const flag of ['--max-semi-space-size=2', '--heap-growing-percent=50', '--no-sparkplug']) assert.ok(argv.includes(flag), flag);
    assert.ok(argv.some((a) => a.endsWith('/bin/promlite.mjs')), argv.join(' '));
    const env = new Set(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0'));
    for (const kv of ['MALLOC_ARENA_MAX=1', 'MALLOC_MMAP_THRESHOLD_=32768', 'MALLOC_TRIM_THRESHOLD_=131072']) assert.ok(env.has(kv), kv);
    assert.equal((await fetch(`${p.url}/-/ready`)).status, 200);
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
