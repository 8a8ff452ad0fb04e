/**
 * Loads an `alertmanager.yml` strictly, the way Alertmanager 0.25 does: unknown keys, undefined
 * receivers or time intervals, bad matchers and bad durations are errors rendered as
 * `file:line: message`. A file that loads in Alertmanager loads here (integrations promlite
 * cannot deliver are named in the error).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Matcher } from '../storage/matcher.ts';
import { Matcher as LabelMatcher } from '../storage/matcher.ts';
import { parseMatchers } from '../notify/matchers.ts';
import { receiverKinds, UNSUPPORTED_RECEIVER_KEYS } from '../notify/receivers/index.ts';
import type { ReceiverKind } from '../notify/receivers/types.ts';
import type { TimeInterval } from '../notify/timeInterval.ts';
import { parseTimeInterval } from './alertmanagerTimeIntervals.ts';
import { parseHttpConfig, DEFAULT_HTTP_CONFIG, type HttpClientConfig } from './alertmanagerHttpConfig.ts';
import { ConfigError, readYaml, type YamlValue } from './alertmanagerYaml.ts';

export { ConfigError } from './alertmanagerYaml.ts';

export interface GlobalConfig {
  resolveTimeoutMs: number;
  httpConfig: HttpClientConfig;
  smtpFrom: string;
  smtpHello: string;
  smtpSmarthost: string;
  smtpAuthUsername: string;
  smtpAuthPassword: string;
  smtpAuthSecret: string;
  smtpAuthIdentity: string;
  smtpRequireTls: boolean;
  slackApiUrl: string;
  pagerdutyUrl: string;
  telegramApiUrl: string;
}

export interface RouteConfig {
  line: number;
  receiver?: string;
  /** undefined = inherit; `['...']` = group by all labels. */
  groupBy?: string[];
  matchers: Matcher[];
  continue: boolean;
  groupWaitMs?: number;
  groupIntervalMs?: number;
  repeatIntervalMs?: number;
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
  routes: RouteConfig[];
}

export interface InhibitRuleConfig {
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
}

export interface IntegrationConfig {
  kind: ReceiverKind<any>;
  /** Position among this receiver's configs of the same kind (Alertmanager's integration index). */
  index: number;
  config: unknown;
}

export interface ReceiverConfig {
  name: string;
  integrations: IntegrationConfig[];
}

export interface AlertmanagerConfig {
  global: GlobalConfig;
  route: RouteConfig;
  inhibitRules: InhibitRuleConfig[];
  receivers: ReceiverConfig[];
  timeIntervals: Map<string, TimeInterval[]>;
  /** Absolute template file globs. */
  templates: string[];
  /** The file's text, as served by /api/v2/status `config.original` (secrets masked). */
  original: string;
}

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TOP_KEYS = ['global', 'route', 'inhibit_rules', 'receivers', 'templates', 'mute_time_intervals', 'time_intervals'];
const GLOBAL_KEYS = [
  'resolve_timeout', 'http_config', 'smtp_from', 'smtp_hello', 'smtp_smarthost', 'smtp_auth_username',
  'smtp_auth_password', 'smtp_auth_password_file', 'smtp_auth_secret', 'smtp_auth_identity', 'smtp_require_tls',
  'slack_api_url', 'slack_api_url_file', 'pagerduty_url', 'opsgenie_api_url', 'opsgenie_api_key',
  'opsgenie_api_key_file', 'wechat_api_url', 'wechat_api_secret', 'wechat_api_corp_id', 'victorops_api_url',
  'victorops_api_key', 'victorops_api_key_file', 'telegram_api_url', 'webex_api_url',
];
const ROUTE_KEYS = [
  'receiver', 'group_by', 'continue', 'match', 'match_re', 'matchers', 'group_wait', 'group_interval',
  'repeat_interval', 'mute_time_intervals', 'active_time_intervals', 'routes',
];

export const DEFAULT_GROUP_WAIT_MS = 30_000;
export const DEFAULT_GROUP_INTERVAL_MS = 300_000;
export const DEFAULT_REPEAT_INTERVAL_MS = 4 * 3_600_000;

/** Reads and parses a file; throws ConfigError. */
export function loadAlertmanagerConfigFile(path: string): AlertmanagerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, 0, `cannot read notifier config: ${(e as Error).message}`);
  }
  return parseAlertmanagerConfig(text, path);
}

