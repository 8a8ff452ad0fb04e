/** GET /status and GET /receivers. */
import type { FastifyInstance } from 'fastify';
import { buildInfo } from '../../version.ts';
import { apiTime } from './render.ts';
import type { AlertmanagerApiSource } from './source.ts';

/** The Alertmanager version promlite's API answers as (amtool warns on a major.minor mismatch). */
export const ALERTMANAGER_COMPAT_VERSION = '0.25.0';

export async function statusRoutes(app: FastifyInstance, opts: { notifier: AlertmanagerApiSource }): Promise<void> {
  const n = opts.notifier;
  app.get('/status', async () => {
    const info = buildInfo();
    return {
      cluster: { peers: [], status: 'disabled' },
      config: { original: n.config?.original ?? '' },
      uptime: apiTime(n.startedAt),
      versionInfo: {
        branch: info.branch,
        buildDate: info.buildDate,
        buildUser: info.buildUser,
        goVersion: info.goVersion,
        revision: info.revision,
        version: ALERTMANAGER_COMPAT_VERSION,
      },
    };
  });

  app.get('/receivers', async () => n.receiverNames().map((name) => ({ name })));

}
