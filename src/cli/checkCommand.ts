/** `promlite check config|rules|notifier-config FILE...` (promtool/amtool-style output and exit codes). */
import { UsageError } from './serveFlags.ts';

export async function checkCommand(args: string[]): Promise<number> {
  const [what, ...rest] = args;
  const lintFatal = rest.includes('--lint-fatal');
  const files = rest.filter((a) => a !== '--lint-fatal');
  if (files.length === 0) throw new UsageError('usage: promlite check config|rules|notifier-config FILE...');
  switch (what) {
    case 'config':
      return (await import('../config/checkConfig.ts')).checkConfigCommand(files);
    case 'rules':
      return (await import('../rules/checkRules.ts')).checkRulesCommand(files, undefined, { lintFatal });
    case 'notifier-config':
      return (await import('../config/alertmanagerCheck.ts')).checkNotifierConfigCommand(files);
    default:
      throw new UsageError(`unknown check ${JSON.stringify(what)}; expected config, rules or notifier-config`);
  }
}