/** Parses config text; `file` names it in errors and anchors relative template paths. */
export function parseAlertmanagerConfig(text: string, file: string): AlertmanagerConfig {
  const root = readYaml(text, file);
  if (root.isNull()) throw new ConfigError(file, 0, 'no route provided in config');
  const top = root.map(TOP_KEYS);
  const global = parseGlobal(top.get('global'));
  const timeIntervals = new Map<string, TimeInterval[]>();
  for (const key of ['mute_time_intervals', 'time_intervals']) {
    for (const item of top.get(key).list()) {
      const m = item.map(['name', 'time_intervals']);
      const name = m.optString('name', '');
      if (name === '') throw m.error('missing name in time interval');
      if (timeIntervals.has(name)) throw m.error(`time interval "${name}" is not unique`);
      timeIntervals.set(name, m.get('time_intervals').list().map(parseTimeInterval));
    }
  }
  const receivers = parseReceivers(top.get('receivers'), global);
  if (!top.has('route')) throw top.error('no route provided in config');
  const route = parseRoute(top.get('route'));
  checkRoot(route, top.get('route'));
  const receiverNames = new Set(receivers.map((r) => r.name));
  checkRouteRefs(route, top.get('route'), receiverNames, timeIntervals);
  const inhibitRules = top.get('inhibit_rules').list().map(parseInhibitRule);
  const base = dirname(file);
  const templates = top.get('templates').stringList().map((g) => (isAbsolute(g) ? g : join(base, g)));
  return { global, route, inhibitRules, receivers, timeIntervals, templates, original: maskSecrets(text) };
}

function parseGlobal(v: YamlValue): GlobalConfig {
  const m = v.map(GLOBAL_KEYS);
  let slack = m.has('slack_api_url') ? m.get('slack_api_url').url() : '';
  if (m.has('slack_api_url_file')) {
    if (slack) throw m.error('at most one of slack_api_url & slack_api_url_file must be configured');
    slack = readFileTrim(m.get('slack_api_url_file'));
  }
  let smtpPassword = m.optString('smtp_auth_password', '');
  if (m.has('smtp_auth_password_file')) {
    if (smtpPassword) throw m.error('at most one of smtp_auth_password & smtp_auth_password_file must be configured');
    smtpPassword = readFileTrim(m.get('smtp_auth_password_file'));
  }
  const smarthost = m.optString('smtp_smarthost', '');
  if (smarthost) checkHostPort(m.get('smtp_smarthost'), smarthost);
  return {
    resolveTimeoutMs: m.optDuration('resolve_timeout', 300_000),
    httpConfig: parseHttpConfig(m.get('http_config'), DEFAULT_HTTP_CONFIG),
    smtpFrom: m.optString('smtp_from', ''),
    smtpHello: m.optString('smtp_hello', 'localhost'),
    smtpSmarthost: smarthost,
    smtpAuthUsername: m.optString('smtp_auth_username', ''),
    smtpAuthPassword: smtpPassword,
    smtpAuthSecret: m.optString('smtp_auth_secret', ''),
    smtpAuthIdentity: m.optString('smtp_auth_identity', ''),
    smtpRequireTls: m.optBool('smtp_require_tls', true),
    slackApiUrl: slack,
    pagerdutyUrl: m.has('pagerduty_url') ? m.get('pagerduty_url').url() : 'https://events.pagerduty.com/v2/enqueue',
    telegramApiUrl: m.has('telegram_api_url') ? m.get('telegram_api_url').url() : 'https://api.telegram.org',
  };
}

/** `host:port` as smtp_smarthost requires. */
export function checkHostPort(v: YamlValue, s: string): void {
  const i = s.lastIndexOf(':');
  if (i <= 0 || !/^\d+$/.test(s.slice(i + 1))) throw v.error(`${v.what}: address ${s}: missing port in address`);
}

function readFileTrim(v: YamlValue): string {
  try {
    return readFileSync(v.string(), 'utf8').trim();
  } catch (e) {
    throw v.error(`${v.what}: ${(e as Error).message}`);
  }
}

function parseMatcherList(v: YamlValue): Matcher[] {
  const out: Matcher[] = [];
  for (const item of v.list()) {
    try {
      out.push(...parseMatchers(item.string()));
    } catch (e) {
      throw item.error((e as Error).message);
    }
  }
  return out;
}

function labelMatchers(v: YamlValue, regex: boolean): Matcher[] {
  const out: Matcher[] = [];
  for (const [name, value] of v.stringMap()) {
    if (!LABEL_NAME_RE.test(name)) throw v.error(`"${name}" is not a valid label name`);
    try {
      out.push(new LabelMatcher(regex ? '=~' : '=', name, value));
    } catch (e) {
      throw v.error((e as Error).message);
    }
  }
  return out;
}

