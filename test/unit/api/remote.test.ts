import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { buildApp } from '../../../src/api/app.ts';
import { remoteRoutes } from '../../../src/api/v1/remote.ts';
import { MemoryStorage } from '../../../src/storage/memoryStorage.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';
import { STALE_NAN, isStaleNaN } from '../../../src/storage/staleMarker.ts';
import {
  decodeReadResponse,
  encodeReadRequest,
  encodeWriteRequest,
  snappyDecode,
  snappyEncode,
} from '../../../src/remote/prompb.ts';

async function setup(enabled = true) {
  const storage = new MemoryStorage();
  const app = await buildApp({
    registry: new Registry(),
    lifecycle: { isReady: () => true, lifecycleEnabled: false, reload: async () => {}, quit: () => {} },
    plugins: [
      {
        plugin: remoteRoutes,
        opts: {
          prefix: '/api/v1',
          appendable: storage,
          queryable: storage,
          writeReceiverEnabled: enabled,
          externalLabels: () => Labels.fromObject({ replica: 'a' }),
        },
      },
    ],
  });
  return { storage, app };
}

const post = (app: Awaited<ReturnType<typeof setup>>['app'], url: string, body: Uint8Array) =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    payload: Buffer.from(body),
  });

test('remote write stores samples, keeps stale markers, answers 204', async () => {
  const { storage, app } = await setup();
  const body = snappyEncode(
    encodeWriteRequest({
      timeseries: [
        {
          labels: [
            { name: '__name__', value: 'rw_metric' },
            { name: 'job', value: 'x' },
          ],
          samples: [
            { value: 1.5, timestamp: 1000 },
            { value: 2.5, timestamp: 2000 },
            { value: STALE_NAN, timestamp: 3000 },
          ],
        },
      ],
    }),
  );
  const res = await post(app, '/api/v1/write', body);
  assert.equal(res.statusCode, 204);
  const q = storage.querier(0, 10000);
  const set = q.select([new Matcher('=', '__name__', 'rw_metric')]);
  assert.ok(set.next());
  const it = set.at().iterator();
  const got: [number, number][] = [];
  while (it.next()) got.push([it.atT(), it.atV()]);
  assert.deepEqual(got.slice(0, 2), [
    [1000, 1.5],
    [2000, 2.5],
  ]);
  assert.ok(isStaleNaN(got[2][1]));
});

test('metadata-only requests are accepted', async () => {
  const { app } = await setup();
  const body = snappyEncode(encodeWriteRequest({ timeseries: [], metadata: [{ type: 1, metric_family_name: 'x', help: 'h', unit: '' }] }));
  assert.equal((await post(app, '/api/v1/write', body)).statusCode, 204);
});

test('bad bodies get 400, out-of-order rolls back the request, disabled receiver 404', async () => {
  const { storage, app } = await setup();
  assert.equal((await post(app, '/api/v1/write', new Uint8Array([1, 2, 3, 4]))).statusCode, 400);
  assert.equal((await post(app, '/api/v1/write', snappyEncode(new TextEncoder().encode('not protobuf at all')))).statusCode, 400);
  const ts = (t: number, v: number) => ({ labels: [{ name: '__name__', value: 'm' }], samples: [{ value: v, timestamp: t }] });
  assert.equal((await post(app, '/api/v1/write', snappyEncode(encodeWriteRequest({ timeseries: [ts(5000, 1)] })))).statusCode, 204);
  const res = await post(app, '/api/v1/write', snappyEncode(encodeWriteRequest({ timeseries: [ts(6000, 2), ts(1000, 3)] })));
  assert.equal(res.statusCode, 400);
  const set = storage.querier(0, 10000).select([new Matcher('=', '__name__', 'm')]);
  assert.ok(set.next());
  const it = set.at().iterator();
  const ts2: number[] = [];
  while (it.next()) ts2.push(it.atT());
  assert.deepEqual(ts2, [5000], 'the rejected request left nothing behind');
  const bad = snappyEncode(encodeWriteRequest({ timeseries: [{ labels: [{ name: '0bad', value: 'x' }], samples: [{ value: 1, timestamp: 1 }] }] }));
  assert.equal((await post(app, '/api/v1/write', bad)).statusCode, 400);
  const off = await setup(false);
  assert.equal((await post(off.app, '/api/v1/write', snappyEncode(encodeWriteRequest({ timeseries: [] })))).statusCode, 404);
});

test('remote read returns samples with external labels', async () => {
  const { storage, app } = await setup();
  const a = storage.appender();
  const l = Labels.fromObject({ __name__: 'up', job: 'j' });
  a.append(0, l, 1000, 1);
  a.append(0, l, 2000, 0);
  a.commit();
  const req = snappyEncode(encodeReadRequest({ queries: [{ start_timestamp_ms: 0, end_timestamp_ms: 5000, matchers: [{ type: 0, name: '__name__', value: 'up' }] }] }));
  const res = await post(app, '/api/v1/read', req);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-encoding'], 'snappy');
  const decoded = decodeReadResponse(snappyDecode(res.rawPayload));
  assert.deepEqual(decoded.results[0].timeseries[0].labels, [
    { name: '__name__', value: 'up' },
    { name: 'job', value: 'j' },
    { name: 'replica', value: 'a' },
  ]);
  assert.deepEqual(
    decoded.results[0].timeseries[0].samples.map((s) => [s.timestamp, s.value]),
    [
      [1000, 1],
      [2000, 0],
    ],
  );
});
