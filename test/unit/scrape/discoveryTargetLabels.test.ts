import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrometheusConfig } from '../../../src/config/prometheusConfig.ts';
import { populateTargetLabels, targetsFromGroup } from '../../../src/scrape/discovery/targetLabels.ts';
import { Labels } from '../../../src/storage/labels.ts';

const job = (extra = '') =>
  parsePrometheusConfig(`scrape_configs:\n  - job_name: j\n    scrape_interval: 30s\n    scrape_timeout: 5s\n${extra}`).scrapeConfigs[0];
const T = (o: Record<string, string>) => Labels.fromObject(o);

describe('populateTargetLabels', () => {
  it('adds job defaults, defaults instance to the address, hides __ labels from the public set', () => {
    const r = populateTargetLabels(T({ team: 'a', __meta_x: 'm' }), T({ __address__: 'h:9100' }), job());
    assert.equal(r.kind, 'target');
    if (r.kind !== 'target') return;
    assert.deepEqual(r.target.labels.toObject(), { instance: 'h:9100', job: 'j', team: 'a' });
    assert.deepEqual(r.target.scrapeLabels.toObject(), {
      __address__: 'h:9100',
      __metrics_path__: '/metrics',
      __scheme__: 'http',
      __scrape_interval__: '30s',
      __scrape_timeout__: '5s',
      instance: 'h:9100',
      job: 'j',
      team: 'a',
    });
    assert.equal(r.target.discoveredLabels.get('__meta_x'), 'm');
    assert.equal(r.target.intervalMs, 30_000);
    assert.equal(r.target.timeoutMs, 5_000);
    assert.equal(r.target.url, 'http://h:9100/metrics');
  });

  it('lets a target label win over its group label', () => {
    const [r] = targetsFromGroup({ source: '0', labels: T({ env: 'group' }), targets: [T({ __address__: 'h:1', env: 'own' })] }, job());
    assert.ok(r.kind === 'target');
    assert.equal(r.target.labels.get('env'), 'own');
  });

  it('drops __tmp_ labels and lets relabeling set the interval per target', () => {
    const sc = job(
      "    relabel_configs:\n      - target_label: __tmp_x\n        replacement: t\n      - target_label: __scrape_interval__\n        replacement: 1m\n",
    );
    const r = populateTargetLabels(Labels.EMPTY, T({ __address__: 'h:1' }), sc);
    assert.ok(r.kind === 'target');
    assert.equal(r.target.scrapeLabels.has('__tmp_x'), false);
    assert.equal(r.target.intervalMs, 60_000);
  });

  it('reports targets dropped by relabeling with their discovered labels', () => {
    const sc = job("    relabel_configs:\n      - source_labels: [__address__]\n        regex: 'h:.*'\n        action: drop\n");
    const r = populateTargetLabels(Labels.EMPTY, T({ __address__: 'h:1' }), sc);
    assert.equal(r.kind, 'dropped');
    assert.equal(r.kind === 'dropped' && r.discoveredLabels.get('job'), 'j');
  });

  const errors: Array<[string, Record<string, string>, RegExp]> = [
    ['missing address', { other: 'x' }, /^no address$/],
    ['address with a path', { __address__: 'h:1/x' }, /is not a valid hostname/],
    ['bad interval label', { __address__: 'h:1', __scrape_interval__: 'soon' }, /error parsing scrape interval: not a valid duration string/],
    ['zero timeout', { __address__: 'h:1', __scrape_timeout__: '0s' }, /scrape timeout cannot be 0/],
    ['timeout above interval', { __address__: 'h:1', __scrape_timeout__: '1m' }, /scrape timeout cannot be greater than scrape interval \("1m" > "30s"\)/],
  ];
  for (const [name, target, re] of errors) {
    it(`fails a target with ${name}`, () => {
      const r = populateTargetLabels(Labels.EMPTY, T(target), job());
      assert.equal(r.kind, 'error');
      assert.match(r.kind === 'error' ? r.error : '', re);
    });
  }

  it('adds the scheme default port and builds the URL with params', () => {
    const sc = job("    scheme: https\n    metrics_path: /probe path\n    params:\n      module: [a b]\n      x: ['1', '2']\n");
    const r = populateTargetLabels(Labels.EMPTY, T({ __address__: '[::1]', __param_x: 'override' }), sc);
    assert.ok(r.kind === 'target');
    assert.equal(r.target.labels.get('instance'), '[::1]:443');
    // As in Prometheus, config params overwrite discovered __param_ labels (relabeling can change them after).
    assert.equal(r.target.url, 'https://[::1]:443/probe%20path?module=a+b&x=1&x=2');
  });
});

describe('alertmanagerTargetsFromGroup', async () => {
  const { alertmanagerTargetsFromGroup } = await import('../../../src/scrape/discovery/alertmanagerTargets.ts');
  it('builds the v2 alerts URL with path_prefix and default port, honouring relabel_configs', () => {
    const cfg = parsePrometheusConfig(`
alerting:
  alertmanagers:
    - path_prefix: /am/
      static_configs:
        - targets: ['am-1:9093', 'am-2', 'skip:9093']
      relabel_configs:
        - source_labels: [__address__]
          regex: 'skip:.*'
          action: drop
`);
    const am = cfg.alerting.alertmanagers[0];
    const sd = am.serviceDiscovery[0];
    assert.ok(sd.kind === 'static');
    const r = alertmanagerTargetsFromGroup(sd.groups[0], am);
    assert.deepEqual(r.active.map((t) => t.url), ['http://am-1:9093/am/api/v2/alerts', 'http://am-2:80/am/api/v2/alerts']);
    assert.equal(r.dropped.length, 1);
  });
});
