/** `promlite serve`: run the server until SIGTERM/SIGINT; SIGHUP reloads the configuration. */
import { UsageError, parseServeFlags, serveUsage } from './serveFlags.ts';
import { createLogger } from '../logging.ts';
import { startServer } from '../server.ts';
import { ConfigError } from '../config/prometheusConfig.ts';

export async function serveCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(serveUsage() + '\n');
    return 0;
  }
  const flags = parseServeFlags(args);
  let logger;
  try {
    logger = createLogger(flags.logLevel, flags.logFormat);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let quit!: () => void;
  const quitRequested = new Promise<void>((r) => (quit = r));
  let server;
  try {
    server = await startServer({ flags, logger, onQuit: quit });
  } catch (e) {
    const msg = e instanceof ConfigError ? e.message : (e as Error).message;
    logger.error({ err: msg }, 'Error starting promlite');
    return 1;
  }
  const onHup = () => {
    server.reload().catch(() => {
      /* logged by reload; the old config keeps running */
    });
  };
  process.on('SIGHUP', onHup);
  const signal = await Promise.race([
    new Promise<string>((r) => process.once('SIGTERM', () => r('SIGTERM'))),
    new Promise<string>((r) => process.once('SIGINT', () => r('SIGINT'))),
    quitRequested.then(() => 'quit'),
  ]);
  logger.info({ signal }, 'Received shutdown request, exiting gracefully...');
  process.off('SIGHUP', onHup);
  await server.stop();
  return 0;
}
