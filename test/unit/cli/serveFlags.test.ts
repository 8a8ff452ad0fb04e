import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UsageError, computeExternalURL, parseServeFlags } from '../../../src/cli/serveFlags.ts';
import { installPath } from '../../../src/installPaths.ts';

describe('parseServeFlags', () => {
  const cwd = process.cwd();
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'promlite-flags-'));
  });
  after(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('falls back to the installed config files when started outside a promlite directory', () => {
    process.chdir(dir);
    const flags = parseServeFlags([]);
    assert.equal(flags.configFile, installPath('config', 'promlite.yml'));
    assert.equal(flags.notifierConfigFile, installPath('config', 'alertmanager.yml'));
    assert.equal(flags.storagePath, 'data/', 'the data directory stays relative to where promlite runs');
  });

  it('uses ./config/ files when the working directory has them', () => {
    mkdirSync(join(dir, 'config'), { recursive: true });
    writeFileSync(join(dir, 'config', 'alertmanager.yml'), 'route: {receiver: x}\nreceivers: [{name: x}]\n');
    process.chdir(dir);
    const flags = parseServeFlags([]);
    assert.equal(flags.notifierConfigFile, 'config/alertmanager.yml');
    assert.equal(flags.configFile, installPath('config', 'promlite.yml'), 'config/promlite.yml is still missing here');
  });

  it('keeps a given path as given, even when it does not exist (the server reports it)', () => {
    process.chdir(dir);
    const flags = parseServeFlags(['--config.file=nope.yml', '--notifier.config.file=/x/am.yml']);
    assert.equal(flags.configFile, 'nope.yml');
    assert.equal(flags.notifierConfigFile, '/x/am.yml');
  });

  it('parses booleans with --no- forms and numbers, and rejects unknown flags and bad numbers', () => {
    const flags = parseServeFlags(['--web.enable-lifecycle', '--no-web.enable-admin-api', '--query.max-samples=10']);
    assert.equal(flags.enableLifecycle, true);
    assert.equal(flags.enableAdminApi, false);
    assert.equal(flags.queryMaxSamples, 10);
    assert.throws(() => parseServeFlags(['--storage.tsdb.retension.time=1d']), UsageError);
    assert.throws(() => parseServeFlags(['--query.max-samples=-1']), /non-negative integer/);
  });

  it("accepts and lists the Prometheus flags it ignores, so a Prometheus command line starts promlite", () => {
    // The command of a typical docker-compose service for prom/prometheus.
    const flags = parseServeFlags([
      '--config.file=/etc/prometheus/prometheus.yml',
      '--storage.tsdb.path=/prometheus',
      '--web.console.libraries=/usr/share/prometheus/console_libraries',
      '--web.console.templates=/usr/share/prometheus/consoles',
      '--web.enable-lifecycle',
      '--enable-feature=exemplar-storage',
      '--enable-feature=memory-snapshot-on-shutdown',
      '--storage.tsdb.wal-compression',
      '--storage.tsdb.retention=30d',
    ]);
    assert.equal(flags.configFile, '/etc/prometheus/prometheus.yml');
    assert.equal(flags.enableLifecycle, true);
    assert.equal(flags.retentionTime, '30d', 'the deprecated --storage.tsdb.retention still sets the retention');
    assert.deepEqual(flags.ignoredFlags.sort(), ['enable-feature', 'storage.tsdb.wal-compression', 'web.console.libraries', 'web.console.templates']);
    assert.equal(parseServeFlags(['--storage.tsdb.retention=30d', '--storage.tsdb.retention.time=7d']).retentionTime, '7d');
    assert.deepEqual(parseServeFlags(['--web.route-prefix=/']).ignoredFlags, []);
    assert.throws(() => parseServeFlags(['--storage.agent.path=/x']), UsageError, 'agent mode is not a promlite mode');
  });

  it('defaults --web.route-prefix to the path of --web.external-url, as Prometheus 2.42 does', () => {
    // [args, route prefix]; the values /api/v1/status/flags of `prometheus` shows for them.
    const table: Array<[string[], string]> = [
      [[], '/'],
      [['--web.external-url=http://proxy.example/'], '/'],
      [['--web.external-url=http://proxy.example/prometheus/'], '/prometheus'],
      [['--web.external-url=http://proxy.example/a/b'], '/a/b'],
      [['--web.external-url=/prom/'], '/prom'],
      [['--web.route-prefix=/x'], '/x'],
      [['--web.route-prefix=x/'], '/x'],
      [['--web.route-prefix=/x', '--web.external-url=http://proxy.example/prometheus/'], '/x'],
      // A proxy that strips the external path: the routes stay at the root.
      [['--web.route-prefix=/', '--web.external-url=http://proxy.example/prometheus/'], '/'],
    ];
    for (const [args, prefix] of table) assert.equal(parseServeFlags(args).routePrefix, prefix, args.join(' '));
    assert.throws(() => parseServeFlags(['--web.external-url=http://[bad/']), /--web\.external-url/);
  });

  it('computes the external URL for links as Prometheus does: no trailing slash', () => {
    assert.equal(computeExternalURL('', 9090, 'host1'), 'http://host1:9090');
    assert.equal(computeExternalURL('http://proxy.example/prometheus/', 9090), 'http://proxy.example/prometheus');
    assert.equal(computeExternalURL('https://proxy.example/', 9090), 'https://proxy.example');
    assert.equal(computeExternalURL('/prom/', 9090), '/prom');
  });
});
