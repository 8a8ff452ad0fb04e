/**
 * pino logger in Prometheus's two formats: logfmt (default, like Prometheus's go-kit logs)
 * and json. logfmt is a small synchronous stream that re-renders pino's JSON lines.
 */
import pino, { type Logger } from 'pino';
import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

function logfmtValue(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /^[^\s"=]+$/.test(s) ? s : JSON.stringify(s);
}

/** Renders one pino JSON record as a logfmt line. */
export function toLogfmt(rec: Record<string, unknown>): string {
  const parts = [`ts=${new Date(Number(rec.time)).toISOString()}`, `level=${LEVELS[Number(rec.level)] ?? rec.level}`];
  if (rec.component) parts.push(`component=${logfmtValue(rec.component)}`);
  if (rec.msg !== undefined) parts.push(`msg=${logfmtValue(rec.msg)}`);
  for (const [k, v] of Object.entries(rec)) {
    if (k === 'time' || k === 'level' || k === 'msg' || k === 'component' || k === 'pid' || k === 'hostname') continue;
    if (k === 'err' && v && typeof v === 'object') parts.push(`err=${logfmtValue((v as { message?: string }).message ?? v)}`);
    else parts.push(`${k}=${logfmtValue(v)}`);
  }
  return parts.join(' ') + '\n';
}

export function createLogger(level: string, format: string, dest: NodeJS.WritableStream = process.stderr): Logger {
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new Error(`invalid log level ${JSON.stringify(level)}`);
  if (format === 'json') return pino({ level, base: undefined }, dest as unknown as pino.DestinationStream);
  if (format !== 'logfmt') throw new Error(`invalid log format ${JSON.stringify(format)}`);
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line) dest.write(toLogfmt(JSON.parse(line)));
      }
      cb();
    },
  });
  return pino({ level, base: undefined }, stream);
}
