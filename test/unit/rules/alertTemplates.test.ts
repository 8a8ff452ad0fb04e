import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertingRule } from '../../../src/rules/alertingRule.ts';
import type { RuleSpec } from '../../../src/rules/ruleFile.ts';
import { promliteRuleSyntax } from '../../../src/rules/ruleSyntax.ts';
import { scriptedQuery } from './fakeSyntax.ts';

/** One alert from a rule whose annotations are the given templates, rendered with the real engine. */
async function render(annotations: Record<string, string>, value = 1234.5678): Promise<Record<string, string>> {
  const spec: RuleSpec = {
    kind: 'alerting',
    name: 'T',
    expr: 'x',
    parsedExpr: promliteRuleSyntax.parseExpr('x'),
    for: 0,
    keepFiringFor: 0,
    labels: {},
    annotations,
    line: 1,
  };
  const errors: string[] = [];
  const rule = new AlertingRule({
    spec,
    query: 'x',
    syntax: promliteRuleSyntax,
    externalLabels: { dc: 'eu1', replica: 'a' },
    externalURL: 'https://prom.example.com/prometheus',
    onTemplateError: (_n, e) => errors.push(e.message),
  });
  const query = scriptedQuery({
    x: () => [[{ __name__: 'x', instance: 'web-1.example.com:9100', job: 'node' }, value]],
    'sum(up)': () => [[{}, 3]],
    'up == 0': () => [[{ instance: 'b:1' }, 0], [{ instance: 'a:1' }, 0]],
  });
  await rule.eval(1_700_000_000_000, async (e, t) => {
    // The rule's own expression arrives as an AST; template queries as text.
    return query(typeof e === 'string' ? e : 'x', t);
  }, 0);
  const out = rule.activeAlerts()[0].annotations.toObject();
  if (errors.length > 0) out.__errors = errors.join(' | ');
  return out;
}

test('template data: $labels, $value, $externalLabels, $externalURL and externalURL', async () => {
  assert.deepEqual(
    await render({
      a: '{{ $labels.instance }} {{ $labels.job }} {{ $value }}',
      b: '{{ $externalLabels.dc }}/{{ $externalLabels.replica }}',
      c: '{{ $externalURL }} {{ externalURL }}',
      d: '{{ .Labels.job }} {{ .Value }}',
    }),
    { a: 'web-1.example.com:9100 node 1234.5678', b: 'eu1/a', c: 'https://prom.example.com/prometheus https://prom.example.com/prometheus', d: 'node 1234.5678' },
  );
});

test('every documented function renders as in Prometheus', async () => {
  assert.deepEqual(
    await render({
      humanize: '{{ $value | humanize }}',
      humanize1024: '{{ 1048576 | humanize1024 }}',
      humanizeDuration: '{{ 90061 | humanizeDuration }}',
      humanizePercentage: '{{ 0.0512 | humanizePercentage }}',
      humanizeTimestamp: '{{ 1700000000 | humanizeTimestamp }}',
      printf: '{{ printf "%.1f%%" $value }}',
      toUpper: '{{ "abc" | toUpper }}',
      toLower: '{{ "ABC" | toLower }}',
      title: '{{ "hello world" | title }}',
      reReplaceAll: '{{ reReplaceAll "^(.*?)\\\\..*$" "$1" $labels.instance }}',
      match: '{{ match "^web-" $labels.instance }}',
      stripPort: '{{ $labels.instance | stripPort }}',
      query: '{{ query "sum(up)" | first | value }}',
      label: '{{ range sortByLabel "instance" (query "up == 0") }}{{ label "instance" . }} {{ end }}',
      ifElse: '{{ if gt $value 1000.0 }}big{{ else }}small{{ end }}',
      with: '{{ with $labels.nosuch }}set{{ else }}unset{{ end }}',
      range: '{{ range $k, $v := $externalLabels }}{{ $k }}={{ $v }};{{ end }}',
      pipeline: '{{ $labels.job | toUpper | printf "[%s]" }}',
    }),
    {
      humanize: '1.235k',
      humanize1024: '1Mi',
      humanizeDuration: '1d 1h 1m 1s',
      humanizePercentage: '5.12%',
      humanizeTimestamp: '2023-11-14 22:13:20 +0000 UTC',
      printf: '1234.6%',
      toUpper: 'ABC',
      toLower: 'abc',
      title: 'Hello World',
      reReplaceAll: 'web-1',
      match: 'true',
      stripPort: 'web-1.example.com',
      query: '3',
      label: 'a:1 b:1 ',
      ifElse: 'big',
      with: 'unset',
      range: 'dc=eu1;replica=a;',
      pipeline: '[NODE]',
    },
  );
});

test('a failing template becomes the error text and evaluation goes on', async () => {
  const out = await render({ bad: '{{ $value | humanizeDuration | humanize }}', good: 'ok' });
  assert.equal(out.good, 'ok');
  assert.match(out.bad, /^<error expanding template: error executing template __alert_T: .*error calling humanize/);
  assert.match(out.__errors, /humanize/);
});
