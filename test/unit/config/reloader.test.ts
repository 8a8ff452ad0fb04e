import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { ManualClock } from '../../../src/clock.ts';
import type { PrometheusConfig } from '../../../src/config/prometheusConfig.ts';
import { ConfigReloader, registerReloadMetrics } from '../../../src/config/reloader.ts';

const dir = mkdtempSync(join(tmpdir(), 'promlite-reload-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const GOOD_1 = 'scrape_configs:\n  - job_name: a\n';
const GOOD_2 = 'scrape_configs:\n  - job_name: a\n  - job_name: b\n';
const BAD = 'scrape_configs:\n  - job_name: a\n    scrape_intervall: 1s\n';

function setup() {
  const file = join(dir, `p${Math.random()}.yml`);
  writeFileSync(file, GOOD_1);
  const applied: string[][] = [];
  const clock = new ManualClock(1_000_000);
  const reloader = new ConfigReloader({
    file,
    clock,
    appliers: [{ name: 'scrape', apply: (c: PrometheusConfig) => void applied.push(c.scrapeConfigs.map((s) => s.jobName)) }],
  });
  return { file, applied, reloader, clock };
}

describe('ConfigReloader', () => {
  it('applies a good config, rejects a bad one and keeps the old, recovers after a fix', async () => {
    const { file, applied, reloader, clock } = setup();
    const registry = new Registry();
    registerReloadMetrics(registry, reloader);

    assert.equal((await reloader.reload()).ok, true);
    assert.deepEqual(applied, [['a']]);
    assert.equal(reloader.lastReloadSuccessMs, 1_000_000);

    writeFileSync(file, BAD);
    clock.advance(5000);
    const r = await reloader.reload();
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, new RegExp(`${file.replace(/[.]/g, '\\.')}:3: field scrape_intervall not found`));
    assert.deepEqual(applied, [['a']], 'the bad config reached no module');
    assert.deepEqual(reloader.current?.scrapeConfigs.map((s) => s.jobName), ['a']);
    assert.match(await registry.metrics(), /^promlite_config_last_reload_successful 0$/m);
    assert.match(await registry.metrics(), /^promlite_config_last_reload_success_timestamp_seconds 1000$/m);

    writeFileSync(file, GOOD_2);
    assert.equal((await reloader.reload()).ok, true);
    assert.deepEqual(applied, [['a'], ['a', 'b']]);
    assert.match(await registry.metrics(), /^promlite_config_last_reload_successful 1$/m);
  });

  it('marks the reload failed when a module rejects the config', async () => {
    const file = join(dir, 'rules-fail.yml');
    writeFileSync(file, GOOD_1);
    const reloader = new ConfigReloader({
      file,
      appliers: [{ name: 'rules', apply: () => Promise.reject(new Error('bad rule file x.yml')) }],
    });
    const r = await reloader.reload();
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /rules: bad rule file x\.yml/);
    assert.equal(reloader.lastReloadSuccessful, false);
  });

  it('reloads on SIGHUP', async () => {
    const { file, applied, reloader } = setup();
    await reloader.reload();
    writeFileSync(file, GOOD_2);
    const remove = reloader.installSighupHandler();
    try {
      process.kill(process.pid, 'SIGHUP');
      const deadline = Date.now() + 2000;
      while (applied.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(applied, [['a'], ['a', 'b']]);
    } finally {
      remove();
    }
  });

  it('never runs two reloads at once', async () => {
    const file = join(dir, 'serial.yml');
    writeFileSync(file, GOOD_1);
    let running = 0;
    let maxRunning = 0;
    const reloader = new ConfigReloader({
      file,
      appliers: [
        {
          name: 'slow',
          apply: async () => {
            running++;
            maxRunning = Math.max(maxRunning, running);
            await new Promise((r) => setTimeout(r, 20));
            running--;
          },
        },
      ],
    });
    const results = await Promise.all([reloader.reload(), reloader.reload(), reloader.reload()]);
    assert.deepEqual(results.map((r) => r.ok), [true, true, true]);
    assert.equal(maxRunning, 1);
  });
});
