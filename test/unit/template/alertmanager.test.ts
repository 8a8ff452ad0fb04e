// Alertmanager notification templates: default templates, data model and functions. Expected
// strings were captured from Alertmanager 0.25 (`amtool template render` with Debian's
// default.tmpl/email.tmpl) for the data in alertmanagerCases.ts; the table is also re-checked
// against amtool itself (CI installs it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertmanagerTemplates, loadTemplateFiles, globFiles } from '../../../src/template/alertmanagerTemplates.ts';
import { buildTemplateData, labelsFingerprint, templateDataFromJSON, KV } from '../../../src/template/alertmanagerData.ts';
import { alertmanagerFuncs, casesTitle } from '../../../src/template/alertmanagerFuncs.ts';
import { Template, TemplateError } from '../../../src/template/index.ts';
import { GoTime } from '../../../src/template/goTime.ts';
import { AMDATA_INPUT, AM_CASES } from './alertmanagerCases.ts';
import { amtoolRender } from './oracles.ts';
import { requireFile } from '../../support/tools.ts';

const EXPECTED: [string, 'text' | 'html', string][] = [
  ["{{ template \"__subject\" . }}", "text",
   "[FIRING:1] HighCPU (node critical)"],
  ["{{ template \"slack.default.title\" . }}|{{ template \"slack.default.titlelink\" . }}|{{ template \"slack.default.fallback\" . }}|{{ template \"slack.default.username\" . }}|{{ template \"slack.default.text\" . }}|{{ template \"slack.default.pretext\" . }}", "text",
   "[FIRING:1] HighCPU (node critical)|http://am:9093/#/alerts?receiver=team-X%5C.pager|[FIRING:1] HighCPU (node critical) | http://am:9093/#/alerts?receiver=team-X%5C.pager|Alertmanager||"],
  ["{{ template \"__text_alert_list\" .Alerts }}", "text",
   "Labels:\n - alertname = HighCPU\n - instance = a:9100\n - job = node\n - severity = critical\nAnnotations:\n - description = cpu > 90 & <rising>\n - summary = CPU high\nSource: http://prom:9090/graph?g0.expr=up+%3E+0&g0.tab=1\nLabels:\n - alertname = HighCPU\n - instance = b:9100\n - job = node\n - severity = critical\nAnnotations:\n - summary = CPU high\nSource: http://prom:9090/graph\n"],
  ["{{ template \"pagerduty.default.description\" . }}|{{ template \"pagerduty.default.client\" . }}|{{ template \"pagerduty.default.clientURL\" . }}|{{ template \"pagerduty.default.instances\" . }}", "text",
   "ERROR: template: default.tmpl:7:41: executing \"__text_alert_list\" at <.>: range can't iterate over {team-X\\.pager firing [{firing map[alertname:HighCPU instance:a:9100 job:node severity:critical] map[description:cpu > 90 & <rising> summary:CPU high] 2026-11-22 18:03:58.673 +0000 UTC 0001-01-01 00:00:00 +0000 UTC http://prom:9090/graph?g0.expr=up+%3E+0&g0.tab=1 f640b7e1ff8afe25} {resolved map[alertname:HighCPU instance:b:9100 job:node severity:critical] map[summary:CPU high] 2026-11-22 17:58:58.673 +0000 UTC 2026-11-22 18:05:21.173 +0000 UTC http://prom:9090/graph c13f7a2620dad38a}] map[alertname:HighCPU] map[alertname:HighCPU job:node severity:critical] map[summary:CPU high] http://am:9093}"],
  ["{{ template \"opsgenie.default.message\" . }}|{{ template \"opsgenie.default.description\" . }}", "text",
   "[FIRING:1] HighCPU (node critical)|CPU high\nAlerts Firing:\nLabels:\n - alertname = HighCPU\n - instance = a:9100\n - job = node\n - severity = critical\nAnnotations:\n - description = cpu > 90 & <rising>\n - summary = CPU high\nSource: http://prom:9090/graph?g0.expr=up+%3E+0&g0.tab=1\n\nAlerts Resolved:\nLabels:\n - alertname = HighCPU\n - instance = b:9100\n - job = node\n - severity = critical\nAnnotations:\n - summary = CPU high\nSource: http://prom:9090/graph\n"],
  ["{{ template \"telegram.default.message\" . }}", "text",
   "\n\nAlerts Firing:\nLabels:\n - alertname = HighCPU\n - instance = a:9100\n - job = node\n - severity = critical\nAnnotations:\n - description = cpu > 90 & <rising>\n - summary = CPU high\nSource: http://prom:9090/graph?g0.expr=up+%3E+0&g0.tab=1\n\n\n\nAlerts Resolved:\nLabels:\n - alertname = HighCPU\n - instance = b:9100\n - job = node\n - severity = critical\nAnnotations:\n - summary = CPU high\nSource: http://prom:9090/graph\n\n\n"],
  ["{{ template \"discord.default.title\" . }}|{{ template \"discord.default.message\" . }}", "text",
   "[FIRING:1] HighCPU (node critical)|\n\nAlerts Firing:\nLabels:\n - alertname = HighCPU\n - instance = a:9100\n - job = node\n - severity = critical\nAnnotations:\n - description = cpu > 90 & <rising>\n - summary = CPU high\nSource: http://prom:9090/graph?g0.expr=up+%3E+0&g0.tab=1\n\n\n\nAlerts Resolved:\nLabels:\n - alertname = HighCPU\n - instance = b:9100\n - job = node\n - severity = critical\nAnnotations:\n - summary = CPU high\nSource: http://prom:9090/graph\n\n\n"],
  ["{{ template \"email.default.subject\" . }}", "text",
   "[FIRING:1] HighCPU (node critical)"],
  ["{{ template \"wechat.default.message\" . }}|{{ template \"victorops.default.state_message\" . }}|{{ template \"pushover.default.message\" . }}|{{ template \"sns.default.message\" . }}|{{ template \"webex.default.message\" . }}", "text",
   "[FIRING:1] HighCPU (node critical)\nCPU high\nAlerts Firing:\nLabels:\n - alertname = HighCPU\n - instance = a:9100\n - job = node\n - severity = critical\nAnnotations:\n - description = cpu > 90 & <rising>\n - summary = CPU high\nSource: http://prom:9090/graph?g0.expr=up+%3E+0&g0.tab=1\n\nAlerts Resolved:\nLabels:\n - alertname = HighCPU\n - instance = b:9100\n - job = node\n - severity = critical\nAnnotations:\n - summary = CPU high\nSource: http://prom:9090/graph\n\nAlertmanagerUrl:\nhttp://am:9093/#/alerts?receiver=team-X%5C.pager|CPU high\nAlerts Firing:\nLabels:\n - alertname = HighCPU\n - instance = a:9100\n - job = node\n - severity = critical\nAnnotations:\n - description = cpu > 90 & <rising>\n - summary = CPU high\nSource: http://prom:9090/graph?g0.expr=up+%3E+0&g0.tab=1\n\nAlerts Resolved:\nLabels:\n - alertname = HighCPU\n - instance = b:9100\n - job = node\n - severity = critical\nAnnotations:\n - summary = CPU high\nSource: http://prom:9090/graph\n|CPU high\n\nAlerts Firing:\nLabels:\n - alertname = HighCPU\n - instance = a:9100\n - job = node\n - severity = critical\nAnnotations:\n - description = cpu > 90 & <rising>\n - summary = CPU high\nSource: http://prom:9090/graph?g0.expr=up+%3E+0&g0.tab=1\n\n\n\nAlerts Resolved:\nLabels:\n - alertname = HighCPU\n - instance = b:9100\n - job = node\n - severity = critical\nAnnotations:\n - summary = CPU high\nSource: http://prom:9090/graph\n\n\n|CPU high\n\nAlerts Firing:\nLabels:\n - alertname = HighCPU\n - instance = a:9100\n - job = node\n - severity = critical\nAnnotations:\n - description = cpu > 90 & <rising>\n - summary = CPU high\nSource: http://prom:9090/graph?g0.expr=up+%3E+0&g0.tab=1\n\n\n\nAlerts Resolved:\nLabels:\n - alertname = HighCPU\n - instance = b:9100\n - job = node\n - severity = critical\nAnnotations:\n - summary = CPU high\nSource: http://prom:9090/graph\n\n\n|CPU high\n\nAlerts Firing:\nLabels:\n - alertname = HighCPU\n - instance = a:9100\n - job = node\n - severity = critical\nAnnotations:\n - description = cpu > 90 & <rising>\n - summary = CPU high\nSource: http://prom:9090/graph?g0.expr=up+%3E+0&g0.tab=1\n\n\n\nAlerts Resolved:\nLabels:\n - alertname = HighCPU\n - instance = b:9100\n - job = node\n - severity = critical\nAnnotations:\n - summary = CPU high\nSource: http://prom:9090/graph\n\n\n"],
  ["{{ title \"foo-bar o'neil 3rd x_y a.b ÉCOLE ßtraße hello_world iPhone\" }}|{{ stringSlice \"a\" \"b\" | join \",\" }}|{{ safeHtml \"<b>\" }}|{{ match \"^a\" \"abc\" }}|{{ reReplaceAll \"a(.)\" \"<$1>\" \"aaab\" }}|{{ toUpper \"x\" }}{{ toLower \"Y\" }}", "text",
   "Foo-Bar O'neil 3Rd X_y A.b École Sstraße Hello_world Iphone|a,b|<b>|true|<a><b>|Xy"],
  ["{{ .CommonLabels }}|{{ .CommonLabels.SortedPairs }}|{{ .CommonLabels.Names }}|{{ .CommonLabels.Values }}|{{ .Alerts.Firing }}", "text",
   "map[alertname:HighCPU job:node severity:critical]|[{alertname HighCPU} {job node} {severity critical}]|[alertname job severity]|[HighCPU node critical]|[{firing map[alertname:HighCPU instance:a:9100 job:node severity:critical] map[description:cpu > 90 & <rising> summary:CPU high] 2026-11-22 18:03:58.673 +0000 UTC 0001-01-01 00:00:00 +0000 UTC http://prom:9090/graph?g0.expr=up+%3E+0&g0.tab=1 f640b7e1ff8afe25}]"],
  ["{{ range .Alerts }}{{ .StartsAt }}|{{ .EndsAt }}|{{ .Status }}|{{ .StartsAt.Unix }}|{{ .StartsAt.Format \"Jan 2, 2006 at 3:04pm (MST)\" }}|{{ .EndsAt.Format \"2006-01-02T15:04:05Z07:00\" }}|{{ .Fingerprint }}{{ \"\\n\" }}{{ end }}", "text",
   "2026-11-22 18:03:58.673 +0000 UTC|0001-01-01 00:00:00 +0000 UTC|firing|1795370638|Nov 22, 2026 at 6:03pm (UTC)|0001-01-01T00:00:00Z|f640b7e1ff8afe25\n2026-11-22 17:58:58.673 +0000 UTC|2026-11-22 18:05:21.173 +0000 UTC|resolved|1795370338|Nov 22, 2026 at 5:58pm (UTC)|2026-11-22T18:05:21Z|c13f7a2620dad38a\n"],
  ["{{ .Receiver }}|{{ .Status }}|{{ .ExternalURL }}|[{{ .CommonLabels.nope }}]|{{ .Alerts.Resolved | len }}|{{ (index .Alerts 0).Labels.SortedPairs.Values }}|{{ .CommonLabels.Remove (stringSlice \"job\") }}|{{ .CommonAnnotations.summary }}", "text",
   "team-X\\.pager|firing|http://am:9093|[]|1|[HighCPU a:9100 node critical]|map[alertname:HighCPU severity:critical]|CPU high"],
  ["{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}|{{ range $k, $v := .CommonLabels }}{{ $k }}:{{ $v }} {{ end }}|{{ len .Alerts }}|{{ if gt (len .Alerts.Firing) 0 }}firing{{ end }}", "text",
   "alertname=HighCPU job=node severity=critical |alertname:HighCPU job:node severity:critical |2|firing"],
  ["<a href=\"{{ .ExternalURL }}/x?a={{ .Receiver }}&b={{ \"a b&c\" }}\">{{ \"<x>&'\\\"+\" }}</a><title>{{ \"<t>\" }}</title><p title=\"{{ \"\\\"q\\\"\" }}\">{{ safeHtml \"<b>ok</b>\" }}</p><a href=\"{{ \"javascript:alert(1)\" }}\">x</a><!-- {{ \"gone\" }} -->", "html",
   "<a href=\"http://am:9093/x?a=team-X%5c.pager&b=a%20b%26c\">&lt;x&gt;&amp;&#39;&#34;&#43;</a><title>&lt;t&gt;</title><p title=\"&#34;q&#34;\"><b>ok</b></p><a href=\"#ZgotmplZ\">x</a>"],
  ["{{ range .Alerts }}<li>{{ .Annotations.description }}</li>{{ end }}", "html",
   "<li>cpu &gt; 90 &amp; &lt;rising&gt;</li><li></li>"],
  ["<a href={{ .ExternalURL }}>x</a><a href=\"/x/{{ .Receiver }}/y?q={{ .Receiver }}#{{ \"a b\" }}\">x</a><div style=\"color: {{ \"red\" }}\">{{ \"a+b\" }}</div>", "html",
   "<a href=http://am:9093>x</a><a href=\"/x/team-X%5c.pager/y?q=team-X%5c.pager#a%20b\">x</a><div style=\"color: red\">a&#43;b</div>"],
  ["<img src=\"{{ \"http://x/a b.png\" }}\" alt=\"{{ \"it's\" }}\"><p class={{ \"a b\" }}>t</p><script>var x = {{ .Status }}; var n = {{ len .Alerts }};</script>", "html",
   "<img src=\"http://x/a%20b.png\" alt=\"it&#39;s\"><p class=a&#32;b>t</p><script>var x = \"firing\"; var n =  2 ;</script>"],
  ["<a href=\"{{ \"mailto:x@y\" }}\">m</a><a href=\"{{ \"HTTPS://x\" }}\">h</a><a href=\"{{ \"/rel?x=1&y=2\" }}\">r</a><textarea>{{ \"<x>\" }}</textarea>{{ \"<b>\" | html }}|{{ \"a b\" | urlquery }}", "html",
   "<a href=\"mailto:x@y\">m</a><a href=\"HTTPS://x\">h</a><a href=\"/rel?x=1&amp;y=2\">r</a><textarea>&lt;x&gt;</textarea>&lt;b&gt;|a&#43;b"],
  ["{{ define \"row\" }}<td>{{ . }}</td>{{ end }}<tr>{{ template \"row\" \"<v>\" }}</tr><a title='{{ \"x'y\" }}'>q</a>{{ range .Alerts }}<i>{{ .StartsAt.Format \"15:04\" }}</i>{{ end }}", "html",
   "<tr><td>&lt;v&gt;</td></tr><a title='x&#39;y'>q</a><i>18:03</i><i>17:58</i>"],
  ["<p>load < 90% & {{ \"<x>\" }} <3</p><title>a < b</title><!DOCTYPE html><a href=\"{{ .ExternalURL }}\">{{ .Receiver }}</a>", "html",
   "<p>load &lt; 90% & &lt;x&gt; &lt;3</p><title>a &lt; b</title><!DOCTYPE html><a href=\"http://am:9093\">team-X\\.pager</a>"],
  ["{{ .Nope }}", "text",
   "ERROR: template: :1:3: executing \"\" at <.Nope>: can't evaluate field Nope in type template.Data"],
  ["{{ template \"nope\" . }}", "text",
   "ERROR: template: :1:12: executing \"\" at <{{template \"nope\" .}}>: template \"nope\" not defined"],
  ["{{ if }}", "text",
   "ERROR: template: :1: missing value for if"],
  ["{{ .Alerts.Firing.Foo }}", "text",
   "ERROR: template: :1:10: executing \"\" at <.Alerts.Firing.Foo>: can't evaluate field Foo in type []template.Alert"],
  ["{{ join \",\" .CommonLabels }}", "text",
   "ERROR: template: :1:12: executing \"\" at <.CommonLabels>: wrong type for value; expected []string; got template.KV"],
  ["{{ reReplaceAll \"(\" \"x\" \"y\" }}", "text",
   "ERROR: template: :1:3: executing \"\" at <reReplaceAll \"(\" \"x\" \"y\">: error calling reReplaceAll: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"],
];

