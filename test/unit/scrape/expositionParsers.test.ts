/**
 * One exposition suite run against both parsers (STYLE 27): what the text format and
 * OpenMetrics share, then each format's own rules. Expected results were checked against
 * Prometheus 2.42 scraping the same payloads (see test/interop/scrapeParsers.test.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Entry, ExpositionError, type ExpositionParser } from '../../../src/scrape/expositionParser.ts';
import { TextParser } from '../../../src/scrape/textParser.ts';
import { OpenMetricsParser } from '../../../src/scrape/openMetricsParser.ts';

interface Sample {
  series: string;
  value: number;
  ts?: number;
}

function parseAll(p: ExpositionParser): { samples: Sample[]; meta: string[] } {
  const samples: Sample[] = [];
  const meta: string[] = [];
  for (;;) {
    const e = p.next();
    if (e === Entry.EOF) break;
    if (e === Entry.Series) samples.push({ series: p.labels().toString(), value: p.value, ...(p.hasTimestamp ? { ts: p.timestamp } : {}) });
    else if (e === Entry.Help) meta.push(`help ${p.metaName()} ${p.metaText()}`);
    else if (e === Entry.Type) meta.push(`type ${p.metaName()} ${p.metaType()}`);
    else if (e === Entry.Unit) meta.push(`unit ${p.metaName()} ${p.metaText()}`);
  }
  return { samples, meta };
}

const formats = [
  { name: 'text', make: (s: string | Buffer) => new TextParser(Buffer.from(s)), eof: '' },
  { name: 'openmetrics', make: (s: string | Buffer) => new OpenMetricsParser(Buffer.from(s)), eof: '# EOF\n' },
];

for (const f of formats) {
  describe(`exposition suite: ${f.name}`, () => {
    const parse = (body: string) => parseAll(f.make(body + f.eof));
    const fails = (body: string, re: RegExp) => assert.throws(() => parse(body), (e: unknown) => e instanceof ExpositionError && re.test(e.message));

    it('parses names, label sets and values, sorting labels', () => {
      const { samples } = parse('a_total{z="1",b="x y"} 3\nb 4.5e3\n');
      assert.deepEqual(samples, [
        { series: 'a_total{b="x y", z="1"}', value: 3 },
        { series: 'b', value: 4500 },
      ]);
    });

    it('unescapes \\\\, \\" and \\n in label values and keeps other backslashes', () => {
      const { samples } = parse('m{p="C:\\\\DIR\\\\F.TXT",e="say \\"hi\\"\\n",t="a\\tb"} 1\n');
      const ls = f.make('m{p="C:\\\\DIR\\\\F.TXT",e="say \\"hi\\"\\n",t="a\\tb"} 1\n' + f.eof);
      ls.next();
      const labels = ls.labels();
      assert.equal(labels.get('p'), 'C:\\DIR\\F.TXT');
      assert.equal(labels.get('e'), 'say "hi"\n');
      assert.equal(labels.get('t'), 'a\\tb');
      assert.equal(samples.length, 1);
    });

    it('accepts the NaN and Inf spellings Go accepts and rejects the rest', () => {
      const { samples } = parse('a NaN\nb nan\nc +Inf\nd -Inf\ne inf\nf -infinity\ng Infinity\n');
      assert.ok(Number.isNaN(samples[0].value) && Number.isNaN(samples[1].value));
      assert.deepEqual(samples.slice(2).map((s) => s.value), [Infinity, -Infinity, Infinity, -Infinity, Infinity]);
      fails('a +nan\n', /invalid sample value "\+nan"/);
      fails('a Infinit\n', /invalid sample value/);
      fails('a 1_000\n', /invalid sample value/);
      fails('a 0x1p3\n', /invalid sample value/);
      fails('a 1e400\n', /invalid sample value/);
    });

    it('parses decimal values exactly', () => {
      const { samples } = parse('a 0.1\nb -1.5e-7\nc 123456789012345678901234\nd .5\ne 1.\nf 4.9e-324\n');
      assert.deepEqual(samples.map((s) => s.value), [0.1, -1.5e-7, 123456789012345678901234, 0.5, 1, 4.9e-324]);
    });

    it('keeps HELP and TYPE metadata', () => {
      const { meta } = parse('# HELP a_total Requests \\\\ served\\n.\n# TYPE a_total counter\na_total 1\n');
      assert.deepEqual(meta, ['help a_total Requests \\ served\n.', 'type a_total counter']);
    });

    it('reports truncated lines and unterminated values with their line number', () => {
      fails('a 1\nb{x="1"', /^line 2: /);
      fails('a 1\nb{x="1} 2\n', /^line 2: /);
      fails('a 1\nb{x=1} 2\n', /line 2: expected label value/);
      fails('a 1\nb{1x="1"} 2\n', /line 2: expected label name/);
      fails('a 1\nb\n', /line 2: /);
    });

    it('rejects invalid UTF-8 in label values and duplicate label names', () => {
      const bad = Buffer.concat([Buffer.from('a{x="'), Buffer.from([0xff, 0xfe]), Buffer.from('"} 1\n' + f.eof)]);
      const p = f.make(bad);
      assert.equal(p.next(), Entry.Series);
      assert.throws(() => p.labels(), /line 1: invalid UTF-8 in value of label "x"/);
      const d = f.make('a{x="1",x="2"} 1\n' + f.eof);
      d.next();
      assert.throws(() => d.labels(), /label name "x" is not unique/);
    });

    it('exposes the raw series bytes for the scrape cache', () => {
      const body = 'abc{x="1"} 7\n' + f.eof;
      const p = f.make(body);
      p.next();
      assert.equal(body.slice(p.seriesStart, p.seriesEnd), 'abc{x="1"}');
    });

    it('rejects binary garbage', () => {
      assert.throws(() => parseAll(f.make(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x41, 0x42]))), ExpositionError);
    });
  });
}

describe('text format specifics', () => {
  const parse = (s: string) => parseAll(new TextParser(Buffer.from(s)));

  it('parses the example from the exposition format spec (except the negative timestamp Prometheus 2.42 rejects)', () => {
    const body = `# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A histogram, which has a pretty complex representation in the text format:
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# Finally a summary, which has a complex representation, too:
# HELP rpc_duration_seconds A summary of the RPC duration in seconds.
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.01"} 3102
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
`;
    const { samples, meta } = parse(body);
    assert.equal(samples.length, 11);
    assert.deepEqual(samples[0], { series: 'http_requests_total{code="200", method="post"}', value: 1027, ts: 1395066363000 });
    assert.equal(samples[2].value, 1458255915);
    assert.equal(samples[9].value, 17560473);
    assert.deepEqual(meta.filter((m) => m.startsWith('type')), ['type http_requests_total counter', 'type http_request_duration_seconds histogram', 'type rpc_duration_seconds summary']);
    assert.throws(() => parse('something_weird{problem="division by zero"} +Inf -3982045\n'), /expected timestamp or new record/);
  });

  it('tolerates blank lines, tabs, spaces in label sets, a trailing comma, a missing final newline', () => {
    const { samples } = parse('\n\t a { x = "1" , } 1\t 5\n\nb{x="1" y="2"} 2');
    assert.deepEqual(samples, [
      { series: 'a{x="1"}', value: 1, ts: 5 },
      { series: 'b{x="1", y="2"}', value: 2 },
    ]);
  });

  it('treats other # lines as comments and rejects bad TYPE lines as Prometheus does', () => {
    assert.deepEqual(parse('#HELP a x\n# random comment\n# HELP\na 1\n').samples.length, 1);
    assert.throws(() => parse('# TYPE a counter \na 1\n'), /invalid metric type "counter "/);
    assert.throws(() => parse('# TYPE a gaugehistogram\n'), /invalid metric type/);
    assert.equal(parse('# TYPE a untyped\n').meta[0], 'type a unknown');
  });

  it('stops at a NUL byte at the start of a line, as Prometheus does', () => {
    assert.equal(parse('a 1\n\0garbage{').samples.length, 1);
  });
});

describe('OpenMetrics specifics', () => {
  const parse = (s: string) => parseAll(new OpenMetricsParser(Buffer.from(s)));

  it('parses the spec-style example with units, _created, exemplars and float-second timestamps', () => {
    const body = `# TYPE acme_http_router_request_seconds summary
# UNIT acme_http_router_request_seconds seconds
# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
# TYPE foo counter
foo_total 17.0 1520879607.789 # {id="counter-test"} 5
foo_created 1520430000.123
# TYPE hist histogram
hist_bucket{le="0.01"} 0 # {trace_id="KOO5S4vxi0o"} 0.004 1601295000.0
hist_bucket{le="+Inf"} 17
# EOF
`;
    const { samples, meta } = parse(body);
    assert.equal(samples.length, 7);
    assert.deepEqual(samples[3], { series: 'foo_total', value: 17, ts: 1520879607789 });
    assert.equal(samples[4].series, 'foo_created');
    assert.ok(meta.includes('unit acme_http_router_request_seconds seconds'));
    const p = new OpenMetricsParser(Buffer.from('hist_bucket{le="0.01"} 0 # {trace_id="KOO5S4vxi0o"} 0.004 1601295000.0\n# EOF\n'));
    p.next();
    assert.deepEqual(p.exemplar()?.labels.toObject(), { trace_id: 'KOO5S4vxi0o' });
    assert.equal(p.exemplar()?.timestamp, 1601295000000);
  });

  it('requires # EOF at the end and nothing after it', () => {
    assert.throws(() => parse('a 1\n'), /data does not end with # EOF/);
    assert.throws(() => parse('a 1\n# EOF\nb 2\n'), /unexpected data after # EOF/);
    assert.equal(parse('a 1\n# EOF').samples.length, 1);
  });

  it('is strict where the spec is: blank lines, free comments, trailing commas, unit suffix', () => {
    assert.throws(() => parse('a 1\n\nb 2\n# EOF\n'), /line 2/);
    assert.throws(() => parse('# random\n# EOF\n'), /invalid comment/);
    assert.throws(() => parse('a{x="1",} 1\n# EOF\n'), /expected label name/);
    assert.throws(() => parse('# UNIT a_x seconds\n# EOF\n'), /unit not a suffix/);
    assert.throws(() => parse('a 1 NaN\n# EOF\n'), /invalid timestamp/);
  });
});
