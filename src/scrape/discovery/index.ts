export { DiscoveryManager, createProvider, scrapeDiscoverySets, alertmanagerDiscoverySets, type DiscoveryManagerOptions } from './manager.ts';
export type { DiscoveryProvider, DiscoveryLogger, TargetGroup } from './provider.ts';
export { StaticProvider } from './staticProvider.ts';
export { FileProvider, readTargetFile } from './fileProvider.ts';
export { HttpProvider } from './httpProvider.ts';
export { DnsProvider, type DnsResolver } from './dnsProvider.ts';
export { populateTargetLabels, targetsFromGroup, targetUrl, type ScrapeTarget, type PopulateResult } from './targetLabels.ts';
export { alertmanagerTargetsFromGroup, type AlertmanagerTarget } from './alertmanagerTargets.ts';
