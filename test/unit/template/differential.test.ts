// Differential fuzzing against the real Go implementations: random templates (fast-check,
// fixed seeds) rendered by promlite and by promtool 2.42 / amtool 0.25 must agree byte for
// byte, including error messages. Fails when the Debian tools are not installed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { checkAlertTemplate, expandAlertTemplate, type PromSample } from '../../../src/template/prometheusFuncs.ts';
import { AlertmanagerTemplates } from '../../../src/template/alertmanagerTemplates.ts';
import { buildTemplateData } from '../../../src/template/alertmanagerData.ts';
import { AMDATA_INPUT } from './alertmanagerCases.ts';
import { amtoolRender, promtoolRender } from './oracles.ts';
import { requireBinary } from '../../support/tools.ts';

const PROM_PIECES = [
  '{{ ', ' }}', '{{- ', ' -}}', ' ', '$labels', '$labels.instance', '$labels.job', '$labels.nope', '$value', '$externalLabels.cluster',
  '$externalURL', ' | ', '(', ')', 'humanize ', 'humanize1024 ', 'humanizeDuration ', 'humanizePercentage ', 'humanizeTimestamp ',
  'printf "%.3f" ', 'printf "%v|%s|%d" ', 'toUpper ', 'toLower ', 'title ', 'reReplaceAll "o" "0" ', 'match "^h" ', 'stripPort ',
  'stripDomain ', 'if ', 'else', 'end', 'with ', 'range ', '"1.5"', '"abc.def:80"', '0.001', '123456.789', '-5', '1e9', '0',
  'query "test_metric"', 'first ', 'value ', 'label "job" ', 'len ', 'index $labels "job"', 'eq ', 'gt ', '1.5', '"x"', 'and ', 'or ',
  'not ', 'print ', 'parseDuration "5m"', 'toTime ', '.Value', '.Labels.job',
];

const AM_PIECES = [
  '{{', '}}', '{{ ', ' }}', '{{- ', ' -}}', ' ', '\n', '.', '$', '$x', ' := ', ' = ', ' | ', '(', ')', ',', 'if ', 'else', 'end', 'range ',
  'with ', 'nil', 'true', '1', '1.5e3', '0x1F', '"s"', '`r`', "'c'", '.Status', '.Alerts', '.CommonLabels', '.Labels.x', 'printf ',
  '"%d %s %v %.2f %q %x"', 'len ', 'index ', 'slice ', 'eq ', 'lt ', 'and ', 'or ', 'not ', 'print ', 'println ', 'html ', 'js ',
  'urlquery ', 'toUpper ', 'join " " ', 'title ', '.CommonLabels.SortedPairs', '.GroupLabels.Names', 'x', '{', '}', '"a b"', '0', '2',
];

const soup = (pieces: string[], max: number) => fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: max }).map((a) => a.join(''));

describe('differential: Prometheus templates vs promtool 2.42', () => {
  const samples = fc.sample(soup(PROM_PIECES, 10), { seed: 42, numRuns: 300 });
  const queryFn = (e: string): PromSample[] => (e === 'test_metric' ? [{ labels: { __name__: 'test_metric', instance: 'host:9100', job: 'node' }, value: 1e6 }] : []);

  it('templates we accept render identically', async () => {
    const ok = samples.filter((t) => checkAlertTemplate(t, 'TestAlert') === null);
    const got = promtoolRender(ok);
    for (let i = 0; i < ok.length; i++) {
      const mine = await expandAlertTemplate(ok[i]!, {
        alertName: 'TestAlert',
        labels: { __name__: 'test_metric', instance: 'host:9100', job: 'node' },
        value: 1e6,
        externalLabels: { cluster: 'c1' },
        externalURL: 'http://example.com/prom',
        timestampMs: 120_000,
        queryFn,
      });
      assert.equal(mine, got[i], ok[i]);
    }
  });

  it('templates we reject, Go rejects with the same message', () => {
    requireBinary('promtool');
    const rejected = samples.filter((t) => checkAlertTemplate(t, 'TestAlert') !== null).slice(0, 8);
    const dir = mkdtempSync(join(tmpdir(), 'promlite-tmpl-chk-'));
    try {
      for (const t of rejected) {
        writeFileSync(join(dir, 'r.yml'), `groups:\n- name: g\n  rules:\n  - alert: TestAlert\n    expr: up\n    annotations:\n      a: ${JSON.stringify(t)}\n`);
        const r = spawnSync('promtool', ['check', 'rules', join(dir, 'r.yml')], { encoding: 'utf8' });
        const goErr = /annotation "a": (.*)/.exec(r.stdout + r.stderr)?.[1] ?? '(accepted)';
        assert.equal(checkAlertTemplate(t, 'TestAlert')!.message, goErr, t);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('differential: Alertmanager text templates vs amtool 0.25', () => {
  it('random templates render identically (or fail with the same error)', () => {
    const templates = AlertmanagerTemplates.defaults();
    const data = buildTemplateData(AMDATA_INPUT);
    const json = data.toJSON();
    for (const text of fc.sample(soup(AM_PIECES, 14), { seed: 7, numRuns: 40 })) {
      if (text.startsWith('-')) continue; // would be read as an amtool flag
      const go = amtoolRender(text, json, 'text');
      let mine: string;
      try {
        mine = templates.executeText(text, data);
      } catch (e) {
        mine = 'ERROR: ' + (e as Error).message;
      }
      assert.equal(mine, go.error ? 'ERROR: ' + go.error.replace(/^amtool: error: /, '') : go.out, text);
    }
  });
});
