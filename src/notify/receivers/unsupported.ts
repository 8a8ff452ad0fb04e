/**
 * Integrations Alertmanager has and promlite parses but does not deliver yet. Their config is
 * checked (unknown keys are errors, as in Alertmanager) so routing and amtool work on the same
 * file; every notification to them fails permanently with reason `unsupported`, visible in the
 * notification history and the failed-notifications metric.
 */
import type { YamlValue } from '../../config/alertmanagerYaml.ts';
import { ReceiverError, type ReceiverKind } from './types.ts';

export interface UnsupportedConfig {
  sendResolved: boolean;
}

export function unsupportedReceiver(key: string, name: string, keys: readonly string[], defaultSendResolved: boolean): ReceiverKind<UnsupportedConfig> {
  return {
    key,
    name,
    parseConfig(raw: YamlValue): UnsupportedConfig {
      const m = raw.map([...keys, 'send_resolved', 'http_config']);
      return { sendResolved: m.optBool('send_resolved', defaultSendResolved) };
    },
    create(config) {
      return {
        name,
        sendResolved: config.sendResolved,
        async notify() {
          throw new ReceiverError(`the ${name} integration is not implemented in promlite yet`, false, 'unsupported');
        },
      };
    },
  };
}
