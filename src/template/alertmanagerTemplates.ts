// Alertmanager's template set (template.FromGlobs): the default templates plus the files of
// `templates:` in alertmanager.yml, rendered as text (text/template) or HTML (html/template,
// for email bodies) with missingkey=zero and Alertmanager's functions.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { alertmanagerFuncs, type AlertmanagerFuncOptions } from './alertmanagerFuncs.ts';
import { DEFAULT_TMPL, EMAIL_TMPL, MSTEAMS_TMPL } from './alertmanagerDefaults.ts';
import { TemplateError } from './errors.ts';
import { Template } from './template.ts';

export class AlertmanagerTemplates {
  private constructor(
    private readonly text: Template,
    private readonly html: Template,
    /** Files the templates were loaded from (for status/debugging). */
    readonly files: string[],
  ) {}

  /** Only the built-in defaults. */
  static defaults(opts: AlertmanagerFuncOptions = {}): AlertmanagerTemplates {
    return AlertmanagerTemplates.fromSources([], opts);
  }

  /**
   * Defaults plus user template sources (name = file base name, used in error messages).
   * Throws TemplateError on a parse error, e.g. `template: my.tmpl:3: unexpected EOF`.
   */
  static fromSources(sources: { name: string; text: string }[], opts: AlertmanagerFuncOptions = {}): AlertmanagerTemplates {
    const funcs = alertmanagerFuncs(opts);
    const text = new Template('', { funcs, missingKey: 'zero' });
    const html = new Template('', { funcs, missingKey: 'zero', escape: 'html' });
    for (const t of [text, html]) {
      t.parse(DEFAULT_TMPL, 'default.tmpl');
      t.parse(MSTEAMS_TMPL, 'msteams.tmpl');
      t.parse(EMAIL_TMPL, 'email.tmpl');
      for (const s of sources) t.parse(s.text, s.name);
    }
    return new AlertmanagerTemplates(text, html, sources.map((s) => s.name));
  }

  /**
   * ExecuteTextString: renders `text` (e.g. '{{ template "slack.default.title" . }}') against
   * Data. Empty text renders as "". Throws TemplateError.
   */
  executeText(text: string, data: unknown): string {
    if (text === '') return '';
    return this.text.clone('').parse(text, '').execute(data);
  }

  /** ExecuteHTMLString: like executeText with HTML escaping of values (email bodies). */
  executeHtml(text: string, data: unknown): string {
    if (text === '') return '';
    return this.html.clone('').parse(text, '').execute(data);
  }

  /** Whether a named template exists (e.g. a user override of "slack.default.title"). */
  has(name: string): boolean {
    return this.text.has(name);
  }

  /**
   * Alertmanager's notify.TmplText/TmplHTML pattern: render several fields, keep the first
   * error and return "" for every field after it. Check `.error` once at the end.
   */
  renderer(data: unknown): { text(s: string): string; html(s: string): string; readonly error: TemplateError | null } {
    let error: TemplateError | null = null;
    const run = (f: () => string): string => {
      if (error) return '';
      try {
        return f();
      } catch (e) {
        error = e instanceof TemplateError ? e : new TemplateError(String(e), { kind: 'exec', templateName: '', line: 0 });
        return '';
      }
    };
    return {
      text: (s) => run(() => this.executeText(s, data)),
      html: (s) => run(() => this.executeHtml(s, data)),
      get error() {
        return error;
      },
    };
  }
}

/**
 * Loads `templates:` globs of alertmanager.yml (relative ones resolve against `baseDir`, the
 * config file's directory, as Alertmanager does). A glob matching nothing is allowed. Throws
 * TemplateError on a parse error, or an Error naming the file it could not read.
 */
export function loadTemplateFiles(globs: string[], baseDir: string = process.cwd(), opts: AlertmanagerFuncOptions = {}): AlertmanagerTemplates {
  const sources: { name: string; text: string }[] = [];
  for (const g of globs) {
    const pattern = isAbsolute(g) ? g : resolve(baseDir, g);
    for (const file of globFiles(pattern)) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new Error(`reading template file ${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
      sources.push({ name: file.slice(file.lastIndexOf(sep) + 1), text });
    }
  }
  return AlertmanagerTemplates.fromSources(sources, opts);
}

/** Go's filepath.Glob: `*`, `?`, `[...]` (with ^ or ! negation) in any path component. */
export function globFiles(pattern: string): string[] {
  const parts = pattern.split(sep);
  let bases = [parts[0] === '' ? sep : parts[0]!];
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === '') continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?[]/.test(part)) {
        next.push(join(base, part.replace(/\\(.)/g, '$1')));
        continue;
      }
      let entries: string[];
      try {
        entries = readdirSync(base);
      } catch {
        continue;
      }
      const re = globPartRegex(part);
      for (const e of entries.sort()) if (re.test(e)) next.push(join(base, e));
    }
    bases = next;
  }
  return bases.filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}

function globPartRegex(part: string): RegExp {
  let re = '^';
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < part.length) re += escapeRe(part[++i]!);
    else if (c === '[') {
      const close = part.indexOf(']', i + 2);
      if (close < 0) throw new Error(`syntax error in pattern: ${part}`);
      let cls = part.slice(i + 1, close);
      if (cls[0] === '^' || cls[0] === '!') cls = '^' + cls.slice(1);
      re += '[' + cls.replace(/\\/g, '\\\\') + ']';
      i = close;
    } else re += escapeRe(c);
  }
  return new RegExp(re + '$');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
