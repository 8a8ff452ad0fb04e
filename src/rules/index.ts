/**
 * The rules module's public surface (what main/server and the API wire):
 *
 *   const rules = new RuleManager({ queryFn: engineQueryFn(engine, storage), notifyFn:
 *     sendAlerts((alerts) => sender.send(alerts), externalURL), appendable, queryable: storage,
 *     syntax: promliteRuleSyntax, clock, registry, resendDelay, outageTolerance, forGracePeriod, logger });
 *   await rules.update({ ruleFiles, evaluationInterval, externalLabels, externalURL });  // throws RuleFileError
 *   rules.run(); ... await rules.stop();
 *   rulesApiData(rules.groups(), { type }) / alertsApiData(rules.groups())  // /api/v1/rules, /api/v1/alerts
 *   const sender = new AlertmanagerSender({ registry, logger, inProcess: (a) => notifier.pushAlerts(a) });
 *   sender.applyConfig(cfg.alerting, externalLabels); sender.alertmanagersApiData()  // /api/v1/alertmanagers
 *   checkRulesCommand(files) / await testRulesCommand(files)  // promtool-compatible CLI; exit codes
 */
export { RuleManager, type RuleManagerOptions, type RulesConfig } from './ruleManager.ts';
export { RuleFileError, loadRuleFiles, readRuleFile, parseRuleFile, type GroupSpec, type RuleSpec } from './ruleFile.ts';
export { Group, type GroupDeps, type Rule, type RuleLogger } from './group.ts';
export { AlertingRule } from './alertingRule.ts';
export { RecordingRule } from './recordingRule.ts';
export { engineQueryFn } from './engineQueryFn.ts';
export { promliteRuleSyntax } from './ruleSyntax.ts';
export { sendAlerts, toNotifyAlert } from './sendAlerts.ts';
export { AlertmanagerSender, type AlertmanagerSenderOptions } from './alertmanagerSender.ts';
export { rulesApiData, alertsApiData, validateRulesType, type RulesQuery } from './ruleStatusApi.ts';
export { checkRulesCommand } from './checkRules.ts';
export { testRulesCommand, defaultRuleTestDeps } from './unitTest.ts';
export { processIO, type CommandIO } from './commandIO.ts';
export { ManualTimers, realTimers, type Timers } from './timers.ts';
export type { QueryFn, NotifyFn, RuleAlert, RuleSample, RuleSyntax, AlertState, RuleHealth } from './types.ts';
