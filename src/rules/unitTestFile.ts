/**
 * promtool's unit-test file format (cmd/promtool/unittest.go `unitTestFile`), read strictly
 * like yaml.UnmarshalStrict: unknown keys are errors with their line.
 */
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import { parseDuration as parsePromDuration } from '../config/duration.ts';

export interface InputSeries {
  series: string;
  values: string;
}
export interface ExpAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
export interface AlertTestCase {
  evalTime: number;
  alertname: string;
  expAlerts: ExpAlert[];
}
export interface ExpSample {
  labels: string;
  value: number;
}
export interface PromqlTestCase {
  expr: string;
  evalTime: number;
  expSamples: ExpSample[];
}
export interface TestGroup {
  name: string;
  interval: number;
  inputSeries: InputSeries[];
  alertTests: AlertTestCase[];
  promqlTests: PromqlTestCase[];
  externalLabels: Record<string, string>;
  externalURL: string;
}
export interface UnitTestFile {
  ruleFiles: string[];
  evaluationInterval: number;
  groupEvalOrder: string[];
  tests: TestGroup[];
}

const FILE_KEYS = ['rule_files', 'evaluation_interval', 'group_eval_order', 'tests'];
const GROUP_KEYS = ['interval', 'input_series', 'alert_rule_test', 'promql_expr_test', 'external_labels', 'external_url', 'name'];
const SERIES_KEYS = ['series', 'values'];
const ALERT_KEYS = ['eval_time', 'alertname', 'exp_alerts'];
const EXP_ALERT_KEYS = ['exp_labels', 'exp_annotations'];
const PROMQL_KEYS = ['expr', 'eval_time', 'exp_samples'];
const SAMPLE_KEYS = ['labels', 'value'];

class TestFileReader {
  readonly problems: string[] = [];
  constructor(private readonly lc: LineCounter) {}

  line(n: Node | null | undefined): number {
    return n?.range ? this.lc.linePos(n.range[0]).line : 0;
  }

  map(n: unknown, keys: string[], type: string): YAMLMap | null {
    if (n === undefined || n === null || (isScalar(n) && n.value === null)) return null;
    if (!isMap(n)) {
      this.problems.push(`line ${this.line(n as Node)}: cannot unmarshal into main.${type}`);
      return null;
    }
    for (const p of n.items as Pair<Node, Node>[]) {
      const k = isScalar(p.key) ? String(p.key.value) : '';
      if (!keys.includes(k)) this.problems.push(`line ${this.line(p.key)}: field ${k} not found in type main.${type}`);
    }
    return n;
  }

  list(m: YAMLMap | null, key: string): Node[] {
    const n = m?.get(key, true) as Node | undefined;
    if (!n || (isScalar(n) && n.value === null)) return [];
    if (!isSeq(n)) {
      this.problems.push(`line ${this.line(n)}: cannot unmarshal into a list (${key})`);
      return [];
    }
    return n.items as Node[];
  }

  str(m: YAMLMap | null, key: string): string {
    const n = m?.get(key, true) as Node | undefined;
    if (!n || !isScalar(n) || n.value === null) return '';
    return typeof n.value === 'string' ? n.value : String(n.source ?? n.value);
  }

  duration(m: YAMLMap | null, key: string): number {
    const s = this.str(m, key);
    if (s === '') return 0;
    try {
      return parsePromDuration(s);
    } catch (e) {
      this.problems.push(`line ${this.line(m?.get(key, true) as Node)}: ${(e as Error).message}`);
      return 0;
    }
  }

  float(m: YAMLMap | null, key: string): number {
    const s = this.str(m, key);
    if (s === '') return 0;
    const v = /^[-+]?\.?(inf|Inf|INF)$/.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : /^\.?(nan|NaN|NAN)$/.test(s) ? NaN : Number(s);
    if (Number.isNaN(v) && !/nan/i.test(s)) this.problems.push(`line ${this.line(m?.get(key, true) as Node)}: cannot unmarshal ${JSON.stringify(s)} into float64`);
    return v;
  }

  strMap(m: YAMLMap | null, key: string): Record<string, string> {
    const n = m?.get(key, true);
    const out: Record<string, string> = {};
    if (!isMap(n)) return out;
    for (const p of n.items as Pair<Node, Node>[]) {
      const k = isScalar(p.key) ? String(p.key.value) : '';
      const v = isScalar(p.value) ? (p.value.value === null ? '' : typeof p.value.value === 'string' ? p.value.value : String(p.value.source ?? p.value.value)) : '';
      out[k] = v;
    }
    return out;
  }

  strList(m: YAMLMap | null, key: string): string[] {
    return this.list(m, key).map((n) => (isScalar(n) ? String(n.value ?? '') : ''));
  }
}

export function parseUnitTestFile(text: string): UnitTestFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) throw new Error(`yaml: line ${lc.linePos(doc.errors[0].pos[0]).line}: ${doc.errors[0].message.split('\n')[0]}`);
  const r = new TestFileReader(lc);
  const root = r.map(doc.contents, FILE_KEYS, 'unitTestFile');
  const file: UnitTestFile = {
    ruleFiles: r.strList(root, 'rule_files'),
    evaluationInterval: r.duration(root, 'evaluation_interval') || 60_000,
    groupEvalOrder: r.strList(root, 'group_eval_order'),
    tests: [],
  };
  for (const gn of r.list(root, 'tests')) {
    const g = r.map(gn, GROUP_KEYS, 'testGroup');
    file.tests.push({
      name: r.str(g, 'name'),
      interval: r.duration(g, 'interval'),
      externalLabels: r.strMap(g, 'external_labels'),
      externalURL: r.str(g, 'external_url'),
      inputSeries: r.list(g, 'input_series').map((n) => {
        const m = r.map(n, SERIES_KEYS, 'series');
        return { series: r.str(m, 'series'), values: r.str(m, 'values') };
      }),
      alertTests: r.list(g, 'alert_rule_test').map((n) => {
        const m = r.map(n, ALERT_KEYS, 'alertTestCase');
        return {
          evalTime: r.duration(m, 'eval_time'),
          alertname: r.str(m, 'alertname'),
          expAlerts: r.list(m, 'exp_alerts').map((e) => {
            const em = r.map(e, EXP_ALERT_KEYS, 'alert');
            return { labels: r.strMap(em, 'exp_labels'), annotations: r.strMap(em, 'exp_annotations') };
          }),
        };
      }),
      promqlTests: r.list(g, 'promql_expr_test').map((n) => {
        const m = r.map(n, PROMQL_KEYS, 'promqlTestCase');
        return {
          expr: r.str(m, 'expr'),
          evalTime: r.duration(m, 'eval_time'),
          expSamples: r.list(m, 'exp_samples').map((s) => {
            const sm = r.map(s, SAMPLE_KEYS, 'sample');
            return { labels: r.str(sm, 'labels'), value: r.float(sm, 'value') };
          }),
        };
      }),
    });
  }
  if (r.problems.length > 0) throw new Error(`yaml: unmarshal errors:\n  ${r.problems.join('\n  ')}`);
  return file;
}
