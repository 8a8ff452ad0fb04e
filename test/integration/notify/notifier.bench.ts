// Notifier throughput: pushing N alerts and computing every alert's status (silences + inhibition).
// Run: node --import tsx test/integration/notify/notifier.bench.ts [N]
import Database from 'better-sqlite3';
import pino from 'pino';
import { performance } from 'node:perf_hooks';
import { parseAlertmanagerConfig } from '../../../src/config/alertmanagerConfig.ts';
import { createNotifier } from '../../../src/notify/notifier.ts';
import { ManualClock } from '../../../src/clock.ts';
import { ManualScheduler } from '../../../src/notify/scheduler.ts';
const clock = new ManualClock(Date.now());
const n = createNotifier({ db: new Database(':memory:'), logger: pino({ level: 'silent' }), externalURL: 'http://x', clock, scheduler: new ManualScheduler(clock) });
n.applyConfig(parseAlertmanagerConfig(`
route: {receiver: r, group_by: [alertname]}
inhibit_rules:
- {source_matchers: [severity=critical], target_matchers: [severity=warning], equal: [alertname, instance]}
- {source_matchers: [alertname=NodeDown], target_matchers: ['alertname!=NodeDown'], equal: [instance]}
receivers: [{name: r}]
`, 'x'));
const N = Number(process.argv[2] ?? 5000);
const alerts = [];
for (let i = 0; i < N; i++) alerts.push({ labels: { alertname: `A${i % 50}`, instance: `host${i % 500}`, severity: i % 3 ? 'warning' : 'critical', job: 'x' + i }, annotations: {}, startsAt: clock.now(), endsAt: clock.now() + 3600e3, generatorURL: '' });
let t = performance.now();
n.pushAlerts(alerts);
console.log(`push ${N}: ${(performance.now() - t).toFixed(0)} ms`);
t = performance.now();
let s = 0;
for (const a of n.activeAlerts()) s += n.alertStatus(a.labels).inhibitedBy.length;
console.log(`status of all ${N}: ${(performance.now() - t).toFixed(0)} ms (inhibited ${s})`);
n.stop();
