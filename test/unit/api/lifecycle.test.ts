import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, Counter } from 'prom-client';
import { buildApp } from '../../../src/api/app.ts';

async function app(opts: { ready?: boolean; lifecycle?: boolean; reloadError?: string } = {}) {
  const registry = new Registry();
  new Counter({ name: 'promlite_test_total', help: 'test counter', registers: [registry] }).inc(3);
  let reloads = 0;
  const a = await buildApp({
    registry,
    lifecycle: {
      isReady: () => opts.ready ?? true,
      lifecycleEnabled: opts.lifecycle ?? false,
      reload: async () => {
        reloads++;
        if (opts.reloadError) throw new Error(opts.reloadError);
      },
      quit: () => {},
    },
  });
  return { a, reloads: () => reloads };
}

test('healthy and ready texts match Prometheus', async () => {
  const { a } = await app({ ready: false });
  const h = await a.inject({ url: '/-/healthy' });
  assert.equal(h.statusCode, 200);
  assert.equal(h.body, 'Prometheus Server is Healthy.\n');
  const r = await a.inject({ url: '/-/ready' });
  assert.equal(r.statusCode, 503);
  const { a: b } = await app({ ready: true });
  const r2 = await b.inject({ url: '/-/ready' });
  assert.equal(r2.statusCode, 200);
  assert.equal(r2.body, 'Prometheus Server is Ready.\n');
});

test('reload needs --web.enable-lifecycle and POST', async () => {
  const off = await app({ lifecycle: false });
  assert.equal((await off.a.inject({ method: 'POST', url: '/-/reload' })).statusCode, 403);
  assert.equal(off.reloads(), 0);
  const on = await app({ lifecycle: true });
  assert.equal((await on.a.inject({ method: 'GET', url: '/-/reload' })).statusCode, 405);
  assert.equal((await on.a.inject({ method: 'POST', url: '/-/reload' })).statusCode, 200);
  assert.equal(on.reloads(), 1);
  const bad = await app({ lifecycle: true, reloadError: 'x.yml:3: bad' });
  const res = await bad.a.inject({ method: 'POST', url: '/-/reload' });
  assert.equal(res.statusCode, 500);
  assert.equal(res.body, 'failed to reload config: x.yml:3: bad');
});

test('/metrics exposes the registry', async () => {
  const { a } = await app();
  const res = await a.inject({ url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /^promlite_test_total 3$/m);
});
