/**
 * promlite's implementation of Go's text/template language, shared by alerting rules
 * (Prometheus label/annotation templates) and notifications (Alertmanager templates).
 * Output and error messages match Go 1.19/1.20 as built into Prometheus 2.42 and
 * Alertmanager 0.25 (test/unit/template checks tables against promtool and amtool).
 *
 * ── Rules (Prometheus) ─────────────────────────────────────────────────────────────────────
 *   import { expandAlertTemplate, checkAlertTemplate } from '../template/index.ts';
 *
 *   // at load time, for every label/annotation value (Prometheus rulefmt validation):
 *   const err = checkAlertTemplate(text, rule.alert);            // TemplateError | null
 *   //   report as `annotation "summary": ${err.message}`
 *   //   e.g. `template: __alert_HighCPU:1: function "foo" not defined`
 *
 *   // at evaluation time, per active alert, per label/annotation:
 *   const s = await expandAlertTemplate(text, {
 *     alertName: rule.alert,          // template name "__alert_<name>"
 *     labels: sampleLabels,           // the sample's labels (before rule labels are added)
 *     externalLabels, externalURL,    // global.external_labels, --web.external-url
 *     value: sampleValue,             // $value (float64)
 *     timestampMs: evalTime,          // time `query` runs at
 *     queryFn: (expr, tMs) => samples // sync or async: {labels, value}[]; throw on error
 *   });
 *   // never throws; errors give Prometheus's text "<error expanding template: ...>".
 *   // expandAlertTemplateResult(...) also returns {ok, error}; expandAlertTemplateSync(...)
 *   // for a synchronous queryFn. Missing labels render as "" (missingkey=zero).
 *
 * ── Notifications (Alertmanager) ───────────────────────────────────────────────────────────
 *   import { loadTemplateFiles, AlertmanagerTemplates, buildTemplateData } from '../template/index.ts';
 *
 *   const tmpl = loadTemplateFiles(cfg.templates, configDir);     // or AlertmanagerTemplates.defaults()
 *   //   throws TemplateError (`template: my.tmpl:3: ...`) on a bad file -> reject the reload
 *   const data = buildTemplateData({ receiver: 'team-x', groupLabels, alerts, externalURL, now });
 *   //   alerts: notify Alert (+ optional fingerprint); status firing/resolved from endsAt vs now
 *   const title = tmpl.executeText('{{ template "slack.default.title" . }}', data);
 *   const html  = tmpl.executeHtml('{{ template "email.default.html" . }}', data);
 *   //   both throw TemplateError; or use tmpl.renderer(data) -> {text(s), html(s), error}
 *   //   (keeps the first error, like Alertmanager's TmplText). data.toJSON() is the webhook
 *   //   body's Data part (receiver, status, alerts[], groupLabels, ..., times RFC 3339).
 *
 * ── Core engine ────────────────────────────────────────────────────────────────────────────
 *   const t = new Template('name', { funcs, missingKey: 'default' | 'zero' | 'error',
 *                                    escape: 'text' | 'html', limits });
 *   t.parse(text);                  // throws TemplateError `template: name:LINE: ...`
 *   t.execute(data);                // -> string; throws TemplateError only
 *   t.executeTemplate('other', data);
 *   t.clone().parse(more)           // a copy to add templates to
 *
 * Go values in JS (goValues.ts): string; number = float64; bigint = int; boolean; null = nil;
 * undefined = "no value"; arrays = slices; plain objects / Map = maps (ranged in key order);
 * class instances = structs (capitalised fields; methods callable, e.g. `.Alerts.Firing`).
 * Objects with a `String()` method print like Go Stringers (GoTime prints like time.Time).
 *
 * Functions: `FuncMap` = record of JS functions taking Go values; arity = fn.length, or
 * `variadic(minArgs, fn)`. Throw FuncError/Error for `error calling NAME: ...`.
 * Limits: template call depth 1000, 2M evaluation steps, 16 MiB output (ExecLimits).
 */
export { Template, type TemplateOptions } from './template.ts';
export { TemplateError, FuncError, ArgTypeError } from './errors.ts';
export { variadic, TemplateAbort, type FuncMap, type TemplateFunc, type MissingKey, type ExecLimits } from './exec.ts';
export { sprint, sprintf, sprintln, goQuote, formatValue } from './goFormat.ts';
export { formatFloat } from './goFloat.ts';
export { GO_TYPE, GO_MAP, type GoMap } from './goValues.ts';
export { GoTime, GoDuration, formatDuration } from './goTime.ts';
export { SafeHTML, SafeURL } from './safeTypes.ts';
export {
  expandAlertTemplate,
  expandAlertTemplateResult,
  expandAlertTemplateSync,
  checkAlertTemplate,
  prometheusFuncs,
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  humanizeTimestamp,
  ALERT_TEMPLATE_PREAMBLE,
  type AlertTemplateInput,
  type PromSample,
  type TemplateQueryFn,
} from './prometheusFuncs.ts';
export { AlertmanagerTemplates, loadTemplateFiles } from './alertmanagerTemplates.ts';
export {
  buildTemplateData,
  templateDataFromJSON,
  labelsFingerprint,
  formatRFC3339Nano,
  TemplateData,
  TemplateAlert,
  Alerts,
  KV,
  Pair,
  Pairs,
  type TemplateDataInput,
} from './alertmanagerData.ts';
export { alertmanagerFuncs } from './alertmanagerFuncs.ts';
export { DEFAULT_TMPL, EMAIL_TMPL, MSTEAMS_TMPL } from './alertmanagerDefaults.ts';
