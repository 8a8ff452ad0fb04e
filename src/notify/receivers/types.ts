/**
 * The receiver contract (one file per kind, listed in index.ts). A kind parses its own YAML block
 * into a typed config (global defaults already merged in by the loader's `global` argument) and
 * creates an Integration. An Integration sends once: it never retries or sleeps; failures throw
 * ReceiverError and the retry stage decides what happens next.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { YamlValue } from '../../config/alertmanagerYaml.ts';
import type { GlobalConfig } from '../../config/alertmanagerConfig.ts';
import type { NotifyContext } from '../notifyContext.ts';
import type { NotifyAlert } from '../templateData.ts';
import type { NotificationTemplater } from '../templating.ts';

export interface ReceiverDeps {
  clock: Clock;
  logger: Logger;
  templater: NotificationTemplater;
  externalURL: string;
}

export interface Integration {
  /** `webhook`, `slack`, `email`, … — the `integration` label of metrics and history. */
  readonly name: string;
  readonly sendResolved: boolean;
  /** Sends one notification for the alerts (already filtered for send_resolved). */
  notify(ctx: NotifyContext, alerts: NotifyAlert[]): Promise<void>;
}

export interface ReceiverKind<C = unknown> {
  /** The YAML key under a receiver, e.g. `webhook_configs`. */
  readonly key: string;
  /** The integration name, e.g. `webhook`. */
  readonly name: string;
  parseConfig(raw: YamlValue, global: GlobalConfig): C;
  create(config: C, deps: ReceiverDeps): Integration;
}

/** A delivery failure; `reason` becomes the `reason` label of the failed-notifications metric. */
export class ReceiverError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly reason: 'clientError' | 'serverError' | 'other' = 'other',
  ) {
    super(message);
    this.name = 'ReceiverError';
  }
}
