/** `promlite check config|rules|notifier-config FILE...` (promtool-style output and exit codes). */
import { UsageError } from './serveFlags.ts';

export async function checkCommand(args: string[]): Promise<number> {
  const [what, ...files] = args;
  if (files.length === 0) throw new UsageError('usage: promlite check config|rules|notifier-config FILE...');
  switch (what) {
    case 'config':
      return (await import('../config/checkConfig.ts')).checkConfigCommand(files);
    default:
      throw new UsageError(`unknown check ${JSON.stringify(what)}; expected config, rules or notifier-config`);
  }
}
