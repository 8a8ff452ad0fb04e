/**
 * http_sd_configs: GET a JSON list of target groups every refresh_interval. A failed refresh
 * keeps the previous targets and is logged. Groups get `__meta_url`; sources are `<url>:<index>`.
 */
import type { HttpSDConfig } from '../../config/discoveryConfig.ts';
import type { TargetGroup } from '../../config/targetGroup.ts';
import { configFingerprint } from '../../config/configDiff.ts';
import { Labels } from '../../storage/labels.ts';
import { httpGet } from './httpGet.ts';
import { silentLogger, type DiscoveryLogger, type DiscoveryProvider } from './provider.ts';
import { targetGroupsFromDocument } from './targetGroupJson.ts';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export class HttpProvider implements DiscoveryProvider {
  private timer: NodeJS.Timeout | undefined;
  private emit: ((groups: TargetGroup[]) => void) | undefined;
  private last: TargetGroup[] = [];
  private lastFingerprint = '';
  private running: Promise<void> | undefined;
  /** Message of the last failed refresh, '' after a good one. */
  lastError = '';
  failures = 0;

  constructor(
    private readonly cfg: HttpSDConfig,
    private readonly logger: DiscoveryLogger = silentLogger,
  ) {}

  start(emit: (groups: TargetGroup[]) => void): void {
    this.emit = emit;
    this.timer = setInterval(() => void this.refresh(), this.cfg.refreshIntervalMs);
    this.timer.unref();
    void this.refresh();
  }

  stop(): void {
    this.emit = undefined;
    clearInterval(this.timer);
  }

  /** One refresh (never overlapping another); resolves when done, never rejects. */
  refresh(): Promise<void> {
    this.running ??= this.fetchOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async fetchOnce(): Promise<void> {
    let groups: TargetGroup[];
    try {
      const res = await httpGet(this.cfg.url, this.cfg.http, {
        headers: { Accept: 'application/json', 'X-Prometheus-Refresh-Interval-Seconds': String(this.cfg.refreshIntervalMs / 1000) },
        timeoutMs: Math.max(this.cfg.refreshIntervalMs, 1000),
        maxBytes: MAX_BODY_BYTES,
      });
      if (res.status !== 200) throw new Error(`server returned HTTP status ${res.status}`);
      if (!/^application\/json\b/i.test(res.contentType)) throw new Error(`unsupported content type ${JSON.stringify(res.contentType)}`);
      groups = targetGroupsFromDocument(JSON.parse(res.body.toString('utf8')), this.cfg.url, { __meta_url: this.cfg.url });
    } catch (err) {
      this.failures++;
      this.lastError = (err as Error).message;
      this.logger.error({ err, url: this.cfg.url }, `http_sd: refresh failed: ${this.lastError}`);
      return;
    }
    this.lastError = '';
    if (!this.emit) return;
    const live = new Set(groups.map((g) => g.source));
    const removed = this.last.filter((g) => !live.has(g.source)).map((g) => ({ source: g.source, targets: [], labels: Labels.EMPTY }));
    this.last = groups;
    const fp = configFingerprint(groups);
    if (fp === this.lastFingerprint && removed.length === 0) return;
    this.lastFingerprint = fp;
    this.emit([...groups, ...removed]);
  }
}
