/**
 * `promlite check notifier-config FILE...`: amtool check-config's output and exit code, with
 * promlite's `file:line` errors. Template files are parsed too.
 */
import { loadAlertmanagerConfigFile } from './alertmanagerConfig.ts';
import { createNotificationTemplater } from '../notify/templating.ts';
import { globFiles } from '../template/alertmanagerTemplates.ts';

export function checkNotifierConfigCommand(files: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): number {
  let failed = 0;
  for (const file of files) {
    try {
      const cfg = loadAlertmanagerConfigFile(file);
      createNotificationTemplater(cfg.templates);
      const templates = cfg.templates.reduce((n, g) => n + globFiles(g).length, 0);
      out.write(`Checking '${file}'  SUCCESS\nFound:\n - global config\n - route\n - ${cfg.inhibitRules.length} inhibit rules\n - ${cfg.receivers.length} receivers\n - ${templates} templates\n\n`);
    } catch (e) {
      failed++;
      out.write(`Checking '${file}'  FAILED: ${(e as Error).message}\n\n`);
    }
  }
  if (failed > 0) err.write(`promlite: error: failed to validate ${failed} file(s)\n`);
  return failed > 0 ? 1 : 0;
}
