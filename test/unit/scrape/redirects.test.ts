/**
 * Targets that redirect: followed as Go's client does when follow_redirects is true
 * (Prometheus's default), up to 10 hops, credentials only to the same host; an error naming
 * the status otherwise.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DEFAULT_HTTP_CLIENT, type HttpClientConfig } from '../../../src/config/httpClientConfig.ts';
import { ACCEPT_HEADER, HttpScraper } from '../../../src/scrape/httpScraper.ts';

const BODY = 'redirected_metric 1\n';

describe('HttpScraper redirects', () => {
  let server: Server;
  let port = 0;
  const seen: Array<{ host: string; path: string; headers: IncomingHttpHeaders }> = [];
  before(async () => {
    server = createServer((req, res) => {
      seen.push({ host: req.headers.host ?? '', path: req.url ?? '', headers: req.headers });
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname === '/metrics') {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Encoding': 'gzip' });
        res.end(gzipSync(BODY));
      } else if (u.pathname === '/old') {
        res.writeHead(301, { Location: '/metrics?from=old' });
        res.end('moved');
      } else if (u.pathname === '/other-host') {
        // Same server, another host name: the Authorization header must not follow.
        res.writeHead(302, { Location: `http://localhost:${port}/metrics` });
        res.end();
      } else if (u.pathname === '/loop') {
        res.writeHead(307, { Location: '/loop' });
        res.end();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  after(() => server.close());

  const scraper = (path: string, client: Partial<HttpClientConfig> = {}) =>
    new HttpScraper({
      url: new URL(`http://127.0.0.1:${port}${path}`),
      agent: null,
      timeoutMs: 5000,
      bodySizeLimit: 0,
      client: { ...DEFAULT_HTTP_CLIENT, ...client },
      acceptHeader: ACCEPT_HEADER,
      enableCompression: true,
    });

  it('follows a relative Location to the metrics, keeping the scrape headers', async () => {
    seen.length = 0;
    const s = scraper('/old');
    try {
      const r = await s.scrape();
      assert.equal(r.body.toString(), BODY);
      assert.match(r.contentType, /version=0\.0\.4/);
      assert.deepEqual(seen.map((x) => x.path), ['/old', '/metrics?from=old']);
      assert.equal(seen[1]!.headers.accept, ACCEPT_HEADER);
      assert.equal(seen[1]!.headers['x-prometheus-scrape-timeout-seconds'], '5');
    } finally {
      s.close();
    }
  });

  it('sends credentials to the same host only', async () => {
    seen.length = 0;
    const basicAuth = { username: 'u', password: 'p' };
    const same = scraper('/old', { basicAuth });
    const other = scraper('/other-host', { basicAuth });
    try {
      await same.scrape();
      assert.ok(seen.every((x) => x.headers.authorization === `Basic ${Buffer.from('u:p').toString('base64')}`));
      seen.length = 0;
      assert.equal((await other.scrape()).body.toString(), BODY);
      assert.equal(seen[0]!.headers.authorization !== undefined, true);
      assert.equal(seen[1]!.host, `localhost:${port}`);
      assert.equal(seen[1]!.headers.authorization, undefined);
    } finally {
      same.close();
      other.close();
    }
  });

  it('fails with the status when follow_redirects is false, and after 10 hops of a loop', async () => {
    const off = scraper('/old', { followRedirects: false });
    const loop = scraper('/loop');
    try {
      await assert.rejects(off.scrape(), /server returned HTTP status 301 Moved Permanently/);
      seen.length = 0;
      await assert.rejects(loop.scrape(), /stopped after 10 redirects/);
      assert.equal(seen.length, 11, 'the first request and 10 redirects');
      // The target's own keep-alive client still works afterwards.
      const ok = scraper('/metrics');
      assert.equal((await ok.scrape()).body.toString(), BODY);
      ok.close();
    } finally {
      off.close();
      loop.close();
    }
  });
});
