import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UsageError, parseServeFlags } from '../../../src/cli/serveFlags.ts';
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
    assert.throws(() => parseServeFlags(['--web.route-prefix=/prometheus']), /path prefix is not supported/);
    assert.throws(() => parseServeFlags(['--storage.agent.path=/x']), UsageError, 'agent mode is not a promlite mode');
  });
});
