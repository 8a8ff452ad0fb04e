// Table of template -> expected output for Go text/template constructs. Expected strings are
// what Go 1.19/1.20 text/template prints (Prometheus 2.42 / Alertmanager 0.25 toolchains).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Template, TemplateError } from '../../../src/template/index.ts';

function render(text: string, data: unknown = null, opts: ConstructorParameters<typeof Template>[1] = {}): string {
  return new Template('t', opts).parse(text).execute(data);
}
function renderError(text: string, data: unknown = null, opts: ConstructorParameters<typeof Template>[1] = {}): string {
  try {
    render(text, data, opts);
  } catch (e) {
    assert.ok(e instanceof TemplateError, `expected TemplateError, got ${String(e)}`);
    return e.message;
  }
  assert.fail(`expected an error for ${text}`);
}

const data = {
  Labels: { severity: 'critical', instance: 'host:9100' },
  Value: 1234.5,
  list: ['a', 'b', 'c'],
  nums: [1n, 2n, 3n, 4n, 5n],
  m: { z: 'last', a: 'first' },
  empty: '',
  zero: 0,
  nested: { inner: { deep: 'yes' } },
};

const cases: [name: string, text: string, want: string][] = [
  ['text only', 'plain text', 'plain text'],
  ['field', '{{ .Labels.severity }}', 'critical'],
  ['missing key prints <no value>', '{{ .Labels.nope }}', '<no value>'],
  ['missing chain is no value', '{{ .nope.deeper }}', '<no value>'],
  ['nested field', '{{ .nested.inner.deep }}', 'yes'],
  ['float %v', '{{ .Value }}', '1234.5'],
  ['dot', '{{ .empty }}|{{ .zero }}', '|0'],
  ['trim markers', 'a  {{- "b" -}}  c', 'abc'],
  ['trim keeps inner', 'a {{- " b " -}} c', 'a b c'],
  ['comment', 'a{{/* hidden */}}b', 'ab'],
  ['comment with trim', 'a {{- /* hidden */ -}} b', 'ab'],
  ['if true', '{{ if .Labels }}y{{ end }}', 'y'],
  ['if empty string false', '{{ if .empty }}y{{ else }}n{{ end }}', 'n'],
  ['if zero false', '{{ if .zero }}y{{ else }}n{{ end }}', 'n'],
  ['else if chain', '{{ if eq .Labels.severity "warning" }}w{{ else if eq .Labels.severity "critical" }}c{{ else }}o{{ end }}', 'c'],
  ['range slice', '{{ range .list }}[{{ . }}]{{ end }}', '[a][b][c]'],
  ['range index', '{{ range $i, $v := .list }}{{ $i }}{{ $v }} {{ end }}', '0a 1b 2c '],
  ['range map sorted', '{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}', 'a=first;z=last;'],
  ['range else', '{{ range .nothing }}x{{ else }}empty{{ end }}', 'empty'],
  ['range break/continue', '{{ range .nums }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}', '13'],
  ['with', '{{ with .nested.inner }}{{ .deep }}{{ end }}', 'yes'],
  ['with else', '{{ with .empty }}x{{ else }}none{{ end }}', 'none'],
  ['variables', '{{ $x := "a" }}{{ $x }}{{ $x = "b" }}{{ $x }}', 'ab'],
  ['assignment inside if is visible after', '{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}', '2'],
  ['$ is root', '{{ range .list }}{{ $.Labels.severity }}{{ end }}', 'criticalcriticalcritical'],
  ['pipeline', '{{ "abc" | printf "%s-%s" "x" }}', 'x-abc'],
  ['parenthesised', '{{ printf "%d" (len .list) }}', '3'],
  ['define/template', '{{ define "x" }}<{{ . }}>{{ end }}{{ template "x" "arg" }}', '<arg>'],
  ['template without data', '{{ define "x" }}{{ . }}{{ end }}{{ template "x" }}', '<no value>'],
  ['block', '{{ block "b" .list }}{{ len . }}{{ end }}', '3'],
  ['string escapes', '{{ "a\\tb\\u00e9\\x41" }}', 'a\tbéA'],
  ['raw string', '{{ `a\\n` }}', 'a\\n'],
  ['numbers', '{{ 1e6 }} {{ 3 }} {{ 1.0 }} {{ 0x10 }} {{ \'a\' }} {{ -1.5e-7 }} {{ 1_000 }}', '1e+06 3 1 16 97 -1.5e-07 1000'],
  ['bool and nil', '{{ true }} {{ print nil }}', 'true <nil>'],
  ['and/or', '{{ and 1 0 "x" }} {{ or "" "y" }} {{ and "a" "b" }} {{ or 0 "" }}', '0 y b '],
  ['not', '{{ not .empty }} {{ not 1 }}', 'true false'],
  ['len', '{{ len "héllo" }} {{ len .list }} {{ len .m }}', '6 3 2'],
  ['index', '{{ index .list 1 }} {{ index .m "a" }} {{ index .Labels "nope" }}', 'b first '],
  ['slice', '{{ slice "abcdef" 1 3 }} {{ slice .list 1 }}', 'bc [b c]'],
  ['print', '{{ print 1 2 "a" 3 "b" }}', '1 2a3b'],
  ['println', '{{ println 1 "x" }}', '1 x\n'],
  ['eq multi', '{{ eq "b" "a" "b" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2.5 }}', 'true true true true true false'],
  ['html', '{{ html "<a href=\'x\'>&\\"" }}', '&lt;a href=&#39;x&#39;&gt;&amp;&#34;'],
  ['js', '{{ js "it\'s <b>" }}', "it\\'s \\u003Cb\\u003E"],
  ['urlquery', '{{ urlquery "a b&c=d/é" }}', 'a+b%26c%3Dd%2F%C3%A9'],
  ['map print', '{{ .m }}', 'map[a:first z:last]'],
  ['slice print', '{{ .list }}', '[a b c]'],
];

