// Prometheus alert templates: every function of the rule template language, checked two ways:
// 1. promlite's expandAlertTemplate renders each template to the expected string;
// 2. the same templates are rendered by Prometheus 2.42
//    (promtool test rules) and must give the same expected strings - so the table is the
//    real Go output, not our guess.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkAlertTemplate,
  expandAlertTemplate,
  expandAlertTemplateResult,
  expandAlertTemplateSync,
  type PromSample,
} from '../../../src/template/prometheusFuncs.ts';
import { promtoolRender } from './oracles.ts';

const testMetric: PromSample[] = [{ labels: { __name__: 'test_metric', instance: 'host:9100', job: 'node' }, value: 1e6 }];
const otherMetric: PromSample[] = [
  { labels: { __name__: 'other_metric', instance: 'b', job: 'x' }, value: 2 },
  { labels: { __name__: 'other_metric', instance: 'a', job: 'y' }, value: 3 },
];

/** What promtool's test environment holds (see oracles.ts promtoolRender). */
async function queryFn(expr: string): Promise<PromSample[]> {
  if (expr === 'test_metric') return testMetric;
  if (expr === 'other_metric') return otherMetric;
  if (expr === 'bad(') throw new Error('1:5: parse error: unclosed left parenthesis');
  return [];
}

const input = {
  alertName: 'TestAlert',
  labels: { __name__: 'test_metric', instance: 'host:9100', job: 'node' },
  externalLabels: { cluster: 'c1' },
  externalURL: 'http://example.com/prom',
  value: 1e6,
  timestampMs: 120_000,
  queryFn,
};

