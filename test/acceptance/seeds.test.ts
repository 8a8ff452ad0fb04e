/**
 * Acceptance: each seed setup (config/examples/NNN-*) runs on a real promlite end to end —
 * fake exporters with the metric names and labels the seed's rules and dashboards use, the
 * example's rule files and notifier config, receivers pointed at local sinks. Values are chosen
 * so that some alerts fire and the rest stay inactive; routing must match the seed's tree
 * (severity routes, first-match, continue, inhibitions).
 */
import { after, test } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { Exposition, startExporter, type FakeExporter } from './fakeExporter.ts';
import { runSeed, type SeedRun } from './seedHarness.ts';
import { checkSeed } from './checks.ts';
import { eventually } from '../support/wait.ts';

const open: Array<{ close(): Promise<void> }> = [];
after(async () => {
  for (const o of open.reverse()) await o.close().catch(() => {});
});

async function exporter(build: (e: Exposition) => void): Promise<FakeExporter> {
  const e = new Exposition();
  build(e);
  const x = await startExporter(e);
  open.push(x);
  return x;
}

async function seed(opts: Parameters<typeof runSeed>[0]): Promise<SeedRun> {
  const run = await runSeed(opts);
  open.push(run);
  return run;
}

const FAST = [[0.005, 0.3], [0.01, 0.5], [0.025, 0.8], [0.05, 0.9], [0.1, 0.97], [0.25, 0.99], [0.5, 0.995], [1, 0.999], [2.5, 1], [5, 1], [10, 1]] as Array<[number, number]>;

