/** /api/v1/rules, /api/v1/alerts, /api/v1/alertmanagers in Prometheus 2.42's shapes. */
import type { FastifyInstance } from 'fastify';
import type { Group } from '../../rules/group.ts';
import { alertsApiData, rulesApiData, validateRulesType, type RulesQuery } from '../../rules/ruleStatusApi.ts';
import { badData, sendResult } from '../respond.ts';
import { first, requestParams } from '../params.ts';

export interface RuleRoutesOptions {
  groups: () => readonly Group[];
  alertmanagers: () => { activeAlertmanagers: { url: string }[]; droppedAlertmanagers: { url: string }[] };
}

export async function ruleRoutes(app: FastifyInstance, opts: RuleRoutesOptions): Promise<void> {
  app.get('/rules', async (req, reply) => {
    const p = requestParams(req);
    const type = first(p, 'type');
    const err = validateRulesType(type);
    if (err) throw badData(err);
    const query: RulesQuery = {
      type: (type || undefined) as RulesQuery['type'],
      ruleName: p.get('rule_name[]'),
      ruleGroup: p.get('rule_group[]'),
      file: p.get('file[]'),
      excludeAlerts: first(p, 'exclude_alerts') === 'true',
    };
    return sendResult(reply, { data: rulesApiData(opts.groups(), query) });
  });
  app.get('/alerts', async (_req, reply) => sendResult(reply, { data: alertsApiData(opts.groups()) }));
  app.get('/alertmanagers', async (_req, reply) => sendResult(reply, { data: opts.alertmanagers() }));
}
