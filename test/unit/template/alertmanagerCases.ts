// Inputs shared by the Alertmanager template tests and the script that captured their
// expected outputs from amtool 0.25.
import type { TemplateDataInput } from '../../../src/template/alertmanagerData.ts';

const T0 = Date.parse('2026-11-22T18:03:58.673Z');

export const AMDATA_INPUT: TemplateDataInput = {
  receiver: 'team-X.pager',
  groupLabels: { alertname: 'HighCPU' },
  externalURL: 'http://am:9093',
  now: T0 + 600_000,
  alerts: [
    {
      labels: { alertname: 'HighCPU', instance: 'a:9100', severity: 'critical', job: 'node' },
      annotations: { summary: 'CPU high', description: 'cpu > 90 & <rising>' },
      startsAt: T0,
      endsAt: T0 + 3_600_000,
      generatorURL: 'http://prom:9090/graph?g0.expr=up+%3E+0&g0.tab=1',
    },
    {
      labels: { alertname: 'HighCPU', instance: 'b:9100', severity: 'critical', job: 'node' },
      annotations: { summary: 'CPU high' },
      startsAt: T0 - 300_000,
      endsAt: T0 + 82_500,
      generatorURL: 'http://prom:9090/graph',
    },
  ],
};

/** [template text, text|html] rendered against AMDATA_INPUT. */
export const AM_CASES: [string, 'text' | 'html'][] = [
  ['{{ template "__subject" . }}', 'text'],
  ['{{ template "slack.default.title" . }}|{{ template "slack.default.titlelink" . }}|{{ template "slack.default.fallback" . }}|{{ template "slack.default.username" . }}|{{ template "slack.default.text" . }}|{{ template "slack.default.pretext" . }}', 'text'],
  ['{{ template "__text_alert_list" .Alerts }}', 'text'],
  ['{{ template "pagerduty.default.description" . }}|{{ template "pagerduty.default.client" . }}|{{ template "pagerduty.default.clientURL" . }}|{{ template "pagerduty.default.instances" . }}', 'text'],
  ['{{ template "opsgenie.default.message" . }}|{{ template "opsgenie.default.description" . }}', 'text'],
  ['{{ template "telegram.default.message" . }}', 'text'],
  ['{{ template "discord.default.title" . }}|{{ template "discord.default.message" . }}', 'text'],
  ['{{ template "email.default.subject" . }}', 'text'],
  ['{{ template "wechat.default.message" . }}|{{ template "victorops.default.state_message" . }}|{{ template "pushover.default.message" . }}|{{ template "sns.default.message" . }}|{{ template "webex.default.message" . }}', 'text'],
  ['{{ title "foo-bar o\'neil 3rd x_y a.b ÉCOLE ßtraße hello_world iPhone" }}|{{ stringSlice "a" "b" | join "," }}|{{ safeHtml "<b>" }}|{{ match "^a" "abc" }}|{{ reReplaceAll "a(.)" "<$1>" "aaab" }}|{{ toUpper "x" }}{{ toLower "Y" }}', 'text'],
  ['{{ .CommonLabels }}|{{ .CommonLabels.SortedPairs }}|{{ .CommonLabels.Names }}|{{ .CommonLabels.Values }}|{{ .Alerts.Firing }}', 'text'],
  ['{{ range .Alerts }}{{ .StartsAt }}|{{ .EndsAt }}|{{ .Status }}|{{ .StartsAt.Unix }}|{{ .StartsAt.Format "Jan 2, 2006 at 3:04pm (MST)" }}|{{ .EndsAt.Format "2006-01-02T15:04:05Z07:00" }}|{{ .Fingerprint }}{{ "\\n" }}{{ end }}', 'text'],
  ['{{ .Receiver }}|{{ .Status }}|{{ .ExternalURL }}|[{{ .CommonLabels.nope }}]|{{ .Alerts.Resolved | len }}|{{ (index .Alerts 0).Labels.SortedPairs.Values }}|{{ .CommonLabels.Remove (stringSlice "job") }}|{{ .CommonAnnotations.summary }}', 'text'],
  ['{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}|{{ range $k, $v := .CommonLabels }}{{ $k }}:{{ $v }} {{ end }}|{{ len .Alerts }}|{{ if gt (len .Alerts.Firing) 0 }}firing{{ end }}', 'text'],
  ['<a href="{{ .ExternalURL }}/x?a={{ .Receiver }}&b={{ "a b&c" }}">{{ "<x>&\'\\"+" }}</a><title>{{ "<t>" }}</title><p title="{{ "\\"q\\"" }}">{{ safeHtml "<b>ok</b>" }}</p><a href="{{ "javascript:alert(1)" }}">x</a><!-- {{ "gone" }} -->', 'html'],
  ['{{ range .Alerts }}<li>{{ .Annotations.description }}</li>{{ end }}', 'html'],
  ['<a href={{ .ExternalURL }}>x</a><a href="/x/{{ .Receiver }}/y?q={{ .Receiver }}#{{ "a b" }}">x</a><div style="color: {{ "red" }}">{{ "a+b" }}</div>', 'html'],
  ['<img src="{{ "http://x/a b.png" }}" alt="{{ "it\'s" }}"><p class={{ "a b" }}>t</p><script>var x = {{ .Status }}; var n = {{ len .Alerts }};</script>', 'html'],
  ['<a href="{{ "mailto:x@y" }}">m</a><a href="{{ "HTTPS://x" }}">h</a><a href="{{ "/rel?x=1&y=2" }}">r</a><textarea>{{ "<x>" }}</textarea>{{ "<b>" | html }}|{{ "a b" | urlquery }}', 'html'],
  ['{{ define "row" }}<td>{{ . }}</td>{{ end }}<tr>{{ template "row" "<v>" }}</tr><a title=\'{{ "x\'y" }}\'>q</a>{{ range .Alerts }}<i>{{ .StartsAt.Format "15:04" }}</i>{{ end }}', 'html'],
  ['<p>load < 90% & {{ "<x>" }} <3</p><title>a < b</title><!DOCTYPE html><a href="{{ .ExternalURL }}">{{ .Receiver }}</a>', 'html'],
  ['{{ .Nope }}', 'text'],
  ['{{ template "nope" . }}', 'text'],
  ['{{ if }}', 'text'],
  ['{{ .Alerts.Firing.Foo }}', 'text'],
  ['{{ join "," .CommonLabels }}', 'text'],
  ['{{ reReplaceAll "(" "x" "y" }}', 'text'],
];