test('seed 000 SaaS gateway: gateway/billing/exporter alerts, critical→PagerDuty and Slack, warning→Slack, forwarded to Alertmanager', async () => {
  const gateway = await exporter((e) => {
    for (const [endpoint, status, rate] of [['/api/v1/usage', '200', 90], ['/api/v1/usage', '500', 10], ['/api/v1/keys', '200', 20]] as const) {
      e.counter('gateway_requests_total', { method: 'GET', endpoint, status }, rate);
    }
    // Latency in ms: 95% within 50 ms → P95 ≈ 50 ms (SLO), below the 100 ms alert.
    const ms: Array<[number, number]> = [[5, 0.2], [10, 0.5], [25, 0.8], [50, 0.95], [100, 0.99], [250, 1], [500, 1]];
    e.histogram('gateway_request_duration_ms', { method: 'GET', endpoint: '/api/v1/usage' }, 100, ms, 18);
    e.histogram('gateway_request_duration_ms', { method: 'GET', endpoint: '/api/v1/keys' }, 20, ms, 18);
    e.counter('gateway_rate_limit_hits_total', { organization_id: 'org-1', limit_type: 'requests_per_minute' }, 5);
    e.counter('gateway_rate_limit_hits_total', { organization_id: 'org-2', limit_type: 'requests_per_minute' }, 1);
    e.gauge('gateway_active_connections', { organization_id: 'org-1', type: 'websocket' }, 1234);
    e.counter('gateway_auth_failures_total', { reason: 'invalid_key' }, 0.05);
    e.counter('gateway_usage_recorded_total', { organization_id: 'org-1', metric: 'api_calls' }, 100);
    e.histogram('gateway_kafka_producer_latency_ms', {}, 100, ms, 12);
    e.counter('gateway_cache_hits_total', { cache_type: 'api_key' }, 95);
    e.counter('gateway_cache_misses_total', { cache_type: 'api_key' }, 5);
    e.counter('gateway_cache_hits_total', { cache_type: 'usage' }, 50);
    e.counter('gateway_cache_misses_total', { cache_type: 'usage' }, 50);
    e.histogram('gateway_db_query_duration_ms', { query: 'select_org' }, 50, ms, 8);
  });
  const billing = await exporter((e) => {
    e.counter('billing_invoice_amount_total', { organization_id: 'org-1' }, 120);
    e.counter('billing_invoice_amount_total', { organization_id: 'org-2' }, 30);
    e.counter('billing_invoices_generated_total', { status: 'success' }, 0.99);
    e.counter('billing_invoices_generated_total', { status: 'failed' }, 0.01);
    e.gauge('billing_mrr_total', { plan: 'pro' }, 125000);
    e.gauge('billing_mrr_total', { plan: 'enterprise' }, 340000);
    e.histogram('billing_usage_aggregation_duration_ms', {}, 1, [[1000, 0.5], [5000, 0.99], [10000, 1]], 1500);
    e.histogram('billing_pdf_generation_duration_ms', {}, 1, [[500, 0.5], [1000, 0.9], [5000, 1]], 600);
    e.counter('billing_pdf_generated_total', { status: 'success' }, 1);
    e.counter('billing_stripe_charges_total', { status: 'succeeded' }, 2);
    e.counter('billing_emails_sent_total', { status: 'success' }, 9);
    e.counter('billing_emails_sent_total', { status: 'failed' }, 1);
    e.counter('billing_cron_runs_total', { job: 'monthly_invoices', status: 'success' }, 0.01);
  });
  const small = (name: string, value: number) => exporter((e) => e.gauge(name, {}, value));
  const usage = await small('usage_aggregator_pending_events', 12);
  const dashboard = await small('dashboard_api_cache_entries', 340);
  const pg = await exporter((e) => {
    e.gauge('pg_up', {}, 1);
    e.gauge('pg_settings_max_connections', {}, 100);
    e.gauge('pg_stat_activity_count', { datname: 'gateway', state: 'active' }, 60);
    e.gauge('pg_stat_activity_count', { datname: 'gateway', state: 'idle' }, 35);
  });
  const redis = await small('redis_up', 1);
  const kafka = await exporter((e) => e.gauge('kafka_consumergroup_lag', { consumergroup: 'usage-aggregator', topic: 'usage-events', partition: '0' }, 300));
  const run = await seed({
    example: '000-saas-gateway',
    targets: {
      'gateway:8080': gateway.address,
      'usage-aggregator:8080': usage.address,
      'billing-engine:8080': billing.address,
      'dashboard-api:8080': dashboard.address,
      'postgres-exporter:9187': pg.address,
      'redis-exporter:9121': redis.address,
      'kafka-exporter:9308': kafka.address,
    },
  });
  await checkSeed(run, {
    targets: 7,
    // 10/120 requests 5xx; usage cache hits 50%; 90% of billing emails delivered; 5 of 100
    // Postgres connections free.
    firing: ['HighErrorRate', 'DatabaseConnectionPoolExhaustion', 'CacheMissRate', 'EmailDeliveryIssues'],
    routes: {
      pagerduty: ['HighErrorRate', 'DatabaseConnectionPoolExhaustion'],
      slack: ['HighErrorRate', 'DatabaseConnectionPoolExhaustion', 'CacheMissRate', 'EmailDeliveryIssues'],
    },
    queries: [
      'histogram_quantile(0.95, sum by (endpoint, le) (rate(gateway_request_duration_ms_bucket[5m])))',
      'sum by (endpoint, status) (rate(gateway_requests_total[5m]))',
      'sum by (organization_id) (rate(gateway_rate_limit_hits_total[5m]))',
      'sum(gateway_active_connections)',
      'sum by (reason) (rate(gateway_auth_failures_total[5m]))',
      'sum by (cache_type) (rate(gateway_cache_hits_total[5m])) / (sum by (cache_type) (rate(gateway_cache_hits_total[5m])) + sum by (cache_type) (rate(gateway_cache_misses_total[5m])))',
      'histogram_quantile(0.95, sum by (le) (rate(gateway_kafka_producer_latency_ms_bucket[5m])))',
      'sum(rate(gateway_requests_total{status=~"5.."}[5m])) / sum(rate(gateway_requests_total[5m]))',
      'sum(billing_mrr_total)',
      'topk(10, sum by (organization_id) (increase(billing_invoice_amount_total[30d])))',
      'histogram_quantile(0.95, sum by (le) (rate(billing_usage_aggregation_duration_ms_bucket[5m])))',
    ],
    rangeQueries: ['endpoint:gateway_request_duration_ms:p95', 'sum by (status) (rate(gateway_requests_total[1m]))'],
  });
  // PagerDuty got Events API v2 payloads with the configured severity.
  const pd = run.deliveries().filter((d) => d.integration === 'pagerduty');
  assert.ok(pd.length > 0 && pd.every((d) => d.body.event_action === 'trigger' && d.body.payload.severity === 'critical'));
  // The seed's troubleshooting step: metric names through the label values API.
  const names: string[] = await run.api('/api/v1/label/__name__/values');
  assert.ok(names.includes('gateway_request_duration_ms_bucket') && names.includes('billing_mrr_total'));
  // Forwarded to the seed's Alertmanager (a local sink here) too.
  await eventually(() => run.deliveries().some((d) => d.integration === 'alertmanager' && /CacheMissRate/.test(d.text)), 'alerts forwarded to Alertmanager', 10_000);
});

