/**
 * Start-up with a long append log: the server listens at once, answers /-/ready and its query
 * API with 503 while the log replays, reports progress at /api/v1/status/walreplay, and then
 * serves every replayed sample.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, freePort } from '../support/promliteProcess.ts';

const BIN = join(REPO_ROOT, 'bin', 'promlite.mjs');
const BATCHES = 4000;

interface Progress {
  min: number;
  max: number;
  current: number;
}

test('the append log replays after the server listens: 503 and progress meanwhile, every sample afterwards', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promlite-replay-'));
  const writer = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/integration/serverReplayWriter.ts'), dir, String(BATCHES)], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  assert.equal(writer.status, 0, writer.stderr);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(BIN, ['serve', `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${dir}`, `--config.file=${join(REPO_ROOT, 'test/fixtures/server/empty.yml')}`], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout.on('data', (d) => (output += d));
  server.stderr.on('data', (d) => (output += d));
  try {
    const seen: Progress[] = [];
    let notReady = 0;
    let queryWhileReplaying: number | undefined;
    for (let deadline = Date.now() + 60_000; ; ) {
      assert.ok(Date.now() < deadline, `server not ready within 60 s:\n${output}`);
      assert.equal(server.exitCode, null, `server exited:\n${output}`);
      const ready = await fetch(`${url}/-/ready`).catch(() => null);
      if (ready === null) {
        await new Promise((r) => setTimeout(r, 5)); // not listening yet
        continue;
      }
      if (ready.status === 200) break;
      assert.equal(ready.status, 503);
      assert.equal(await ready.text(), 'Service Unavailable');
      notReady++;
      const wr = (await (await fetch(`${url}/api/v1/status/walreplay`)).json()) as { status: string; data: Progress };
      assert.equal(wr.status, 'success');
      seen.push(wr.data);
      queryWhileReplaying ??= (await fetch(`${url}/api/v1/query?query=up`)).status;
    }

    assert.ok(notReady > 0, 'the server was listening before the replay finished');
    assert.equal(queryWhileReplaying, 503, 'queries wait for the replay');
    assert.ok(seen.some((p) => p.max > 0 && p.current < p.max), `progress seen mid-replay: ${JSON.stringify(seen.slice(0, 5))}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.current >= seen[i - 1]!.current, 'progress only moves forward');
    const done = (await (await fetch(`${url}/api/v1/status/walreplay`)).json()) as { data: Progress };
    assert.equal(done.data.current, done.data.max);

    const last = (BATCHES - 1) * 15;
    const q = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent('count(replay_test_total) and on() replay_test_total{series="7"} == ' + (BATCHES - 1))}&time=${last}`)).json()) as {
      data: { result: Array<{ value: [number, string] }> };
    };
    assert.equal(q.data.result[0]?.value[1], '500', 'all 500 series with their last sample');
    const sum = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent('sum(count_over_time(replay_test_total[1y]))')}&time=${last}`)).json()) as {
      data: { result: Array<{ value: [number, string] }> };
    };
    assert.equal(sum.data.result[0]?.value[1], String(500 * BATCHES), 'every replayed sample');
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
});
