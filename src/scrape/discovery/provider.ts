/**
 * The contract every service discovery mechanism implements (Prometheus's `discovery.Discoverer`):
 * once started, a provider calls `emit` with groups that changed; a group with no targets
 * removes its source. Providers never throw out of timers: failures are logged and the last good
 * groups stay in place.
 */
import type { TargetGroup } from '../../config/targetGroup.ts';

export type { TargetGroup } from '../../config/targetGroup.ts';

export interface DiscoveryProvider {
  start(emit: (groups: TargetGroup[]) => void): void;
  stop(): void;
}

/** Subset of pino's Logger the providers use. */
export interface DiscoveryLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: DiscoveryLogger = { warn() {}, error() {} };
