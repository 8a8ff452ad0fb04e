/**
 * buildApp under --web.route-prefix: every route moves under the prefix, `/` and the bare
 * prefix redirect as Prometheus 2.42 does, and what looks at request paths (the not-ready gate,
 * the API error envelope) sees the prefix. Real servers are in test/integration/api.routePrefix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { buildApp } from '../../../src/api/app.ts';
import { notReadyGate } from '../../../src/api/lifecycle.ts';
import { webUiRoutes } from '../../../src/api/webUi.ts';

async function app(routePrefix: string, ready = true): Promise<FastifyInstance> {
  const a = await buildApp({
    registry: new Registry(),
    routePrefix,
    lifecycle: { isReady: () => ready, lifecycleEnabled: true, reload: async () => {}, quit: () => {} },
    plugins: [
      {
        plugin: async (api: FastifyInstance) => {
          api.route({ method: ['GET', 'POST'], url: '/query', handler: async () => ({ status: 'success', data: 'q' }) });
          api.get('/status/walreplay', async () => ({ status: 'success', data: {} }));
        },
        opts: { prefix: '/api/v1' },
      },
      { plugin: webUiRoutes },
    ],
  });
  a.addHook('onRequest', notReadyGate(() => ready, routePrefix));
  return a;
}

test('every route is under the prefix; the root paths redirect as in Prometheus', async () => {
  const a = await app('/prom');
  // [method, url, status, location]
  const table: Array<[string, string, number, string?]> = [
    ['GET', '/', 302, '/prom'],
    ['GET', '/prom', 301, '/prom/'],
    ['GET', '/prom?a=1', 301, '/prom/?a=1'],
    ['GET', '/prom/', 302, 'query'],
    ['GET', '/prom/query', 200],
    ['GET', '/prom/graph', 200],
    ['GET', '/prom/query/?g0.expr=up', 301, '../query?g0.expr=up'],
    ['GET', '/prom/static/app.js', 200],
    ['GET', '/prom/api/v1/query', 200],
    ['POST', '/prom/api/v1/query', 200],
    ['GET', '/prom/metrics', 200],
    ['GET', '/prom/-/healthy', 200],
    ['GET', '/prom/-/ready', 200],
    ['POST', '/prom/-/reload', 200],
    ['GET', '/api/v1/query', 404],
    ['GET', '/metrics', 404],
    ['GET', '/-/ready', 404],
    ['GET', '/query', 404],
    ['GET', '/static/app.js', 404],
    ['GET', '/promx', 404],
  ];
  for (const [method, url, status, location] of table) {
    const r = await a.inject({ method: method as 'GET' | 'POST', url });
    assert.equal(r.statusCode, status, `${method} ${url}`);
    if (location !== undefined) assert.equal(r.headers.location, location, `${method} ${url}`);
  }
  const root = await app('/');
  assert.equal((await root.inject({ url: '/' })).headers.location, 'query');
  assert.equal((await root.inject({ url: '/query/' })).headers.location, '../query');
  assert.equal((await root.inject({ url: '/-/ready' })).statusCode, 200);
});

test('the not-ready gate and the API error envelope see the prefix', async () => {
  const a = await app('/x', false);
  const q = await a.inject({ url: '/x/api/v1/query' });
  assert.equal(q.statusCode, 503);
  assert.equal(q.body, 'Service Unavailable');
  assert.equal((await a.inject({ url: '/x/api/v1/status/walreplay' })).statusCode, 200);
  assert.equal((await a.inject({ url: '/x/-/healthy' })).statusCode, 200);

  const b = await app('/x');
  const bad = await b.inject({ method: 'POST', url: '/x/api/v1/query', headers: { 'content-type': 'application/weird' }, payload: 'x' });
  assert.equal(bad.statusCode, 415);
  assert.equal(bad.json().status, 'error', 'the Prometheus envelope, not a plain text error');
});