// [template, output of Prometheus 2.42]
const CASES: [string, string][] = [
  ["{{ humanize 1234567 }}|{{ humanize 0.00012 }}|{{ humanize $value }}|{{ humanize \"1e9\" }}|{{ humanize 0 }}|{{ humanize -1234 }}|{{ humanize 1e30 }}|{{ humanize 1e-30 }}|{{ humanize \"NaN\" }}|{{ humanize \"+Inf\" }}|{{ humanize 999.95 }}",
   "1.235M|120u|1M|1G|0|-1.234k|1e+06Y|1e-06y|NaN|+Inf|1000"],
  ["{{ humanize1024 1048576 }}|{{ humanize1024 0.5 }}|{{ humanize1024 1023 }}|{{ humanize1024 1536 }}|{{ humanize1024 -2048 }}|{{ humanize1024 1e30 }}",
   "1Mi|0.5|1023|1.5ki|-2ki|8.272e+05Yi"],
  ["{{ humanizeDuration 90 }}|{{ humanizeDuration 0.5 }}|{{ humanizeDuration 86461 }}|{{ humanizeDuration 3.7 }}|{{ humanizeDuration 0 }}|{{ humanizeDuration -90 }}|{{ humanizeDuration 0.000001234 }}|{{ humanizeDuration 3600 }}|{{ humanizeDuration 59.99 }}|{{ humanizeDuration \"1e3\" }}",
   "1m 30s|500ms|1d 0h 1m 1s|3.7s|0s|-1m 30s|1.234us|1h 0m 0s|59.99s|16m 40s"],
  ["{{ humanizePercentage 0.1234 }}|{{ humanizePercentage 1 }}|{{ humanizePercentage 0.000012345 }}|{{ humanizePercentage -0.5 }}",
   "12.34%|100%|0.001234%|-50%"],
  ["{{ humanizeTimestamp 1435065584.128 }}|{{ humanizeTimestamp 0 }}|{{ humanizeTimestamp 1 }}|{{ humanizeTimestamp 1.0001 }}|{{ humanizeTimestamp \"NaN\" }}",
   "2015-06-23 13:19:44.128 +0000 UTC|1970-01-01 00:00:00 +0000 UTC|1970-01-01 00:00:01 +0000 UTC|1970-01-01 00:00:01 +0000 UTC|NaN"],
  ["{{ $labels.instance }}|{{ $labels.missing }}|{{ $value }}|{{ .Value }}|{{ .Labels.job }}|{{ $externalLabels.cluster }}|{{ $externalURL }}|{{ $labels }}",
   "host:9100||1e+06|1e+06|node|c1|http://example.com/prom|map[__name__:test_metric instance:host:9100 job:node]"],
  ["{{ printf \"%.2f\" $value }}|{{ printf \"%d\" 42 }}|{{ printf \"%d\" $value }}|{{ printf \"%5.1f|%-6s|%6s|\" 3.14159 \"ab\" \"cd\" }}|{{ printf \"%x %X %o %b %c %q %U\" 255 255 8 5 65 \"a\\\"b\" 65 }}",
   "1000000.00|42|%!d(float64=1e+06)|  3.1|ab    |    cd||ff FF 10 101 A \"a\\\"b\" U+0041"],
  ["{{ printf \"%e %E %g %G\" 123456.789 0.000123 1e21 1e-7 }}|{{ printf \"%s\" 5 }}|{{ printf \"%d %d\" 1 }}|{{ printf \"%d\" 1 2 }}|{{ printf \"%v %v %v %v\" 0.1 100000 1e20 123456789.0 }}",
   "1.234568e+05 1.230000E-04 1e+21 1E-07|%!s(int=5)|1 %!d(MISSING)|1%!(EXTRA int=2)|0.1 100000 1e+20 1.23456789e+08"],
  ["{{ printf \"%.0f %.0f %.0f %.1f %.2f %.3g\" 0.5 1.5 2.5 0.25 1.005 1234.5678 }}|{{ printf \"%08.3f|%+d|% d|%+.2e\" -3.14159 5 7 12345.678 }}|{{ printf \"%t %v\" true false }}|{{ printf \"%5t|%-5d|%05d\" true 3 -42 }}",
   "0 2 2 0.2 1.00 1.23e+03|-003.142|+5| 7|+1.23e+04|true false| true|3    |-0042"],
  ["{{ title \"hello wORLD foo-bar éa\" }}|{{ toUpper \"abcé\" }}|{{ toLower \"ABC\" }}|{{ reReplaceAll \"(.*):(.*)\" \"$2:$1\" \"host:9100\" }}|{{ reReplaceAll \"a\" \"${0}x\" \"banana\" }}|{{ reReplaceAll \"x*\" \"-\" \"abc\" }}|{{ reReplaceAll \"(?P<h>[a-z]+)\" \"<$h>\" \"ab cd\" }}|{{ reReplaceAll \"b\" \"$1x\" \"abc\" }}",
   "Hello WORLD Foo-Bar Éa|ABCÉ|abc|9100:host|baxnaxnax|-a-b-c-|<ab> <cd>|ac"],
  ["{{ match \"^h\" \"host\" }}|{{ match \"^x\" \"host\" }}|{{ stripPort \"host:9100\" }}|{{ stripPort \"host\" }}|{{ stripPort \"[::1]:80\" }}|{{ stripPort \"a:b:c\" }}|{{ stripDomain \"foo.bar.com:9100\" }}|{{ stripDomain \"foo.bar\" }}|{{ stripDomain \"10.0.0.1:80\" }}|{{ stripDomain \"[2001:db8::1]:80\" }}",
   "true|false|host|host|::1|a:b:c|foo:9100|foo|10.0.0.1:80|[2001:db8::1]:80"],
  ["{{ with query \"test_metric\" }}{{ . | first | value }}{{ end }}|{{ range query \"test_metric\" }}{{ .Labels.instance }} {{ .Value }}{{ end }}|{{ query \"test_metric\" | first | label \"job\" }}|{{ range query \"other_metric\" | sortByLabel \"instance\" }}{{ .Labels.instance }}{{ end }}|{{ query \"other_metric\" | len }}",
   "1e+06|host:9100 1e+06|node|ab|2"],
  ["{{ parseDuration \"1h30m\" }}|{{ parseDuration \"90s\" }}|{{ parseDuration \"1d\" }}|{{ parseDuration \"100ms\" }}|{{ toTime 1435065584.128 }}|{{ safeHtml \"<b>\" }}|{{ graphLink \"up == 0\" }}|{{ tableLink \"rate(x[5m])\" }}",
   "5400|90|86400|0.1|2015-06-23 13:19:44.128 +0000 UTC|<b>|/graph?g0.expr=up+%3D%3D+0&g0.tab=0|/graph?g0.expr=rate%28x%5B5m%5D%29&g0.tab=1"],
  ["{{ with args 1 \"a\" 2.5 }}{{ .arg0 }} {{ .arg1 }} {{ .arg2 }} {{ .arg3 }}{{ end }}|{{ len $labels }}|{{ index $labels \"job\" }}|{{ slice \"abcdef\" 2 }}|{{ html \"<a&b>\" }}|{{ js \"x<y\" }}|{{ urlquery \"a b\" }}|{{ print 1 2 \"x\" }}|{{ println \"a\" 1 }}",
   "1 a 2.5 <no value>|3|node|cdef|&lt;a&amp;b&gt;|x\\u003Cy|a+b|1 2x|a 1\n"],
  ["{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}|{{ if gt $value 100.0 }}big{{ else }}small{{ end }}|{{ if eq $labels.job \"node\" \"x\" }}yes{{ end }}|{{ with $labels.missing }}x{{ else }}none{{ end }}|{{ and 1 0 }}|{{ or 0 \"\" }}|{{ not 0 }}",
   "__name__=test_metric;instance=host:9100;job=node;|big|yes|none|0||true"],
  ["{{ define \"x\" }}[{{ . }}]{{ end }}{{ template \"x\" $labels.job }}|{{ $x := 1 }}{{ $x = 2 }}{{ $x }}|{{- \"trim\" -}} | {{ \"a\tb\" }}|{{ `raw\n` }}|{{ 1e6 }}|{{ 0x1F }}|{{ 1.5e-7 }}|{{ -0.0 }}",
   "[node]|2|trim| a\tb|raw\n|1e+06|31|1.5e-07|-0"],
  ["{{ humanize \"x\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <humanize \"x\">: error calling humanize: strconv.ParseFloat: parsing \"x\": invalid syntax>"],
  ["{{ first (query \"nonexistent\") }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <first (query \"nonexistent\")>: error calling first: first() called on vector with no elements>"],
  ["{{ gt $value 1 }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <gt $value 1>: error calling gt: incompatible types for comparison>"],
  ["{{ index $labels 1 }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <index $labels 1>: error calling index: value has type int; should be string>"],
  ["{{ .Foo }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <.Foo>: can't evaluate field Foo in type struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }>"],
  ["{{ $labels.job.x }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:122: executing \"__alert_TestAlert\" at <$labels.job.x>: can't evaluate field x in type string>"],
  ["{{ query \"bad(\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <query \"bad(\">: error calling query: 1:5: parse error: unclosed left parenthesis>"],
  ["{{ printf \"%s\" }}{{ len 3 }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:132: executing \"__alert_TestAlert\" at <len 3>: error calling len: len of type int>"],
  ["{{ toTime \"NaN\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <toTime \"NaN\">: error calling toTime: value is NaN or Inf>"],
  ["{{ reReplaceAll \"(\" \"x\" \"y\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <reReplaceAll \"(\" \"x\" \"y\">: error calling reReplaceAll: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`>"],
  ["{{ match \"[\" \"x\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <match \"[\" \"x\">: error calling match: error parsing regexp: missing closing ]: `[`>"],
  ["{{ parseDuration \"1x\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <parseDuration \"1x\">: error calling parseDuration: not a valid duration string: \"1x\">"],
  ["{{ template \"nope\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:124: executing \"__alert_TestAlert\" at <{{template \"nope\"}}>: template \"nope\" not defined>"],
  ["{{ range $value }}{{ end }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:121: executing \"__alert_TestAlert\" at <$value>: range can't iterate over 1e+06>"],
  ["{{ humanize 1000 }}|{{ humanize 999.99 }}|{{ humanize 0.001 }}|{{ humanize 0.0009999 }}|{{ humanize -0.5 }}|{{ humanize 1e27 }}|{{ humanize 123456789012 }}|{{ humanize \"-Inf\" }}|{{ humanize 2 }}",
   "1k|1000|1m|999.9u|-500m|1000Y|123.5G|-Inf|2"],
  ["{{ humanize1024 1 }}|{{ humanize1024 -1 }}|{{ humanize1024 1024 }}|{{ humanize1024 1025 }}|{{ humanize1024 \"NaN\" }}|{{ humanize1024 0 }}|{{ humanize1024 5.5e15 }}",
   "1|-1|1ki|1.001ki|NaN|0|4.885Pi"],
  ["{{ humanizeDuration 1 }}|{{ humanizeDuration 59 }}|{{ humanizeDuration 60 }}|{{ humanizeDuration 86400 }}|{{ humanizeDuration 1e9 }}|{{ humanizeDuration -0.001 }}|{{ humanizeDuration 0.1234567 }}|{{ humanizeDuration \"Inf\" }}|{{ humanizeDuration 1.5 }}|{{ humanizeDuration -86401.7 }}",
   "1s|59s|1m 0s|1d 0h 0m 0s|11574d 1h 46m 40s|-1ms|123.5ms|+Inf|1.5s|-1d 0h 0m 1s"],
  ["{{ humanizeTimestamp 1e9 }}|{{ humanizeTimestamp -1.5 }}|{{ humanizeTimestamp 1700000000.0009 }}|{{ humanizeTimestamp 253402300800 }}|{{ humanizeTimestamp \"1435065584\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:212: executing \"__alert_TestAlert\" at <humanizeTimestamp 253402300800>: error calling humanizeTimestamp: 2.534023008e+11 cannot be represented as a nanoseconds timestamp since it overflows int64>"],
  ["{{ (toTime 1435065584.128).Unix }}|{{ (toTime 1435065584.128).Format \"2006-01-02\" }}|{{ toTime 0 }}",
   "1435065584|2015-06-23|1970-01-01 00:00:00 +0000 UTC"],
  ["{{ with query \"other_metric\" | sortByLabel \"instance\" }}{{ range . }}{{ .Labels.instance }}={{ .Value }} {{ end }}{{ end }}|{{ range query \"nonexistent\" }}x{{ else }}empty{{ end }}|{{ query \"other_metric\" | len }}|{{ with query \"nonexistent\" }}x{{ else }}none{{ end }}",
   "a=3 b=2 |empty|2|none"],
  ["{{ range query \"other_metric\" | sortByLabel \"job\" }}{{ .Labels.job }}{{ end }}|{{ query \"test_metric\" | first | strvalue }}|{{ label \"missing\" (query \"test_metric\" | first) }}|{{ printf \"%.1f\" (query \"other_metric\" | sortByLabel \"instance\" | first | value) }}",
   "xy|||3.0"],
  ["{{ printf \"%s\" $labels }}|{{ printf \"%v\" $externalLabels }}|{{ printf \"%q\" $labels.job }}|{{ printf \"%T %T\" $labels $value }}",
   "map[__name__:test_metric instance:host:9100 job:node]|map[cluster:c1]|\"node\"|map[string]string float64"],
  ["{{ if match \"^host\" $labels.instance }}m{{ end }}|{{ reReplaceAll \":.*\" \"\" $labels.instance }}|{{ reReplaceAll \"(?i)HOST\" \"X\" \"Host host\" }}|{{ reReplaceAll \"^\" \">\" \"ab\" }}|{{ reReplaceAll \"$\" \"<\" \"ab\" }}|{{ reReplaceAll \"b*\" \"-\" \"abba\" }}",
   "m|host|X X|>ab|ab<|-a-a-"],
  ["{{ title \"\" }}|{{ title \"a\" }}|{{ title \"ÿx üy\" }}|{{ title \"a.b-c_d e1f\" }}|{{ toUpper \"straße\" }}|{{ toLower \"ÀÉ\" }}",
   "|A|Ÿx Üy|A.B-C_d E1f|STRAßE|àé"],
  ["{{ stripPort \":80\" }}|{{ stripPort \"host:\" }}|{{ stripPort \"[::1]\" }}|{{ stripPort \"::1\" }}|{{ stripDomain \"a.b.c\" }}|{{ stripDomain \"[::1]:9\" }}|{{ stripDomain \"host:80\" }}",
   "|host|[::1]|::1|a|[::1]:9|host:80"],
  ["{{ parseDuration \"0\" }}|{{ parseDuration \"1y2w3d4h5m6s7ms\" }}|{{ parseDuration \"1.5h\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:177: executing \"__alert_TestAlert\" at <parseDuration \"1.5h\">: error calling parseDuration: not a valid duration string: \"1.5h\">"],
  ["{{ parseDuration \"1h1h\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <parseDuration \"1h1h\">: error calling parseDuration: not a valid duration string: \"1h1h\">"],
  ["{{ graphLink \"sum(rate(x{a=\\\"b\\\"}[5m])) > 0\" }}|{{ tableLink \"a b\" }}",
   "/graph?g0.expr=sum%28rate%28x%7Ba%3D%22b%22%7D%5B5m%5D%29%29+%3E+0&g0.tab=0|/graph?g0.expr=a+b&g0.tab=1"],
  ["{{ humanize (print 12) }}|{{ humanize true }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:141: executing \"__alert_TestAlert\" at <humanize true>: error calling humanize: can't convert bool to float>"],
  ["{{ label \"x\" 1 }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:125: executing \"__alert_TestAlert\" at <1>: can't handle 1 for arg of type *template.sample>"],
  ["{{ value \"x\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:121: executing \"__alert_TestAlert\" at <\"x\">: can't handle \"x\" for arg of type *template.sample>"],
  ["{{ toUpper 5 }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:123: executing \"__alert_TestAlert\" at <5>: expected string; found 5>"],
  ["{{ toUpper $value }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:123: executing \"__alert_TestAlert\" at <$value>: wrong type for value; expected string; got float64>"],
  ["{{ humanizeDuration nil }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <humanizeDuration nil>: error calling humanizeDuration: can't convert <nil> to float>"],
  ["{{ sortByLabel \"x\" 5 }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:131: executing \"__alert_TestAlert\" at <5>: can't handle 5 for arg of type template.queryResult>"],
  ["{{ args }}|{{ with args }}{{ .arg0 }}{{ end }}",
   "map[]|"],
  ["{{ safeHtml \"<b>&amp;</b>\" | printf \"%s\" }}|{{ safeHtml \"x\" | len }}",
   "<b>&amp;</b>|1"],
  ["{{ humanize \"1_000\" }}",
   "1k"],
  ["{{ humanize \"0x1_0p0\" }}",
   "16"],
  ["{{ humanize \" 1\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <humanize \" 1\">: error calling humanize: strconv.ParseFloat: parsing \" 1\": invalid syntax>"],
  ["{{ humanize \"1e500\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <humanize \"1e500\">: error calling humanize: strconv.ParseFloat: parsing \"1e500\": value out of range>"],
  ["{{ humanize \"inf\" }}",
   "+Inf"],
  ["{{ humanize \"-infinity\" }}",
   "-Inf"],
  ["{{ humanize \"0x10\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <humanize \"0x10\">: error calling humanize: strconv.ParseFloat: parsing \"0x10\": invalid syntax>"],
  ["{{ humanize \".5\" }}",
   "500m"],
  ["{{ humanize \"5.\" }}",
   "5"],
  ["{{ humanize \"+1.5e3\" }}",
   "1.5k"],
  ["{{ humanize \"1e\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <humanize \"1e\">: error calling humanize: strconv.ParseFloat: parsing \"1e\": invalid syntax>"],
  ["{{ humanize \"\" }}",
   "<error expanding template: error executing template __alert_TestAlert: template: __alert_TestAlert:1:115: executing \"__alert_TestAlert\" at <humanize \"\">: error calling humanize: strconv.ParseFloat: parsing \"\": invalid syntax>"],
];

