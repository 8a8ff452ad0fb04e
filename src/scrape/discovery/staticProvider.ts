import type { TargetGroup } from '../../config/targetGroup.ts';
import type { DiscoveryProvider } from './provider.ts';

/** static_configs: the groups are known up front and never change. */
export class StaticProvider implements DiscoveryProvider {
  constructor(private readonly groups: readonly TargetGroup[]) {}

  start(emit: (groups: TargetGroup[]) => void): void {
    emit([...this.groups]);
  }

  stop(): void {}
}
