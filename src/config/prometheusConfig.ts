/**
 * prometheus.yml: the typed config and its loader. Strict like Prometheus: unknown keys and
 * invalid values are errors, each `file:line: message`; all problems of a file are reported at
 * once in one ConfigError. Durations are milliseconds; relative paths are resolved against the
 * config file's directory.
 */
import { installPath } from '../installPaths.ts';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { EMPTY_ALERTING, readAlertingConfig, type AlertingConfig } from './alertingConfig.ts';
import { DEFAULT_GLOBAL, readGlobalConfig, type GlobalConfig } from './globalConfig.ts';
import type { Node } from 'yaml';
import { expandGlob, GlobError, validateGlob } from './glob.ts';
import { readRemoteReadConfigs, readRemoteWriteConfigs, type RemoteReadConfig, type RemoteWriteConfig } from './remoteConfig.ts';
import { readScrapeConfig, type ScrapeConfig } from './scrapeConfig.ts';
import { DEFAULT_STORAGE, readStorageConfig, type StorageConfig } from './storageConfig.ts';
import { ConfigError, type ConfigIssue, YamlSource } from './yamlSource.ts';

export type { AlertingConfig, AlertmanagerConfig } from './alertingConfig.ts';
export type { GlobalConfig, ScrapeLimits } from './globalConfig.ts';
export type { RemoteReadConfig, RemoteWriteConfig } from './remoteConfig.ts';
export type { ScrapeConfig } from './scrapeConfig.ts';
export type { RetentionRule, StorageConfig } from './storageConfig.ts';
export type { SDConfig, StaticSDConfig, FileSDConfig, HttpSDConfig, DnsSDConfig } from './discoveryConfig.ts';
export type { RelabelConfig } from './relabelConfig.ts';
export type { HttpClientConfig } from './httpClientConfig.ts';
export { ConfigError, formatIssue, type ConfigIssue } from './yamlSource.ts';

export interface PrometheusConfig {
  /** Absolute path of the file it was loaded from ('' when parsed from a string). */
  file: string;
  global: GlobalConfig;
  /** In file order; job names are unique. */
  scrapeConfigs: ScrapeConfig[];
  /** Absolute glob patterns; expand with `expandGlob` from ./glob.ts. */
  ruleFiles: string[];
  alerting: AlertingConfig;
  remoteWrite: RemoteWriteConfig[];
  remoteRead: RemoteReadConfig[];
  storage: StorageConfig;
  /** Accepted-but-ignored settings, to be logged. */
  warnings: ConfigIssue[];
}

/** The embedded default config (scrapes promlite itself); used when no --config.file is given. */
export const EMBEDDED_CONFIG_FILE = installPath('config', 'promlite.yml');

/** An empty config: as Prometheus's defaults, no jobs. */
export const EMPTY_CONFIG: PrometheusConfig = {
  file: '',
  global: DEFAULT_GLOBAL,
  scrapeConfigs: [],
  ruleFiles: [],
  alerting: EMPTY_ALERTING,
  remoteWrite: [],
  remoteRead: [],
  storage: DEFAULT_STORAGE,
  warnings: [],
};

/** Reads and validates a config file. Throws ConfigError (every problem, with lines). */
export function loadConfigFile(path: string): PrometheusConfig {
  const abs = resolve(path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file: path, line: 0, message: `cannot read config file: ${(e as NodeJS.ErrnoException).message}` }]);
  }
  return parsePrometheusConfig(text, path, dirname(abs));
}

/**
 * Parses config text. `file` names the source in messages; `baseDir` resolves relative paths
 * (rule files, secret files, file_sd files).
 */
