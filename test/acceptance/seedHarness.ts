/**
 * Runs one config/examples/NNN-* directory end to end: copies it to a temp dir, points its
 * targets at fake exporters and its receivers at local sinks, shortens the intervals (scrape,
 * evaluation, `for`, group_wait) so the whole pipeline completes in seconds, starts a real
 * promlite, and offers the HTTP API and what each receiver got.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parse, stringify } from 'yaml';
import { SMTPServer } from 'smtp-server';
import { REPO_ROOT, startPromlite, type PromliteProcess } from '../support/promliteProcess.ts';
import { HttpSink } from '../support/httpSink.ts';
import { startPrometheusPeer, type PrometheusPeer } from '../support/prometheusPeer.ts';
import { startAlertmanager } from '../support/alertmanagerPeer.ts';

/** One notification as a receiver saw it: which receiver, and the raw payload text. */
export interface Delivery {
  receiver: string;
  integration: 'slack' | 'pagerduty' | 'webhook' | 'email' | 'alertmanager';
  text: string;
  body: any;
}

/** Records SMTP messages (any credentials accepted, no TLS), like a local mail relay. */
class SmtpSink {
  readonly mails: Array<{ to: string[]; raw: string }> = [];
  private server!: SMTPServer;

  async start(): Promise<number> {
    this.server = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, cb) => cb(null, { user: auth.username }),
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          cb();
        });
      },
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

export interface SeedRunOptions {
  /** Directory name under config/examples. */
  example: string;
  /** Original target address (as in the example) → fake exporter host:port. */
  targets: Record<string, string>;
  /** Extra edits to the parsed prometheus.yml, before the address rewrite (documented per use). */
  editScrapeConfig?: (cfg: any) => void;
  /** Extra `promlite serve` flags. */
  serverArgs?: string[];
}

export interface SeedRun {
  pl: PromliteProcess;
  /** Prometheus 2.42 on the same scrape config and rules (no alerting, no notifier): the oracle. */
  prometheus: PrometheusPeer;
  dir: string;
  /** The `record:` and `alert:` names of every rule file of the example. */
  recordingRules: string[];
  alertRules: string[];
  query(expr: string): Promise<any[]>;
  queryRange(expr: string, seconds: number): Promise<any[]>;
  api(path: string): Promise<any>;
  /** Alerts of /api/v1/alerts as `name` or `name{label=value}` per alert, with state. */
  alerts(): Promise<Array<{ name: string; state: string; labels: Record<string, string> }>>;
  deliveries(): Delivery[];
  /** receiver → alert names it was notified about (names found in the payload). */
  notified(): Map<string, Set<string>>;
  /** The same for the real Alertmanager fed by the real Prometheus. */
  notifiedByAlertmanager(): Map<string, Set<string>>;
  alertmanagerLog(): string;
  close(): Promise<void>;
}

const SECONDS_RE = /^0+[smhdwy]?$|^0+ms$/;

function rewriteTargets(list: string[], map: Record<string, string>, where: string): string[] {
  return list.map((t) => {
    const to = map[t];
    if (!to) throw new Error(`${where}: no fake exporter for target ${t}`);
    return to;
  });
}

/** Shortens the group timers at the root and wherever a child route overrides them. */
function shortenRoute(route: any, root = true): void {
  if (!route) return;
  if (root || route.group_wait !== undefined) route.group_wait = '1s';
  if (root || route.group_interval !== undefined) route.group_interval = '1s';
  for (const child of route.routes ?? []) shortenRoute(child, false);
}