test('seed 001 CloudBill: per-service alerts from five microservices, webhook gets every alert, critical→PagerDuty, warning→Slack', async () => {
  interface Service { errorShare: number; slow?: boolean; memoryMB: number; poolActive: number; extra?: (e: Exposition) => void }
  const service = (s: Service) =>
    exporter((e) => {
      const ok = 20 * (1 - s.errorShare);
      e.counter('http_requests_total', { method: 'GET', route: '/api/v1/items', status: '200', tenant_id: 'acme' }, ok);
      e.counter('http_requests_total', { method: 'GET', route: '/api/v1/items', status: '500', tenant_id: 'acme' }, 20 * s.errorShare);
      // Slow: 90% within 100 ms, the rest between 2.5 and 5 s → p95 ≈ 3.75 s, p99 ≈ 4.75 s.
      const slow: Array<[number, number]> = [[0.005, 0.2], [0.01, 0.4], [0.025, 0.6], [0.05, 0.8], [0.1, 0.9], [0.25, 0.9], [0.5, 0.9], [1, 0.9], [2.5, 0.9], [5, 1], [10, 1]];
      e.histogram('http_request_duration_seconds', { method: 'GET', route: '/api/v1/items', tenant_id: 'acme' }, 20, s.slow ? slow : FAST, s.slow ? 0.4 : 0.02);
      e.gauge('db_pool_total_connections', {}, 100);
      e.gauge('db_pool_active_connections', {}, s.poolActive);
      e.gauge('db_pool_idle_connections', {}, 100 - s.poolActive);
      e.gauge('db_pool_waiting_requests', {}, 0);
      e.histogram('db_query_duration_seconds', { operation: 'select', tenant_id: 'acme' }, 10, FAST, 0.01);
      e.counter('db_errors_total', { error_type: 'connection', tenant_id: 'acme' }, 0);
      e.counter('redis_operations_total', { operation: 'hit', tenant_id: 'acme' }, 8);
      e.counter('redis_operations_total', { operation: 'miss', tenant_id: 'acme' }, 2);
      e.counter('redis_errors_total', {}, 0);
      e.gauge('process_resident_memory_bytes', {}, s.memoryMB * 1024 * 1024);
      e.counter('process_cpu_seconds_total', {}, 0.1);
      e.gauge('nodejs_eventloop_lag_seconds', {}, 0.002);
      s.extra?.(e);
    });
  const gateway = await service({ errorShare: 0.01, memoryMB: 200, poolActive: 10 });
  const auth = await service({ errorShare: 0.01, memoryMB: 1536, poolActive: 10 });
  const billing = await service({
    errorShare: 0.07,
    memoryMB: 300,
    poolActive: 90,
    extra: (e) => {
      e.counter('cloudbill_invoices_generated_total', {}, 2);
      e.counter('cloudbill_invoices_failed_total', {}, 0.1);
    },
  });
  const payment = await service({
    errorShare: 0.25,
    memoryMB: 300,
    poolActive: 10,
    extra: (e) => {
      e.counter('cloudbill_payments_total', {}, 10);
      e.counter('cloudbill_payments_succeeded_total', {}, 9.5);
      e.counter('cloudbill_payments_failed_total', {}, 0.5);
    },
  });
  const notification = await service({
    errorShare: 0.01,
    slow: true,
    memoryMB: 300,
    poolActive: 10,
    extra: (e) => {
      e.counter('cloudbill_notifications_sent_total', { notification_type: 'email', tenant_id: 'acme' }, 10);
      e.counter('cloudbill_notifications_failed_total', { notification_type: 'email', tenant_id: 'acme' }, 0.5);
      e.counter('cloudbill_notifications_sent_total', { notification_type: 'sms', tenant_id: 'acme' }, 1);
      e.counter('cloudbill_notifications_failed_total', { notification_type: 'sms', tenant_id: 'acme' }, 1);
    },
  });
  const run = await seed({
    example: '001-cloudbill',
    targets: {
      'api-gateway:8080': gateway.address,
      'auth-service:3001': auth.address,
      'billing-service:3002': billing.address,
      'payment-service:3003': payment.address,
      'notification-service:3004': notification.address,
    },
    // The example derives `service` from the host name in __address__ (auth-service:3001 →
    // auth); fake exporters listen on 127.0.0.1, so the test gives each target the label the
    // relabel rule would compute from its original address.
    editScrapeConfig: (cfg) => {
      const job = cfg.scrape_configs.find((j: any) => j.job_name === 'cloudbill-services');
      const rule = job.relabel_configs[0];
      const re = new RegExp(`^(?:${rule.regex})$`);
      job.static_configs = job.static_configs[0].targets.map((t: string) => ({ targets: [t], labels: { service: t.replace(re, '$1') } }));
      delete job.relabel_configs;
    },
    serverArgs: ['--web.enable-lifecycle'],
  });
  await checkSeed(run, {
    targets: 5,
    firing: ['HighErrorRate', 'CriticalErrorRate', 'HighLatencyP95', 'HighMemoryUsage', 'DatabasePoolExhaustion', 'InvoiceGenerationFailures', 'NotificationDeliveryFailures'],
    routes: {
      'incident-webhook': ['HighErrorRate', 'CriticalErrorRate', 'HighLatencyP95', 'HighMemoryUsage', 'DatabasePoolExhaustion', 'InvoiceGenerationFailures', 'NotificationDeliveryFailures'],
      pagerduty: ['CriticalErrorRate'],
      slack: ['HighErrorRate', 'HighLatencyP95', 'HighMemoryUsage', 'DatabasePoolExhaustion', 'InvoiceGenerationFailures', 'NotificationDeliveryFailures'],
    },
    queries: [
      'sum by (service) (rate(http_requests_total[5m]))',
      'sum by (service) (rate(http_requests_total{status=~"5.."}[5m]))\n/\nsum by (service) (rate(http_requests_total[5m]))',
      'histogram_quantile(0.95,\n  sum by (service, le) (rate(http_request_duration_seconds_bucket[5m]))\n)',
      'sum by (service) (rate(redis_operations_total{operation="hit"}[5m]))\n/\nsum by (service) (rate(redis_operations_total[5m]))',
      'db_pool_active_connections',
      'up',
    ],
    rangeQueries: ['service:http_requests:rate5m'],
  });
  // Per-service alerts carry the service label from the scrape config.
  const byService = (await run.alerts()).filter((a) => a.name === 'HighErrorRate').map((a) => a.labels.service).sort();
  assert.deepEqual(byService, ['billing', 'payment']);
  const mem = (await run.alerts()).find((a) => a.name === 'HighMemoryUsage')!;
  assert.equal(mem.labels.service, 'auth');
  // The seed's "check targets" jq fields exist: job, health, lastScrape.
  const targets = (await run.api('/api/v1/targets')).activeTargets;
  assert.deepEqual(targets.map((t: any) => t.labels.service).sort(), ['api-gateway', 'auth', 'billing', 'notification', 'payment']);
  assert.ok(targets.every((t: any) => t.labels.job && t.health === 'up' && !Number.isNaN(Date.parse(t.lastScrape))));
  // The seed's maintenance step: reload through the lifecycle API after editing the rules.
  const reload = await fetch(`${run.pl.url}/-/reload`, { method: 'POST' });
  assert.equal(reload.status, 200);
  const selfMetrics = await (await fetch(`${run.pl.url}/metrics`)).text();
  assert.match(selfMetrics, /^promlite_config_last_reload_successful 1$/m);
  assert.equal((await run.api('/api/v1/rules')).groups.length, 8, 'rule groups still loaded after reload');
});