function parseRoute(v: YamlValue): RouteConfig {
  const m = v.map(ROUTE_KEYS);
  let groupBy: string[] | undefined;
  if (m.has('group_by')) {
    groupBy = m.get('group_by').stringList();
    const seen = new Set<string>();
    for (const l of groupBy) {
      if (l === '...') {
        if (groupBy.length > 1) throw m.get('group_by').error('cannot have wildcard group_by (`...`) and other other labels at the same time');
      } else if (!LABEL_NAME_RE.test(l)) {
        throw m.get('group_by').error(`invalid label name "${l}" in group_by list`);
      }
      if (seen.has(l)) throw m.get('group_by').error(`duplicated label "${l}" in group_by`);
      seen.add(l);
    }
  }
  const matchers = [
    ...labelMatchers(m.get('match'), false),
    ...labelMatchers(m.get('match_re'), true),
    ...parseMatcherList(m.get('matchers')),
  ];
  const groupIntervalMs = m.has('group_interval') ? m.get('group_interval').duration() : undefined;
  if (groupIntervalMs === 0) throw m.get('group_interval').error('group_interval cannot be zero');
  const repeatIntervalMs = m.has('repeat_interval') ? m.get('repeat_interval').duration() : undefined;
  if (repeatIntervalMs === 0) throw m.get('repeat_interval').error('repeat_interval cannot be zero');
  return {
    line: v.line,
    receiver: m.has('receiver') ? m.get('receiver').string() : undefined,
    groupBy,
    matchers,
    continue: m.optBool('continue', false),
    groupWaitMs: m.has('group_wait') ? m.get('group_wait').duration() : undefined,
    groupIntervalMs,
    repeatIntervalMs,
    muteTimeIntervals: m.get('mute_time_intervals').stringList(),
    activeTimeIntervals: m.get('active_time_intervals').stringList(),
    routes: m.get('routes').list().map(parseRoute),
  };
}

function checkRoot(r: RouteConfig, v: YamlValue): void {
  if (!r.receiver) throw v.error('root route must specify a default receiver');
  if (r.matchers.length > 0) throw v.error('root route must not have any matchers');
  if (r.continue) throw v.error('cannot have continue in root route');
  if (r.muteTimeIntervals.length > 0) throw v.error('root route must not have any mute time intervals');
  if (r.activeTimeIntervals.length > 0) throw v.error('root route must not have any active time intervals');
}

function checkRouteRefs(r: RouteConfig, v: YamlValue, receivers: Set<string>, intervals: Map<string, TimeInterval[]>): void {
  const at = (line: number, msg: string) => new ConfigError(v.file, line, msg);
  if (r.receiver !== undefined && !receivers.has(r.receiver)) throw at(r.line, `undefined receiver "${r.receiver}" used in route`);
  for (const t of [...r.muteTimeIntervals, ...r.activeTimeIntervals]) {
    if (!intervals.has(t)) throw at(r.line, `undefined time interval "${t}" used in route`);
  }
  for (const c of r.routes) checkRouteRefs(c, v, receivers, intervals);
}

function parseInhibitRule(v: YamlValue): InhibitRuleConfig {
  const m = v.map(['source_match', 'source_match_re', 'source_matchers', 'target_match', 'target_match_re', 'target_matchers', 'equal']);
  const equal = m.get('equal').stringList();
  for (const l of equal) if (!LABEL_NAME_RE.test(l)) throw m.get('equal').error(`invalid label name "${l}" in equal list`);
  return {
    sourceMatchers: [...labelMatchers(m.get('source_match'), false), ...labelMatchers(m.get('source_match_re'), true), ...parseMatcherList(m.get('source_matchers'))],
    targetMatchers: [...labelMatchers(m.get('target_match'), false), ...labelMatchers(m.get('target_match_re'), true), ...parseMatcherList(m.get('target_matchers'))],
    equal,
  };
}

function parseReceivers(v: YamlValue, global: GlobalConfig): ReceiverConfig[] {
  const out: ReceiverConfig[] = [];
  const names = new Set<string>();
  const keys = ['name', ...receiverKinds.keys(), ...UNSUPPORTED_RECEIVER_KEYS];
  for (const item of v.list()) {
    const m = item.map(keys);
    const name = m.optString('name', '');
    if (name === '') throw m.error('missing name in receiver');
    if (names.has(name)) throw m.error(`notification config name "${name}" is not unique`);
    names.add(name);
    for (const k of UNSUPPORTED_RECEIVER_KEYS) {
      if (m.has(k)) throw m.get(k).error(`receiver "${name}": ${k} are not supported by promlite (supported: ${[...receiverKinds.keys()].join(', ')})`);
    }
    const integrations: IntegrationConfig[] = [];
    for (const [key, kind] of receiverKinds) {
      m.get(key).list().forEach((raw, index) => {
        integrations.push({ kind, index, config: kind.parseConfig(raw, global) });
      });
    }
    out.push({ name, integrations });
  }
  return out;
}

/** Keys whose values are secrets in Alertmanager's config (`<secret>` when served). */
const SECRET_KEYS = new Set([
  'smtp_auth_password', 'smtp_auth_secret', 'auth_password', 'auth_secret', 'slack_api_url', 'api_url', 'service_key',
  'routing_key', 'bot_token', 'webhook_url', 'password', 'credentials', 'bearer_token', 'opsgenie_api_key',
  'victorops_api_key', 'wechat_api_secret', 'api_key', 'token', 'user_key',
]);

/** Replaces secret values with `<secret>` line by line, keeping the file otherwise as written. */
function maskSecrets(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const m = /^(\s*(?:-\s+)?)([A-Za-z_]+)(\s*:\s*)(\S.*)$/.exec(line);
      if (!m || !SECRET_KEYS.has(m[2]) || m[4].startsWith('#')) return line;
      return `${m[1]}${m[2]}${m[3]}<secret>`;
    })
    .join('\n');
}
