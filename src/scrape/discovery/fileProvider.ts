/**
 * file_sd_configs: target groups from JSON or YAML files matched by globs. Files are re-read when
 * their directory changes (fs.watch) and every refresh_interval (watches miss events on some
 * file systems). A file that fails to read or parse keeps its previous groups and is logged.
 * Every group gets `__meta_filepath`; sources are `<path>:<index>`.
 */
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { FileSDConfig } from '../../config/discoveryConfig.ts';
import { expandGlob, hasGlobMeta } from '../../config/glob.ts';
import type { TargetGroup } from '../../config/targetGroup.ts';
import { configFingerprint } from '../../config/configDiff.ts';
import { Labels } from '../../storage/labels.ts';
import { silentLogger, type DiscoveryLogger, type DiscoveryProvider } from './provider.ts';
import { targetGroupsFromDocument } from './targetGroupJson.ts';

const WATCH_DEBOUNCE_MS = 20;

export class FileProvider implements DiscoveryProvider {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private emit: ((groups: TargetGroup[]) => void) | undefined;
  /** Last good groups per file. */
  private byFile = new Map<string, TargetGroup[]>();
  private lastFingerprint = '';
  /** Count of read/parse failures (for a self-metric like prometheus_sd_file_read_errors_total). */
  readErrors = 0;

  constructor(
    private readonly cfg: FileSDConfig,
    private readonly logger: DiscoveryLogger = silentLogger,
  ) {}

  start(emit: (groups: TargetGroup[]) => void): void {
    this.emit = emit;
    for (const dir of new Set(this.cfg.files.map((p) => dirname(p)))) {
      if (hasGlobMeta(dir)) continue; // covered by the refresh timer
      try {
        const w = watch(dir, () => this.scheduleRefresh());
        w.on('error', (err) => this.logger.warn({ err, dir }, 'file_sd: watch failed; relying on refresh_interval'));
        this.watchers.push(w);
      } catch (err) {
        this.logger.warn({ err, dir }, 'file_sd: cannot watch directory; relying on refresh_interval');
      }
    }
    this.timer = setInterval(() => this.refresh(), this.cfg.refreshIntervalMs);
    this.timer.unref();
    this.refresh();
  }

  stop(): void {
    this.emit = undefined;
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
    clearInterval(this.timer);
    clearTimeout(this.debounce);
  }

  private scheduleRefresh(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.refresh(), WATCH_DEBOUNCE_MS);
    this.debounce.unref();
  }

  /** Re-reads every matching file and emits the groups when anything changed. */
  refresh(): void {
    if (!this.emit) return;
    const files = new Set<string>();
    for (const pattern of this.cfg.files) for (const f of expandGlob(pattern)) if (/\.(json|ya?ml)$/.test(f)) files.add(f);

    const next = new Map<string, TargetGroup[]>();
    for (const file of files) {
      try {
        next.set(file, readTargetFile(file));
      } catch (err) {
        this.readErrors++;
        this.logger.error({ err, path: file }, `file_sd: error reading file ${file}: ${(err as Error).message}`);
        const prev = this.byFile.get(file);
        if (prev) next.set(file, prev);
      }
    }
    const groups: TargetGroup[] = [];
    for (const gs of next.values()) groups.push(...gs);
    // Sources that disappeared (file removed, or fewer groups) are cleared with empty groups.
    const live = new Set(groups.map((g) => g.source));
    for (const gs of this.byFile.values()) {
      for (const g of gs) if (!live.has(g.source)) groups.push({ source: g.source, targets: [], labels: Labels.EMPTY });
    }
    this.byFile = next;
    const fp = configFingerprint(groups);
    if (fp === this.lastFingerprint) return;
    this.lastFingerprint = fp;
    this.emit(groups);
  }
}

/** Reads one file_sd file; throws Error with the reason. */
export function readTargetFile(file: string): TargetGroup[] {
  const text = readFileSync(file, 'utf8');
  const ext = extname(file);
  let doc: unknown;
  if (ext === '.json') {
    doc = JSON.parse(text);
  } else {
    doc = parseYaml(text, { uniqueKeys: true });
  }
  return targetGroupsFromDocument(doc, file, { __meta_filepath: file }, ext !== '.json');
}