test('seed 002 festivals: SLO recording rules, burn-rate and table alerts, critical→PagerDuty, warning→Slack, rest→email', async () => {
  const pod = () =>
    exporter((e) => {
      for (const [status, rate] of [['200', 50], ['500', 4]] as const) e.counter('festivals_http_requests_total', { method: 'GET', path: '/api/v1/festivals', status }, rate);
      e.counter('festivals_http_requests_total', { method: 'POST', path: '/api/v1/wallets/topup', status: '201' }, 10);
      e.histogram('festivals_http_request_duration_seconds', { method: 'GET', path: '/api/v1/festivals' }, 64, FAST, 0.02);
      e.gauge('festivals_http_requests_in_flight', {}, 3);
      e.counter('festivals_transactions_total', { festival_id: 'f1', type: 'purchase', status: 'success' }, 20);
      e.counter('festivals_transactions_total', { festival_id: 'f1', type: 'purchase', status: 'failed' }, 0.2);
      e.counter('festivals_tickets_scanned_total', { festival_id: 'f1', scan_type: 'valid' }, 10);
      e.counter('festivals_tickets_scanned_total', { festival_id: 'f1', scan_type: 'failed' }, 2);
      e.counter('festivals_cache_hits_total', { cache_name: 'festival' }, 90);
      e.counter('festivals_cache_misses_total', { cache_name: 'festival' }, 10);
      e.gauge('festivals_festivals_active', {}, 3);
      e.gauge('festivals_festival_attendees_current', { festival_id: 'f1' }, 12000);
    });
  const [pod0, pod1] = [await pod(), await pod()];
  const pg = await exporter((e) => {
    e.gauge('pg_up', {}, 1);
    e.gauge('pg_settings_max_connections', {}, 100);
    e.gauge('pg_stat_activity_count', { datname: 'festivals', state: 'active' }, 60);
    e.gauge('pg_stat_activity_count', { datname: 'festivals', state: 'idle' }, 25);
    e.gauge('pg_stat_activity_max_tx_duration', { datname: 'festivals', state: 'active' }, 2);
  });
  const redis = await exporter((e) => {
    e.gauge('redis_up', {}, 1);
    e.gauge('redis_memory_used_bytes', {}, 50e6);
    e.gauge('redis_memory_max_bytes', {}, 100e6);
    e.counter('redis_keyspace_hits_total', {}, 90);
    e.counter('redis_keyspace_misses_total', {}, 10);
  });
  const run = await seed({
    example: '002-festivals',
    targets: {
      'festivals-api-0.festivals.svc:9090': pod0.address,
      'festivals-api-1.festivals.svc:9090': pod1.address,
      'postgres-exporter:9187': pg.address,
      'redis-exporter:9121': redis.address,
    },
  });
  await checkSeed(run, {
    targets: 4,
    // 4/64 = 6.25% 5xx; 2/12 ticket scans fail; 85 of 100 connections in use.
    firing: ['APIHighErrorRate', 'HighTicketScanFailureRate', 'PostgreSQLHighConnectionUsage', 'SLOErrorBudgetBurnPage', 'SLOErrorBudgetBurnTicket', 'SLOErrorBudgetBurnInfo'],
    routes: {
      pagerduty: ['APIHighErrorRate', 'SLOErrorBudgetBurnPage'],
      slack: ['HighTicketScanFailureRate', 'PostgreSQLHighConnectionUsage', 'SLOErrorBudgetBurnTicket'],
      default: ['SLOErrorBudgetBurnInfo'],
    },
    queries: [
      'sum(rate(festivals_http_requests_total[5m])) by (path)',
      'sum(rate(festivals_http_requests_total{status=~"5.."}[5m]))\n/\nsum(rate(festivals_http_requests_total[5m]))',
      'histogram_quantile(0.99,\n  sum(rate(festivals_http_request_duration_seconds_bucket[5m])) by (le)\n)',
      'sum(rate(festivals_transactions_total{status="success"}[5m]))\n/\nsum(rate(festivals_transactions_total[5m]))',
      'sum(rate(festivals_cache_hits_total[5m]))\n/\n(sum(rate(festivals_cache_hits_total[5m])) + sum(rate(festivals_cache_misses_total[5m])))',
      'sum(rate(festivals_http_requests_total{status=~"5.."}[5m])) by (path)',
      'sum(festivals_festival_attendees_current)',
    ],
    rangeQueries: ['festivals:http_error_percentage:5m', 'sum by (status) (rate(festivals_http_requests_total[5m]))'],
  });

  // The seed's "Silencing Alerts": a silence on alertname=APIHighErrorRate through the
  // Alertmanager API suppresses the alert.
  const silence = await fetch(`${run.pl.url}/api/v2/silences`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      matchers: [{ name: 'alertname', value: 'APIHighErrorRate', isRegex: false, isEqual: true }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 2 * 3600_000).toISOString(),
      createdBy: 'acceptance',
      comment: 'Maintenance window',
    }),
  });
  assert.equal(silence.status, 200);
  const { silenceID } = await silence.json();
  await eventually(async () => {
    const a = await (await fetch(`${run.pl.url}/api/v2/alerts?filter=${encodeURIComponent('alertname="APIHighErrorRate"')}`)).json();
    return a.length > 0 && a.every((x: any) => x.status.state === 'suppressed' && x.status.silencedBy.includes(silenceID));
  }, 'APIHighErrorRate silenced', 10_000);

  // A new pod in the file_sd targets file is scraped without a reload, as the example promises.
  const pod2 = await pod();
  const sd = join(run.dir, 'targets', 'festivals-api.json');
  const groups = JSON.parse(readFileSync(sd, 'utf8'));
  groups[0].targets.push(pod2.address);
  writeFileSync(sd, JSON.stringify(groups));
  await eventually(async () => {
    const t = (await run.api('/api/v1/targets')).activeTargets;
    return t.some((x: any) => x.labels.instance === pod2.address && x.health === 'up');
  }, 'third festivals-api pod scraped', 15_000);
});

