import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DnsSDConfig, FileSDConfig, HttpSDConfig, SDConfig } from '../../../src/config/discoveryConfig.ts';
import { DEFAULT_HTTP_CLIENT } from '../../../src/config/httpClientConfig.ts';
import type { TargetGroup } from '../../../src/config/targetGroup.ts';
import { DiscoveryManager } from '../../../src/scrape/discovery/manager.ts';
import { DnsProvider } from '../../../src/scrape/discovery/dnsProvider.ts';
import { HttpProvider } from '../../../src/scrape/discovery/httpProvider.ts';
import type { DiscoveryProvider } from '../../../src/scrape/discovery/provider.ts';
import { Labels } from '../../../src/storage/labels.ts';

const HOUR = 3_600_000;

/** Collects manager updates; `next()` waits for the next one. */
function updates() {
  const seen: Array<Map<string, TargetGroup[]>> = [];
  let waiter: ((m: Map<string, TargetGroup[]>) => void) | undefined;
  return {
    seen,
    onUpdate(m: Map<string, TargetGroup[]>) {
      seen.push(m);
      const w = waiter;
      waiter = undefined;
      w?.(m);
    },
    next(timeoutMs = 3000): Promise<Map<string, TargetGroup[]>> {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no discovery update')), timeoutMs);
        waiter = (m) => {
          clearTimeout(t);
          resolve(m);
        };
      });
    },
  };
}

const addresses = (groups: TargetGroup[] | undefined) => (groups ?? []).flatMap((g) => g.targets.map((t) => t.get('__address__'))).sort();

describe('file_sd', () => {
  const dir = mkdtempSync(join(tmpdir(), 'promlite-filesd-'));
  let manager: DiscoveryManager | undefined;
  afterEach(() => manager?.stop());
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads JSON and YAML files, follows changes, keeps the last good content of a broken file', async () => {
    const json = join(dir, 'a.json');
    const yml = join(dir, 'b.yml');
    writeFileSync(json, JSON.stringify([{ targets: ['a:1', 'a:2'], labels: { env: 'prod' } }]));
    writeFileSync(yml, '- targets: [b:1]\n  labels: {env: dev}\n');
    const u = updates();
    manager = new DiscoveryManager({ onUpdate: u.onUpdate });
    const sd: FileSDConfig = { kind: 'file', files: [join(dir, '*.json'), join(dir, '*.yml')], refreshIntervalMs: HOUR };
    const first = u.next();
    manager.applyConfig(new Map([['job', [sd]]]));
    const groups = (await first).get('job')!;
    assert.deepEqual(addresses(groups), ['a:1', 'a:2', 'b:1']);
    const a = groups.find((g) => g.source === `${json}:0`)!;
    assert.deepEqual(a.labels.toObject(), { __meta_filepath: json, env: 'prod' });

    // A change is picked up by the watch (refresh_interval is an hour).
    let next = u.next();
    writeFileSync(json, JSON.stringify([{ targets: ['a:3'] }]));
    assert.deepEqual(addresses((await next).get('job')), ['a:3', 'b:1']);

    // A broken file keeps its previous targets; nothing is emitted for it.
    writeFileSync(yml, '- targets: [b:1\n');
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(addresses(manager.targetGroups('job')), ['a:3', 'b:1']);

    // A removed file removes its targets.
    next = u.next();
    unlinkSync(yml);
    assert.deepEqual(addresses((await next).get('job')), ['a:3']);
  });

  it('rejects invalid label names in a file', async () => {
    const f = join(dir, 'bad.json');
    writeFileSync(f, JSON.stringify([{ targets: ['x:1'], labels: { 'bad-name': 'v' } }]));
    const errors: string[] = [];
    const u = updates();
    manager = new DiscoveryManager({
      onUpdate: u.onUpdate,
      logger: { warn() {}, error: (_o, msg) => errors.push(msg) },
    });
    manager.applyConfig(new Map([['job', [{ kind: 'file', files: [f], refreshIntervalMs: HOUR } as SDConfig]]]));
    assert.deepEqual(addresses((await u.next()).get('job')), []);
    assert.match(errors.join('\n'), /"bad-name" is not a valid label name/);
  });
});

