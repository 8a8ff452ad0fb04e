/**
 * promlite's implementation of Go's text/template language, shared by alerting rules
 * (Prometheus label/annotation templates) and notifications (Alertmanager templates).
 *
 * Core API
 * --------
 *   const t = new Template('name', { funcs, missingKey: 'zero', escape: 'text' | 'html' });
 *   t.parse(text);                  // throws TemplateError `template: name:LINE: ...`
 *   t.execute(data);                // -> string; throws TemplateError only
 *   t.executeTemplate('other', data);
 *   t.clone().parse(more)           // a copy to add templates to
 *
 * Go values in JS (see goValues.ts): string, number (= float64), bigint (= int), boolean,
 * null (nil), undefined (no value), arrays (slices), plain objects / Map (maps, ranged in key
 * order), class instances (structs: capitalised fields and methods, e.g. `.Alerts.Firing`).
 * Objects with a `String()` method print like Go Stringers.
 *
 * Functions: `FuncMap` = record of JS functions taking Go values; arity = fn.length, or use
 * `variadic(minArgs, fn)`. Throw FuncError/Error for `error calling NAME: ...`.
 *
 * Prometheus (rules): see prometheusFuncs.ts
 *   await expandAlertTemplate(text, { name, labels, externalLabels, externalURL, value,
 *                                     timestamp, queryFn })  -> string (never throws;
 *                                     errors become "<error expanding template: ...>")
 *   checkAlertTemplate(text, name) -> TemplateError | null   (load-time check)
 *
 * Alertmanager (notify): see alertmanagerData.ts / alertmanagerTemplates.ts
 */
export { Template, type TemplateOptions } from './template.ts';
export { TemplateError, FuncError, ArgTypeError } from './errors.ts';
export { variadic, TemplateAbort, type FuncMap, type TemplateFunc, type MissingKey, type ExecLimits } from './exec.ts';
export { sprint, sprintf, sprintln, goQuote, formatValue } from './goFormat.ts';
export { formatFloat } from './goFloat.ts';
export { GO_TYPE, GO_MAP, type GoMap } from './goValues.ts';
export { SafeHTML, SafeURL } from './safeTypes.ts';
