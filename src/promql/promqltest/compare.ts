/** Judging a query's outcome against an eval's expectations (results and annotations). */
import { isStaleNaN, STALE_NAN } from '../../storage/staleMarker.ts';
import { almostEqual } from '../almostEqual.ts';
import type { QueryResult } from '../engine.ts';
import type { QueryValue } from '../values.ts';
import { RE2JS } from 're2js';
import type { EvalCommand, Expectation } from './script.ts';

export function checkAnnotations(cmd: EvalCommand, res: QueryResult): string | null {
  for (const [kind, actual] of [
    ['warn', res.warnings],
    ['info', res.infos],
  ] as const) {
    const exps = cmd.expectations.filter((e) => e.type === kind);
    const none = cmd.expectations.some((e) => e.type === `no_${kind}`);
    if (none && actual.length > 0) return `expected no ${kind} annotations, got ${JSON.stringify(actual)}`;
    if (exps.length === 0) continue;
    const matches = (e: Expectation, a: string): boolean =>
      e.mode === undefined ? true : e.mode === 'msg' ? a === e.text : RE2JS.compile(e.text!).matcher(a).find();
    for (const e of exps) {
      if (!actual.some((a) => matches(e, a))) {
        return `expected ${kind} annotation${e.text ? ' ' + JSON.stringify(e.text) : ''}, got ${JSON.stringify(actual)}`;
      }
    }
    for (const a of actual) {
      if (!exps.some((e) => matches(e, a))) return `unexpected ${kind} annotation ${JSON.stringify(a)}`;
    }
  }
  return null;
}

function fmt(v: number): string {
  if (isStaleNaN(v)) return 'stale';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

export function compareResult(cmd: EvalCommand, got: QueryValue): string | null {
  const eq = (a: number, b: number): boolean => almostEqual(a, b, 1e-6);
  if (cmd.expectString !== null) {
    if (got.type !== 'string') return `expected string result, got ${got.type}`;
    return got.v === cmd.expectString ? null : `expected string ${JSON.stringify(cmd.expectString)}, got ${JSON.stringify(got.v)}`;
  }
  if (cmd.scalar !== null) {
    if (got.type !== 'scalar') return `expected scalar ${fmt(cmd.scalar)}, got ${got.type}`;
    return eq(cmd.scalar, got.v) ? null : `expected scalar ${fmt(cmd.scalar)}, got ${fmt(got.v)}`;
  }
  const isMatrix = !cmd.instant || cmd.rangeVector !== null;
  if (isMatrix) {
    if (got.type !== 'matrix') return `expected matrix result, got ${got.type}`;
    const start = cmd.rangeVector ? cmd.rangeVector.start : cmd.start;
    const step = cmd.rangeVector ? cmd.rangeVector.step : cmd.step;
    if (cmd.expectations.some((e) => e.type === 'ordered')) return 'expected ordered result, but query returned a matrix';
    const expected = new Map(cmd.series.map((s) => [s.labels.key(), s]));
    for (let k = 1; k < got.series.length; k++) {
      if (got.series[k - 1].metric.key() === got.series[k].metric.key()) return `matrix contains duplicate series ${got.series[k].metric}`;
    }
    for (const s of got.series) {
      const exp = expected.get(s.metric.key());
      if (!exp) return `unexpected series ${s.metric} ${s.points.map((p) => `${p.t}:${fmt(p.v)}`).join(' ')}`;
      const want: { t: number; v: number }[] = [];
      exp.values.forEach((v, i) => {
        if (v === null) return;
        want.push({ t: start + i * step, v: v === 'stale' ? STALE_NAN : (v as number) });
      });
      const show = () =>
        `series ${s.metric}: expected ${want.map((p) => `${p.t / 1000}s:${fmt(p.v)}`).join(' ')}, got ${s.points.map((p) => `${p.t / 1000}s:${fmt(p.v)}`).join(' ')}`;
      if (want.length !== s.points.length) return show();
      for (let k = 0; k < want.length; k++) {
        if (want[k].t !== s.points[k].t || !eq(want[k].v, s.points[k].v)) return show();
      }
      expected.delete(s.metric.key());
    }
    if (expected.size > 0) return `missing series ${[...expected.values()].map((s) => s.labels.toString()).join(', ')}`;
    return null;
  }
  if (got.type !== 'vector') {
    if (got.type === 'scalar' && cmd.series.length === 0) return `expected empty vector, got scalar ${fmt(got.v)}`;
    return `expected vector result, got ${got.type}`;
  }
  const ordered = cmd.expectations.some((e) => e.type === 'ordered');
  if (got.samples.length !== cmd.series.length) {
    return `expected ${cmd.series.length} samples, got ${got.samples.length}: ${got.samples.map((s) => `${s.metric} ${fmt(s.v)}`).join('; ')}`;
  }
  const expected = new Map(cmd.series.map((s, i) => [s.labels.key(), { s, i }]));
  for (let k = 0; k < got.samples.length; k++) {
    const g = got.samples[k];
    const e = expected.get(g.metric.key());
    if (!e) return `unexpected sample ${g.metric} ${fmt(g.v)}`;
    if (ordered && e.i !== k) return `expected ${g.metric} at position ${e.i + 1}, got it at ${k + 1}`;
    const want = e.s.values[0] === 'stale' ? STALE_NAN : (e.s.values[0] as number);
    if (!eq(want, g.v)) return `${g.metric}: expected ${fmt(want)}, got ${fmt(g.v)}`;
  }
  return null;
}
