import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diffScrapeConfigs } from '../../../src/config/configDiff.ts';
import { parsePrometheusConfig } from '../../../src/config/prometheusConfig.ts';

const jobs = (text: string) => parsePrometheusConfig(text).scrapeConfigs;

describe('diffScrapeConfigs', () => {
  const before = jobs(`
scrape_configs:
  - job_name: a
    static_configs: [{targets: ['a:1']}]
  - job_name: b
    relabel_configs: [{source_labels: [x], regex: 'y.*', action: drop}]
  - job_name: c
`);

  it('classifies added, removed, changed and unchanged jobs, ignoring positions in the file', () => {
    const after = jobs(`
# a comment shifts every line
scrape_configs:
  - job_name: d
  - job_name: b
    relabel_configs: [{source_labels: [x], regex: 'z.*', action: drop}]
  - job_name: a
    static_configs:
      - targets: ['a:1']
`);
    const d = diffScrapeConfigs(before, after);
    assert.deepEqual(d.added.map((j) => j.jobName), ['d']);
    assert.deepEqual(d.removed.map((j) => j.jobName), ['c']);
    assert.deepEqual(d.changed.map((c) => c.after.jobName), ['b']);
    assert.deepEqual(d.unchanged.map((j) => j.jobName), ['a']);
  });

  it('sees a change in a static target label or in a global default the job inherits', () => {
    const d1 = diffScrapeConfigs(before, jobs("scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['a:1'], labels: {x: y}}]\n"));
    assert.deepEqual(d1.changed.map((c) => c.after.jobName), ['a']);
    const d2 = diffScrapeConfigs(before, jobs("global: {scrape_interval: 30s}\nscrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['a:1']}]\n"));
    assert.deepEqual(d2.changed.map((c) => c.after.jobName), ['a']);
  });
});
