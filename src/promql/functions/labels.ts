/** Label manipulation (label_replace, label_join) and absence checks (absent, absent_over_time). */
import { RE2JS } from 're2js';
import type { Call, Expr } from '../ast.ts';
import type { Evaluator } from '../evaluator.ts';
import { unwrapParens } from '../evaluator.ts';
import { Labels, LabelsBuilder, METRIC_NAME } from '../../storage/labels.ts';
import { evalError } from '../errors.ts';
import { type EvalResult, type Gen, type VectorSteps, SeriesCollector, newStepSeries } from '../steps.ts';
import { isValidLabelName } from '../labelNames.ts';
import { overWindows } from './helpers.ts';

type Impl = (ev: Evaluator, call: Call) => Gen<EvalResult>;

/** Go's regexp.Expand template: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expandTemplate(template: string, group: (name: string) => string): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch !== '$' || i + 1 >= template.length) {
      out += ch;
      continue;
    }
    const next = template[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    let end: number;
    if (next === '{') {
      const close = template.indexOf('}', i + 2);
      name = close < 0 ? '' : template.slice(i + 2, close);
      if (close < 0 || !/^\w+$/.test(name)) {
        out += ch;
        continue;
      }
      end = close + 1;
    } else {
      const m = /^\w+/.exec(template.slice(i + 1));
      if (!m) {
        out += ch;
        continue;
      }
      name = m[0];
      end = i + 1 + name.length;
    }
    out += group(name);
    i = end - 1;
  }
  return out;
}

function relabel(ev: Evaluator, vec: VectorSteps, f: (l: Labels) => Labels, keepsNameSet: boolean): VectorSteps {
  const out = new SeriesCollector(ev.n);
  const cache = new Map<string, Labels>();
  for (const s of vec.series) {
    let metric = cache.get(s.metric.key());
    if (metric === undefined) {
      metric = f(s.metric);
      cache.set(s.metric.key(), metric);
    }
    const dropName = keepsNameSet ? false : s.dropName;
    for (let i = 0; i < ev.n; i++) if (s.present[i]) out.add(metric, dropName, i, s.values[i]);
  }
  return out.result();
}

const labelReplace: Impl = function* (ev, c) {
  const dst = yield* ev.evalString(c.args[1]);
  const repl = yield* ev.evalString(c.args[2]);
  const src = yield* ev.evalString(c.args[3]);
  const regexText = yield* ev.evalString(c.args[4]);
  let re: RE2JS;
  try {
    re = RE2JS.compile(`^(?:${regexText})$`, RE2JS.DOTALL);
  } catch (e) {
    throw evalError(`invalid regular expression in label_replace(): ${regexText}`);
  }
  if (!isValidLabelName(dst)) throw evalError(`invalid destination label name in label_replace(): ${dst}`);
  const named = re.namedGroups() as Record<string, number>;
  const vec = yield* ev.evalVector(c.args[0]);
  const lb = new LabelsBuilder();
  return relabel(
    ev,
    vec,
    (l) => {
      const m = re.matcher(l.get(src));
      if (!m.matches()) return l;
      const value = expandTemplate(repl, (name) => {
        const idx = /^\d+$/.test(name) ? Number(name) : named[name];
        if (idx === undefined || idx > m.groupCount()) return '';
        return m.group(idx) ?? '';
      });
      return lb.reset(l).set(dst, value).labels();
    },
    dst === METRIC_NAME,
  );
};

const labelJoin: Impl = function* (ev, c) {
  const dst = yield* ev.evalString(c.args[1]);
  const sep = yield* ev.evalString(c.args[2]);
  const srcs: string[] = [];
  for (const a of c.args.slice(3)) srcs.push(yield* ev.evalString(a));
  if (!isValidLabelName(dst)) throw evalError(`invalid destination label name in label_join(): ${dst}`);
  for (const s of srcs) if (!isValidLabelName(s)) throw evalError(`invalid source label name in label_join(): ${s}`);
  const vec = yield* ev.evalVector(c.args[0]);
  const lb = new LabelsBuilder();
  return relabel(ev, vec, (l) => lb.reset(l).set(dst, srcs.map((s) => l.get(s)).join(sep)).labels(), dst === METRIC_NAME);
};

/** Labels absent() reports: the equality matchers of a plain selector (none if ambiguous). */
function absentLabels(arg: Expr): Labels {
  const e = unwrapParens(arg);
  const sel = e.type === 'MatrixSelector' ? e.vectorSelector : e.type === 'VectorSelector' ? e : null;
  if (sel === null) return Labels.EMPTY;
  const seen = new Map<string, number>();
  const pairs: [string, string][] = [];
  for (const m of sel.matchers) {
    seen.set(m.name, (seen.get(m.name) ?? 0) + 1);
    if (m.type === '=' && m.name !== METRIC_NAME) pairs.push([m.name, m.value]);
  }
  // A label matched more than once cannot be given a single value.
  return Labels.fromPairs(pairs.filter(([n]) => seen.get(n) === 1));
}

const absent: Impl = function* (ev, c) {
  const vec = yield* ev.evalVector(c.args[0]);
  const s = newStepSeries(absentLabels(c.args[0]), ev.n);
  for (let i = 0; i < ev.n; i++) {
    if (!vec.series.some((x) => x.present[i])) {
      s.values[i] = 1;
      s.present[i] = 1;
    }
  }
  return { kind: 'vector', series: [s] };
};

const absentOverTime: Impl = function* (ev, c) {
  const present = yield* overWindows(ev, c.args[0], () => 1);
  const s = newStepSeries(absentLabels(c.args[0]), ev.n);
  for (let i = 0; i < ev.n; i++) {
    if (!present.series.some((x) => x.present[i])) {
      s.values[i] = 1;
      s.present[i] = 1;
    }
  }
  return { kind: 'vector', series: [s] };
};

export const labelFunctions: Record<string, Impl> = {
  label_replace: labelReplace,
  label_join: labelJoin,
  absent,
  absent_over_time: absentOverTime,
};