const templates = AlertmanagerTemplates.defaults();
const data = buildTemplateData(AMDATA_INPUT);
const emailHtml = readFileSync(new URL('./fixtures/email.default.html', import.meta.url), 'utf8');

function render(text: string, type: 'text' | 'html'): string {
  try {
    return type === 'html' ? templates.executeHtml(text, data) : templates.executeText(text, data);
  } catch (e) {
    assert.ok(e instanceof TemplateError);
    return 'ERROR: ' + e.message;
  }
}

describe('alertmanager templates: promlite output', () => {
  it('the case table covers every input', () => assert.equal(EXPECTED.length, AM_CASES.length));
  for (const [text, type, want] of EXPECTED) {
    it(text, () => assert.equal(render(text, type), want));
  }
  it('email.default.html', () => assert.equal(render('{{ template "email.default.html" . }}', 'html'), emailHtml));
});

describe('alertmanager templates: table and fixture match amtool 0.25', () => {
  const json = data.toJSON();
  it('every expected string', () => {
    for (const [text, type, want] of EXPECTED) {
      const go = amtoolRender(text, json, type);
      assert.equal(go.error ? 'ERROR: ' + go.error.replace(/^amtool: error: /, '') : go.out, want, text);
    }
  });
  it('email.default.html fixture', () => {
    assert.equal(amtoolRender('{{ template "email.default.html" . }}', json, 'html').out, emailHtml);
  });
});