export function parsePrometheusConfig(text: string, file = 'prometheus.yml', baseDir = process.cwd()): PrometheusConfig {
  const src = new YamlSource(text, file);
  if (src.errors.length > 0) throw new ConfigError(src.errors);
  const root = src.map(src.root(), 'config.Config', 'config file');
  if (!root) throw new ConfigError(src.errors);

  const global = readGlobalConfig(root.map('global', 'config.GlobalConfig'));

  const scrapeConfigs: ScrapeConfig[] = [];
  const jobLines = new Map<string, number>();
  for (const n of root.list('scrape_configs')) {
    const sc = readScrapeConfig(src, n, global, baseDir);
    if (!sc) continue;
    const first = jobLines.get(sc.jobName);
    if (first !== undefined) {
      src.error(sc.line, `found multiple scrape configs with job name ${JSON.stringify(sc.jobName)} (first at line ${first})`);
      continue;
    }
    jobLines.set(sc.jobName, sc.line);
    scrapeConfigs.push(sc);
  }

  const included: YamlSource[] = [];
  for (const { src: fileSrc, node } of scrapeConfigFileNodes(root.node('scrape_config_files'), src, baseDir, included)) {
    const sc = readScrapeConfig(fileSrc, node, global, dirname(resolve(fileSrc.file)));
    if (!sc) continue;
    const first = jobLines.get(sc.jobName);
    if (first !== undefined) {
      fileSrc.error(sc.line, `found multiple scrape configs with job name ${JSON.stringify(sc.jobName)}`);
      continue;
    }
    jobLines.set(sc.jobName, sc.line);
    scrapeConfigs.push(sc);
  }

  const ruleFiles: string[] = [];
  const ruleNodes = root.node('rule_files');
  for (const n of src.seq(ruleNodes, 'rule_files')) {
    const p = src.scalarString(n, 'rule_files');
    if (p === undefined) continue;
    const abs = isAbsolute(p) ? p : resolve(baseDir, p);
    // Prometheus allows a `*` only in the last path element.
    if (!RULE_PATH.test(p)) {
      src.error(n, `invalid rule file path ${JSON.stringify(p)}: '*' is only allowed in the last path element`);
      continue;
    }
    try {
      validateGlob(abs);
      ruleFiles.push(abs);
    } catch (e) {
      if (!(e instanceof GlobError)) throw e;
      src.error(n, `invalid rule file path ${JSON.stringify(p)}: ${e.message}`);
    }
  }

  const alerting = readAlertingConfig(root.map('alerting', 'config.AlertingConfig'), baseDir);
  const remoteWrite = readRemoteWriteConfigs(src, root.node('remote_write'), baseDir);
  const remoteRead = readRemoteReadConfigs(src, root.node('remote_read'), baseDir);
  const storage = readStorageConfig(root.map('storage', 'config.StorageConfig'));
  root.ignore('tracing', 'tracing is ignored by promlite');
  root.ignore('runtime', 'runtime is ignored by promlite');
  root.unsupported('otlp', `otlp is not supported by promlite (line ${root.lineOf('otlp')})`);
  root.done();

  const issues = [...src.errors, ...included.flatMap((f) => f.errors)];
  if (issues.length > 0) throw new ConfigError(sortIssues(issues));
  return {
    file: file === '' ? '' : resolve(file),
    global,
    scrapeConfigs,
    ruleFiles,
    alerting,
    remoteWrite,
    remoteRead,
    storage,
    warnings: [...src.warnings, ...included.flatMap((f) => f.warnings)],
  };
}

/**
 * `scrape_config_files` (Prometheus 2.43+): globs of files holding more `scrape_configs`.
 * Yields each job node with the source of its file, so errors name that file and line.
 */
function* scrapeConfigFileNodes(list: Node | null, src: YamlSource, baseDir: string, included: YamlSource[]): Generator<{ src: YamlSource; node: Node }> {
  for (const n of src.seq(list, 'scrape_config_files')) {
    const p = src.scalarString(n, 'scrape_config_files');
    if (p === undefined) continue;
    const pattern = isAbsolute(p) ? p : resolve(baseDir, p);
    let files: string[];
    try {
      validateGlob(pattern);
      files = expandGlob(pattern);
    } catch (e) {
      if (!(e instanceof GlobError)) throw e;
      src.error(n, `invalid scrape config file path ${JSON.stringify(p)}: ${e.message}`);
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        src.error(n, `cannot read scrape config file ${JSON.stringify(file)}: ${(e as Error).message}`);
        continue;
      }
      const fileSrc = new YamlSource(text, file);
      included.push(fileSrc);
      if (fileSrc.errors.length > 0) continue;
      const m = fileSrc.map(fileSrc.root(), 'config.ScrapeConfigs', 'scrape config file');
      if (!m) continue;
      const jobs = m.list('scrape_configs');
      m.done();
      for (const node of jobs) yield { src: fileSrc, node };
    }
  }
}

const RULE_PATH = /^[^*]*(\*[^/]*)?$/;

/** By line within each file; files in the order they were read (the main file first). */
function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  const fileOrder = new Map<string, number>();
  for (const i of issues) if (!fileOrder.has(i.file)) fileOrder.set(i.file, fileOrder.size);
  return [...issues].sort((a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || a.line - b.line);
}
