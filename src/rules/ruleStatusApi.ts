/**
 * The JSON `data` of Prometheus's `/api/v1/rules` and `/api/v1/alerts` (web/api/v1/api.go
 * shapes, field order included): values as Go's 'e' format strings, times as RFC3339Nano,
 * durations in float seconds.
 */
import type { Labels } from '../storage/labels.ts';
import { AlertingRule } from './alertingRule.ts';
import type { Group } from './group.ts';
import { formatFloatExp, formatGoTime, formatRFC3339Nano } from './goFormat.ts';
import type { RuleAlert } from './types.ts';

export interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt?: string;
  keepFiringSince?: string;
  value: string;
}

export interface ApiAlertingRule {
  state: string;
  name: string;
  query: string;
  duration: number;
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts: ApiAlert[];
  health: string;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: 'alerting';
}

export interface ApiRecordingRule {
  name: string;
  query: string;
  labels?: Record<string, string>;
  health: string;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: 'recording';
}

export interface ApiRuleGroup {
  name: string;
  file: string;
  rules: (ApiAlertingRule | ApiRecordingRule)[];
  interval: number;
  limit: number;
  evaluationTime: number;
  lastEvaluation: string;
}

export interface RulesQuery {
  /** `type` parameter: only alerting or only recording rules. */
  type?: 'alert' | 'record';
  /** Filters of newer Prometheus versions (empty = all). */
  ruleName?: string[];
  ruleGroup?: string[];
  file?: string[];
  excludeAlerts?: boolean;
}

/** Rejects an unknown `type` the way Prometheus does; null when valid. */
export function validateRulesType(type: string | undefined): string | null {
  if (type === undefined || type === '' || type === 'alert' || type === 'record') return null;
  return `invalid parameter "type": not supported value ${JSON.stringify(type)}`;
}

/** `data` of GET /api/v1/rules. */
export function rulesApiData(groups: readonly Group[], query: RulesQuery = {}): { groups: ApiRuleGroup[] } {
  const out: ApiRuleGroup[] = [];
  const keep = (list: string[] | undefined, v: string) => !list || list.length === 0 || list.includes(v);
  for (const g of groups) {
    if (!keep(query.ruleGroup, g.name) || !keep(query.file, g.file)) continue;
    const rules: (ApiAlertingRule | ApiRecordingRule)[] = [];
    for (const r of g.rules) {
      if (!keep(query.ruleName, r.name)) continue;
      const st = r.status;
      if (r instanceof AlertingRule) {
        if (query.type === 'record') continue;
        const rule: ApiAlertingRule = {
          state: r.state(),
          name: r.name,
          query: r.query,
          duration: r.spec.for / 1000,
          keepFiringFor: r.spec.keepFiringFor / 1000,
          labels: sortedObject(r.spec.labels),
          annotations: sortedObject(r.spec.annotations),
          alerts: query.excludeAlerts ? [] : r.activeAlerts().map(apiAlert),
          health: st.health,
          lastError: st.lastError ?? undefined,
          evaluationTime: st.evaluationTime / 1000,
          lastEvaluation: formatGoTime(st.lastEvaluation),
          type: 'alerting',
        };
        if (rule.lastError === undefined) delete rule.lastError;
        rules.push(rule);
      } else {
        if (query.type === 'alert') continue;
        const rule: ApiRecordingRule = {
          name: r.name,
          query: r.query,
          labels: Object.keys(r.spec.labels).length > 0 ? sortedObject(r.spec.labels) : undefined,
          health: st.health,
          lastError: st.lastError ?? undefined,
          evaluationTime: st.evaluationTime / 1000,
          lastEvaluation: formatGoTime(st.lastEvaluation),
          type: 'recording',
        };
        if (rule.labels === undefined) delete rule.labels;
        if (rule.lastError === undefined) delete rule.lastError;
        rules.push(rule);
      }
    }
    // With a type or name filter, Prometheus leaves out groups that end up empty.
    if (rules.length === 0 && (query.type || (query.ruleName && query.ruleName.length > 0))) continue;
    out.push({
      name: g.name,
      file: g.file,
      rules,
      interval: g.interval / 1000,
      limit: g.limit,
      evaluationTime: g.evaluationTime / 1000,
      lastEvaluation: formatGoTime(g.lastEvaluation),
    });
  }
  return { groups: out };
}

/** `data` of GET /api/v1/alerts: pending and firing alerts of every rule. */
export function alertsApiData(groups: readonly Group[]): { alerts: ApiAlert[] } {
  const alerts: ApiAlert[] = [];
  for (const g of groups) for (const r of g.rules) if (r instanceof AlertingRule) for (const a of r.activeAlerts()) alerts.push(apiAlert(a));
  return { alerts };
}

export function apiAlert(a: RuleAlert): ApiAlert {
  const out: ApiAlert = {
    labels: labelsObject(a.labels),
    annotations: labelsObject(a.annotations),
    state: a.state,
    activeAt: formatRFC3339Nano(a.activeAt),
    value: formatFloatExp(a.value),
  };
  if (a.keepFiringSince !== 0) {
    // Keep Prometheus's field order: keepFiringSince comes before value.
    const { value, ...rest } = out;
    return { ...rest, keepFiringSince: formatRFC3339Nano(a.keepFiringSince), value };
  }
  return out;
}

function labelsObject(l: Labels): Record<string, string> {
  return l.toObject();
}

function sortedObject(o: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}