describe('prometheus templates: promlite output', () => {
  for (const [text, want] of CASES) {
    it(text, async () => assert.equal(await expandAlertTemplate(text, input), want));
  }
});

describe('prometheus templates: the table is what promtool renders', () => {
  it('promtool test rules agrees with every expected string', () => {
    const got = promtoolRender(CASES.map(([t]) => t));
    assert.ok(got);
    CASES.forEach(([text, want], i) => assert.equal(got[i], want, text));
  });
});

describe('prometheus templates: expander behaviour', () => {
  it('reports ok=false with the error', async () => {
    const r = await expandAlertTemplateResult('{{ humanize "x" }}', input);
    assert.equal(r.ok, false);
    assert.match(r.error!.message, /strconv.ParseFloat/);
  });
  it('runs each distinct query once per pass and caches it', async () => {
    const calls: string[] = [];
    const text = '{{ range query "other_metric" }}{{ .Value }}{{ end }}{{ with query "test_metric" }}{{ . | first | value }}{{ end }}{{ range query "other_metric" }}.{{ end }}';
    const out = await expandAlertTemplate(text, { ...input, queryFn: async (e) => (calls.push(e), queryFn(e)) });
    assert.equal(out, '231e+06..');
    assert.deepEqual(calls, ['other_metric', 'test_metric']);
  });
  it('sync expansion with a sync queryFn', () => {
    const out = expandAlertTemplateSync('{{ $labels.job }} {{ query "q" | first | value }}', { ...input, queryFn: () => [{ labels: {}, value: 7 }] });
    assert.equal(out, 'node 7');
  });
  it('query without queryFn is an error in the text', async () => {
    const out = await expandAlertTemplate('{{ query "up" }}', { ...input, queryFn: undefined });
    assert.match(out, /^<error expanding template: .*error calling query: query function not available>$/);
  });
  it('load-time check returns the parse error as Prometheus words it', () => {
    assert.equal(checkAlertTemplate('{{ $labels.x }}', 'A'), null);
    assert.equal(checkAlertTemplate('{{ nosuchfn }}', 'A')?.message, 'template: __alert_A:1: function "nosuchfn" not defined');
    assert.equal(checkAlertTemplate('x\n{{ if }}', 'A')?.message, 'template: __alert_A:2: missing value for if');
  });
});
