/** ScrapeManager over real local HTTP servers: negotiation, gzip, limits, timeouts, reload, removal. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { parsePrometheusConfig } from '../../../src/config/prometheusConfig.ts';
import { ACCEPT_HEADER } from '../../../src/scrape/httpScraper.ts';
import { ScrapeManager } from '../../../src/scrape/targetManager.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { MemoryStorage } from '../../../src/storage/memoryStorage.ts';
import { samplesOf } from './helpers.ts';

const BIG = Buffer.alloc(50 * 1024 * 1024, 'a 1\n');

let server: Server;
let port = 0;
const seen: IncomingHttpHeaders[] = [];

before(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    const path = req.url ?? '';
    if (path.startsWith('/hang')) return; // never answers
    if (path.startsWith('/big')) {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(BIG);
      return;
    }
    if (path.startsWith('/om')) {
      res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
      res.end('# TYPE c counter\n# HELP c A counter.\nc_total 5\nc_created 1.5e9\n# EOF\n');
      return;
    }
    const body = `# HELP m Some gauge.\n# TYPE m gauge\nm{path="${path}"} 1\n`;
    if (req.headers['accept-encoding']?.includes('gzip')) {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Encoding': 'gzip' });
      res.end(gzipSync(body));
    } else {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(body);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

function configs(yaml: string) {
  return parsePrometheusConfig(yaml).scrapeConfigs;
}

function group(job: string, paths: string[]): Map<string, Array<{ source: string; targets: Labels[]; labels: Labels }>> {
  return new Map([[job, [{ source: 'test', targets: paths.map((p) => Labels.fromObject({ __address__: `127.0.0.1:${port}`, __metrics_path__: p })), labels: Labels.EMPTY }]]]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await sleep(20);
  }
}

describe('scrape manager', () => {
  it('scrapes targets over HTTP with Prometheus 2.42 Accept header and gzip, and reports them', async () => {
    const storage = new MemoryStorage();
    const m = new ScrapeManager({ appendable: storage });
    try {
      m.applyConfig(configs(`scrape_configs:\n  - job_name: web\n    scrape_interval: 200ms\n`));
      m.updateTargets(group('web', ['/a', '/b', '/om']));
      await until(() => m.targets().active.every((t) => t.health !== 'unknown'));
      const active = m.targets().active;
      assert.equal(active.length, 3);
      for (const t of active) assert.equal(t.health, 'up', t.lastError);
      assert.equal(active[0].scrapePool, 'web');
      assert.match(active[0].scrapeUrl, /^http:\/\/127\.0\.0\.1:\d+\/(a|b|om)$/);
      assert.equal(active[0].labels.get('job'), 'web');
      assert.equal(active[0].discoveredLabels.get('__address__'), `127.0.0.1:${port}`);
      const h = seen.at(-1)!;
      assert.equal(h.accept, ACCEPT_HEADER);
      assert.equal(h['accept-encoding'], 'gzip');
      assert.equal(h['x-prometheus-scrape-timeout-seconds'], '0.2');
      assert.equal(samplesOf(storage, 'm').size, 2);
      assert.equal(samplesOf(storage, 'c_created').size, 1);
      assert.deepEqual(m.metadata('m'), { m: [{ type: 'gauge', help: 'Some gauge.', unit: '' }] });
      assert.deepEqual(Object.keys(m.metadata()).sort(), ['c', 'm']);
      assert.equal(m.targetMetadata((l) => l.get('instance') !== '', 'c').length, 1);
      assert.deepEqual(m.scrapePools(), ['web']);
    } finally {
      m.stop();
    }
  });

  it('fails targets over body_size_limit (50 MB body), scrape_timeout and target_limit with readable errors', async () => {
    const storage = new MemoryStorage();
    const m = new ScrapeManager({ appendable: storage });
    try {
      m.applyConfig(
        configs(`scrape_configs:
  - job_name: big
    scrape_interval: 300ms
    body_size_limit: 1MB
  - job_name: slow
    scrape_interval: 300ms
    scrape_timeout: 100ms
  - job_name: many
    scrape_interval: 300ms
    target_limit: 1
`),
      );
      m.updateTargets(new Map([...group('big', ['/big']), ...group('slow', ['/hang']), ...group('many', ['/x', '/y'])]));
      await until(() => m.targets().active.every((t) => t.health !== 'unknown'));
      const byPool = (p: string) => m.targets().active.filter((t) => t.scrapePool === p);
      assert.match(byPool('big')[0].lastError, /body size limit exceeded/);
      assert.match(byPool('slow')[0].lastError, /context deadline exceeded/);
      for (const t of byPool('many')) assert.match(t.lastError, /target_limit exceeded \(number of targets: 2, limit: 1\)/);
      for (const t of m.targets().active) assert.equal(t.health, 'down');
      assert.equal(samplesOf(storage, 'a').size, 0);
      // The two `many` targets differ only in path, so they share one `up` series (as in Prometheus).
      assert.deepEqual([...samplesOf(storage, 'up').values()].map((v) => v[0][1]), [0, 0, 0]);
    } finally {
      m.stop();
    }
  });

  it('keeps unchanged targets (state, loop) across reloads and marks removed targets stale', async () => {
    const storage = new MemoryStorage();
    const m = new ScrapeManager({ appendable: storage });
    try {
      const yaml = `scrape_configs:\n  - job_name: web\n    scrape_interval: 200ms\n`;
      m.applyConfig(configs(yaml));
      m.updateTargets(group('web', ['/a', '/b']));
      await until(() => m.targets().active.every((t) => t.health === 'up'));
      const before = m.targets().active.find((t) => t.scrapeUrl.endsWith('/a'))!;
      m.applyConfig(configs(yaml + `  - job_name: other\n    scrape_interval: 1s\n`));
      const same = m.targets().active.find((t) => t.scrapeUrl.endsWith('/a'))!;
      assert.equal(same.health, 'up');
      assert.ok(same.lastScrape >= before.lastScrape && same.lastScrape > 0);
      // A new scrape interval restarts the loop but keeps state and cache: no stale markers.
      m.applyConfig(configs(`scrape_configs:\n  - job_name: web\n    scrape_interval: 300ms\n`));
      const slower = m.targets().active.find((t) => t.scrapeUrl.endsWith('/a'))!;
      assert.equal(slower.health, 'up');
      assert.equal(slower.scrapeIntervalMs, 300);
      assert.ok(slower.lastScrape >= same.lastScrape);
      for (const pts of samplesOf(storage, 'm').values()) assert.ok(pts.every((p) => p[1] !== 'stale'));
      // A changed job config (here a new limit) keeps the target's state too.
      m.applyConfig(configs(`scrape_configs:\n  - job_name: web\n    scrape_interval: 200ms\n    sample_limit: 100\n`));
      assert.equal(m.targets().active.find((t) => t.scrapeUrl.endsWith('/a'))!.health, 'up');
      assert.deepEqual(m.scrapePools(), ['web']);
      // Target /b disappears from discovery: its series and report series get stale markers.
      m.updateTargets(group('web', ['/a']));
      const b = [...samplesOf(storage, 'm').entries()].find(([k]) => k.includes('path="/b"'))![1];
      assert.equal(b.at(-1)![1], 'stale');
    } finally {
      m.stop();
    }
  });
});
