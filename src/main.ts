/**
 * The promlite command line: `promlite serve|check|test|query|backup|version`.
 * Each command lives in its own module and is loaded on demand, so `promlite check config`
 * does not pay for opening storage or starting fastify.
 */
import { PROMLITE_VERSION } from './version.ts';
import { UsageError, serveUsage } from './cli/serveFlags.ts';

const USAGE = `usage: promlite <command> [<args> ...]

A lightweight, self-hosted Prometheus + Alertmanager replacement.

Commands:
  serve [flags]                     Run the server (scrape, store, query, rules, notify, UI). Default.
  check config FILE...              Check Prometheus configuration files.
  check rules FILE...               Check rule files.
  check notifier-config FILE...     Check Alertmanager-format notifier configuration files.
  test rules TEST.yml...            Run promtool-format rule unit tests.
  query instant URL EXPR            Run an instant query against a Prometheus-API server.
  query range URL EXPR --start=T --end=T --step=D
  backup DATA_DIR OUT_FILE          Write an online, consistent copy of the database (VACUUM INTO).
  version                           Print the version.
  help                              Show this help.

Run \`promlite serve --help\` for the server's flags.`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./cli/serveCommand.ts')).serveCommand,
  check: async () => (await import('./cli/checkCommand.ts')).checkCommand,
  test: async () => (await import('./cli/testCommand.ts')).testCommand,
  query: async () => (await import('./cli/queryCommand.ts')).queryCommand,
  backup: async () => (await import('./cli/backupCommand.ts')).backupCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [cmd = 'serve', ...rest] = argv;
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (cmd === 'version' || cmd === '--version') {
    process.stdout.write(`promlite, version ${PROMLITE_VERSION} (node ${process.versions.node})\n`);
    return 0;
  }
  // `promlite --config.file=x` means `promlite serve --config.file=x`, like `prometheus --config.file=x`.
  const [name, args] = cmd.startsWith('--') ? ['serve', argv] : [cmd, rest];
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`promlite: error: unknown command ${JSON.stringify(name)}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await (await load())(args);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`promlite: error: ${e.message}\n\n${name === 'serve' ? serveUsage() : USAGE}\n`);
      return 2;
    }
    throw e;
  }
}