test('seed 003 e-commerce: tenant alerts, first-match routing (Tenant* warnings go to Slack, only info to the tenant webhook)', async () => {
  const api = await exporter((e) => {
    e.counter('http_requests_total', { tenant_id: 't1', endpoint: '/products', method: 'GET', status: '200' }, 5);
    // rate(x[5m]) divides by the full 5 minutes while only seconds of data exist (as in
    // Prometheus), so the seed's absolute `rate(5xx[5m]) > 0.1` needs a steep counter here.
    e.counter('http_requests_total', { tenant_id: 't1', endpoint: '/checkout', method: 'POST', status: '500' }, 40);
    e.counter('http_requests_total', { tenant_id: 't2', endpoint: '/products', method: 'GET', status: '200' }, 30);
    e.gauge('tenant_baseline', { tenant_id: 't1' }, 1000);
    e.gauge('tenant_baseline', { tenant_id: 't2' }, 10);
    e.gauge('tenant_api_limit', { tenant_id: 't1' }, 50);
    e.gauge('tenant_api_limit', { tenant_id: 't2' }, 100);
    e.gauge('products_count', { tenant_id: 't1', status: 'active' }, 90);
    e.gauge('products_count', { tenant_id: 't1', status: 'draft' }, 30);
    e.gauge('products_count', { tenant_id: 't2', status: 'active' }, 10);
    e.gauge('tenant_plan_limit', { tenant_id: 't1' }, 100);
    e.gauge('tenant_plan_limit', { tenant_id: 't2' }, 500);
    e.gauge('cpu_usage_percent', {}, 45);
    e.gauge('memory_usage_percent', {}, 90);
    e.gauge('db_query_duration_seconds', { tenant_id: 't1', table: 'orders' }, 0.3);
    e.gauge('db_connections_active', {}, 20);
    e.gauge('db_connections_max', {}, 100);
    e.counter('orders_total', { tenant_id: 't1', status: 'completed' }, 2);
    e.counter('orders_failed_total', { tenant_id: 't1' }, 0.01);
    e.counter('payment_failures_total', {}, 0);
    e.gauge('tenant_activity_score', { tenant_id: 't1' }, 0.9);
    e.gauge('tenant_activity_score', { tenant_id: 't3' }, 0.1);
    e.gauge('errors_total', { tenant_tier: 'enterprise', tenant_id: 't2' }, 3);
    e.counter('revenue_total', { tenant_id: 't1', currency: 'BDT', period: 'daily' }, 100);
    e.gauge('revenue_baseline', {}, 10);
    e.gauge('tenant_monthly_cost', { tenant_id: 't1' }, 950);
    e.gauge('tenant_monthly_budget', { tenant_id: 't1' }, 1000);
    e.gauge('tenant_profit_margin_percent', { tenant_id: 't1' }, 35);
    e.gauge('tenant_profit_margin_percent', { tenant_id: 't2' }, -5);
    e.gauge('tenant_daily_cost', { tenant_id: 't1' }, 30);
    e.gauge('tenant_baseline_cost', { tenant_id: 't1' }, 25);
  });
  const run = await seed({ example: '003-ecommerce', targets: { 'ecommerce-api:8080': api.address } });
  await checkSeed(run, {
    targets: 1,
    firing: ['HighErrorRate', 'HighMemoryUsage', 'TenantUsageSpike', 'TenantExceedsProductLimit', 'TenantChurnRisk', 'TenantCostExceedsBudget', 'LowProfitMarginTenant', 'NegativeProfitMargin'],
    routes: {
      'pager-duty': ['HighMemoryUsage', 'NegativeProfitMargin'],
      'slack-alerts': ['HighErrorRate', 'TenantExceedsProductLimit', 'TenantCostExceedsBudget'],
      'tenant-alerts': ['TenantUsageSpike', 'TenantChurnRisk'],
      default: ['LowProfitMarginTenant'],
    },
    queries: [
      'topk(5, sum by (tenant_id) (rate(http_requests_total[5m])))',
      'sum by (tenant_id) (products_count)',
      'tenant_profit_margin_percent < 20',
      'sum by (tenant_id) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (tenant_id) (rate(http_requests_total[5m]))',
    ],
    rangeQueries: ['sum by (tenant_id) (rate(http_requests_total[1m]))'],
  });
});