/** Shortens the timers and points every integration of `am` at the local sinks. */
function pointReceivers(am: any, httpBase: string, smtpPort: number, mailboxes: Map<string, string>, oracle = false): any {
  shortenRoute(am.route);
  if (am.global?.smtp_smarthost !== undefined) am.global.smtp_smarthost = `127.0.0.1:${smtpPort}`;
  for (const r of am.receivers ?? []) {
    for (const c of r.slack_configs ?? []) c.api_url = `${httpBase}/slack/${r.name}`;
    for (const c of r.pagerduty_configs ?? []) {
      c.url = `${httpBase}/pagerduty/${r.name}`;
      // Alertmanager 0.25 ignores `url` for Events API v1 (service_key) and always posts to
      // events.pagerduty.com; the oracle uses v2 (same routing, a redirectable URL).
      if (oracle && c.service_key !== undefined) {
        c.routing_key = c.service_key;
        delete c.service_key;
      }
    }
    for (const c of r.webhook_configs ?? []) c.url = `${httpBase}/webhook/${r.name}`;
    for (const c of r.email_configs ?? []) {
      c.smarthost = `127.0.0.1:${smtpPort}`;
      c.require_tls = false;
      mailboxes.set(c.to, r.name);
    }
  }
  return am;
}

export async function runSeed(opts: SeedRunOptions): Promise<SeedRun> {
  const src = join(REPO_ROOT, 'config/examples', opts.example);
  const dir = mkdtempSync(join(tmpdir(), `promlite-seed-${opts.example}-`));
  cpSync(src, dir, { recursive: true });

  const http = new HttpSink();
  const sinkURL = await http.start();
  const smtp = new SmtpSink();
  const smtpPort = await smtp.start();

  // prometheus.yml: 1 s scrapes and evaluations, targets → fake exporters.
  const promPath = join(dir, 'prometheus.yml');
  const prom = parse(readFileSync(promPath, 'utf8'));
  prom.global = { ...(prom.global ?? {}), scrape_interval: '1s', evaluation_interval: '1s' };
  const targetMap = { ...opts.targets };
  opts.editScrapeConfig?.(prom);
  for (const job of prom.scrape_configs ?? []) {
    if (job.scrape_interval !== undefined) job.scrape_interval = '1s';
    if (job.scrape_timeout !== undefined) job.scrape_timeout = '1s';
    for (const sc of job.static_configs ?? []) sc.targets = rewriteTargets(sc.targets, targetMap, `job ${job.job_name}`);
  }
  // The seeds' Alertmanager address → a local sink that records what promlite forwards.
  for (const am of prom.alerting?.alertmanagers ?? []) {
    for (const sc of am.static_configs ?? []) {
      sc.targets = sc.targets.map(() => sinkURL.replace('http://', ''));
      am.path_prefix = '/alertmanager';
    }
  }
  writeFileSync(promPath, stringify(prom));
  // file_sd target files.
  const targetsDir = join(dir, 'targets');
  if (existsSync(targetsDir)) {
    for (const f of readdirSync(targetsDir).filter((n) => n.endsWith('.json'))) {
      const groups = JSON.parse(readFileSync(join(targetsDir, f), 'utf8'));
      for (const g of groups) g.targets = rewriteTargets(g.targets, targetMap, `targets/${f}`);
      writeFileSync(join(targetsDir, f), JSON.stringify(groups));
    }
  }

  // rules/*.yml: every non-zero `for` becomes 1s.
  const recordingRules: string[] = [];
  const alertRules: string[] = [];
  const rulesDir = join(dir, 'rules');
  for (const f of readdirSync(rulesDir).filter((n) => n.endsWith('.yml'))) {
    const doc = parse(readFileSync(join(rulesDir, f), 'utf8'));
    for (const g of doc.groups) {
      if (g.interval !== undefined) g.interval = '1s';
      for (const r of g.rules) {
        if (r.record) recordingRules.push(r.record);
        if (r.alert) alertRules.push(r.alert);
        if (r.for !== undefined && !SECONDS_RE.test(String(r.for))) r.for = '1s';
      }
    }
    writeFileSync(join(rulesDir, f), stringify(doc));
  }

  // alertmanager.yml: 1 s group timers; Slack/PagerDuty/webhook → the HTTP sink (path names the
  // receiver), SMTP → the in-process mail server.
  const amPath = join(dir, 'alertmanager.yml');
  const amText = readFileSync(amPath, 'utf8');
  const mailboxes = new Map<string, string>(); // recipient → receiver
  const am = pointReceivers(parse(amText), `${sinkURL}/promlite`, smtpPort, mailboxes);
  writeFileSync(amPath, stringify(am));

  // The same setup on the real Prometheus, to compare alerts with. It reads the rewritten
  // files by absolute path; promlite-only settings (storage.retention_rules) are left out.
  const peerCfg = parse(readFileSync(promPath, 'utf8'));
  peerCfg.rule_files = (peerCfg.rule_files ?? []).map((f: string) => join(dir, f));
  for (const job of peerCfg.scrape_configs ?? []) for (const sd of job.file_sd_configs ?? []) sd.files = sd.files.map((f: string) => join(dir, f));
  delete peerCfg.storage;
  // ... and the same notifier config on the real Alertmanager 0.25, with its own sinks.
  const amSmtp = new SmtpSink();
  const amSmtpPort = await amSmtp.start();
  const amOracleCfg = pointReceivers(parse(amText), `${sinkURL}/alertmanager-oracle`, amSmtpPort, new Map(), true);
  amOracleCfg.templates = (amOracleCfg.templates ?? []).map((t: string) => join(dir, t));
  const alertmanager = await startAlertmanager(stringify(amOracleCfg));
  peerCfg.alerting = { alertmanagers: [{ static_configs: [{ targets: [alertmanager.url.replace('http://', '')] }] }] };
  const prometheus = await startPrometheusPeer({ config: stringify(peerCfg) });

  const pl = await startPromlite([`--config.file=${promPath}`, `--notifier.config.file=${amPath}`, '--rules.alert.resend-delay=1s', ...(opts.serverArgs ?? [])]);

  const api = async (path: string) => {
    const res = await fetch(`${pl.url}${path}`);
    const body = await res.json();
    if (body.status !== 'success') throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return body.data;
  };
  // Sink paths: /promlite/<integration>/<receiver>, /alertmanager-oracle/<integration>/<receiver>,
  // /alertmanager/api/v2/alerts (what promlite forwards to the seed's Alertmanager).
  const deliveriesOf = (source: 'promlite' | 'alertmanager-oracle'): Delivery[] => {
    const out: Delivery[] = [];
    for (const r of http.received) {
      const [, from, integration, receiver] = r.path.split('/');
      const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
      if (from === 'alertmanager' && source === 'promlite') out.push({ receiver: 'alertmanager', integration: 'alertmanager', text, body: r.body });
      else if (from === source) out.push({ receiver, integration: integration as Delivery['integration'], text, body: r.body });
    }
    for (const m of (source === 'promlite' ? smtp : amSmtp).mails) {
      // Undo quoted-printable soft line breaks so names split over lines are found.
      const text = m.raw.replace(/=\r?\n/g, '');
      for (const to of m.to) out.push({ receiver: mailboxes.get(to) ?? `unknown:${to}`, integration: 'email', text, body: m.raw });
    }
    return out;
  };
  const notifiedBy = (source: 'promlite' | 'alertmanager-oracle') => {
    const byReceiver = new Map<string, Set<string>>();
    for (const d of deliveriesOf(source)) {
      if (d.integration === 'alertmanager') continue;
      const names = byReceiver.get(d.receiver) ?? new Set<string>();
      for (const name of alertRules) if (new RegExp(`\\b${name}\\b`).test(d.text)) names.add(name);
      byReceiver.set(d.receiver, names);
    }
    return byReceiver;
  };
  return {
    pl,
    prometheus,
    dir,
    recordingRules,
    alertRules,
    api,
    query: async (expr) => (await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    queryRange: async (expr, seconds) => {
      const end = Date.now() / 1000;
      const q = `query=${encodeURIComponent(expr)}&start=${end - seconds}&end=${end}&step=1`;
      return (await api(`/api/v1/query_range?${q}`)).result;
    },
    alerts: async () =>
      (await api('/api/v1/alerts')).alerts.map((a: any) => ({ name: a.labels.alertname, state: a.state, labels: a.labels })),
    deliveries: () => deliveriesOf('promlite'),
    notified: () => notifiedBy('promlite'),
    notifiedByAlertmanager: () => notifiedBy('alertmanager-oracle'),
    alertmanagerLog: () => alertmanager.output(),
    close: async () => {
      await pl.stop();
      await prometheus.stop();
      await alertmanager.stop();
      await amSmtp.stop();
      await http.stop();
      await smtp.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
