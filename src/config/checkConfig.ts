/**
 * `promlite check config FILE...`: validates without starting, printing like
 * `promtool check config` (SUCCESS lines on stdout, FAILED lines on stderr). Returns the exit
 * code: 0 when every file is valid, 1 otherwise.
 */
import { statSync } from 'node:fs';
import { expandGlob, hasGlobMeta } from './glob.ts';
import type { HttpClientConfig } from './httpClientConfig.ts';
import { ConfigError, loadConfigFile, type PrometheusConfig } from './prometheusConfig.ts';

export interface CheckConfigOptions {
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
  /**
   * Validates one rule file (provided by src/rules); resolves to the number of rules, or rejects
   * with an Error whose message lists the problems. Without it rule files are only listed.
   */
  checkRuleFile?: (path: string) => Promise<number>;
  /** Like promtool's --syntax-only: skip checks that need the files the config names. */
  syntaxOnly?: boolean;
}

export async function checkConfigCommand(files: readonly string[], opts: CheckConfigOptions = {}): Promise<number> {
  const out = opts.stdout ?? ((s: string) => process.stdout.write(s + '\n'));
  const err = opts.stderr ?? ((s: string) => process.stderr.write(s + '\n'));
  let failed = false;
  for (const file of files) {
    out(`Checking ${file}`);
    let cfg: PrometheusConfig;
    try {
      cfg = loadConfigFile(file);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      for (const line of e.message.split('\n')) err(`  FAILED: ${line}`);
      out('');
      failed = true;
      continue;
    }
    for (const w of cfg.warnings) out(`  WARNING: ${w.file}:${w.line}: ${w.message}`);
    if (opts.syntaxOnly) {
      out(` SUCCESS: ${file} is valid prometheus config file syntax`);
      out('');
      continue;
    }
    const missing = missingFiles(cfg);
    if (missing.length > 0) {
      for (const m of missing) err(`  FAILED: ${m}`);
      out('');
      failed = true;
      continue;
    }
    for (const sc of cfg.scrapeConfigs) {
      for (const sd of sc.serviceDiscovery) {
        if (sd.kind !== 'file') continue;
        for (const pattern of sd.files) {
          if (expandGlob(pattern).length === 0) out(`  WARNING: file ${JSON.stringify(pattern)} for file_sd in scrape job ${JSON.stringify(sc.jobName)} does not exist`);
        }
      }
    }
    const ruleFiles: string[] = [];
    const missingRules: string[] = [];
    for (const pattern of cfg.ruleFiles) {
      const found = expandGlob(pattern);
      if (found.length === 0 && !hasGlobMeta(pattern)) missingRules.push(`${JSON.stringify(pattern)} does not point to an existing file`);
      ruleFiles.push(...found);
    }
    if (missingRules.length > 0) {
      for (const m of missingRules) err(`  FAILED: ${m}`);
      out('');
      failed = true;
      continue;
    }
    if (ruleFiles.length > 0) out(`  SUCCESS: ${ruleFiles.length} rule files found`);
    out(` SUCCESS: ${file} is valid prometheus config file syntax`);
    out('');
    if (opts.checkRuleFile) {
      for (const rf of ruleFiles) {
        out(`Checking ${rf}`);
        try {
          const n = await opts.checkRuleFile(rf);
          out(`  SUCCESS: ${n} rules found`);
        } catch (e) {
          for (const line of String((e as Error).message).split('\n')) err(`  FAILED: ${line}`);
          failed = true;
        }
        out('');
      }
    }
  }
  return failed ? 1 : 0;
}

/** Secret and certificate files a config names that do not exist (promtool checks these too). */
function missingFiles(cfg: PrometheusConfig): string[] {
  const clients: Array<{ where: string; http: HttpClientConfig }> = [];
  for (const sc of cfg.scrapeConfigs) {
    clients.push({ where: `scrape config ${JSON.stringify(sc.jobName)}`, http: sc.http });
    for (const sd of sc.serviceDiscovery) if (sd.kind === 'http') clients.push({ where: `http_sd_config of ${JSON.stringify(sc.jobName)}`, http: sd.http });
  }
  cfg.alerting.alertmanagers.forEach((am, i) => clients.push({ where: `alertmanager config ${i}`, http: am.http }));
  for (const rw of cfg.remoteWrite) clients.push({ where: `remote_write ${JSON.stringify(rw.name || rw.url)}`, http: rw.http });
  for (const rr of cfg.remoteRead) clients.push({ where: `remote_read ${JSON.stringify(rr.name || rr.url)}`, http: rr.http });

  const problems: string[] = [];
  for (const { where, http } of clients) {
    const check = (what: string, path: string | undefined) => {
      if (!path) return;
      try {
        statSync(path);
      } catch (e) {
        problems.push(`${where}: error checking ${what} ${JSON.stringify(path)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    };
    check('basic_auth password_file', http.basicAuth?.passwordFile);
    check('authorization credentials or bearer token file', http.authorization?.credentialsFile);
    check('oauth2 client_secret_file', http.oauth2?.clientSecretFile);
    check('CA cert file', http.tls.caFile);
    check('client cert file', http.tls.certFile);
    check('client key file', http.tls.keyFile);
  }
  return problems;
}
