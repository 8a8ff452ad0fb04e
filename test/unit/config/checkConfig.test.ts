import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkConfigCommand } from '../../../src/config/checkConfig.ts';

const DIR = join(import.meta.dirname, 'testdata');

async function check(files: string[], checkRuleFile?: (p: string) => Promise<number>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await checkConfigCommand(files, { stdout: (s) => out.push(s), stderr: (s) => err.push(s), checkRuleFile });
  return { code, out, err };
}

describe('checkConfigCommand', () => {
  it('prints like promtool for a valid file and checks its rule files', async () => {
    const file = join(DIR, 'full.good.yml');
    const checked: string[] = [];
    const r = await check([file], async (p) => {
      checked.push(p);
      return 0;
    });
    assert.equal(r.code, 0);
    assert.deepEqual(r.err, []);
    assert.deepEqual(r.out.slice(0, 1), [`Checking ${file}`]);
    assert.ok(r.out.includes('  SUCCESS: 2 rule files found'));
    assert.ok(r.out.includes(`  WARNING: file ${JSON.stringify(join(DIR, 'targets/*.json'))} for file_sd in scrape job "api" does not exist`));
    assert.ok(r.out.includes(` SUCCESS: ${file} is valid prometheus config file syntax`));
    assert.deepEqual(checked, [join(DIR, 'rules/empty.yml'), join(DIR, 'alerts.yml')]);
    assert.ok(r.out.includes('  SUCCESS: 0 rules found'));
  });

  it('fails with every file:line problem and exit code 1', async () => {
    const bad = join(DIR, 'unknown_key.bad.yml');
    const good = join(DIR, 'defaults.good.yml');
    const r = await check([bad, good]);
    assert.equal(r.code, 1);
    assert.deepEqual(r.err, [`  FAILED: ${bad}:5: field scrape_intervall not found in type config.ScrapeConfig (did you mean scrape_interval?)`]);
    assert.ok(r.out.includes(` SUCCESS: ${good} is valid prometheus config file syntax`));
  });

  it('fails when a named secret file or a non-glob rule file does not exist', async () => {
    const r1 = await check([join(DIR, 'tls_cert_without_key.bad.yml')]);
    assert.equal(r1.code, 1);
    const r2 = await check([join(DIR, '../seeds/004_phase7.yml')]);
    assert.equal(r2.code, 1);
    assert.match(r2.err.join('\n'), /alert_rules\.yml" does not point to an existing file/);
  });

  it('--syntax-only skips file existence checks', async () => {
    const out: string[] = [];
    const file = join(DIR, '../seeds/004_phase7.yml');
    assert.equal(await checkConfigCommand([file], { stdout: (s) => out.push(s), stderr: (s) => out.push(s), syntaxOnly: true }), 0);
    assert.ok(out.includes(` SUCCESS: ${file} is valid prometheus config file syntax`));
  });

  it('reports a rule file problem from the rules checker', async () => {
    const r = await check([join(DIR, 'full.good.yml')], async () => {
      throw new Error('1:1: bad rule');
    });
    assert.equal(r.code, 1);
    assert.deepEqual(r.err, ['  FAILED: 1:1: bad rule', '  FAILED: 1:1: bad rule']);
  });
});
