/**
 * From discovered Alertmanager targets to the URLs alerts are posted to, as Prometheus's
 * notifier does: defaults `__scheme__` and `__alerts_path__` (path_prefix + /api/v2/alerts),
 * applies the alertmanager's relabel_configs, adds the scheme's default port.
 */
import type { AlertmanagerConfig } from '../../config/alertingConfig.ts';
import type { TargetGroup } from '../../config/targetGroup.ts';
import { LabelsBuilder, type Labels } from '../../storage/labels.ts';
import { relabelBuilder } from '../relabel.ts';

export const ALERTS_PATH_LABEL = '__alerts_path__';

export interface AlertmanagerTarget {
  url: string;
  /** Labels after relabeling (for /api/v1/alertmanagers). */
  labels: Labels;
}

export function alertmanagerTargetsFromGroup(group: TargetGroup, am: AlertmanagerConfig): { active: AlertmanagerTarget[]; dropped: Labels[] } {
  const active: AlertmanagerTarget[] = [];
  const dropped: Labels[] = [];
  const alertsPath = `${am.pathPrefix}/api/${am.apiVersion}/alerts`.replace(/\/{2,}/g, '/');
  for (const t of group.targets) {
    const lb = new LabelsBuilder(group.labels);
    t.forEach((n, v) => lb.set(n, v));
    if (lb.get('__scheme__') === '') lb.set('__scheme__', am.scheme);
    if (lb.get(ALERTS_PATH_LABEL) === '') lb.set(ALERTS_PATH_LABEL, alertsPath);
    const before = lb.labels();
    if (!relabelBuilder(lb, am.relabelConfigs)) {
      dropped.push(before);
      continue;
    }
    let addr = lb.get('__address__');
    if (addr === '' || addr.includes('/')) {
      dropped.push(before);
      continue;
    }
    const scheme = lb.get('__scheme__');
    if (!/:\d*$/.test(addr) || (addr.startsWith('[') && addr.endsWith(']'))) addr += scheme === 'https' ? ':443' : ':80';
    lb.set('__address__', addr);
    const labels = lb.labels();
    active.push({ url: `${scheme}://${addr}${lb.get(ALERTS_PATH_LABEL)}`, labels });
  }
  return { active, dropped };
}
