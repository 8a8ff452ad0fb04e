/**
 * Fake exporters for the seed acceptance tests: node:http servers that serve Prometheus text
 * exposition whose counters grow at fixed per-second rates (so rate() answers are known) and
 * whose gauges hold fixed values.
 */
import { listenLocal, type LocalServer } from '../support/httpSink.ts';

export type LabelSet = Record<string, string>;

type Family = { type: 'counter' | 'gauge' | 'histogram'; lines: Array<(t: number) => string> };

/** Seconds the counters have already been running when the exporter starts. */
const START_OFFSET_S = 100;

function formatLabels(labels: LabelSet): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** The metrics one fake target exposes. */
export class Exposition {
  private readonly families = new Map<string, Family>();

  private family(name: string, type: Family['type']): Family {
    let f = this.families.get(name);
    if (!f) this.families.set(name, (f = { type, lines: [] }));
    if (f.type !== type) throw new Error(`${name} declared as ${f.type} and ${type}`);
    return f;
  }

  /** A counter growing by `perSecond` every second. */
  counter(name: string, labels: LabelSet, perSecond: number): this {
    this.family(name, 'counter').lines.push((t) => `${name}${formatLabels(labels)} ${perSecond * t}`);
    return this;
  }

  gauge(name: string, labels: LabelSet, value: number | ((nowSeconds: number) => number)): this {
    const get = typeof value === 'number' ? () => value : () => value(Date.now() / 1000);
    this.family(name, 'gauge').lines.push(() => `${name}${formatLabels(labels)} ${get()}`);
    return this;
  }

  /**
   * A histogram observing `perSecond` values a second; `buckets` maps each upper bound to the
   * cumulative share of observations at or below it (the +Inf bucket is added with share 1).
   */
  histogram(name: string, labels: LabelSet, perSecond: number, buckets: Array<[le: number, share: number]>, mean: number): this {
    const f = this.family(name, 'histogram');
    f.lines.push((t) => {
      const count = perSecond * t;
      const out = buckets.map(([le, share]) => `${name}_bucket${formatLabels({ ...labels, le: String(le) })} ${count * share}`);
      out.push(`${name}_bucket${formatLabels({ ...labels, le: '+Inf' })} ${count}`);
      out.push(`${name}_sum${formatLabels(labels)} ${count * mean}`);
      out.push(`${name}_count${formatLabels(labels)} ${count}`);
      return out.join('\n');
    });
    return this;
  }

  render(t: number): string {
    let text = '';
    for (const [name, f] of this.families) {
      text += `# TYPE ${name} ${f.type}\n`;
      for (const line of f.lines) text += line(t) + '\n';
    }
    return text;
  }
}

export interface FakeExporter {
  /** host:port, as a scrape target. */
  address: string;
  scrapes: number;
  close(): Promise<void>;
}

/** Serves `exposition` on /metrics of a free 127.0.0.1 port. */
export async function startExporter(exposition: Exposition): Promise<FakeExporter> {
  const started = Date.now();
  const state = { scrapes: 0 };
  const server: LocalServer = await listenLocal((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    state.scrapes++;
    const t = START_OFFSET_S + (Date.now() - started) / 1000;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(exposition.render(t));
  });
  return {
    address: server.url.replace('http://', ''),
    get scrapes() {
      return state.scrapes;
    },
    close: () => server.close(),
  };
}