describe('template: constructs', () => {
  for (const [name, text, want] of cases) {
    it(name, () => assert.equal(render(text, data), want));
  }
});

describe('template: errors', () => {
  const errors: [string, string, string][] = [
    ['undefined function', '{{ nosuch }}', 'template: t:1: function "nosuch" not defined'],
    ['unclosed action', '{{ .a', 'template: t:1: unclosed action'],
    ['unexpected )', '{{ ) }}', 'template: t:1: unexpected ")" in command'],
    ['undefined variable', '{{ $x }}', 'template: t:1: undefined variable "$x"'],
    ['missing end', '{{ if true }}x', 'template: t:1: unexpected EOF'],
    ['unexpected end', '{{ end }}', 'template: t:1: unexpected {{end}}'],
    ['line numbers', 'a\nb\n{{ if }}', 'template: t:3: missing value for if'],
    ['field of string', '{{ .Labels.severity.x }}', 'template: t:1:10: executing "t" at <.Labels.severity.x>: can\'t evaluate field x in type string'],
    ['function error', 'x\n  {{ index .list 10 }}', 'template: t:2:5: executing "t" at <index .list 10>: error calling index: index out of range: 10'],
    ['incompatible compare', '{{ gt .Value 1 }}', 'template: t:1:3: executing "t" at <gt .Value 1>: error calling gt: incompatible types for comparison'],
    ['no such template', '{{ template "nope" }}', 'template: t:1:12: executing "t" at <{{template "nope"}}>: template "nope" not defined'],
    ['wrong arg count', '{{ len 1 2 }}', 'template: t:1:3: executing "t" at <len>: wrong number of args for len: want 1 got 2'],
    ['range over int', '{{ range 5 }}{{ end }}', 'template: t:1:9: executing "t" at <5>: range can\'t iterate over 5'],
  ];
  for (const [name, text, want] of errors) {
    it(name, () => assert.equal(renderError(text, data), want));
  }

  it('deep nesting is a parse error, not a stack overflow', () => {
    assert.equal(renderError('{{ ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + ' }}'), 'template: t:1: max expression depth exceeded');
    assert.equal(renderError('{{ if 1 }}'.repeat(5000) + '{{ end }}'.repeat(5000)), 'template: t:1: max expression depth exceeded');
  });

  it('JS prototype names are not functions or fields', () => {
    assert.equal(renderError('{{ constructor }}'), 'template: t:1: function "constructor" not defined');
    assert.equal(renderError('{{ toString }}'), 'template: t:1: function "toString" not defined');
    assert.equal(render('{{ .m.constructor }}|{{ .m.__proto__ }}', data), '<no value>|<no value>');
  });

  it('infinite recursion is bounded', () => {
    const msg = renderError('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}');
    assert.match(msg, /exceeded maximum template depth/);
  });

  it('exponential recursion is bounded by the step limit', () => {
    const text = '{{ define "r" }}{{ if lt (len .) 40 }}{{ template "r" (print . "a") }}{{ template "r" (print . "b") }}{{ end }}{{ end }}{{ template "r" "" }}';
    const msg = renderError(text, null, { limits: { maxSteps: 10000 } });
    assert.match(msg, /exceeded 10000 steps/);
  });
});

describe('template: missingkey', () => {
  it('zero option gives "" for string maps', () => {
    assert.equal(render('[{{ .Labels.nope }}]', data, { missingKey: 'zero' }), '[]');
  });
  it('error option fails', () => {
    assert.match(renderError('{{ .Labels.nope }}', data, { missingKey: 'error' }), /map has no entry for key "nope"/);
  });
});
