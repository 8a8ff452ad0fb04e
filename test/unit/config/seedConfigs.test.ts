/** The scrape configs of the five seed setups load, or fail with a clear message. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfigFile } from '../../../src/config/prometheusConfig.ts';

const DIR = join(import.meta.dirname, 'seeds');

const SEEDS: Array<{ file: string; jobs?: Record<string, number>; errorContains?: string }> = [
  {
    file: '000_saas_gateway.yml',
    jobs: { gateway: 10, 'usage-aggregator': 15, 'billing-engine': 30, 'dashboard-api': 15, postgres: 30, redis: 30, kafka: 30 },
  },
  { file: '001_cloudbill.yml', jobs: { 'api-gateway': 10, 'cloudbill-services': 15 } },
  { file: '002_festivals_k8s.yml', errorContains: '002_festivals_k8s.yml:6: kubernetes_sd_configs is not supported by promlite (line 6)' },
  { file: '002_festivals_servicemonitor.yml', jobs: { 'festivals-api': 30 } },
  { file: '003_ecommerce.yml', jobs: { 'ecommerce-api': 15 } },
  { file: '004_phase7.yml', jobs: { api: 10, worker: 15, postgres: 15, redis: 15, node: 15 } },
];

describe('seed scrape configs', () => {
  it('covers every seed fixture', () => {
    assert.deepEqual(readdirSync(DIR).filter((f) => f.endsWith('.yml')).sort(), SEEDS.map((s) => s.file).sort());
  });

  for (const seed of SEEDS) {
    it(seed.file, () => {
      if (seed.errorContains) {
        assert.throws(() => loadConfigFile(join(DIR, seed.file)), (e: unknown) => e instanceof ConfigError && e.message.includes(seed.errorContains!));
        return;
      }
      const cfg = loadConfigFile(join(DIR, seed.file));
      const intervals = Object.fromEntries(cfg.scrapeConfigs.map((s) => [s.jobName, s.scrapeIntervalMs / 1000]));
      assert.deepEqual(intervals, seed.jobs);
    });
  }

  it('004 carries its external labels and 003 its tenant retention', () => {
    assert.deepEqual(loadConfigFile(join(DIR, '004_phase7.yml')).global.externalLabels.toObject(), {
      cluster: 'analytics-prod',
      environment: 'production',
    });
    const [rule] = loadConfigFile(join(DIR, '003_ecommerce.yml')).storage.retentionRules;
    assert.equal(rule.retentionMs, 90 * 86_400_000);
    assert.deepEqual(rule.matchers.map(String), ['tenant_id!=""']);
  });
});
