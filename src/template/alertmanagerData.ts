// Alertmanager's notification template data model (template/template.go): Data, Alert,
// Alerts (Firing/Resolved), KV (SortedPairs/Names/Values/Remove), Pair/Pairs. Built from
// promlite's notifier Alert (times in ms; endsAt 0 = unset) by buildTemplateData().

import type { Alert } from '../notify/alert.ts';
import { GO_MAP, GO_TYPE, type GoMap } from './goValues.ts';
import { GoTime } from './goTime.ts';

/** Go `type KV map[string]string` with Alertmanager's methods. */
export class KV implements GoMap {
  readonly [GO_MAP] = true as const;
  readonly [GO_TYPE] = 'template.KV';
  private readonly m: Map<string, string>;

  constructor(entries: Record<string, string> | Map<string, string> = {}) {
    this.m = entries instanceof Map ? new Map(entries) : new Map(Object.entries(entries));
  }

  goMapKeys(): string[] {
    return [...this.m.keys()];
  }
  goMapGet(key: string): string | undefined {
    return this.m.get(key);
  }
  goMapZero(): string {
    return '';
  }

  /** Pairs sorted by name, except that "alertname" comes first. */
  SortedPairs(): Pairs {
    const keys = [...this.m.keys()];
    const hasAlertname = this.m.has('alertname');
    const rest = keys.filter((k) => k !== 'alertname').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const ordered = hasAlertname ? ['alertname', ...rest] : rest;
    const ps = new Pairs();
    for (const k of ordered) ps.push(new Pair(k, this.m.get(k)!));
    return ps;
  }
  /** A copy without the given keys. */
  Remove(keys: unknown): KV {
    const drop = new Set(Array.isArray(keys) ? keys.map(String) : []);
    const out = new Map<string, string>();
    for (const [k, v] of this.m) if (!drop.has(k)) out.set(k, v);
    return new KV(out);
  }
  Names(): string[] {
    return this.SortedPairs().Names();
  }
  Values(): string[] {
    return this.SortedPairs().Values();
  }

  toRecord(): Record<string, string> {
    return Object.fromEntries(this.m);
  }
  toJSON(): Record<string, string> {
    return this.toRecord();
  }
}

/** Go `type Pair struct { Name, Value string }`. */
export class Pair {
  readonly [GO_TYPE] = 'template.Pair';
  constructor(
    readonly Name: string,
    readonly Value: string,
  ) {}
}

/** Go `type Pairs []Pair`. */
export class Pairs extends Array<Pair> {
  readonly [GO_TYPE] = 'template.Pairs';
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  Names(): string[] {
    return this.map((p) => p.Name);
  }
  Values(): string[] {
    return this.map((p) => p.Value);
  }
}

/** Go `template.Alert`. */
export class TemplateAlert {
  readonly [GO_TYPE] = 'template.Alert';
  constructor(
    readonly Status: string,
    readonly Labels: KV,
    readonly Annotations: KV,
    readonly StartsAt: GoTime,
    readonly EndsAt: GoTime,
    readonly GeneratorURL: string,
    readonly Fingerprint: string,
  ) {}
}

/** Go `type Alerts []Alert` with Firing() and Resolved(). */
export class Alerts extends Array<TemplateAlert> {
  readonly [GO_TYPE] = 'template.Alerts';
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  static of2(items: TemplateAlert[]): Alerts {
    const a = new Alerts();
    a.push(...items);
    return a;
  }
  Firing(): TemplateAlert[] {
    return alertSlice(this.filter((a) => a.Status === 'firing'));
  }
  Resolved(): TemplateAlert[] {
    return alertSlice(this.filter((a) => a.Status === 'resolved'));
  }
}

/** Firing()/Resolved() return Go's []Alert (no methods). */
function alertSlice(a: TemplateAlert[]): TemplateAlert[] {
  Object.defineProperty(a, GO_TYPE, { value: '[]template.Alert' });
  return a;
}

/** Go `template.Data`: the dot of notification templates. */
export class TemplateData {
  readonly [GO_TYPE] = 'template.Data';
  constructor(
    readonly Receiver: string,
    readonly Status: string,
    readonly Alerts: Alerts,
    readonly GroupLabels: KV,
    readonly CommonLabels: KV,
    readonly CommonAnnotations: KV,
    readonly ExternalURL: string,
  ) {}

