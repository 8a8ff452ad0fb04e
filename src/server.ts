/**
 * Builds and runs a promlite server from parsed flags: storage, PromQL engine, scrape manager,
 * rule manager, notifier, remote write and the HTTP API. Every module gets what it needs as
 * constructor arguments; nothing is global. `reload()` re-reads the config files and applies
 * them everywhere, or changes nothing when any of them is invalid.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { buildApp } from './api/app.ts';
import { adminRoutes } from './api/v1/admin.ts';
import { EngineQueryService, parseMetricSelector } from './api/v1/engineQueryService.ts';
import { federateRoutes } from './api/federate.ts';
import { queryRoutes } from './api/v1/query.ts';
import { remoteRoutes } from './api/v1/remote.ts';
import { seriesMetadataRoutes } from './api/v1/seriesMetadata.ts';
import { statusRoutes, versionRoute } from './api/v1/status.ts';
import { webUiRoutes } from './api/webUi.ts';
import { notReadyGate } from './api/lifecycle.ts';
import { targetRoutes } from './api/v1/targets.ts';
import { ruleRoutes } from './api/v1/rules.ts';
import alertmanagerV2Routes from './api/alertmanagerV2/index.ts';
import { alertmanagerV1Routes } from './api/alertmanagerV1.ts';
import { loadAlertmanagerConfigFile } from './config/alertmanagerConfig.ts';
import { createNotifier } from './notify/notifier.ts';
import { AlertmanagerSender } from './rules/alertmanagerSender.ts';
import { engineQueryFn } from './rules/engineQueryFn.ts';
import { RuleManager, type RulesConfig } from './rules/ruleManager.ts';
import { promliteRuleSyntax } from './rules/ruleSyntax.ts';
import { sendAlerts } from './rules/sendAlerts.ts';
import { ScrapeManager } from './scrape/targetManager.ts';
import { DiscoveryManager, scrapeDiscoverySets } from './scrape/discovery/index.ts';
import { installWebConfig, loadWebConfig } from './api/webConfig.ts';
import { parseDuration } from './config/duration.ts';
import { parseByteSize } from './config/units.ts';
import { loadConfigFile, type PrometheusConfig } from './config/prometheusConfig.ts';
import { ConfigReloader, registerReloadMetrics } from './config/reloader.ts';
import { Engine } from './promql/engine.ts';
import { RemoteWriteManager } from './remote/remoteWriteManager.ts';
import { TeeAppendable } from './remote/teeAppendable.ts';
import { SqliteStorage } from './storage/sqliteStorage.ts';
import { SERVE_FLAGS, computeExternalURL, type ServeFlags } from './cli/serveFlags.ts';
import { systemClock, type Clock } from './clock.ts';

export interface ServerHandle {
  app: FastifyInstance;
  storage: SqliteStorage;
  /** host:port actually bound. */
  address: string;
  reload(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  flags: ServeFlags;
  logger: Logger;
  /** The original flag strings, for /api/v1/status/flags. */
  rawFlags?: Record<string, string>;
  clock?: Clock;
  /** Called when /-/quit is requested. */
  onQuit?: () => void;
}

