/**
 * Label matchers with Prometheus semantics: regexes use RE2 syntax (re2js: linear time, so a
 * user's regex cannot hang the process) and are fully anchored; `.` matches newlines as in
 * Prometheus 3. A matcher on an absent label sees the empty string.
 */
import { RE2JS } from 're2js';

export type MatchType = '=' | '!=' | '=~' | '!~';

export class Matcher {
  private readonly re: RE2JS | null;
  /** Whether the empty string (an absent label) matches. */
  readonly matchesEmpty: boolean;

  /** Throws `InvalidRegexError` when a regex does not compile. */
  constructor(
    readonly type: MatchType,
    readonly name: string,
    readonly value: string,
  ) {
    if (type === '=~' || type === '!~') {
      try {
        this.re = RE2JS.compile(`^(?:${value})$`, RE2JS.DOTALL);
      } catch (e) {
        throw new InvalidRegexError(value, (e as Error).message);
      }
    } else {
      this.re = null;
    }
    this.matchesEmpty = this.matches('');
  }

  matches(v: string): boolean {
    switch (this.type) {
      case '=':
        return v === this.value;
      case '!=':
        return v !== this.value;
      case '=~':
        return this.re!.matches(v);
      case '!~':
        return !this.re!.matches(v);
    }
  }

  toString(): string {
    return `${this.name}${this.type}${JSON.stringify(this.value)}`;
  }
}

export class InvalidRegexError extends Error {
  constructor(
    readonly regex: string,
    detail: string,
  ) {
    super(`invalid regular expression ${JSON.stringify(regex)}: ${detail}`);
    this.name = 'InvalidRegexError';
  }
}
