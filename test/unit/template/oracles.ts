// Runs the real Go implementations (Debian `promtool`, `amtool`) as oracles for template
// output. A missing tool fails the calling test (CI installs them through .ci/run).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unquoteGo } from '../../../src/template/parser.ts';
import { requireBinary } from '../../support/tools.ts';

function yamlString(s: string): string {
  return JSON.stringify(s); // JSON strings are valid YAML double-quoted scalars
}

/**
 * Renders each template as an annotation of one alert with promtool's rule unit tests
 * (expected annotations are deliberately wrong so promtool prints what it got).
 * Data: series test_metric{instance="host:9100",job="node"} = 1e6, evaluated at 2m, external
 * label cluster="c1", external_url http://example.com/prom.
 */
export function promtoolRender(templates: string[]): string[] {
  requireBinary('promtool');
  const dir = mkdtempSync(join(tmpdir(), 'promlite-tmpl-'));
  try {
    const ann = templates.map((t, i) => `      a${i}: ${yamlString(t)}`).join('\n');
    writeFileSync(
      join(dir, 'rules.yml'),
      `groups:\n- name: g\n  rules:\n  - alert: TestAlert\n    expr: test_metric > 0\n    annotations:\n${ann}\n`,
    );
    writeFileSync(
      join(dir, 'test.yml'),
      `rule_files: [rules.yml]
evaluation_interval: 1m
tests:
- interval: 1m
  external_labels: {cluster: c1}
  external_url: http://example.com/prom
  input_series:
  - series: 'test_metric{instance="host:9100",job="node"}'
    values: '1000000x5'
  - series: 'other_metric{instance="b",job="x"}'
    values: '2x5'
  - series: 'other_metric{instance="a",job="y"}'
    values: '3x5'
  alert_rule_test:
  - eval_time: 2m
    alertname: TestAlert
    exp_alerts:
    - exp_labels: {instance: "host:9100", job: node}
      exp_annotations: {unused: x}
`,
    );
    const r = spawnSync('promtool', ['test', 'rules', 'test.yml'], { cwd: dir, encoding: 'utf8', timeout: 20000 });
    const out = r.stdout + r.stderr;
    const got = /got:\[[\s\S]*?Annotations:\{(.*)\}\n/.exec(out);
    if (!got) throw new Error(`unexpected promtool output:\n${out}`);
    const result: string[] = [];
    const re = /(a\d+)="((?:[^"\\]|\\.)*)"/g;
    for (let m = re.exec(got[1]!); m; m = re.exec(got[1]!)) {
      result[Number(m[1]!.slice(1))] = unquoteGo(`"${m[2]}"`, '"') ?? `<unquote failed: ${m[2]}>`;
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `amtool template render` (Alertmanager 0.25's template engine and default.tmpl). */
export function amtoolRender(text: string, data: unknown, type: 'text' | 'html' = 'text'): { out: string; error?: string } {
  requireBinary('amtool');
  const dir = mkdtempSync(join(tmpdir(), 'promlite-am-'));
  try {
    writeFileSync(join(dir, 'data.json'), JSON.stringify(data));
    writeFileSync(join(dir, 'empty.tmpl'), '');
    const r = spawnSync(
      'amtool',
      [
        'template',
        'render',
        `--template.glob=${join(dir, '*.tmpl')}`,
        // amtool does not load the built-in defaults; Debian ships them here.
        '--template.glob=/usr/share/prometheus/alertmanager/*.tmpl',
        `--template.text=${text}`, `--template.type=${type}`, `--template.data=${join(dir, 'data.json')}`],
      { encoding: 'utf8', timeout: 20000 },
    );
    if (r.status !== 0) return { out: r.stdout, error: r.stderr.trim() };
    return { out: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