function splitListenAddress(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new Error(`invalid --web.listen-address ${JSON.stringify(addr)}: missing port`);
  const host = addr.slice(0, i).replace(/^\[|\]$/g, '') || '0.0.0.0';
  const port = Number(addr.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --web.listen-address ${JSON.stringify(addr)}: bad port`);
  return { host, port };
}

/** Flag values as strings, keyed by flag name, as /api/v1/status/flags reports them. */
export function flagStrings(flags: ServeFlags): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(SERVE_FLAGS)) out[name] = String(flags[spec.key]);
  return out;
}

export async function startServer(opts: StartOptions): Promise<ServerHandle> {
  const { flags, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const startTime = new Date(clock.now()).toISOString();

  // Validate everything a user can get wrong before touching storage.
  const retentionTimeMs = parseDuration(flags.retentionTime);
  const retentionSizeBytes = flags.retentionSize === '0' ? 0 : parseByteSize(flags.retentionSize);
  const lookbackDeltaMs = parseDuration(flags.queryLookbackDelta);
  const queryTimeoutMs = parseDuration(flags.queryTimeout);
  const { host, port } = splitListenAddress(flags.listenAddress);
  const externalURL = computeExternalURL(flags.externalUrl, port);
  const webConfig = flags.webConfigFile ? loadWebConfig(flags.webConfigFile) : null;
  for (const flag of flags.ignoredFlags) logger.warn({ flag: `--${flag}` }, 'Prometheus flag has no effect in promlite; ignored');
  let config: PrometheusConfig = loadConfigFile(flags.configFile);
  for (const w of config.warnings) logger.warn({ file: w.file, line: w.line }, w.message);
  let configYaml = readFileSync(flags.configFile, 'utf8');
  const notifierConfig = loadAlertmanagerConfigFile(flags.notifierConfigFile);
  let lastConfigTime = startTime;

  const registry = new Registry();
  // The event-loop delay histogram samples with a timer; prom-client's 10 ms default wakes the
  // process 100 times a second (~7 ms of CPU per second idle, measured); 100 ms costs ~1 ms.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });

  // Time and size come from flags; per-selector rules from the config file (reloadable).
  const retentionFor = (cfg: PrometheusConfig) => ({
    timeMs: retentionTimeMs > 0 ? retentionTimeMs : undefined,
    sizeBytes: retentionSizeBytes > 0 ? retentionSizeBytes : undefined,
    rules: cfg.storage.retentionRules.map((r) => ({ matchers: r.matchers, retentionMs: r.retentionMs })),
  });

  let ready = false;
  const storagePath = resolve(flags.storagePath);
  // The database opens now; its append log is replayed after the server listens, so /-/ready
  // answers 503 and /api/v1/status/walreplay shows progress meanwhile, as in Prometheus.
  const storage = new SqliteStorage({
    path: storagePath,
    clock,
    registry,
    logger: logger.child({ component: 'tsdb' }),
    retention: retentionFor(config),
    deferReplay: true,
  });

  const tee = new TeeAppendable(storage);
  const remoteWrite = new RemoteWriteManager({ tee, db: storage.db, registry, logger: logger.child({ component: 'remote' }) });
  const externalLabels = () => config.global.externalLabels;
  remoteWrite.applyConfig(config.remoteWrite, externalLabels());

  const scrapeManager = new ScrapeManager({ appendable: tee, clock, logger: logger.child({ component: 'scrape' }) });
  const discovery = new DiscoveryManager({
    onUpdate: (changed) => scrapeManager.updateTargets(changed),
    logger: logger.child({ component: 'discovery' }),
  });
  const applyScrape = (cfg: PrometheusConfig) => {
    scrapeManager.applyConfig(cfg.scrapeConfigs);
    discovery.applyConfig(scrapeDiscoverySets(cfg.scrapeConfigs));
  };

  const engine = new Engine({
    maxSamples: flags.queryMaxSamples,
    timeoutMs: queryTimeoutMs,
    maxConcurrency: flags.queryMaxConcurrency,
    lookbackDeltaMs,
    defaultSubqueryStepMs: config.global.evaluationIntervalMs,
  });
  const queries = new EngineQueryService(engine, storage);

  // Alerts go to the built-in notifier in-process and, when configured, to external
  // Alertmanagers; both get the external labels and alert_relabel_configs applied.
  const notifier = createNotifier({
    db: storage.db,
    logger: logger.child({ component: 'notifier' }),
    externalURL,
    clock,
    registry,
    historyRetentionMs: parseDuration(flags.notifierHistoryRetention),
  });
  notifier.applyConfig(notifierConfig);
  const sender = new AlertmanagerSender({
    registry,
    logger: logger.child({ component: 'notifier-sender' }),
    inProcess: (alerts) => void notifier.pushAlerts(alerts),
  });
  const applyAlerting = (cfg: PrometheusConfig) => sender.applyConfig(cfg.alerting, cfg.global.externalLabels.toObject());
  applyAlerting(config);
  const rules = new RuleManager({
    queryFn: engineQueryFn(engine, storage),
    notifyFn: sendAlerts((alerts) => sender.send(alerts), externalURL),
    appendable: tee,
    queryable: storage,
    syntax: promliteRuleSyntax,
    clock,
    registry,
    resendDelay: parseDuration(flags.rulesResendDelay),
    outageTolerance: parseDuration(flags.rulesForOutageTolerance),
    forGracePeriod: parseDuration(flags.rulesForGracePeriod),
    logger: logger.child({ component: 'rule manager' }),
  });
  const rulesConfig = (cfg: PrometheusConfig): RulesConfig => ({
    ruleFiles: cfg.ruleFiles,
    evaluationInterval: cfg.global.evaluationIntervalMs,
    externalLabels: cfg.global.externalLabels.toObject(),
    externalURL,
  });
  await rules.update(rulesConfig(config));

  // One applier that is all-or-nothing: the notifier config and the rule files are validated
  // (rules.update applies nothing when a file is bad) before anything else changes.
  const reloader = new ConfigReloader({
    file: flags.configFile,
    logger,
    clock,
    appliers: [
      {
        name: 'promlite',
        apply: async (next) => {
          const nextYaml = readFileSync(flags.configFile, 'utf8');
          const nextNotifier = loadAlertmanagerConfigFile(flags.notifierConfigFile);
          await rules.update(rulesConfig(next));
          notifier.applyConfig(nextNotifier);
          remoteWrite.applyConfig(next.remoteWrite, next.global.externalLabels);
          applyScrape(next);
          applyAlerting(next);
          storage.setRetention(retentionFor(next));
          config = next;
          configYaml = nextYaml;
          lastConfigTime = new Date(clock.now()).toISOString();
        },
      },
    ],
  });
  reloader.current = config;
  reloader.lastReloadSuccessful = true;
  reloader.lastReloadSuccessMs = clock.now();
  registerReloadMetrics(registry, reloader);
  const reload = async (): Promise<void> => {
    const r = await reloader.reload();
    if (!r.ok) throw new Error(r.error);
  };

  let stopping: Promise<void> | null = null;
  const app = await buildApp({
    logger,
    registry,
    routePrefix: flags.routePrefix,
    https: webConfig?.tls
      ? {
          cert: webConfig.tls.cert,
          key: webConfig.tls.key,
          ca: webConfig.tls.ca,
          requestCert: webConfig.tls.requestCert,
          rejectUnauthorized: webConfig.tls.rejectUnauthorized,
          minVersion: webConfig.tls.minVersion,
        }
      : undefined,
    lifecycle: {
      isReady: () => ready,
      lifecycleEnabled: flags.enableLifecycle,
      reload,
      quit: () => opts.onQuit?.(),
    },
    plugins: [
      { plugin: versionRoute },
      { plugin: queryRoutes, opts: { prefix: '/api/v1', queries, clock, defaultTimeoutMs: queryTimeoutMs } },
      { plugin: seriesMetadataRoutes, opts: { prefix: '/api/v1', queryable: storage, queries } },
      {
        plugin: statusRoutes,
        opts: {
          prefix: '/api/v1',
          flags: opts.rawFlags ?? flagStrings(flags),
          configYaml: () => configYaml,
          runtime: () => ({
            startTime,
            CWD: process.cwd(),
            reloadConfigSuccess: reloader.lastReloadSuccessful,
            lastConfigTime,
            storageRetention: flags.retentionTime + (retentionSizeBytes > 0 ? ` or ${flags.retentionSize}` : ''),
          }),
          tsdb: (limit: number) => storage.stats(limit),
          walReplay: () => storage.replayProgress(),
        },
      },
      {
        plugin: remoteRoutes,
        opts: { prefix: '/api/v1', appendable: tee, queryable: storage, writeReceiverEnabled: flags.enableRemoteWriteReceiver, externalLabels },
      },
      {
        plugin: adminRoutes,
        opts: {
          prefix: '/api/v1',
          enabled: flags.enableAdminApi,
          store: {
            backup: (file: string) => storage.backup(file),
            deleteSeries: (ms: Parameters<SqliteStorage['deleteSeries']>[0], mint: number, maxt: number) => void storage.deleteSeries(ms, mint, maxt),
            cleanTombstones: () => storage.db.exec('PRAGMA incremental_vacuum'),
          },
          snapshotDir: join(storagePath, 'snapshots'),
          parseSelector: parseMetricSelector,
          now: () => clock.now(),
        },
      },
      { plugin: federateRoutes, opts: { queryable: storage, parseSelector: parseMetricSelector, externalLabels, clock, lookbackDeltaMs } },
      { plugin: ruleRoutes, opts: { prefix: '/api/v1', groups: () => rules.groups(), alertmanagers: () => sender.alertmanagersApiData() } },
      { plugin: alertmanagerV2Routes, opts: { prefix: '/api/v2', notifier } },
      { plugin: alertmanagerV1Routes, opts: { prefix: '/api/v1', notifier } },
      { plugin: targetRoutes, opts: { prefix: '/api/v1', targets: scrapeManager, externalUrl: flags.externalUrl, parseSelector: parseMetricSelector } },
      { plugin: webUiRoutes },
    ],
  });
  if (webConfig) installWebConfig(app, webConfig);
  // After authentication's hook: a client without credentials gets 401, not 503.
  app.addHook('onRequest', notReadyGate(() => ready, flags.routePrefix));

  await app.listen({ host, port });
  const addr = app.server.address();
  const address = typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : String(addr);
  try {
    await storage.replay();
  } catch (e) {
    await app.close();
    storage.close();
    throw e;
  }
  // Nothing appends or evaluates before the replayed head is complete.
  applyScrape(config);
  rules.run();
  ready = true;
  logger.info({ address }, 'Server is ready to receive web requests.');

  const stop = async (): Promise<void> => {
    if (stopping) return stopping;
    stopping = (async () => {
      ready = false;
      discovery.stop();
      scrapeManager.stop();
      await rules.stop();
      sender.stop();
      notifier.stop();
      await app.close();
      remoteWrite.stop();
      storage.close();
      logger.info({}, 'See you next time!');
    })();
    return stopping;
  };

  return { app, storage, address, reload, stop };
}
