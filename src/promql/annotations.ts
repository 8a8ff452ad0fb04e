/**
 * Warnings and infos collected while a query runs (Prometheus's util/annotations). Each one is
 * rendered the way the HTTP API shows it: `PromQL warning: <text> (<line>:<col>)`, where the
 * position is the start of the sub-expression the annotation is about.
 */
import type { PosRange } from './ast.ts';

export class Annotations {
  readonly warnings = new Set<string>();
  readonly infos = new Set<string>();

  constructor(private readonly query: string) {}

  warn(text: string, pos: PosRange): void {
    this.warnings.add(`PromQL warning: ${text} (${this.position(pos)})`);
  }

  info(text: string, pos: PosRange): void {
    this.infos.add(`PromQL info: ${text} (${this.position(pos)})`);
  }

  /** line:col of a character offset; col counts UTF-8 bytes, as Go does. */
  private position(pos: PosRange): string {
    const before = this.query.slice(0, pos.start);
    const lineStart = before.lastIndexOf('\n') + 1;
    const line = before.split('\n').length;
    const col = Buffer.byteLength(before.slice(lineStart), 'utf8') + 1;
    return `${line}:${col}`;
  }
}
