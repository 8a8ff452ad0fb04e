import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, EMBEDDED_CONFIG_FILE, loadConfigFile, parsePrometheusConfig } from '../../../src/config/prometheusConfig.ts';

const DIR = join(import.meta.dirname, 'testdata');

/** Each bad fixture with the text its error must contain (file:line: message). */
export const BAD_CONFIGS: Array<{ file: string; errorContains: string }> = [
  { file: 'unknown_key.bad.yml', errorContains: 'unknown_key.bad.yml:5: field scrape_intervall not found in type config.ScrapeConfig (did you mean scrape_interval?)' },
  { file: 'unknown_top_key.bad.yml', errorContains: 'unknown_top_key.bad.yml:3: field scrape_config not found in type config.Config (did you mean scrape_configs?)' },
  { file: 'unknown_global_key.bad.yml', errorContains: 'unknown_global_key.bad.yml:3: field retention not found in type config.GlobalConfig' },
  { file: 'bad_duration.bad.yml', errorContains: 'bad_duration.bad.yml:5: invalid value for scrape_interval: not a valid duration string: "15 s"' },
  { file: 'bad_duration_order.bad.yml', errorContains: 'bad_duration_order.bad.yml:2: invalid value for evaluation_interval: not a valid duration string: "1s1m"' },
  { file: 'duplicate_job.bad.yml', errorContains: 'duplicate_job.bad.yml:5: found multiple scrape configs with job name "api" (first at line 2)' },
  { file: 'timeout_gt_interval.bad.yml', errorContains: 'timeout_gt_interval.bad.yml:4: scrape timeout greater than scrape interval for scrape config with job name "api"' },
  { file: 'global_timeout_gt_interval.bad.yml', errorContains: 'global_timeout_gt_interval.bad.yml:3: global scrape timeout greater than scrape interval' },
  { file: 'bad_regex.bad.yml', errorContains: 'bad_regex.bad.yml:5: invalid value for regex: invalid regular expression "(api|web": error parsing regexp: missing closing )' },
  { file: 'bad_label_name.bad.yml', errorContains: 'bad_label_name.bad.yml:6: "0tier" is not a valid label name' },
  { file: 'bad_external_label.bad.yml', errorContains: 'bad_external_label.bad.yml:4: "my-env" is not a valid label name' },
  { file: 'bad_source_label.bad.yml', errorContains: 'bad_source_label.bad.yml:4: "bad-name" is not a valid label name' },
  { file: 'kubernetes_sd.bad.yml', errorContains: 'kubernetes_sd.bad.yml:3: kubernetes_sd_configs is not supported by promlite (line 3)' },
  { file: 'consul_sd.bad.yml', errorContains: 'consul_sd.bad.yml:3: consul_sd_configs is not supported by promlite (line 3)' },
  { file: 'target_with_path.bad.yml', errorContains: 'target_with_path.bad.yml:4: "http://api:8080/metrics" is not a valid hostname' },
  { file: 'hashmod_no_modulus.bad.yml', errorContains: 'hashmod_no_modulus.bad.yml:4: relabel configuration for hashmod requires non-zero modulus' },
  { file: 'labeldrop_extra_field.bad.yml', errorContains: "labeldrop_extra_field.bad.yml:4: labeldrop action requires only 'regex', and no other fields" },
  { file: 'unknown_action.bad.yml', errorContains: 'unknown_action.bad.yml:5: unknown relabel action "rename"' },
  { file: 'bad_target_label.bad.yml', errorContains: `bad_target_label.bad.yml:5: "1abc" is invalid 'target_label' for replace action` },
  { file: 'keepequal_with_regex.bad.yml', errorContains: 'keepequal_with_regex.bad.yml:4: keepequal action requires only' },
  { file: 'lowercase_with_replacement.bad.yml', errorContains: "lowercase_with_replacement.bad.yml:6: 'replacement' can not be set for lowercase action" },
  { file: 'empty_job_name.bad.yml', errorContains: 'empty_job_name.bad.yml:2: job_name is empty' },
  { file: 'bad_scheme.bad.yml', errorContains: `bad_scheme.bad.yml:3: invalid value for scheme: must be 'http' or 'https', got "ftp"` },
  { file: 'basic_auth_password_and_file.bad.yml', errorContains: 'basic_auth_password_and_file.bad.yml:6: at most one of basic_auth password & password_file must be configured' },
  { file: 'bearer_and_authorization.bad.yml', errorContains: 'bearer_and_authorization.bad.yml:5: authorization is not compatible with bearer_token & bearer_token_file' },
  { file: 'file_sd_bad_extension.bad.yml', errorContains: 'file_sd_bad_extension.bad.yml:4: path name "targets/*.txt" is not valid for file discovery' },
  { file: 'http_sd_missing_url.bad.yml', errorContains: 'http_sd_missing_url.bad.yml:4: URL is missing' },
  { file: 'remote_write_no_url.bad.yml', errorContains: 'remote_write_no_url.bad.yml:2: url for remote_write is empty' },
  { file: 'remote_write_reserved_header.bad.yml', errorContains: 'remote_write_reserved_header.bad.yml:5: Authorization is a reserved header' },
  { file: 'bad_body_size_limit.bad.yml', errorContains: 'bad_body_size_limit.bad.yml:3: invalid value for body_size_limit' },
  { file: 'negative_sample_limit.bad.yml', errorContains: 'negative_sample_limit.bad.yml:3: invalid value for sample_limit: must be at least 0, got -5' },
  { file: 'yaml_syntax.bad.yml', errorContains: 'yaml_syntax.bad.yml:5: YAML syntax error' },
  { file: 'duplicate_key.bad.yml', errorContains: 'duplicate_key.bad.yml:3: YAML syntax error: Map keys must be unique' },
  { file: 'scrape_configs_not_list.bad.yml', errorContains: 'scrape_configs_not_list.bad.yml:1: scrape_configs: expected a list, got the string "api"' },
  { file: 'bad_api_version.bad.yml', errorContains: 'bad_api_version.bad.yml:3: expected Alertmanager api version to be one of [v1 v2] but got "v3"' },
  { file: 'proxy_url.bad.yml', errorContains: 'proxy_url.bad.yml:3: proxy_url is not supported by promlite (line 3)' },
  { file: 'rule_file_glob_dir.bad.yml', errorContains: `rule_file_glob_dir.bad.yml:2: invalid rule file path "rules/*/alerts.yml"` },
  { file: 'tls_cert_without_key.bad.yml', errorContains: 'tls_cert_without_key.bad.yml:4: exactly one of key_file or cert_file is set' },
  { file: 'bad_retention_selector.bad.yml', errorContains: 'bad_retention_selector.bad.yml:3: invalid selector "{tier=free}" at column 7: expected a quoted string' },
  { file: 'oauth2_missing_token_url.bad.yml', errorContains: 'oauth2_missing_token_url.bad.yml:3: oauth2 token_url must be configured' },
  { file: 'oauth2_and_basic_auth.bad.yml', errorContains: 'oauth2_and_basic_auth.bad.yml:5: at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured' },
  { file: 'honor_labels_not_bool.bad.yml', errorContains: 'honor_labels_not_bool.bad.yml:3: invalid value for honor_labels: expected true or false, got the string "maybe"' },
];

