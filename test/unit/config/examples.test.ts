/** config/examples/*: every seed setup written for promlite loads and passes `check config`. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkConfigCommand } from '../../../src/config/checkConfig.ts';
import { loadConfigFile } from '../../../src/config/prometheusConfig.ts';
import { readTargetFile } from '../../../src/scrape/discovery/fileProvider.ts';
import { targetsFromGroup } from '../../../src/scrape/discovery/targetLabels.ts';
import { expandGlob } from '../../../src/config/glob.ts';

const DIR = join(import.meta.dirname, '../../../config/examples');

describe('config/examples', () => {
  const dirs = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

  it('has one example per seed', () => {
    assert.deepEqual(dirs.map((d) => d.slice(0, 3)).sort(), ['000', '001', '002', '003', '004']);
  });

  for (const d of dirs) {
    it(`${d} passes check config`, async () => {
      const lines: string[] = [];
      const code = await checkConfigCommand([join(DIR, d, 'prometheus.yml')], { stdout: (s) => lines.push(s), stderr: (s) => lines.push(s) });
      assert.equal(code, 0, lines.join('\n'));
    });
  }

  it('002 finds its pods through file_sd and keeps only app=festivals-api', () => {
    const cfg = loadConfigFile(join(DIR, '002-festivals/prometheus.yml'));
    const [job] = cfg.scrapeConfigs;
    const sd = job.serviceDiscovery[0];
    assert.ok(sd.kind === 'file');
    const groups = sd.files.flatMap((p) => expandGlob(p)).flatMap((f) => readTargetFile(f));
    const results = groups.flatMap((g) => targetsFromGroup(g, job));
    assert.deepEqual(
      results.map((r) => (r.kind === 'target' ? r.target.url : r.kind)),
      ['http://festivals-api-0.festivals.svc:9090/metrics', 'http://festivals-api-1.festivals.svc:9090/metrics'],
    );
  });
});
