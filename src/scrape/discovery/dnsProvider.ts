/**
 * dns_sd_configs: resolve SRV, A, AAAA, MX or NS records every refresh_interval. One group per
 * name (source = the name), with `__meta_dns_name` and the record's target/port meta labels.
 * A failed lookup keeps the previous targets of that name.
 */
import { promises as dns } from 'node:dns';
import type { DnsSDConfig } from '../../config/discoveryConfig.ts';
import type { TargetGroup } from '../../config/targetGroup.ts';
import { configFingerprint } from '../../config/configDiff.ts';
import { Labels } from '../../storage/labels.ts';
import { silentLogger, type DiscoveryLogger, type DiscoveryProvider } from './provider.ts';

export interface DnsResolver {
  resolveSrv(name: string): Promise<Array<{ name: string; port: number }>>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveMx(name: string): Promise<Array<{ exchange: string }>>;
  resolveNs(name: string): Promise<string[]>;
}

export class DnsProvider implements DiscoveryProvider {
  private timer: NodeJS.Timeout | undefined;
  private emit: ((groups: TargetGroup[]) => void) | undefined;
  private readonly byName = new Map<string, TargetGroup>();
  private lastFingerprint = '';

  constructor(
    private readonly cfg: DnsSDConfig,
    private readonly logger: DiscoveryLogger = silentLogger,
    private readonly resolver: DnsResolver = dns,
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

  async refresh(): Promise<void> {
    await Promise.all(
      this.cfg.names.map(async (name) => {
        try {
          this.byName.set(name, { source: name, targets: await this.lookup(name), labels: Labels.EMPTY });
        } catch (err) {
          this.logger.error({ err, name }, `dns_sd: lookup of ${name} failed: ${(err as Error).message}`);
        }
      }),
    );
    if (!this.emit) return;
    const groups = [...this.byName.values()];
    const fp = configFingerprint(groups);
    if (fp === this.lastFingerprint) return;
    this.lastFingerprint = fp;
    this.emit(groups);
  }

  private async lookup(name: string): Promise<Labels[]> {
    const port = this.cfg.port;
    const target = (host: string, p: number, meta: Record<string, string>) =>
      Labels.fromObject({ __address__: joinHostPort(host, p), __meta_dns_name: name, ...meta });
    switch (this.cfg.type) {
      case 'SRV':
        return (await this.resolver.resolveSrv(name)).map((r) => {
          const host = r.name.replace(/\.$/, '');
          return target(host, r.port, { __meta_dns_srv_record_target: r.name, __meta_dns_srv_record_port: String(r.port) });
        });
      case 'A':
        return (await this.resolver.resolve4(name)).map((ip) => target(ip, port, {}));
      case 'AAAA':
        return (await this.resolver.resolve6(name)).map((ip) => target(ip, port, {}));
      case 'MX':
        return (await this.resolver.resolveMx(name)).map((r) =>
          target(r.exchange.replace(/\.$/, ''), port, { __meta_dns_mx_record_target: r.exchange }),
        );
      case 'NS':
        return (await this.resolver.resolveNs(name)).map((ns) => target(ns.replace(/\.$/, ''), port, { __meta_dns_ns_record_target: ns }));
    }
  }
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
