/**
 * The one error type PromQL parsing throws (lexing, syntax and type errors alike). Like
 * Prometheus's `ParseErr`, it renders as `<line>:<col>: parse error: <reason>` with a 1-based
 * line and column. All problems found are kept in `errors`, in the order given (the caller
 * sorts syntax errors by position; type errors come in Prometheus's check order); the rendered
 * message and `posRange`/`reason` are those of the first one, as Prometheus reports.
 */
import type { PosRange } from './ast.ts';

export interface ParseProblem {
  posRange: PosRange;
  /** Prometheus-style reason, e.g. `unexpected end of input`. */
  message: string;
}

export class PromQLParseError extends Error {
  /** Position of the first problem (0-based offsets into `query`, end exclusive). */
  readonly posRange: PosRange;
  /** The reason of the first problem, without the position prefix. */
  readonly reason: string;
  readonly query: string;
  /** Every problem found, first one first. */
  readonly errors: readonly ParseProblem[];

  constructor(query: string, problems: readonly ParseProblem[]) {
    const sorted = [...problems];
    const first = sorted[0] ?? { posRange: { start: 0, end: 0 }, message: 'unknown parse error' };
    super(renderProblem(query, first));
    this.name = 'PromQLParseError';
    this.posRange = first.posRange;
    this.reason = first.message;
    this.query = query;
    this.errors = sorted;
  }

  /** Every problem, one rendered line each. */
  renderAll(): string {
    return this.errors.map((p) => renderProblem(this.query, p)).join('\n');
  }
}

/** `line:col: parse error: message` as Prometheus's `ParseErr.Error()` prints it. */
export function renderProblem(query: string, problem: ParseProblem): string {
  const pos = problem.posRange.start;
  if (pos < 0 || pos > query.length) return `invalid position: parse error: ${problem.message}`;
  let line = 1;
  let lastLineBreak = -1;
  for (let i = 0; i < pos; i++) {
    if (query.charCodeAt(i) === 10) {
      line++;
      lastLineBreak = i;
    }
  }
  return `${line}:${pos - lastLineBreak}: parse error: ${problem.message}`;
}

/** Collects problems while building/checking an AST, so all of them reach the user. */
export class ProblemList {
  readonly problems: ParseProblem[] = [];

  add(posRange: PosRange, message: string): void {
    this.problems.push({ posRange, message });
  }

  get empty(): boolean {
    return this.problems.length === 0;
  }
}
