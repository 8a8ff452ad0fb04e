/**
 * The only error type the template engine throws. `message` is formatted like Go's
 * text/template errors:
 *   parse: `template: NAME:LINE: MESSAGE`
 *   exec:  `template: NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE`
 */
export class TemplateError extends Error {
  readonly kind: 'parse' | 'exec';
  readonly templateName: string;
  readonly line: number;
  readonly column?: number;

  constructor(message: string, info: { kind: 'parse' | 'exec'; templateName: string; line: number; column?: number }) {
    super(message);
    this.name = 'TemplateError';
    this.kind = info.kind;
    this.templateName = info.templateName;
    this.line = info.line;
    if (info.column !== undefined) this.column = info.column;
  }
}

/** Thrown by template functions: becomes `error calling NAME: MESSAGE`. */
export class FuncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FuncError';
  }
}

/**
 * Thrown by template functions for a Go type mismatch of an argument; reported like Go's
 * reflection check (`wrong type for value; expected string; got float64`), without the
 * "error calling" prefix.
 */
export class ArgTypeError extends Error {
  /** The offending argument value: the executor reports the error at that argument's node. */
  readonly value: unknown;
  /** Go type expected (e.g. "string"), for the literal-constant form of the message. */
  readonly expected?: string;
  constructor(message: string, value?: unknown) {
    super(message);
    this.name = 'ArgTypeError';
    this.value = value;
    const m = /expected ([^;]+)/.exec(message);
    if (m) this.expected = m[1];
  }
}