describe('config fixtures', () => {
  it('every *.bad.yml has a table row and vice versa', () => {
    const bad = readdirSync(DIR).filter((f) => f.endsWith('.bad.yml')).sort();
    assert.deepEqual(bad, BAD_CONFIGS.map((c) => c.file).sort());
  });

  for (const { file, errorContains } of BAD_CONFIGS) {
    it(`rejects ${file}`, () => {
      assert.throws(
        () => loadConfigFile(join(DIR, file)),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
          assert.ok(e.message.includes(errorContains), `message:\n${e.message}\nshould contain:\n${errorContains}`);
          return true;
        },
      );
    });
  }

  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.good.yml'))) {
    it(`accepts ${file}`, () => {
      loadConfigFile(join(DIR, file));
    });
  }
});

describe('loaded values', () => {
  it('applies Prometheus defaults', () => {
    const cfg = loadConfigFile(join(DIR, 'defaults.good.yml'));
    assert.equal(cfg.global.scrapeIntervalMs, 60_000);
    assert.equal(cfg.global.scrapeTimeoutMs, 10_000);
    assert.equal(cfg.global.evaluationIntervalMs, 60_000);
    const [api] = cfg.scrapeConfigs;
    assert.equal(api.jobName, 'api');
    assert.equal(api.scrapeIntervalMs, 60_000);
    assert.equal(api.scrapeTimeoutMs, 10_000);
    assert.equal(api.metricsPath, '/metrics');
    assert.equal(api.scheme, 'http');
    assert.equal(api.honorLabels, false);
    assert.equal(api.honorTimestamps, true);
    assert.equal(api.sampleLimit, 0);
    assert.equal(api.bodySizeLimitBytes, 0);
    assert.deepEqual(api.serviceDiscovery.map((s) => s.kind), ['static']);
  });

  it('reads every field of full.good.yml', () => {
    const cfg = loadConfigFile(join(DIR, 'full.good.yml'));
    assert.equal(cfg.global.scrapeIntervalMs, 15_000);
    assert.equal(cfg.global.scrapeTimeoutMs, 5_000);
    assert.deepEqual(cfg.global.externalLabels.toObject(), { cluster: 'eu1', environment: 'production' });
    assert.ok(cfg.warnings.some((w) => w.message.includes('query_log_file') && w.line === 8));
    assert.deepEqual(cfg.ruleFiles, [join(DIR, 'rules/*.yml'), join(DIR, 'alerts.yml')]);

    const [api, legacy] = cfg.scrapeConfigs;
    assert.equal(api.scrapeIntervalMs, 10_000);
    assert.equal(api.scrapeTimeoutMs, 10_000);
    assert.equal(api.scheme, 'https');
    assert.deepEqual(api.params, { format: ['prometheus'], module: ['a', 'b'] });
    assert.equal(api.honorLabels, true);
    assert.equal(api.honorTimestamps, false);
    assert.deepEqual(api.http.authorization, { type: 'Bearer', credentials: 'token123', credentialsFile: undefined });
    assert.equal(api.http.tls.caFile, join(DIR, 'secrets/ca.pem'));
    assert.equal(api.http.tls.insecureSkipVerify, true);
    assert.equal(api.http.tls.serverName, 'api.internal');
    assert.equal(api.http.followRedirects, false);
    assert.equal(api.bodySizeLimitBytes, 10 * 1024 * 1024);
    assert.equal(api.sampleLimit, 10000);
    assert.equal(api.labelLimit, 30);
    assert.equal(api.labelNameLengthLimit, 200);
    assert.equal(api.labelValueLengthLimit, 500);
    assert.equal(api.targetLimit, 100);
    assert.deepEqual(api.serviceDiscovery.map((s) => s.kind), ['static', 'file', 'http', 'dns', 'dns']);
    const st = api.serviceDiscovery[0];
    assert.ok(st.kind === 'static');
    assert.deepEqual(st.groups.map((g) => [g.source, g.targets.map((t) => t.get('__address__')), g.labels.toObject()]), [
      ['0', ['api-1:8443', 'api-2:8443'], { tier: 'free' }],
      ['1', ['api-3:8443'], {}],
    ]);
    const file = api.serviceDiscovery[1];
    assert.ok(file.kind === 'file');
    assert.deepEqual(file.files, [join(DIR, 'targets/*.json'), join(DIR, 'targets/*.yml')]);
    assert.equal(file.refreshIntervalMs, 60_000);
    const http = api.serviceDiscovery[2];
    assert.ok(http.kind === 'http');
    assert.equal(http.http.basicAuth?.passwordFile, join(DIR, 'secrets/sd-password'));
    assert.deepEqual(api.relabelConfigs.map((r) => r.action), ['replace', 'hashmod', 'keep', 'labelmap', 'uppercase', 'lowercase', 'keepequal', 'dropequal']);
    assert.deepEqual(api.metricRelabelConfigs.map((r) => r.action), ['drop', 'labeldrop', 'labelkeep']);
    assert.deepEqual(legacy.http.authorization, { type: 'Bearer', credentials: undefined, credentialsFile: join(DIR, 'secrets/token') });

    const [am] = cfg.alerting.alertmanagers;
    assert.equal(am.pathPrefix, '/am');
    assert.equal(am.timeoutMs, 5000);
    assert.equal(am.apiVersion, 'v2');
    assert.equal(cfg.alerting.alertRelabelConfigs[0].action, 'labeldrop');

    const [rw] = cfg.remoteWrite;
    assert.equal(rw.url, 'http://mimir:9009/api/v1/push');
    assert.equal(rw.remoteTimeoutMs, 10_000);
    assert.deepEqual(rw.headers, { 'X-Scope-OrgID': 'tenant-1' });
    assert.equal(rw.queue.capacity, 10000);
    assert.equal(rw.queue.minBackoffMs, 30);
    assert.equal(rw.metadata.sendIntervalMs, 60_000);
    assert.equal(cfg.remoteRead[0].readRecent, true);
    assert.deepEqual(cfg.remoteRead[0].requiredMatchers, { env: 'prod' });
    assert.equal(cfg.storage.outOfOrderTimeWindowMs, 30 * 60_000);
  });

  it('merges YAML anchors like yaml.v2', () => {
    const cfg = loadConfigFile(join(DIR, 'anchors.good.yml'));
    assert.deepEqual(cfg.scrapeConfigs.map((s) => [s.jobName, s.scrapeIntervalMs]), [['node', 30_000], ['node-2', 30_000]]);
    const sd = cfg.scrapeConfigs[1].serviceDiscovery[0];
    assert.ok(sd.kind === 'static');
    assert.equal(sd.groups[0].targets[0].get('__address__'), 'node2:9100');
  });

  it('reads per-selector retention rules', () => {
    const cfg = loadConfigFile(join(DIR, 'retention_rules.good.yml'));
    const [free, debug] = cfg.storage.retentionRules;
    assert.equal(free.retentionMs, 7 * 86_400_000);
    assert.deepEqual(free.matchers.map(String), ['tier="free"']);
    assert.equal(debug.retentionMs, 86_400_000);
    assert.deepEqual(debug.matchers.map(String), ['__name__="debug_requests_total"', 'env=~"dev|staging"']);
  });

  it('reads scrape_config_files with the global defaults; errors name the included file', () => {
    const cfg = loadConfigFile(join(DIR, 'scrape_config_files.good.yml'));
    assert.deepEqual(cfg.scrapeConfigs.map((s) => [s.jobName, s.scrapeIntervalMs]), [['main', 20_000], ['node', 20_000], ['redis', 60_000]]);
    const dir = mkdtempSync(join(tmpdir(), 'promlite-scf-'));
    try {
      writeFileSync(join(dir, 'jobs.yml'), 'scrape_configs:\n  - job_name: main\n  - job_name: x\n    bogus: 1\n');
      const main = 'scrape_config_files: ["' + join(dir, '*.yml') + '"]\nscrape_configs:\n  - job_name: main\n';
      assert.throws(
        () => parsePrometheusConfig(main, 'main.yml', dir),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.message.includes(`${join(dir, 'jobs.yml')}:2: found multiple scrape configs with job name "main"`) &&
          e.message.includes(`${join(dir, 'jobs.yml')}:4: field bogus not found in type config.ScrapeConfig`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('treats a 0 interval or timeout as unset, as Prometheus does', () => {
    const cfg = parsePrometheusConfig('global:\n  scrape_interval: 0s\nscrape_configs:\n  - job_name: a\n    scrape_timeout: 0s\n');
    assert.equal(cfg.global.scrapeIntervalMs, 60_000);
    assert.equal(cfg.scrapeConfigs[0].scrapeTimeoutMs, 10_000);
  });

  it('caps an unset job timeout at the job interval', () => {
    const cfg = parsePrometheusConfig('scrape_configs:\n  - job_name: fast\n    scrape_interval: 5s\n');
    assert.equal(cfg.scrapeConfigs[0].scrapeTimeoutMs, 5_000);
  });

  it('reports every problem of a file at once, in line order', () => {
    const text = 'global:\n  scrape_interval: 1x\nscrape_configs:\n  - job_name: a\n    bogus: 1\n  - job_name: b\n    scheme: gopher\n';
    assert.throws(
      () => parsePrometheusConfig(text, 'p.yml'),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.deepEqual(e.issues.map((i) => i.line), [2, 5, 7]);
        assert.match(e.message, /^p\.yml:2: invalid value for scrape_interval/);
        return true;
      },
    );
  });

  it('a missing file is a ConfigError, not a crash', () => {
    assert.throws(() => loadConfigFile(join(DIR, 'nope.yml')), (e: unknown) => e instanceof ConfigError && /cannot read config file/.test(e.message));
  });

  it('loads the embedded default config', () => {
    assert.equal(EMBEDDED_CONFIG_FILE, join(import.meta.dirname, '../../../config/promlite.yml'));
    const cfg = loadConfigFile(EMBEDDED_CONFIG_FILE);
    assert.equal(cfg.global.scrapeIntervalMs, 15_000);
    assert.equal(cfg.scrapeConfigs.length, 1);
    const sd = cfg.scrapeConfigs[0].serviceDiscovery[0];
    assert.ok(sd.kind === 'static');
    assert.equal(cfg.scrapeConfigs[0].jobName, 'promlite');
    assert.equal(sd.groups[0].targets[0].get('__address__'), 'localhost:9090');
  });
});
