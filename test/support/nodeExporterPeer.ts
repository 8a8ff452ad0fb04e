/**
 * The real node_exporter (Debian prometheus-node-exporter) as a scrape target on 127.0.0.1.
 * A missing binary fails the test, nothing is skipped.
 */
import { startServerProcess } from './childProcess.ts';
import { freePort } from './promliteProcess.ts';
import { requireBinary } from './tools.ts';

export interface NodeExporterPeer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startNodeExporter(args: string[] = []): Promise<NodeExporterPeer> {
  requireBinary('prometheus-node-exporter');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startServerProcess({
    name: 'prometheus-node-exporter',
    command: 'prometheus-node-exporter',
    args: [`--web.listen-address=127.0.0.1:${port}`, ...args],
    readyURL: `${url}/metrics`,
    readyTimeoutMs: 15_000,
    killAfterMs: 5000,
  });
  return { url, port, stop: async () => void (await server.stop()) };
}