describe('http_sd', () => {
  let server: Server;
  let body = '[]';
  let status = 200;
  let lastRequest: IncomingMessage | undefined;
  const start = async () => {
    server = createServer((req, res) => {
      lastRequest = req;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}/sd`;
  };
  after(() => server?.close());

  it('fetches groups, adds __meta_url, sends auth, keeps targets when the endpoint fails', async () => {
    const url = await start();
    const cfg: HttpSDConfig = {
      kind: 'http',
      url,
      refreshIntervalMs: HOUR,
      http: { ...DEFAULT_HTTP_CLIENT, basicAuth: { username: 'u', password: 'p' } },
    };
    const emitted: TargetGroup[][] = [];
    const p = new HttpProvider(cfg);
    body = JSON.stringify([{ targets: ['h:1', 'h:2'], labels: { team: 'a' } }, { targets: ['h:3'] }]);
    p.start((g) => emitted.push(g));
    await p.refresh();
    assert.equal(emitted.length, 1);
    assert.deepEqual(addresses(emitted[0]), ['h:1', 'h:2', 'h:3']);
    assert.deepEqual(emitted[0][0].labels.toObject(), { __meta_url: url, team: 'a' });
    assert.equal(emitted[0][1].source, `${url}:1`);
    assert.equal(lastRequest?.headers.authorization, 'Basic ' + Buffer.from('u:p').toString('base64'));
    assert.equal(lastRequest?.headers['x-prometheus-refresh-interval-seconds'], '3600');

    status = 500;
    await p.refresh();
    assert.equal(emitted.length, 1, 'a failed refresh emits nothing');
    assert.match(p.lastError, /HTTP status 500/);

    // The second group disappears: it is emitted as an empty group so consumers drop it.
    status = 200;
    body = JSON.stringify([{ targets: ['h:1'] }]);
    await p.refresh();
    assert.equal(emitted.length, 2);
    assert.deepEqual(
      emitted[1].map((g) => [g.source, g.targets.length]),
      [
        [`${url}:0`, 1],
        [`${url}:1`, 0],
      ],
    );

    body = 'not json';
    await p.refresh();
    assert.match(p.lastError, /JSON/);
    p.stop();
  });
});

describe('dns_sd', () => {
  it('turns SRV and A records into targets with meta labels', async () => {
    const resolver = {
      resolveSrv: async () => [{ name: 'api-1.internal.', port: 9100 }],
      resolve4: async () => ['10.0.0.1', '10.0.0.2'],
      resolve6: async () => ['::1'],
      resolveMx: async () => [],
      resolveNs: async () => [],
    };
    const srv: DnsSDConfig = { kind: 'dns', names: ['_m._tcp.internal'], type: 'SRV', port: 0, refreshIntervalMs: HOUR };
    const got: TargetGroup[][] = [];
    const p = new DnsProvider(srv, undefined, resolver);
    p.start((g) => got.push(g));
    await p.refresh();
    p.stop();
    assert.deepEqual(got[0][0].targets[0].toObject(), {
      __address__: 'api-1.internal:9100',
      __meta_dns_name: '_m._tcp.internal',
      __meta_dns_srv_record_port: '9100',
      __meta_dns_srv_record_target: 'api-1.internal.',
    });
    const aaaa = new DnsProvider({ ...srv, type: 'AAAA', port: 9090 }, undefined, resolver);
    const got6: TargetGroup[][] = [];
    aaaa.start((g) => got6.push(g));
    await aaaa.refresh();
    aaaa.stop();
    assert.equal(got6[0][0].targets[0].get('__address__'), '[::1]:9090');
  });
});

describe('DiscoveryManager', () => {
  const group = (addr: string): TargetGroup => ({ source: '0', targets: [Labels.fromObject({ __address__: addr })], labels: Labels.EMPTY });
  const staticSd = (addr: string): SDConfig => ({ kind: 'static', groups: [group(addr)] });

  it('keeps unchanged providers running across applyConfig and reports only changed sets', async () => {
    const started: string[] = [];
    const stopped: string[] = [];
    const u = updates();
    const manager = new DiscoveryManager({
      onUpdate: u.onUpdate,
      createProvider: (sd): DiscoveryProvider => {
        const name = sd.kind === 'static' ? sd.groups[0].targets[0].get('__address__') : sd.kind;
        return {
          start: (emit) => {
            started.push(name);
            if (sd.kind === 'static') emit(sd.groups);
          },
          stop: () => stopped.push(name),
        };
      },
    });
    let next = u.next();
    manager.applyConfig(new Map([['a', [staticSd('a:1')]], ['b', [staticSd('b:1')]]]));
    let m = await next;
    assert.deepEqual([...m.keys()].sort(), ['a', 'b']);
    assert.deepEqual(started, ['a:1', 'b:1']);

    // Job a unchanged, job b changed, job c added (sharing a's provider), nothing removed.
    next = u.next();
    manager.applyConfig(new Map([['a', [staticSd('a:1')]], ['b', [staticSd('b:2')]], ['c', [staticSd('a:1')]]]));
    m = await next;
    assert.deepEqual([...m.keys()].sort(), ['b', 'c']);
    assert.deepEqual(addresses(m.get('c')), ['a:1']);
    assert.deepEqual(started, ['a:1', 'b:1', 'b:2']);
    assert.deepEqual(stopped, ['b:1']);

    // Removing jobs reports them with no groups and stops providers nobody uses.
    next = u.next();
    manager.applyConfig(new Map([['c', [staticSd('a:1')]]]));
    m = await next;
    assert.deepEqual([...m.entries()].map(([k, v]) => [k, v.length]).sort(), [['a', 0], ['b', 0]]);
    assert.deepEqual(stopped, ['b:1', 'b:2']);
    assert.deepEqual(addresses(manager.targetGroups('c')), ['a:1']);
    manager.stop();
    assert.deepEqual(stopped, ['b:1', 'b:2', 'a:1']);
  });

  it('reports a job without discovery as having no targets', async () => {
    const u = updates();
    const manager = new DiscoveryManager({ onUpdate: u.onUpdate });
    const next = u.next();
    manager.applyConfig(new Map([['empty', []]]));
    assert.deepEqual([...(await next).entries()], [['empty', []]]);
    manager.stop();
  });
});
