import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { WriteQueue } from '../../../src/remote/writeQueue.ts';
import { HttpWriteSender } from '../../../src/remote/writeClient.ts';
import { TeeAppendable } from '../../../src/remote/teeAppendable.ts';
import { decodeWriteRequest, snappyDecode } from '../../../src/remote/prompb.ts';
import { MemoryStorage } from '../../../src/storage/memoryStorage.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { STALE_NAN, isStaleNaN } from '../../../src/storage/staleMarker.ts';
import { DEFAULT_HTTP_CLIENT } from '../../../src/config/httpClientConfig.ts';

/** A receiver that answers with `status()` and records the samples of accepted requests. */
async function receiver(status: () => number) {
  const got: { labels: Record<string, string>; t: number; v: number }[] = [];
  let requests = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests++;
      const code = status();
      if (code === 204) {
        const wr = decodeWriteRequest(snappyDecode(Buffer.concat(chunks)));
        for (const ts of wr.timeseries) {
          const labels = Object.fromEntries(ts.labels.map((l) => [l.name, l.value]));
          for (const s of ts.samples) got.push({ labels, t: s.timestamp, v: s.value });
        }
      }
      res.writeHead(code).end(code === 204 ? '' : 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
  return { got, url, requests: () => requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function queue(url: string, extra: Partial<ConstructorParameters<typeof WriteQueue>[0]> = {}) {
  return new WriteQueue({
    name: 'q',
    sender: new HttpWriteSender({ url, timeoutMs: 2000, headers: {}, http: DEFAULT_HTTP_CLIENT }),
    externalLabels: Labels.fromObject({ replica: 'a' }),
    relabel: (l) => (l.get('drop') === 'yes' ? null : l),
    maxSamplesPerSend: 10,
    batchSendDeadlineMs: 20,
    minBackoffMs: 5,
    maxBackoffMs: 20,
    retryOnHttp429: true,
    ...extra,
  });
}

function appendSeries(tee: TeeAppendable, n: number, t0: number) {
  const a = tee.appender();
  for (let i = 0; i < n; i++) a.append(0, Labels.fromObject({ __name__: 'm', i: String(i % 3) }), t0 + i, i);
  a.append(0, Labels.fromObject({ __name__: 'm', drop: 'yes' }), t0, 1);
  a.commit();
}

test('samples arrive in order with external labels; relabel drops; stale markers survive', async () => {
  const rx = await receiver(() => 204);
  const tee = new TeeAppendable(new MemoryStorage());
  const q = queue(rx.url);
  tee.setListeners([q.onCommit]);
  appendSeries(tee, 25, 1000);
  const a = tee.appender();
  a.append(0, Labels.fromObject({ __name__: 'm', i: '0' }), 5000, STALE_NAN);
  a.commit();
  await q.flush();
  await rx.close();
  assert.equal(rx.got.length, 26);
  assert.ok(rx.got.every((s) => s.labels.replica === 'a' && s.labels.drop === undefined));
  const s0 = rx.got.filter((s) => s.labels.i === '0').map((s) => s.t);
  assert.deepEqual(s0, [...s0].sort((x, y) => x - y));
  assert.ok(isStaleNaN(rx.got.find((s) => s.t === 5000)!.v));
});

test('a receiver outage loses nothing: 5xx is retried until it recovers', async () => {
  let down = true;
  const rx = await receiver(() => (down ? 503 : 204));
  const tee = new TeeAppendable(new MemoryStorage());
  const q = queue(rx.url);
  tee.setListeners([q.onCommit]);
  for (let round = 0; round < 5; round++) appendSeries(tee, 20, 10_000 * (round + 1));
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(rx.got.length, 0);
  assert.ok(rx.requests() > 1, 'retried while down');
  down = false;
  await q.flush();
  await rx.close();
  assert.equal(rx.got.length, 100);
});

test('4xx drops the batch and moves on', async () => {
  let n = 0;
  const rx = await receiver(() => (n++ === 0 ? 400 : 204));
  const tee = new TeeAppendable(new MemoryStorage());
  const q = queue(rx.url);
  tee.setListeners([q.onCommit]);
  appendSeries(tee, 20, 1000);
  await q.flush();
  await rx.close();
  assert.equal(rx.got.length, 10, 'first batch of 10 refused, second delivered');
});

test('beyond the memory bound, requests spool to SQLite and survive a restart', async () => {
  let down = true;
  const rx = await receiver(() => (down ? 503 : 204));
  const db = new Database(':memory:');
  const tee = new TeeAppendable(new MemoryStorage());
  const q1 = queue(rx.url, { db, maxPendingBytes: 200 });
  tee.setListeners([q1.onCommit]);
  for (let round = 0; round < 10; round++) appendSeries(tee, 20, 100_000 * (round + 1));
  await new Promise((r) => setTimeout(r, 50));
  const spooled = (db.prepare('SELECT count(*) AS n FROM remote_write_spool').get() as { n: number }).n;
  assert.ok(spooled > 0, 'spilled to the spool');
  q1.stop();
  down = false;
  const q2 = queue(rx.url, { db, maxPendingBytes: 200 });
  await new Promise((r) => setTimeout(r, 10));
  await q2.flush();
  await rx.close();
  const uniq = new Set(rx.got.map((s) => `${s.labels.i}@${s.t}`));
  assert.equal(uniq.size, 200, 'every sample delivered after restart');
  assert.equal((db.prepare('SELECT count(*) AS n FROM remote_write_spool').get() as { n: number }).n, 0);
});
