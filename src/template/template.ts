// A set of named templates sharing functions and options, like Go's *template.Template.

import type { Tree } from './ast.ts';
import { BUILTINS } from './builtins.ts';
import { TemplateError } from './errors.ts';
import { DEFAULT_LIMITS, executeTree, TemplateAbort, TextSink, type ExecLimits, type FuncMap, type MissingKey, type OutputSink } from './exec.ts';
import { HtmlSink } from './htmlEscape.ts';
import { parseTemplate } from './parser.ts';

export interface TemplateOptions {
  /** Extra functions (Go's Funcs). They override builtins of the same name. */
  funcs?: FuncMap;
  /** Go's Option("missingkey=..."): 'default' prints <no value>, 'zero' the zero value, 'error' fails. */
  missingKey?: MissingKey;
  limits?: Partial<ExecLimits>;
  /**
   * 'html' escapes action output by context like html/template (text, attribute, URL attribute);
   * values from safeHtml are not escaped. Default 'text' (text/template).
   */
  escape?: 'text' | 'html';
}

export class Template {
  readonly name: string;
  private trees = new Map<string, Tree>();
  private funcs: FuncMap;
  private readonly missingKey: MissingKey;
  private readonly limits: ExecLimits;
  private readonly escape: 'text' | 'html';

  constructor(name: string, opts: TemplateOptions = {}) {
    this.name = name;
    this.funcs = { ...(opts.funcs ?? {}) };
    this.missingKey = opts.missingKey ?? 'default';
    this.limits = { ...DEFAULT_LIMITS, ...(opts.limits ?? {}) };
    this.escape = opts.escape ?? 'text';
  }

  /** Adds functions; must happen before parse() of text that uses them. */
  addFuncs(funcs: FuncMap): this {
    Object.assign(this.funcs, funcs);
    return this;
  }

  /**
   * Parses `text` as the body of this template; {{define}}/{{block}} add named templates.
   * Redefinitions replace earlier ones, except that an empty body never replaces a template.
   * `name` (default: this template's name) is Go's t.New(name).Parse(text): the body becomes
   * template `name` and errors say `template: name:LINE: ...` (Alertmanager uses file names).
   * Throws TemplateError (`template: NAME:LINE: ...`).
   */
  parse(text: string, name: string = this.name): this {
    let trees: Map<string, Tree>;
    try {
      trees = parseTemplate(name, text, (fn) => Object.prototype.hasOwnProperty.call(this.funcs, fn) || Object.prototype.hasOwnProperty.call(BUILTINS, fn));
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      const msg = e instanceof RangeError ? 'template nesting too deep' : `internal error: ${e instanceof Error ? e.message : String(e)}`;
      throw new TemplateError(`template: ${name}: ${msg}`, { kind: 'parse', templateName: name, line: 0 });
    }
    for (const [treeName, tree] of trees) {
      const existing = this.trees.get(treeName);
      const isEmpty = tree.root.nodes.every((n) => n.kind === 'text' && n.text.trim() === '');
      if (existing && isEmpty) continue;
      this.trees.set(treeName, tree);
    }
    return this;
  }

  /** Whether a template with this name is defined. */
  has(name: string): boolean {
    return this.trees.has(name);
  }

  templateNames(): string[] {
    return [...this.trees.keys()].sort();
  }

  /** Go's DefinedTemplates(): `; defined templates are: "a", "b"` or "". */
  definedTemplates(): string {
    const names = [...this.trees.keys()];
    if (names.length === 0) return '';
    return '; defined templates are: ' + names.map((n) => JSON.stringify(n)).join(', ');
  }

  /**
   * A copy with different function implementations (same names), without re-parsing: lets
   * callers cache parsed templates and bind per-execution functions (e.g. a query cache).
   */
  withFuncs(funcs: FuncMap): Template {
    const t = this.clone();
    t.funcs = { ...this.funcs, ...funcs };
    return t;
  }

  /** A copy sharing nothing mutable: later parse() on either does not affect the other. */
  clone(name: string = this.name): Template {
    const t = new Template(name, { funcs: this.funcs, missingKey: this.missingKey, limits: this.limits, escape: this.escape });
    t.trees = new Map(this.trees);
    return t;
  }

  /** Executes this template (its own name). Throws TemplateError only. */
  execute(data: unknown): string {
    if (!this.trees.has(this.name)) {
      throw new TemplateError(`template: ${this.name}: ${JSON.stringify(this.name)} is an incomplete or empty template`, {
        kind: 'exec',
        templateName: this.name,
        line: 0,
      });
    }
    return this.run(this.name, data);
  }

  /** Executes the named template of this set. Throws TemplateError only. */
  executeTemplate(name: string, data: unknown): string {
    if (!this.trees.has(name)) {
      throw new TemplateError(`template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(this.name)}`, {
        kind: 'exec',
        templateName: name,
        line: 0,
      });
    }
    return this.run(name, data);
  }

  private run(name: string, data: unknown): string {
    const sink: OutputSink = this.escape === 'html' ? new HtmlSink() : new TextSink();
    try {
      return executeTree(
        {
          lookupTree: (n) => this.trees.get(n),
          funcs: this.funcs,
          builtins: BUILTINS,
          missingKey: this.missingKey,
          limits: this.limits,
          sink,
        },
        this.trees.get(name)!,
        data,
      );
    } catch (e) {
      if (e instanceof TemplateError || e instanceof TemplateAbort) throw e;
      // Stack overflow or an engine bug: still report it as a template error.
      const msg = e instanceof RangeError ? 'exceeded maximum template depth' : `internal error: ${e instanceof Error ? e.message : String(e)}`;
      throw new TemplateError(`template: ${name}: ${msg}`, { kind: 'exec', templateName: name, line: 0 });
    }
  }
}
