/**
 * Matcher semantics shared by every store, so the in-memory reference and the SQLite store
 * cannot drift apart (Prometheus semantics):
 *  - a matcher on an absent label sees '' (so `{a=""}` matches series without `a`);
 *  - a selector needs at least one matcher that does not match '' — otherwise it would select
 *    (nearly) every series, which Prometheus refuses.
 */
import type { Labels } from './labels.ts';
import type { Matcher } from './matcher.ts';

export const EMPTY_SELECTOR_MESSAGE = 'vector selector must contain at least one non-empty matcher';

export class EmptySelectorError extends Error {
  constructor() {
    super(EMPTY_SELECTOR_MESSAGE);
    this.name = 'EmptySelectorError';
  }
}

/** Null when the matchers form a valid selector, else the error to report. */
export function checkSelectMatchers(matchers: readonly Matcher[]): Error | null {
  for (const m of matchers) if (!m.matchesEmpty) return null;
  return new EmptySelectorError();
}

export function labelsMatchAll(labels: Labels, matchers: readonly Matcher[]): boolean {
  for (const m of matchers) if (!m.matches(labels.get(m.name))) return false;
  return true;
}