describe('alertmanager data model', () => {
  it('firing alerts hide endsAt, resolved ones keep it; status and common labels', () => {
    assert.equal(data.Status, 'firing');
    assert.equal(data.Alerts[0]!.EndsAt.IsZero(), true);
    assert.equal(data.Alerts[1]!.Status, 'resolved');
    assert.deepEqual(data.CommonLabels.toRecord(), { alertname: 'HighCPU', job: 'node', severity: 'critical' });
    assert.equal(data.Receiver, 'team-X\\.pager');
    const resolved = buildTemplateData({ ...AMDATA_INPUT, now: AMDATA_INPUT.now + 10 * 3_600_000 });
    assert.equal(resolved.Status, 'resolved');
  });
  it('JSON round trip gives the same rendering', () => {
    const again = templateDataFromJSON(JSON.parse(JSON.stringify(data.toJSON())));
    const text = '{{ range .Alerts }}{{ .StartsAt }} {{ .EndsAt }} {{ .Labels.SortedPairs }}{{ end }}';
    assert.equal(templates.executeText(text, again), templates.executeText(text, data));
  });
  it('fingerprint is model.LabelSet.Fingerprint', () => {
    // Value from the real Alertmanager's webhook payload (research/api-compat.md 4.4).
    assert.equal(labelsFingerprint({ alertname: 'AlwaysFiring', replica: 'a', severity: 'page' }), 'aad2b99051fadecf');
  });
  it('KV SortedPairs puts alertname first', () => {
    const kv = new KV({ b: '2', alertname: 'x', a: '1' });
    assert.deepEqual(kv.Names(), ['alertname', 'a', 'b']);
    assert.deepEqual(kv.Remove(['a']).Names(), ['alertname', 'b']);
  });
  it('renderer keeps the first error and blanks later fields', () => {
    const r = templates.renderer(data);
    assert.equal(r.text('{{ .Status }}'), 'firing');
    assert.equal(r.text('{{ .Nope }}'), '');
    assert.equal(r.text('{{ .Status }}'), '');
    assert.match(r.error!.message, /can't evaluate field Nope/);
  });
});

describe('alertmanager functions beyond 0.25', () => {
  const funcs = alertmanagerFuncs({ now: () => Date.parse('2026-11-22T19:00:00Z') });
  const t = (text: string, d: unknown = data) => new Template('', { funcs, missingKey: 'zero' }).parse(text).execute(d);
  it('trimSpace, safeUrl, urlUnescape', () => {
    assert.equal(t('{{ trimSpace "  x y \\n" }}|{{ safeUrl "http://x" }}|{{ urlUnescape "a%20b+c" }}'), 'x y|http://x|a b c');
  });
  it('date, tz, since, humanizeDuration', () => {
    const a = '{{ with index .Alerts 0 }}{{ date "2006-01-02 15:04" .StartsAt }}|{{ (tz "Europe/Berlin" .StartsAt).Format "15:04 -0700" }}|{{ since .StartsAt }}|{{ since .StartsAt | humanizeDuration }}|{{ humanizeDuration 90 }}{{ end }}';
    assert.equal(t(a), '2026-11-22 18:03|19:03 +0100|56m1.327s|56m 1s|1m 30s');
  });
  it('zone abbreviations come from the tz database like Go', () => {
    requireFile('/usr/share/zoneinfo/Europe/Berlin', 'tzdata');
    assert.equal(t('{{ with index .Alerts 0 }}{{ tz "Europe/Berlin" .StartsAt }}|{{ (tz "America/Sao_Paulo" .StartsAt).Format "MST" }}{{ end }}'), '2026-11-22 19:03:58.673 +0100 CET|-03');
  });
  it('tz with an unknown zone is an error', () => {
    assert.throws(() => t('{{ tz "Nowhere/City" (index .Alerts 0).StartsAt }}'), /unknown time zone Nowhere\/City/);
  });
  it('title follows x/text/cases', () => {
    assert.equal(casesTitle('hELLO wORLD'), 'Hello World');
  });
});

describe('alertmanager template files', () => {
  it('loads globs relative to the config directory and lets users override defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'promlite-amtmpl-'));
    try {
      mkdirSync(join(dir, 'tmpl'));
      writeFileSync(join(dir, 'tmpl', 'a.tmpl'), '{{ define "slack.default.title" }}custom {{ .Status }}{{ end }}');
      writeFileSync(join(dir, 'tmpl', 'b.tmpl'), '{{ define "mine" }}{{ .CommonLabels.severity | toUpper }}{{ end }}');
      writeFileSync(join(dir, 'tmpl', 'skip.txt'), '{{ bad');
      const t = loadTemplateFiles(['tmpl/*.tmpl', 'missing/*.tmpl'], dir);
      assert.deepEqual(t.files, ['a.tmpl', 'b.tmpl']);
      assert.equal(t.executeText('{{ template "slack.default.title" . }}/{{ template "mine" . }}', data), 'custom firing/CRITICAL');
      writeFileSync(join(dir, 'tmpl', 'c.tmpl'), '{{ define "x" }}\n{{ if }}{{ end }}');
      assert.throws(() => loadTemplateFiles(['tmpl/*.tmpl'], dir), (e: unknown) => e instanceof TemplateError && e.message === 'template: c.tmpl:2: missing value for if');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('glob character classes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'promlite-glob-'));
    try {
      for (const f of ['a1.tmpl', 'a2.tmpl', 'b1.tmpl']) writeFileSync(join(dir, f), '');
      assert.deepEqual(globFiles(join(dir, '[a]?.tmpl')).map((p) => p.slice(dir.length + 1)), ['a1.tmpl', 'a2.tmpl']);
      assert.deepEqual(globFiles(join(dir, '[^a]*')).map((p) => p.slice(dir.length + 1)), ['b1.tmpl']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('go time values', () => {
  it('String() and RFC 3339 offsets like Go', () => {
    assert.equal(GoTime.parseRFC3339('2026-11-22T18:05:22.5+02:00')!.String(), '2026-11-22 18:05:22.5 +0200 +0200');
    assert.equal(GoTime.zero().String(), '0001-01-01 00:00:00 +0000 UTC');
    assert.equal(new GoTime(1_000, 123).String(), '1970-01-01 00:00:01.000000123 +0000 UTC');
  });
});
