/**
 * Hostile and malformed input on every API endpoint: the documented error code, never a 500,
 * never a crash, stored data intact. And with --web.config.file, no access without valid
 * credentials (basic auth with bcrypt hashes, over TLS).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { startPromlite, type PromliteProcess } from '../support/promliteProcess.ts';
import { pushSamples } from '../support/remoteWritePush.ts';

let pl: PromliteProcess;
const now = Date.now();

before(async () => {
  pl = await startPromlite(['--web.enable-remote-write-receiver', '--web.enable-admin-api']);
  const r = await pushSamples(pl.url, [{ labels: { __name__: 'keep_me', job: 'x' }, samples: [[now - 1000, 42]] }]);
  assert.equal(r.status, 204);
});
after(async () => pl?.stop());

const get = (path: string) => fetch(`${pl.url}${path}`);

test('bad parameters are 400 bad_data on every query and metadata endpoint', async () => {
  const cases: [string, RegExp][] = [
    ['/api/v1/query?query=sum(', /parse error/],
    ['/api/v1/query?query=up&time=yesterday', /Invalid time value for 'time'/],
    ['/api/v1/query?query=up&timeout=1ns', /cannot parse "1ns" to a valid duration/],
    ['/api/v1/query?query=' + encodeURIComponent('{a=~"("}'), /parse error|invalid regular expression/],
    ['/api/v1/query?query=' + encodeURIComponent('{a=""}'), /at least one non-empty matcher/],
    ['/api/v1/query_range?query=up&start=10&end=5&step=1', /end timestamp must not be before start time/],
    ['/api/v1/query_range?query=up&start=0&end=10&step=-1', /zero or negative/],
    ['/api/v1/query_range?query=up&start=0&end=10', /step/],
    ['/api/v1/query_range?query=up&start=abc&end=10&step=1', /Invalid time value for 'start'/],
    ['/api/v1/query_range?query=%22str%22&start=0&end=10&step=1', /invalid expression type "string" for range query/],
    ['/api/v1/series', /no match\[\] parameter provided/],
    ['/api/v1/series?match[]=' + encodeURIComponent('rate(x[5m])'), /expected vector selector|parse error/],
    ['/api/v1/labels?match[]=' + encodeURIComponent('{'), /parse error/],
    ['/api/v1/label/1bad/values', /invalid label name/],
    ['/api/v1/label/job/values?limit=-3', /limit/],
    ['/api/v1/rules?type=bogus', /not supported value "bogus"/],
    ['/api/v1/targets/metadata?match_target=' + encodeURIComponent('{'), /match_target/],
  ];
  for (const [path, msg] of cases) {
    const res = await get(path);
    const body = await res.json();
    assert.equal(res.status, 400, `${path}: ${JSON.stringify(body)}`);
    assert.equal(body.status, 'error', path);
    assert.equal(body.errorType, 'bad_data', path);
    assert.match(body.error, msg, path);
  }
});

test('huge match[] lists and hostile label values are refused or handled, not crashing', async () => {
  const many = new URLSearchParams();
  for (let i = 0; i < 5000; i++) many.append('match[]', `x${i}`);
  const res = await fetch(`${pl.url}/api/v1/series`, { method: 'POST', body: many, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 400);
  // A catastrophic-backtracking regex runs in linear time (RE2 semantics).
  const evil = encodeURIComponent(`{__name__=~"(a+)+$", job=~"${'(a|aa)+'.repeat(3)}b"}`);
  const t0 = Date.now();
  const ev = await get(`/api/v1/query?query=${evil}`);
  assert.equal(ev.status, 200);
  assert.ok(Date.now() - t0 < 5000);
  const hostile = await pushSamples(pl.url, [{ labels: { __name__: 'hostile', v: '"}\n\\\u0000🔥' + 'x'.repeat(10_000) }, samples: [[now, 1]] }]);
  assert.equal(hostile.status, 204);
  const back = await (await get('/api/v1/query?query=hostile')).json();
  assert.equal(back.data.result[0].metric.v, '"}\n\\\u0000🔥' + 'x'.repeat(10_000));
});

test('bad remote-write bodies are 400, oversized bodies 413, admin without match[] 400', async () => {
  const post = (path: string, body: Buffer<ArrayBuffer> | string, type = 'application/x-protobuf') =>
    fetch(`${pl.url}${path}`, { method: 'POST', body, headers: { 'content-type': type, 'content-encoding': 'snappy' } });
  assert.equal((await post('/api/v1/write', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]))).status, 400);
  assert.equal((await post('/api/v1/write', Buffer.from('garbage'))).status, 400);
  assert.equal((await post('/api/v1/read', Buffer.from('garbage'))).status, 400);
  // A declared body over the limit is refused before it is read.
  const oversized = await new Promise<number>((resolve, reject) => {
    const req = http.request(`${pl.url}/api/v1/write`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-length': String(40 * 1024 * 1024) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
    req.write(Buffer.alloc(64 * 1024, 1));
  });
  assert.equal(oversized, 413);
  const del = await fetch(`${pl.url}/api/v1/admin/tsdb/delete_series`, { method: 'POST' });
  assert.equal(del.status, 400);
  // Everything above left the stored data alone and the process healthy.
  const keep = await (await get(`/api/v1/query?query=keep_me&time=${now / 1000}`)).json();
  assert.equal(keep.data.result[0].value[1], '42');
  assert.equal((await get('/-/healthy')).status, 200);
});

test('with --web.config.file: TLS and bcrypt basic auth; no credentials, no data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promlite-webcfg-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  writeFileSync(
    join(dir, 'web.yml'),
    `tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\nbasic_auth_users:\n  alice: ${bcrypt.hashSync('s3cret', 10)}\n`,
  );
  const secured = await startPromlite([`--web.config.file=${join(dir, 'web.yml')}`], { readyCheck: false });
  try {
    const ca = (await import('node:fs')).readFileSync(join(dir, 'cert.pem'));
    const call = (path: string, auth?: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = https.get(`https://127.0.0.1:${secured.port}${path}`, { ca, headers: auth ? { authorization: auth } : {} }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
      });
    const basic = (u: string, p: string) => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');
    for (const path of ['/api/v1/query?query=1', '/metrics', '/api/v2/alerts', '/query', '/-/ready']) {
      assert.equal((await call(path)).status, 401, path);
      assert.equal((await call(path, basic('alice', 'wrong'))).status, 401, path);
      assert.equal((await call(path, basic('mallory', 's3cret'))).status, 401, path);
    }
    const ok = await call('/api/v1/query?query=1%2B1', basic('alice', 's3cret'));
    assert.equal(ok.status, 200);
    assert.match(ok.body, /"result":\[\d+(\.\d+)?,"2"\]/);
    // Plain HTTP on the TLS port gets nothing useful.
    const plain = await fetch(`http://127.0.0.1:${secured.port}/api/v1/query?query=1`).then(
      (r) => r.status,
      () => 0,
    );
    assert.notEqual(plain, 200);
  } finally {
    await secured.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Alertmanager's v1 push endpoint: POST /api/v1/alerts takes alerts, GET stays Prometheus's", async () => {
  const post = (body: unknown) => fetch(`${pl.url}/api/v1/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const ok = await post([{ labels: { alertname: 'TestAlert', severity: 'warning' }, annotations: { summary: 'Test alert' } }]);
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { status: 'success' });
  const v2 = (await (await fetch(`${pl.url}/api/v2/alerts`)).json()) as { labels: Record<string, string> }[];
  assert.ok(v2.some((a) => a.labels.alertname === 'TestAlert'));
  const bad = await post([{ labels: { '0bad': 'x' } }]);
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).errorType, 'bad_data');
  assert.equal((await post({ not: 'an array' })).status, 400);
  const rules = await (await fetch(`${pl.url}/api/v1/alerts`)).json();
  assert.deepEqual(rules, { status: 'success', data: { alerts: [] } });
});

test('the timeout parameter shortens a query as in Prometheus (503 timeout)', async () => {
  // A query that takes well over a millisecond: a subquery over many steps.
  const q = encodeURIComponent('count_over_time(vector(1)[30d:1s])');
  const res = await get(`/api/v1/query?query=${q}&timeout=0.001`);
  const body = await res.json();
  assert.equal(res.status, 503, JSON.stringify(body));
  assert.equal(body.errorType, 'timeout');
  assert.match(body.error, /query timed out/);
});
