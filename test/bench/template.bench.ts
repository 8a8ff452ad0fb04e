// Template engine throughput: node --import tsx test/bench/template.bench.ts
import { AlertmanagerTemplates, buildTemplateData, expandAlertTemplate, expandAlertTemplateSync } from '../../src/template/index.ts';
import { AMDATA_INPUT } from '../unit/template/alertmanagerCases.ts';

async function bench(name: string, n: number, fn: () => unknown | Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i++) await fn(); // warm-up (JIT)
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / n;
  console.log(`${name.padEnd(52)} ${us.toFixed(1).padStart(9)} µs/op`);
}

const data = buildTemplateData(AMDATA_INPUT);
const am = AlertmanagerTemplates.defaults();
const annotation = '{{ $labels.instance }} of job {{ $labels.job }} has {{ humanizePercentage $value }} errors (value {{ printf "%.2f" $value }})';
const input = { alertName: 'HighErrorRate', labels: { instance: 'web-1:8080', job: 'web' }, value: 0.0734, externalLabels: {}, externalURL: 'http://x' };

await bench('AlertmanagerTemplates.defaults() (parse all)', 200, () => AlertmanagerTemplates.defaults());
await bench('executeText slack.default.title', 2000, () => am.executeText('{{ template "slack.default.title" . }}', data));
await bench('executeText __text_alert_list (2 alerts)', 2000, () => am.executeText('{{ template "__text_alert_list" .Alerts }}', data));
await bench('executeHtml email.default.html (2 alerts)', 300, () => am.executeHtml('{{ template "email.default.html" . }}', data));
await bench('expandAlertTemplate (typical annotation)', 5000, () => expandAlertTemplate(annotation, input));
await bench('expandAlertTemplateSync (typical annotation)', 5000, () => expandAlertTemplateSync(annotation, input));
