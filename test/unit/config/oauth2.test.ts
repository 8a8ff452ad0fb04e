import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { authorizationHeader, DEFAULT_HTTP_CLIENT } from '../../../src/config/httpClientConfig.ts';
import { oauth2Token, type OAuth2Config } from '../../../src/config/oauth2.ts';

describe('oauth2 client credentials', () => {
  const requests: Array<{ auth?: string; body: string }> = [];
  let issued = 0;
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ auth: req.headers.authorization, body });
      issued++;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ access_token: `tok-${issued}`, token_type: 'bearer', expires_in: 60 }));
    });
  });
  after(() => server.close());

  it('fetches, caches and refreshes the token before it expires', async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const cfg: OAuth2Config = {
      clientId: 'my id',
      clientSecret: 'p@ss',
      scopes: ['a', 'b'],
      tokenUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}/token`,
      endpointParams: { audience: 'x' },
      tls: { insecureSkipVerify: false },
    };
    let now = 1_000_000;
    const clock = () => now;
    assert.equal(await oauth2Token(cfg, clock), 'tok-1');
    assert.equal(requests[0].auth, 'Basic ' + Buffer.from('my%20id:p%40ss').toString('base64'));
    assert.deepEqual(Object.fromEntries(new URLSearchParams(requests[0].body)), { grant_type: 'client_credentials', audience: 'x', scope: 'a b' });

    now += 30_000;
    assert.equal(await oauth2Token(cfg, clock), 'tok-1', 'cached while valid');
    now += 25_000; // within the refresh margin of the 60 s expiry
    assert.equal(await oauth2Token(cfg, clock), 'tok-2');
    assert.equal(requests.length, 2);

    const header = await authorizationHeader({ ...DEFAULT_HTTP_CLIENT, oauth2: cfg });
    assert.match(header ?? '', /^Bearer tok-\d$/);
  });
});
