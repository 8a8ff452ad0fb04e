/** Health, last error and timing of one rule or group: one record instead of many getters. */
import type { RuleHealth } from './types.ts';

export interface RuleStatus {
  health: RuleHealth;
  lastError: string | null;
  /** Wall-clock ms when the last evaluation started; 0 = never. */
  lastEvaluation: number;
  /** Duration of the last evaluation in ms. */
  evaluationTime: number;
}

export function newRuleStatus(): RuleStatus {
  return { health: 'unknown', lastError: null, lastEvaluation: 0, evaluationTime: 0 };
}
