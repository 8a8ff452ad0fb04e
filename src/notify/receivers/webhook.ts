/**
 * Webhook receiver: POSTs Alertmanager's JSON payload version 4 to `url`. `max_alerts` (0 = all)
 * truncates the alert list and reports the rest in `truncatedAlerts`. send_resolved defaults to true.
 */
import type { YamlValue } from '../../config/alertmanagerYaml.ts';
import type { GlobalConfig } from '../../config/alertmanagerConfig.ts';
import { parseHttpConfig, type HttpClientConfig } from '../../config/alertmanagerHttpConfig.ts';
import { postJson } from '../httpClient.ts';
import { buildTemplateData } from '../templateData.ts';
import type { ReceiverKind } from './types.ts';

export interface WebhookConfig {
  url: string;
  sendResolved: boolean;
  maxAlerts: number;
  timeoutMs: number;
  http: HttpClientConfig;
}

export const webhookReceiver: ReceiverKind<WebhookConfig> = {
  key: 'webhook_configs',
  name: 'webhook',
  parseConfig(raw: YamlValue, global: GlobalConfig): WebhookConfig {
    const m = raw.map(['url', 'url_file', 'send_resolved', 'max_alerts', 'timeout', 'http_config']);
    if (m.has('url_file')) throw m.get('url_file').error('url_file: not supported by promlite, use url');
    if (!m.has('url')) throw m.error('one of url or url_file must be configured');
    const maxAlerts = m.optInt('max_alerts', 0);
    if (maxAlerts < 0) throw m.get('max_alerts').error('max_alerts must not be negative');
    return {
      url: m.get('url').url(),
      sendResolved: m.optBool('send_resolved', true),
      maxAlerts,
      timeoutMs: m.optDuration('timeout', 0),
      http: parseHttpConfig(m.get('http_config'), global.httpConfig),
    };
  },
  create(config, deps) {
    return {
      name: 'webhook',
      sendResolved: config.sendResolved,
      async notify(ctx, alerts) {
        const data = buildTemplateData(ctx.receiverName, ctx.groupLabels, alerts, deps.externalURL, ctx.now);
        const truncated = config.maxAlerts > 0 ? Math.max(0, data.alerts.length - config.maxAlerts) : 0;
        const payload = {
          receiver: data.receiver,
          status: data.status,
          alerts: truncated > 0 ? data.alerts.slice(0, config.maxAlerts) : data.alerts,
          groupLabels: data.groupLabels,
          commonLabels: data.commonLabels,
          commonAnnotations: data.commonAnnotations,
          externalURL: data.externalURL,
          version: '4',
          groupKey: ctx.groupKey,
          truncatedAlerts: truncated,
        };
        await postJson(config.url, payload, config.http, { timeoutMs: config.timeoutMs || undefined });
      },
    };
  },
};
