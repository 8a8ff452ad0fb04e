/**
 * The routing tree (Alertmanager `dispatch/route.go`): options inherited from the parent, an
 * alert descends into the first matching child (or every matching child while `continue` is
 * set), and a node no child matched handles the alert itself.
 */
import type { Matcher } from '../storage/matcher.ts';
import {
  DEFAULT_GROUP_INTERVAL_MS,
  DEFAULT_GROUP_WAIT_MS,
  DEFAULT_REPEAT_INTERVAL_MS,
  type RouteConfig,
} from '../config/alertmanagerConfig.ts';
import { matchersString, matchesAll, sortMatchers } from './matchers.ts';

export interface RouteOpts {
  receiver: string;
  /** Label names to group by; ignored when groupByAll. */
  groupBy: string[];
  groupByAll: boolean;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
}

export class Route {
  readonly routes: Route[] = [];
  readonly matchers: Matcher[];
  readonly continue: boolean;
  readonly opts: RouteOpts;
  /** Alertmanager's route key: parent key + `/` + matchers, `{}` for the root. */
  readonly key: string;
  /** Unique id: the key plus the child index, used to keep aggregation groups apart. */
  readonly id: string;

  constructor(cfg: RouteConfig, readonly parent: Route | null, index = 0) {
    const p = parent?.opts;
    this.matchers = sortMatchers([...cfg.matchers]);
    this.continue = cfg.continue;
    // As in Alertmanager, an empty `group_by: []` is the same as none: inherit the parent's.
    const own = cfg.groupBy && cfg.groupBy.length > 0 ? cfg.groupBy : undefined;
    const groupBy = own ?? (p ? (p.groupByAll ? ['...'] : p.groupBy) : []);
    this.opts = {
      receiver: cfg.receiver ?? p?.receiver ?? '',
      groupBy: groupBy.filter((l) => l !== '...'),
      groupByAll: groupBy.includes('...'),
      groupWaitMs: cfg.groupWaitMs ?? p?.groupWaitMs ?? DEFAULT_GROUP_WAIT_MS,
      groupIntervalMs: cfg.groupIntervalMs ?? p?.groupIntervalMs ?? DEFAULT_GROUP_INTERVAL_MS,
      repeatIntervalMs: cfg.repeatIntervalMs ?? p?.repeatIntervalMs ?? DEFAULT_REPEAT_INTERVAL_MS,
      muteTimeIntervals: cfg.muteTimeIntervals,
      activeTimeIntervals: cfg.activeTimeIntervals,
    };
    const ms = matchersString(this.matchers);
    this.key = parent ? `${parent.key}/${ms}` : ms;
    this.id = parent ? `${parent.id}/${ms}/${index}` : ms;
    cfg.routes.forEach((c, i) => this.routes.push(new Route(c, this, i)));
  }

  /** The routes that handle an alert with these labels, in tree order. */
  match(labels: Record<string, string>): Route[] {
    if (!matchesAll(this.matchers, labels)) return [];
    const all: Route[] = [];
    for (const child of this.routes) {
      const found = child.match(labels);
      all.push(...found);
      if (found.length > 0 && !child.continue) break;
    }
    return all.length === 0 ? [this] : all;
  }

  /** The labels of an alert this route groups it by. */
  groupLabels(labels: Record<string, string>): Record<string, string> {
    if (this.opts.groupByAll) return { ...labels };
    const out: Record<string, string> = {};
    for (const l of this.opts.groupBy) if (labels[l] !== undefined && labels[l] !== '') out[l] = labels[l];
    return out;
  }

  /** Every route of the tree, depth first. */
  walk(fn: (r: Route) => void): void {
    fn(this);
    for (const c of this.routes) c.walk(fn);
  }
}

export function buildRouteTree(cfg: RouteConfig): Route {
  return new Route(cfg, null);
}
