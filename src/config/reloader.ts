/**
 * Config reload as Prometheus does it (SIGHUP, `POST /-/reload`): read and validate the file;
 * if it is bad, keep running the old config, log the error and report
 * `promlite_config_last_reload_successful 0`. If it is good, hand it to every module's applier
 * in order (scrape manager, discovery, rules, notifier, ...). Reloads never overlap.
 */
import { Gauge, type Registry } from 'prom-client';
import { systemClock, type Clock } from '../clock.ts';
import { formatIssue } from './yamlSource.ts';
import { loadConfigFile, type PrometheusConfig } from './prometheusConfig.ts';

export interface ConfigApplier {
  /** For log messages, e.g. "scrape", "rules". */
  name: string;
  /** Throws (or rejects) when the module cannot take the new config. */
  apply(cfg: PrometheusConfig): void | Promise<void>;
}

export interface ReloadLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ConfigReloaderOptions {
  file: string;
  appliers: ConfigApplier[];
  logger?: ReloadLogger;
  clock?: Clock;
  /** Replaces loadConfigFile (tests). */
  load?: (file: string) => PrometheusConfig;
}

export type ReloadResult = { ok: true; config: PrometheusConfig } | { ok: false; error: string };

export class ConfigReloader {
  /** The config in force; undefined until the first successful load. */
  current: PrometheusConfig | undefined;
  lastReloadSuccessful = false;
  /** ms since epoch of the last successful reload; 0 = never. */
  lastReloadSuccessMs = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ConfigReloaderOptions) {}

  /**
   * Loads the file and applies it. Serialized: a reload requested while one runs waits for it.
   * Never throws; the result says what happened (for `/-/reload`'s status and body).
   */
  reload(): Promise<ReloadResult> {
    const run = this.queue.then(() => this.reloadNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(): Promise<ReloadResult> {
    const log = this.opts.logger;
    const clock = this.opts.clock ?? systemClock;
    let cfg: PrometheusConfig;
    try {
      cfg = (this.opts.load ?? loadConfigFile)(this.opts.file);
    } catch (e) {
      this.lastReloadSuccessful = false;
      const error = `couldn't load configuration (--config.file=${JSON.stringify(this.opts.file)}): ${(e as Error).message}`;
      log?.error({ file: this.opts.file }, `Error reloading config: ${error}`);
      return { ok: false, error };
    }
    for (const w of cfg.warnings) log?.warn({ file: w.file, line: w.line }, formatIssue(w));

    const failures: string[] = [];
    for (const applier of this.opts.appliers) {
      try {
        await applier.apply(cfg);
      } catch (e) {
        failures.push(`${applier.name}: ${(e as Error).message}`);
        log?.error({ err: e, applier: applier.name }, `Failed to apply configuration to ${applier.name}`);
      }
    }
    if (failures.length > 0) {
      this.lastReloadSuccessful = false;
      return { ok: false, error: `one or more errors occurred while applying the new configuration (--config.file=${JSON.stringify(this.opts.file)}): ${failures.join('; ')}` };
    }
    this.current = cfg;
    this.lastReloadSuccessful = true;
    this.lastReloadSuccessMs = clock.now();
    log?.info({ file: this.opts.file }, 'Completed loading of configuration file');
    return { ok: true, config: cfg };
  }

  /** Reloads on SIGHUP; returns a function that removes the handler. */
  installSighupHandler(): () => void {
    const handler = () => void this.reload();
    process.on('SIGHUP', handler);
    return () => process.off('SIGHUP', handler);
  }
}

/** Registers `promlite_config_last_reload_successful` and `..._success_timestamp_seconds`. */
export function registerReloadMetrics(registry: Registry, reloader: ConfigReloader): void {
  new Gauge({
    name: 'promlite_config_last_reload_successful',
    help: 'Whether the last configuration reload attempt was successful.',
    registers: [registry],
    collect() {
      this.set(reloader.lastReloadSuccessful ? 1 : 0);
    },
  });
  new Gauge({
    name: 'promlite_config_last_reload_success_timestamp_seconds',
    help: 'Timestamp of the last successful configuration reload.',
    registers: [registry],
    collect() {
      this.set(reloader.lastReloadSuccessMs / 1000);
    },
  });
}
