/**
 * Cross-check of promlite's exposition parsers against Prometheus 2.42 on real payloads:
 * node-exporter's and Prometheus's own /metrics (captured live, text and OpenMetrics), the spec
 * examples, and malformed payloads. For every payload, promlite must accept exactly when
 * Prometheus does (up) and parse exactly as many samples as Prometheus reports in
 * scrape_samples_scraped.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Entry, ExpositionError } from '../../src/scrape/expositionParser.ts';
import { ACCEPT_HEADER } from '../../src/scrape/httpScraper.ts';
import { newParser } from '../../src/scrape/scrapeLoop.ts';
import { prometheusVerdicts, type OracleVerdict, type Payload } from '../fixtures/scrape/prometheusOracle.ts';
import { startNodeExporter, type NodeExporterPeer } from '../support/nodeExporterPeer.ts';
import { startPrometheusPeer, type PrometheusPeer } from '../support/prometheusPeer.ts';

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

async function capture(port: number, path: string, accept: string): Promise<Payload & { name: string }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { Accept: accept } });
  return { name: `${port}${path} (${accept.slice(0, 24)})`, body: Buffer.from(await r.arrayBuffer()), contentType: r.headers.get('content-type') ?? '' };
}

/** Samples promlite parses, or the error it reports. */
function promliteParse(p: Payload): { samples: number; error: string } {
  const parser = newParser(Buffer.from(p.body), p.contentType);
  let samples = 0;
  try {
    for (;;) {
      const e = parser.next();
      if (e === Entry.EOF) break;
      if (e === Entry.Series) {
        parser.labels();
        samples++;
      }
    }
    return { samples, error: '' };
  } catch (e) {
    assert.ok(e instanceof ExpositionError, String(e));
    return { samples, error: e.message };
  }
}

const SPEC_TEXT = `# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045

# A histogram, which has a pretty complex representation in the text format:
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320
`;

const SPEC_OM = `# TYPE acme_http_router_request_seconds summary
# UNIT acme_http_router_request_seconds seconds
# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
# TYPE foo counter
foo_total 17.0 1520879607.789
foo_created 1520430000.123
# TYPE go_goroutines gauge
go_goroutines 69
# TYPE hist histogram
hist_bucket{le="0.01"} 0 # {trace_id="KOO5S4vxi0o"} 0.004
hist_bucket{le="+Inf"} 17
hist_count 17
hist_sum 324789.3
# EOF
`;

/** Malformed or edge-case payloads: promlite must agree with Prometheus on each. */
const EDGE: Array<[string, string]> = [
  ['a{x="1"', TEXT],
  ['a{x="1\\"} 1\n', TEXT],
  ['a{x=1} 1\n', TEXT],
  ['a 1x\n', TEXT],
  ['a +nan\nb nan\n', TEXT],
  ['a NaN\nb +Inf\nc -inf\nd Infinity\n', TEXT],
  ['a 1_000\n', TEXT],
  ['a 1e400\n', TEXT],
  ['a 1 -5\n', TEXT],
  ['# TYPE a counter \na 1\n', TEXT],
  ['a{x="1",} 1\n', TEXT],
  ['a 1\n\0garbage', TEXT],
  ['\u0001\u0002\u0003binary', TEXT],
  ['a_total 1\n', OM],
  ['a{x="1",} 1\n# EOF\n', OM],
  ['a 1 1.5\n# EOF\n', OM],
  ['a 1\n\n# EOF\n', OM],
  ['# UNIT a_x seconds\na 1\n# EOF\n', OM],
];

let nodeExporter: NodeExporterPeer;
let prometheus: PrometheusPeer;
let payloads: Array<Payload & { name: string }> = [];
let verdicts: OracleVerdict[] = [];

before(async () => {
  nodeExporter = await startNodeExporter();
  prometheus = await startPrometheusPeer({ config: 'scrape_configs: []\n' });
  payloads = [
    await capture(nodeExporter.port, '/metrics', 'text/plain;version=0.0.4'),
    await capture(nodeExporter.port, '/metrics', ACCEPT_HEADER),
    await capture(prometheus.port, '/metrics', 'text/plain;version=0.0.4'),
    await capture(prometheus.port, '/metrics', ACCEPT_HEADER),
    { name: 'text spec example', body: SPEC_TEXT, contentType: TEXT },
    { name: 'OpenMetrics spec example', body: SPEC_OM, contentType: OM },
    ...EDGE.map(([body, contentType]) => ({ name: JSON.stringify(body), body, contentType })),
  ];
  verdicts = await prometheusVerdicts(payloads);
});

after(async () => {
  await nodeExporter?.stop();
  await prometheus?.stop();
});

describe('exposition parsing agrees with Prometheus 2.42', () => {
  it('parses live node-exporter and Prometheus payloads (text and negotiated format) sample for sample', () => {
    for (let i = 0; i < 4; i++) {
      const ours = promliteParse(payloads[i]);
      assert.equal(ours.error, '', payloads[i].name);
      assert.ok(ours.samples > 50, `${payloads[i].name}: only ${ours.samples} samples`);
      assert.equal(verdicts[i].up, 1, `${payloads[i].name}: Prometheus failed: ${verdicts[i].lastError}`);
      assert.equal(ours.samples, verdicts[i].samples, payloads[i].name);
    }
  });

  it('agrees on the spec examples and on every malformed or edge-case payload', () => {
    for (let i = 4; i < payloads.length; i++) {
      const ours = promliteParse(payloads[i]);
      const theirs = verdicts[i];
      const what = `${payloads[i].name}: Prometheus up=${theirs.up} samples=${theirs.samples} (${theirs.lastError}); promlite ${ours.error || 'ok'}`;
      assert.equal(ours.error === '', theirs.up === 1, what);
      if (theirs.up === 1) assert.equal(ours.samples, theirs.samples, what);
    }
  });
});