test('seed 004 analytics: email receivers per component, critical to on-call email + Slack, critical queue alert inhibits the warning', async () => {
  const api = await exporter((e) => {
    e.counter('http_requests_total', { method: 'POST', route: '/v1/events', status_code: '200' }, 93);
    e.counter('http_requests_total', { method: 'POST', route: '/v1/events', status_code: '500' }, 7);
    e.counter('http_requests_total', { method: 'GET', route: '/health', status_code: '200' }, 1);
    e.histogram('http_request_duration_seconds', { method: 'POST', route: '/v1/events' }, 100, FAST, 0.02);
    e.counter('events_received_total', { tool: 'cli' }, 80);
    e.histogram('db_query_duration_seconds', { operation: 'insert', table: 'events' }, 50, FAST, 0.01);
    e.counter('cache_operations_total', { result: 'hit' }, 80);
    e.counter('cache_operations_total', { result: 'miss' }, 20);
    e.gauge('process_resident_memory_bytes', {}, 420 * 1024 * 1024);
  });
  const worker = await exporter((e) => {
    e.gauge('queue_depth', {}, 6000);
    e.counter('worker_events_processed_total', { status: 'success' }, 50);
    e.counter('worker_events_processed_total', { status: 'error' }, 1);
    e.counter('worker_errors_total', { error_type: 'database_insert' }, 1);
    e.histogram('worker_batch_size', {}, 1, [[10, 0.1], [50, 0.6], [100, 1]], 40);
    e.gauge('analytics_last_event_processed_timestamp_seconds', {}, (now) => now);
    e.gauge('process_resident_memory_bytes', {}, 100 * 1024 * 1024);
  });
  const pg = await exporter((e) => {
    e.gauge('pg_up', {}, 1);
    e.gauge('pg_stat_activity_count', { datname: 'analytics', state: 'active' }, 40);
  });
  const redis = await exporter((e) => e.gauge('redis_up', {}, 1));
  const node = await exporter((e) => {
    e.counter('node_cpu_seconds_total', { cpu: '0', mode: 'idle' }, 0.7);
    e.counter('node_cpu_seconds_total', { cpu: '0', mode: 'user' }, 0.3);
    e.gauge('node_memory_MemAvailable_bytes', {}, 2e9);
    e.gauge('node_memory_MemTotal_bytes', {}, 8e9);
  });
  const run = await seed({
    example: '004-analytics',
    targets: { 'api:3000': api.address, 'worker:9091': worker.address, 'postgres-exporter:9187': pg.address, 'redis-exporter:9121': redis.address, 'node-exporter:9100': node.address },
  });
  await checkSeed(run, {
    targets: 5,
    firing: ['APIHighErrorRate', 'HighMemoryUsage', 'QueueBacklogHigh', 'QueueBacklogCritical'],
    routes: {
      critical: ['QueueBacklogCritical'],
      'api-team': ['APIHighErrorRate'],
      // QueueBacklogHigh (warning, component=queue) is inhibited by QueueBacklogCritical.
      default: ['HighMemoryUsage'],
    },
    queries: [
      'sum by (route) (rate(http_requests_total[5m]))',
      'sum(rate(http_requests_total{status_code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) * 100',
      'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
      'sum(rate(events_received_total[5m]))',
      'queue_depth',
      'sum(increase(worker_events_processed_total[24h]))',
      'histogram_quantile(0.95, sum by (le) (rate(db_query_duration_seconds_bucket[5m])))',
      '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m])))',
      'process_resident_memory_bytes / 1024 / 1024',
    ],
    rangeQueries: ['route:http_requests:rate5m', 'queue_depth'],
  });
  // Alerts carry the external labels; the critical one reached both integrations of `critical`.
  const crit = run.deliveries().filter((d) => d.receiver === 'critical');
  assert.deepEqual([...new Set(crit.map((d) => d.integration))].sort(), ['email', 'slack']);
  const mail = crit.find((d) => d.integration === 'email')!;
  assert.match(mail.text, /Subject: \[FIRING:1\] QueueBacklogCritical \(queue\)/);
  assert.match(mail.text, /<h2>QueueBacklogCritical: firing<\/h2>/);
  const alerts = await run.alerts();
  assert.ok(alerts.every((a) => a.labels.cluster === undefined), 'external labels are added when sending, not in /api/v1/alerts');
  // Forwarded to the configured Alertmanager as well.
  assert.ok(run.deliveries().some((d) => d.integration === 'alertmanager' && /QueueBacklogCritical/.test(d.text) && /analytics-prod/.test(d.text)));

  // The seed's "Test Alertmanager" step (its curl uses Alertmanager's v1 path; v2 is the same
  // payload): a hand-posted warning without a component reaches the default receiver.
  const posted = await fetch(`${run.pl.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ labels: { alertname: 'TestAlert', severity: 'warning' }, annotations: { summary: 'Test alert' } }]),
  });
  assert.equal(posted.status, 200);
  const testMail = await eventually(() => run.deliveries().find((d) => d.integration === 'email' && /Subject: \[FIRING:1\] TestAlert/.test(d.text)), 'test alert email', 10_000);
  assert.equal(testMail.receiver, 'default');
});
