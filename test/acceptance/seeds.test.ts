/**
 * Acceptance: each seed setup (config/examples/NNN-*) runs on a real promlite end to end —
 * fake exporters with the metric names and labels the seed's rules and dashboards use, the
 * example's rule files and notifier config, receivers pointed at local sinks. Values are chosen
 * so that some alerts fire and the rest stay inactive; routing must match the seed's tree
 * (severity routes, first-match, continue, inhibitions).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Exposition, startExporter, type FakeExporter } from './fakeExporter.ts';
import { runSeed, type SeedRun } from './seedHarness.ts';
import { checkSeed } from './checks.ts';

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
});
