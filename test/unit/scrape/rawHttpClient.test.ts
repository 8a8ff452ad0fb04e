/** The raw keep-alive HTTP client against servers that answer in every framing a scrape may meet. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { dechunk, RawHttpClient } from '../../../src/scrape/rawHttpClient.ts';

let raw: Server;
let rawPort = 0;
let node: HttpServer;
let nodePort = 0;
const connections: Socket[] = [];

/** Raw responses by path, so the tests control framing byte for byte. */
const RESPONSES: Record<string, string | Buffer> = {
  '/length': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: 4\r\n\r\na 1\n',
  '/chunked': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n4\r\na 1\n\r\n5\r\nb 20\n\r\n0\r\n\r\n',
  '/close': 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nc 3\n',
  '/status': 'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n',
  '/garbage': 'SSH-2.0-OpenSSH_9.2\r\n\r\n',
};

before(async () => {
  raw = createServer((sock) => {
    connections.push(sock);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      let end;
      while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
        const path = buf.slice(4, buf.indexOf(' ', 4));
        buf = buf.slice(end + 4);
        const r = RESPONSES[path];
        if (path === '/slow') continue;
        if (path === '/split-chunked') {
          // Chunk framing split across packets, including inside the final `0\r\n\r\n`.
          const parts = ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n', 'x 1\r\n', '0\r\n', '\r\n'];
          parts.forEach((p, i) => setTimeout(() => sock.write(p), i * 15));
          continue;
        }
        sock.write(r);
        if (path === '/close' || path === '/garbage') sock.end();
      }
    });
  });
  await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
  rawPort = (raw.address() as { port: number }).port;
  // A node:http server with a short keep-alive timeout: it closes idle connections, so the
  // client must notice and reconnect (or retry once if the close races with its request).
  node = createHttpServer((req, res) => {
    const body = gzipSync(`n{path="${req.url}"} 1\n`);
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Encoding': 'gzip' });
    res.end(body);
  });
  node.keepAliveTimeout = 50;
  await new Promise<void>((r) => node.listen(0, '127.0.0.1', r));
  nodePort = (node.address() as { port: number }).port;
});

after(() => {
  for (const c of connections) c.destroy();
  raw.close();
  node.closeAllConnections();
  node.close();
});

function client(port: number, path: string, over: Partial<{ timeoutMs: number; bodySizeLimit: number }> = {}): RawHttpClient {
  return new RawHttpClient({ url: new URL(`http://127.0.0.1:${port}${path}`), headers: { Accept: 'text/plain' }, timeoutMs: 2000, bodySizeLimit: 0, ...over });
}

describe('raw HTTP client', () => {
  it('reads Content-Length, chunked and close-delimited bodies, reusing the connection', async () => {
    const c = client(rawPort, '/length');
    for (let i = 0; i < 3; i++) {
      const r = await c.scrape();
      assert.equal(r.body.toString(), 'a 1\n');
      assert.equal(r.contentType, 'text/plain; version=0.0.4');
    }
    c.close();
    const ch = client(rawPort, '/chunked');
    assert.equal((await ch.scrape()).body.toString(), 'a 1\nb 20\n');
    assert.equal((await ch.scrape()).body.toString(), 'a 1\nb 20\n');
    ch.close();
    const split = client(rawPort, '/split-chunked');
    assert.equal((await split.scrape()).body.toString(), 'x 1');
    split.close();
    const cl = client(rawPort, '/close');
    assert.equal((await cl.scrape()).body.toString(), 'c 3\n');
    assert.equal((await cl.scrape()).body.toString(), 'c 3\n');
    cl.close();
  });

  it('inflates gzip and survives the server closing idle keep-alive connections', async () => {
    const c = client(nodePort, '/m');
    for (let i = 0; i < 4; i++) {
      assert.equal((await c.scrape()).body.toString(), 'n{path="/m"} 1\n');
      await new Promise((r) => setTimeout(r, i % 2 === 0 ? 120 : 0)); // longer than keepAliveTimeout
    }
    c.close();
  });

  it('fails with readable errors: status, garbage, timeout, body size, refused', async () => {
    await assert.rejects(client(rawPort, '/status').scrape(), /server returned HTTP status 503 Service Unavailable/);
    await assert.rejects(client(rawPort, '/garbage').scrape(), /malformed HTTP response "SSH-2.0-OpenSSH_9.2"/);
    await assert.rejects(client(rawPort, '/slow', { timeoutMs: 100 }).scrape(), /context deadline exceeded/);
    await assert.rejects(client(nodePort, '/big', { bodySizeLimit: 5 }).scrape(), /body size limit exceeded/);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    closed.close();
    await assert.rejects(client(port, '/x').scrape(), /ECONNREFUSED/);
  });

  it('dechunk returns null until the body is complete', () => {
    assert.equal(dechunk(Buffer.from('4\r\na 1\n')), null);
    assert.equal(dechunk(Buffer.from('4\r\na 1\n\r\n0\r\n\r\n'))?.toString(), 'a 1\n');
  });
});
