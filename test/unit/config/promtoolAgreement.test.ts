/**
 * `promtool check config` (Prometheus 2.42, Debian) must reach the same verdict as promlite on
 * every fixture, except the documented differences below.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, loadConfigFile } from '../../../src/config/prometheusConfig.ts';
import { requireBinary } from '../../support/tools.ts';

const DIR = join(import.meta.dirname, 'testdata');

/** Fixtures where promlite deliberately differs from promtool 2.42, and why. */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'bad_scheme.bad.yml': 'Prometheus only fails at scrape time on an unknown scheme; promlite rejects it at load',
  'proxy_url.bad.yml': 'promlite does not implement scrape proxies and says so instead of ignoring the key',
  'retention_rules.good.yml': 'storage.retention_rules is a promlite extension',
  'scrape_config_files.good.yml': 'scrape_config_files arrived in Prometheus 2.43',
};

async function promtoolAccepts(file: string): Promise<boolean> {
  try {
    await promisify(execFile)('promtool', ['check', 'config', file], { cwd: DIR });
    return true;
  } catch {
    return false;
  }
}

function promliteAccepts(file: string): boolean {
  try {
    loadConfigFile(join(DIR, file));
    return true;
  } catch (e) {
    if (e instanceof ConfigError) return false;
    throw e;
  }
}

describe('promtool check config agrees', () => {
  const files = readdirSync(DIR).filter((f) => /\.(good|bad)\.yml$/.test(f)).sort();
  it('on every fixture', async () => {
    requireBinary('promtool');
    // A few promtool processes at a time: the machine is shared.
    const verdicts: Array<{ f: string; promtool: boolean; promlite: boolean }> = [];
    for (let i = 0; i < files.length; i += 4) {
      const batch = files.slice(i, i + 4);
      verdicts.push(...(await Promise.all(batch.map(async (f) => ({ f, promtool: await promtoolAccepts(f), promlite: promliteAccepts(f) })))));
    }
    const disagreements = verdicts.filter((v) => v.promtool !== v.promlite).map((v) => v.f);
    assert.deepEqual(disagreements, Object.keys(KNOWN_DIFFERENCES).sort());
    for (const v of verdicts) assert.equal(v.promlite, v.f.endsWith('.good.yml'), v.f);
  });
});
