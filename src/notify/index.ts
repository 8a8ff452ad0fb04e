/**
 * The notifier's public surface for main.ts: build it, give it a config, feed it alerts.
 *
 *   const notifier = createNotifier({ db, logger, externalURL, registry });
 *   notifier.applyConfig(loadAlertmanagerConfigFile(path));   // throws ConfigError; keeps the old one
 *   notifier.pushAlerts(alerts);                             // from rules (in-process)
 *   app.register(alertmanagerV2Routes, { prefix: '/api/v2', notifier });  // src/api/alertmanagerV2
 *   notifier.stop();
 */
export { createNotifier, Notifier, type NotifierOptions, type PushResult, type AlertStatus } from './notifier.ts';
export type { Alert } from './alert.ts';
export { loadAlertmanagerConfigFile, parseAlertmanagerConfig, ConfigError, type AlertmanagerConfig } from '../config/alertmanagerConfig.ts';
export { checkNotifierConfigCommand } from '../config/alertmanagerCheck.ts';
export { TimerScheduler, ManualScheduler, type Scheduler } from './scheduler.ts';
