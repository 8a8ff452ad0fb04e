// A notifier in its own process, for the SIGKILL test: `node --import tsx notifierProcess.ts
// DB_FILE CONFIG_FILE [ALERTS_JSON]`. Pushes the alerts (if given) and runs until killed.
import Database from 'better-sqlite3';
import pino from 'pino';
import { loadAlertmanagerConfigFile } from '../../../src/config/alertmanagerConfig.ts';
import { createNotifier } from '../../../src/notify/notifier.ts';

const [dbFile, configFile, alertsJson] = process.argv.slice(2);
const db = new Database(dbFile);
db.pragma('journal_mode = WAL');
const notifier = createNotifier({ db, logger: pino({ level: 'silent' }), externalURL: 'http://promlite.test', initialBackoffMs: 200, maxBackoffMs: 500 });
notifier.applyConfig(loadAlertmanagerConfigFile(configFile));
if (alertsJson) {
  const now = Date.now();
  const r = notifier.pushAlerts(JSON.parse(alertsJson).map((a: { labels: Record<string, string> }) => ({ labels: a.labels, annotations: {}, startsAt: now - 60_000, endsAt: now + 3600_000, generatorURL: '' })));
  if (r.errors.length) throw new Error(r.errors.join('; '));
}
process.stdout.write('ready\n');
setInterval(() => {}, 1 << 30);
