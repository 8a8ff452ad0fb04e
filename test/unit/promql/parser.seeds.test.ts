/**
 * PromQL from the seed documents (../shared/seeds: recording/alerting rules and dashboard
 * queries of the deployments promlite is for), copied here so the test stands alone. The valid
 * ones must parse; the invalid ones (a bare `{tenant_id}` label, a range vector summed) must
 * fail with the message Prometheus 2.42 gives for them (checked against its /api/v1/query).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpr } from '../../../src/promql/parser.ts';
import { PromQLParseError } from '../../../src/promql/parseError.ts';

const VALID: [source: string, expr: string][] = [
  ["001_4d413405ec7ad2e9.txt:246", "sum by (service) (rate(http_requests_total[5m]))"],
  ["001_4d413405ec7ad2e9.txt:251", "sum by (service) (rate(http_requests_total{status=~\"5..\"}[5m]))\n/\nsum by (service) (rate(http_requests_total[5m]))"],
  ["001_4d413405ec7ad2e9.txt:258", "histogram_quantile(0.95,\nsum by (service, le) (rate(http_request_duration_seconds_bucket[5m]))\n)"],
  ["001_4d413405ec7ad2e9.txt:265", "sum by (service) (rate(redis_operations_total{operation=\"hit\"}[5m]))\n/\nsum by (service) (rate(redis_operations_total[5m]))"],
  ["001_4d413405ec7ad2e9.txt:272", "db_pool_active_connections"],
  ["002_bb101c49fccd1561.txt:377", "sum(rate(festivals_http_requests_total[5m]))"],
  ["002_bb101c49fccd1561.txt:381", "sum(rate(festivals_http_requests_total{status=~\"5..\"}[5m]))"],
  ["002_bb101c49fccd1561.txt:385", "festivals:http_errors:rate5m / festivals:http_requests:rate5m * 100"],
  ["002_bb101c49fccd1561.txt:389", "histogram_quantile(0.99, sum(rate(festivals_http_request_duration_seconds_bucket[5m])) by (le))"],
  ["002_bb101c49fccd1561.txt:392", "histogram_quantile(0.95, sum(rate(festivals_http_request_duration_seconds_bucket[5m])) by (le))"],
  ["002_bb101c49fccd1561.txt:395", "histogram_quantile(0.50, sum(rate(festivals_http_request_duration_seconds_bucket[5m])) by (le))"],
  ["002_bb101c49fccd1561.txt:399", "1 - (festivals:http_errors:rate5m / festivals:http_requests:rate5m)"],
  ["002_bb101c49fccd1561.txt:404", "sum(rate(festivals_http_requests_total{status!~\"5..\"}[1h]))\n/\nsum(rate(festivals_http_requests_total[1h]))"],
  ["002_bb101c49fccd1561.txt:410", "sum(rate(festivals_http_request_duration_seconds_bucket{le=\"0.5\"}[1h]))\n/\nsum(rate(festivals_http_request_duration_seconds_count[1h]))"],
  ["002_bb101c49fccd1561.txt:517", "sum(rate(festivals_http_requests_total{status=~\"5..\"}[5m])) by (path)"],
  ["002_bb101c49fccd1561.txt:738", "sum(rate(festivals_http_requests_total[5m])) by (path)"],
  ["002_bb101c49fccd1561.txt:743", "sum(rate(festivals_http_requests_total{status=~\"5..\"}[5m]))\n/\nsum(rate(festivals_http_requests_total[5m]))"],
  ["002_bb101c49fccd1561.txt:750", "histogram_quantile(0.99,\nsum(rate(festivals_http_request_duration_seconds_bucket[5m])) by (le)\n)"],
  ["002_bb101c49fccd1561.txt:757", "sum(rate(festivals_transactions_total{status=\"success\"}[5m]))\n/\nsum(rate(festivals_transactions_total[5m]))"],
  ["002_bb101c49fccd1561.txt:764", "sum(rate(festivals_cache_hits_total[5m]))\n/\n(sum(rate(festivals_cache_hits_total[5m])) + sum(rate(festivals_cache_misses_total[5m])))"],
  ["003_025d0a53556ac1d4.txt:139", "up{job=\"ecommerce-api\"} == 0"],
  ["003_025d0a53556ac1d4.txt:144", "rate(http_requests_total{status=~\"5..\"}[5m]) > 0.1"],
  ["003_025d0a53556ac1d4.txt:150", "cpu_usage_percent > 80"],
  ["003_025d0a53556ac1d4.txt:155", "memory_usage_percent > 85"],
  ["003_025d0a53556ac1d4.txt:161", "db_query_duration_seconds > 2.0"],
  ["003_025d0a53556ac1d4.txt:166", "db_connections_active / db_connections_max > 0.9"],
  ["003_025d0a53556ac1d4.txt:197", "rate(payment_failures_total[5m]) > 0.1"],
  ["003_025d0a53556ac1d4.txt:206", "tenant_activity_score < 0.3"],
  ["003_025d0a53556ac1d4.txt:211", "errors_total{tenant_tier=\"enterprise\"} > 10"],
  ["003_025d0a53556ac1d4.txt:325", "tenant_monthly_cost > tenant_monthly_budget * 0.9"],
  ["003_025d0a53556ac1d4.txt:330", "tenant_profit_margin_percent < 20"],
  ["003_025d0a53556ac1d4.txt:335", "tenant_daily_cost > tenant_baseline_cost * 2"],
  ["003_025d0a53556ac1d4.txt:340", "tenant_profit_margin_percent < 0"],
];

const INVALID: [source: string, expr: string, error: string][] = [
  ["003_025d0a53556ac1d4.txt:175", "increase(http_requests_total{tenant_id}[1h]) > tenant_baseline * 3", "1:39: parse error: unexpected \"}\" in label matching, expected label matching operator"],
  ["003_025d0a53556ac1d4.txt:181", "products_count{tenant_id} > tenant_plan_limit", "1:25: parse error: unexpected \"}\" in label matching, expected label matching operator"],
  ["003_025d0a53556ac1d4.txt:186", "rate(http_requests_total{tenant_id}[1h]) > tenant_api_limit", "1:35: parse error: unexpected \"}\" in label matching, expected label matching operator"],
  ["003_025d0a53556ac1d4.txt:192", "rate(orders_failed_total{tenant_id}[10m]) > 0.05", "1:35: parse error: unexpected \"}\" in label matching, expected label matching operator"],
  ["003_025d0a53556ac1d4.txt:216", "sum(revenue_total[24h]) < revenue_baseline * 0.8", "1:5: parse error: expected type instant vector in aggregation expression, got range vector"],
];

test('valid seed expressions parse', () => {
  for (const [source, expr] of VALID) {
    assert.doesNotThrow(() => parseExpr(expr), `${source}: ${expr}`);
  }
});

test('invalid seed expressions fail like Prometheus', () => {
  for (const [source, expr, error] of INVALID) {
    assert.throws(
      () => parseExpr(expr),
      (e: unknown) => e instanceof PromQLParseError && e.message === error,
      `${source}: ${expr} should fail with ${error}`,
    );
  }
});