  /** The JSON Alertmanager marshals for this data (webhook payload body minus version etc.). */
  toJSON(): unknown {
    return {
      receiver: this.Receiver,
      status: this.Status,
      alerts: this.Alerts.map((a) => ({
        status: a.Status,
        labels: a.Labels.toRecord(),
        annotations: a.Annotations.toRecord(),
        startsAt: formatRFC3339Nano(a.StartsAt),
        endsAt: formatRFC3339Nano(a.EndsAt),
        generatorURL: a.GeneratorURL,
        fingerprint: a.Fingerprint,
      })),
      groupLabels: this.GroupLabels.toRecord(),
      commonLabels: this.CommonLabels.toRecord(),
      commonAnnotations: this.CommonAnnotations.toRecord(),
      externalURL: this.ExternalURL,
    };
  }
}

/** Go's time.RFC3339Nano in UTC, as encoding/json writes time.Time ("0001-01-01T00:00:00Z"). */
export function formatRFC3339Nano(t: GoTime): string {
  return t.Format('2006-01-02T15:04:05.999999999Z07:00');
}

/** regexp.QuoteMeta, which Alertmanager applies to the receiver name. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** model.LabelSet.Fingerprint().String(): FNV-1a 64 over sorted name/value pairs, 16 hex. */
export function labelsFingerprint(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  const addByte = (b: number): void => {
    h ^= BigInt(b);
    h = (h * prime) & mask;
  };
  for (const n of names) {
    for (const b of Buffer.from(n, 'utf8')) addByte(b);
    addByte(0xff);
    for (const b of Buffer.from(labels[n]!, 'utf8')) addByte(b);
    addByte(0xff);
  }
  return h.toString(16).padStart(16, '0');
}

export interface TemplateDataInput {
  /** Receiver name (quoted with regexp.QuoteMeta, as Alertmanager does). */
  receiver: string;
  groupLabels: Record<string, string>;
  alerts: (Alert & { fingerprint?: string })[];
  /** Alertmanager's external URL (--web.external-url). */
  externalURL: string;
  /** Now in ms: an alert is resolved when endsAt is set and not after now. */
  now: number;
}

/** Alertmanager's template.Data(recv, groupLabels, alerts...). */
export function buildTemplateData(input: TemplateDataInput): TemplateData {
  const alerts = new Alerts();
  for (const a of input.alerts) {
    const resolved = a.endsAt !== 0 && a.endsAt <= input.now;
    alerts.push(
      new TemplateAlert(
        resolved ? 'resolved' : 'firing',
        new KV(a.labels),
        new KV(a.annotations),
        a.startsAt ? new GoTime(a.startsAt) : GoTime.zero(),
        // Alertmanager hides the end time of alerts that are still firing.
        resolved ? new GoTime(a.endsAt) : GoTime.zero(),
        a.generatorURL,
        a.fingerprint ?? labelsFingerprint(a.labels),
      ),
    );
  }
  const common = (pick: (a: Alert) => Record<string, string>): Record<string, string> => {
    if (input.alerts.length === 0) return {};
    const out = { ...pick(input.alerts[0]!) };
    for (const a of input.alerts.slice(1)) {
      const m = pick(a);
      for (const k of Object.keys(out)) if (m[k] !== out[k]) delete out[k];
    }
    return out;
  };
  const status = alerts.some((a) => a.Status === 'firing') ? 'firing' : 'resolved';
  return new TemplateData(
    quoteMeta(input.receiver),
    status,
    alerts,
    new KV(input.groupLabels),
    new KV(common((a) => a.labels)),
    new KV(common((a) => a.annotations)),
    input.externalURL,
  );
}

/** Rebuilds Data from Alertmanager's JSON (webhook payload / amtool --template.data). */
export function templateDataFromJSON(j: {
  receiver: string;
  status: string;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; generatorURL: string; fingerprint: string }[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
}): TemplateData {
  const time = (s: string): GoTime => GoTime.parseRFC3339(s) ?? GoTime.zero();
  return new TemplateData(
    j.receiver,
    j.status,
    Alerts.of2(j.alerts.map((a) => new TemplateAlert(a.status, new KV(a.labels ?? {}), new KV(a.annotations ?? {}), time(a.startsAt), time(a.endsAt), a.generatorURL ?? '', a.fingerprint ?? ''))),
    new KV(j.groupLabels ?? {}),
    new KV(j.commonLabels ?? {}),
    new KV(j.commonAnnotations ?? {}),
    j.externalURL ?? '',
  );
}
