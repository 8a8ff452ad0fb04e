/** Property tests (fixed seed): the loader never crashes, durations round-trip. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { formatDuration, parseDuration } from '../../../src/config/duration.ts';
import { ConfigError, parsePrometheusConfig } from '../../../src/config/prometheusConfig.ts';

const SEED = 20261122;

function loadsOrConfigError(text: string): void {
  try {
    parsePrometheusConfig(text, 'fuzz.yml', '/nonexistent');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const i of e.issues) assert.ok(Number.isInteger(i.line) && i.line >= 0, `bad line in ${JSON.stringify(i)}`);
  }
}

const KEYS = ['global', 'scrape_configs', 'job_name', 'scrape_interval', 'scrape_timeout', 'static_configs', 'targets', 'labels', 'relabel_configs',
  'source_labels', 'regex', 'action', 'replacement', 'target_label', 'modulus', 'file_sd_configs', 'files', 'basic_auth', 'tls_config',
  'remote_write', 'url', 'alerting', 'alertmanagers', 'storage', 'retention_rules', 'selector', 'retention', 'external_labels', 'params', '<<'];
const VALUES = ['15s', '1m', 'x', '', '0', '-1', 'keep', 'hashmod', '(.*', 'a:1', 'http://h/x', '{a="b"}', 'true', '10MB', '[', null];

describe('config loader robustness', () => {
  it('throws only ConfigError on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), loadsOrConfigError), { seed: SEED, numRuns: 300 });
  });

  it('throws only ConfigError on random config-shaped documents', () => {
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(...VALUES),
        fc.integer({ min: -5, max: 100 }),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 5 }), (doc) => loadsOrConfigError(stringify(doc))),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('formatDuration and parseDuration round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (ms) => assert.equal(parseDuration(formatDuration(ms)), ms)),
      { seed: SEED, numRuns: 500 },
    );
  });
});
