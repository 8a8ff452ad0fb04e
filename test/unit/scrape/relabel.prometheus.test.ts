/**
 * Cross-check of discovery (static, file_sd JSON/YAML, http_sd) and the target-label pipeline
 * (defaults, relabel_configs, instance, dropped targets, scrape URL) against the real
 * Prometheus 2.42 (Debian package): both read the same config and must produce the same
 * target labels, discovered labels and scrape URLs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePrometheusConfig } from '../../../src/config/prometheusConfig.ts';
import type { TargetGroup } from '../../../src/config/targetGroup.ts';
import { DiscoveryManager, scrapeDiscoverySets } from '../../../src/scrape/discovery/manager.ts';
import { populateTargetLabels } from '../../../src/scrape/discovery/targetLabels.ts';
import { listenLocal, type LocalServer } from '../../support/httpSink.ts';
import { startPrometheusPeer, type PrometheusPeer } from '../../support/prometheusPeer.ts';
import { eventually } from '../../support/wait.ts';

// Targets point at closed ports on 127.0.0.1: only the labels matter, scrapes simply fail.
const config = (dir: string, sdUrl: string) => `
global:
  scrape_interval: 1m
scrape_configs:
  - job_name: relabel-check
    scrape_interval: 30s
    params:
      module: [http_2xx]
    static_configs:
      - targets: ['127.0.0.1:1', '127.0.0.1:2', 'localhost', 'Host-Upper:3', '127.0.0.1:4']
        labels:
          __meta_team_name: payments
          __meta_env: PROD
          tier: free
      - targets: ['127.0.0.1:5']
        labels:
          tier: paid
          drop_me: 'yes'
    relabel_configs:
      - source_labels: [__address__]
        modulus: 4
        target_label: __tmp_shard
        action: hashmod
      - source_labels: [__tmp_shard]
        target_label: shard
      - regex: '__meta_(team)_(.+)'
        replacement: '\${1}_\${2}'
        action: labelmap
      - source_labels: [__meta_env]
        target_label: env
        action: lowercase
      - source_labels: [__address__]
        regex: '([^:]+)(?::\\d+)?'
        target_label: host
        replacement: 'h-$1'
      - source_labels: [host]
        target_label: host_upper
        action: uppercase
      - source_labels: [drop_me]
        regex: 'yes'
        action: drop
      - source_labels: [__address__]
        regex: '127\\.0\\.0\\.1:4'
        target_label: __param_target
        replacement: 'probe-$0'
      - source_labels: [__address__]
        regex: '127\\.0\\.0\\.1:2'
        target_label: instance
        replacement: 'custom-instance'
      - source_labels: [tier]
        target_label: tier
        action: keepequal
  - job_name: scheme-https
    scheme: https
    metrics_path: /probe
    static_configs:
      - targets: ['example.internal']
    relabel_configs:
      - regex: 'job'
        action: labeldrop
  - job_name: file-sd
    file_sd_configs:
      - files: ['${dir}/targets/*.json', '${dir}/targets/*.yml']
    relabel_configs:
      - source_labels: [__meta_filepath]
        regex: '.*/([^/]+)'
        target_label: from_file
  - job_name: http-sd
    http_sd_configs:
      - url: '${sdUrl}'
    relabel_configs:
      - source_labels: [__meta_url]
        target_label: sd_url
`;

const TARGET_FILES: Record<string, string> = {
  'a.json': JSON.stringify([{ targets: ['127.0.0.1:11', '127.0.0.1:12'], labels: { env: 'json' } }, { targets: ['127.0.0.1:13'] }]),
  'b.yml': '- targets: [127.0.0.1:14]\n  labels:\n    env: yaml\n',
};
const HTTP_SD_BODY = JSON.stringify([{ targets: ['127.0.0.1:21'], labels: { team: 'x' } }]);
const EXPECTED_TARGETS = 7 + 4 + 1;

interface ApiTarget {
  labels: Record<string, string>;
  discoveredLabels: Record<string, string>;
  scrapeUrl?: string;
}

describe('target labels agree with Prometheus 2.42', () => {
  let prometheus: PrometheusPeer | undefined;
  let sdServer: LocalServer | undefined;
  let configText = '';

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promlite-relabel-'));
    mkdirSync(join(dir, 'targets'));
    for (const [name, text] of Object.entries(TARGET_FILES)) writeFileSync(join(dir, 'targets', name), text);
    sdServer = await listenLocal((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(HTTP_SD_BODY);
    });
    configText = config(dir, `${sdServer.url}/sd`);
    prometheus = await startPrometheusPeer({ config: configText, dir });
  });

  after(async () => {
    await prometheus?.stop();
    await sdServer?.close();
  });

  function prometheusTargets(): Promise<{ active: ApiTarget[]; dropped: ApiTarget[] }> {
    return eventually(
      async () => {
        const res = await fetch(`${prometheus!.url}/api/v1/targets?state=any`);
        const body = (await res.json()) as { data: { activeTargets: ApiTarget[]; droppedTargets: ApiTarget[] } };
        if (body.data.activeTargets.length + body.data.droppedTargets.length < EXPECTED_TARGETS) return undefined;
        return { active: body.data.activeTargets, dropped: body.data.droppedTargets };
      },
      'prometheus to report its targets',
      20_000,
      200,
    );
  }

  it('produces the same active and dropped targets', async () => {
    const ours = { active: [] as ApiTarget[], dropped: [] as Array<Record<string, string>> };
    const cfg = parsePrometheusConfig(configText);
    // promlite's own discovery finds the groups (static, file_sd, http_sd).
    const discovered = new Map<string, TargetGroup[]>();
    const manager = new DiscoveryManager({ onUpdate: (m) => m.forEach((groups, job) => discovered.set(job, groups)) });
    manager.applyConfig(scrapeDiscoverySets(cfg.scrapeConfigs));
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (discovered.get('file-sd')?.length !== 3 || discovered.get('http-sd')?.length !== 1)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    manager.stop();
    for (const sc of cfg.scrapeConfigs) {
      for (const g of discovered.get(sc.jobName) ?? []) {
        for (const t of g.targets) {
          const r = populateTargetLabels(g.labels, t, sc);
          if (r.kind === 'target') ours.active.push({ labels: r.target.labels.toObject(), discoveredLabels: r.target.discoveredLabels.toObject(), scrapeUrl: r.target.url });
          else if (r.kind === 'dropped') ours.dropped.push(r.discoveredLabels.toObject());
          else assert.fail(r.error);
        }
      }
    }
    const theirs = await prometheusTargets();
    const key = (t: ApiTarget) => JSON.stringify(t.discoveredLabels);
    const sortT = (ts: ApiTarget[]) => [...ts].sort((a, b) => key(a).localeCompare(key(b)));
    assert.deepEqual(
      sortT(ours.active),
      sortT(theirs.active.map((t) => ({ labels: t.labels, discoveredLabels: t.discoveredLabels, scrapeUrl: t.scrapeUrl }))),
    );
    const sortD = (ds: Array<Record<string, string>>) => ds.map((d) => JSON.stringify(d)).sort();
    assert.deepEqual(sortD(ours.dropped), sortD(theirs.dropped.map((t) => t.discoveredLabels)));
  });
});
