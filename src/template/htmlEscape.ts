// An approximation of html/template's contextual autoescaping, enough for notification
// templates (Alertmanager renders email HTML with html/template). Instead of analysing the
// template statically as Go does, the sink tracks the HTML context of the output written so far
// and escapes each action's value for that context:
//   text / <title>          -> HTML escaping (& < > " ' + and NUL, as Go's htmlEscaper)
//   quoted attribute value  -> HTML escaping
//   URL attribute (href...) -> at URL start: scheme filter (#ZgotmplZ) + normalisation;
//                              in the query/fragment: percent-encoding; then HTML escaping
//   <script>/<style>        -> JS-string / CSS-ish escaping is not modelled: HTML escaping
// Values of type SafeHTML are emitted verbatim in text context. `urlquery`/`html` at the end of
// a pipeline count as already escaped for their context, as in Go.

import type { OutputSink } from './exec.ts';
import { SafeHTML, SafeURL } from './safeTypes.ts';

const HTML_REPL: Record<string, string> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  '&': '&amp;',
  "'": '&#39;',
  '+': '&#43;',
  '<': '&lt;',
  '>': '&gt;',
};

export function htmlEscaper(s: string): string {
  return s.replace(/[\0"&'+<>]/g, (c) => HTML_REPL[c]!);
}

const NOSPACE_REPL: Record<string, string> = {
  ...HTML_REPL,
  '\0': '&#xfffd;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\v': '&#11;',
  '\f': '&#12;',
  '\r': '&#13;',
  ' ': '&#32;',
  '=': '&#61;',
  '`': '&#96;',
};

/** Go's htmlNospaceEscaper, for unquoted attribute values. */
export function htmlNospaceEscaper(s: string): string {
  return s.replace(/[\0\t\n\v\f\r "&'+<=>`]/g, (c) => NOSPACE_REPL[c]!);
}

/** Go's jsValEscaper (approximation): values inside <script> become JS literals. */
function jsValEscaper(printed: string, raw: unknown): string {
  if (typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'boolean') return ` ${printed} `;
  if (raw === null || raw === undefined) return ' null ';
  return JSON.stringify(printed)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Go's processURLOnto: `norm` keeps reserved characters and existing %XX escapes. */
export function urlProcess(s: string, norm: boolean): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const c = String.fromCharCode(b);
    if (norm && '!#$&*+,/:;=?@[]'.includes(c)) {
      out += c;
      continue;
    }
    if ('-._~'.includes(c) || /[A-Za-z0-9]/.test(c)) {
      out += c;
      continue;
    }
    if (c === '%' && norm && i + 2 < bytes.length && isHex(bytes[i + 1]!) && isHex(bytes[i + 2]!)) {
      out += c;
      continue;
    }
    out += '%' + b.toString(16).padStart(2, '0');
  }
  return out;
}

function isHex(b: number): boolean {
  return (b >= 48 && b <= 57) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102);
}

const URL_ATTRS = new Set(['action', 'archive', 'background', 'cite', 'classid', 'codebase', 'data', 'formaction', 'href', 'icon', 'longdesc', 'manifest', 'poster', 'profile', 'src', 'usemap', 'xmlns']);

type State = 'text' | 'tagName' | 'inTag' | 'attrName' | 'afterAttrName' | 'beforeValue' | 'attrValue' | 'comment' | 'rcdata' | 'rawtext';

export class HtmlSink implements OutputSink {
  private parts: string[] = [];
  size = 0;
  private state: State = 'text';
  private tagName = '';
  private isEndTag = false;
  private attrName = '';
  private quote = ''; // '"', "'" or '' (unquoted)
  private attrValue = '';
  private special = ''; // element name of rcdata/rawtext content

  /**
   * Template text, normalised as html/template does: HTML comments are dropped, and a `<` in
   * text or RCDATA that does not open a tag (or a doctype) becomes `&lt;`.
   */
  text(s: string): void {
    let kept = '';
    for (let i = 0; i < s.length; i++) {
      // Fast paths: runs that cannot change the context.
      const run = this.inertRun(s, i);
      if (run > i) {
        if (this.state !== 'comment') kept += s.slice(i, run);
        if (this.state === 'attrValue' && URL_ATTRS.has(this.attrName)) this.attrValue += s.slice(i, run);
        i = run;
        if (i >= s.length) break;
      }
      const before = this.state;
      const enteringComment = before === 'text' && s.startsWith('<!--', i);
      this.feed(s, i);
      if (before === 'comment' || enteringComment) continue;
      if (s[i] === '<' && (before === 'text' || before === 'rcdata') && this.state === before && !/^<!doctype/i.test(s.slice(i, i + 9))) {
        kept += '&lt;';
      } else kept += s[i];
    }
    this.parts.push(kept);
    this.size += kept.length;
  }

  value(printed: string, raw: unknown, lastFunc?: string): void {
    const s = this.escapeForContext(printed, raw, lastFunc);
    this.parts.push(s);
    this.size += s.length;
    for (let i = 0; i < s.length; i++) this.feed(s, i);
  }

  result(): string {
    return this.parts.join('');
  }

  private escapeForContext(s: string, raw: unknown, lastFunc?: string): string {
    switch (this.state) {
      case 'text':
      case 'rcdata':
        if (raw instanceof SafeHTML && this.state === 'text') return s;
        return lastFunc === 'html' ? s : htmlEscaper(s);
      case 'comment':
        return ''; // Go drops output inside HTML comments
      case 'rawtext':
        return this.special === 'script' ? jsValEscaper(s, raw) : htmlEscaper(s);
      case 'attrValue':
      case 'beforeValue': {
        const unquoted = this.state === 'beforeValue' || this.quote === '';
        const attrEsc = unquoted ? htmlNospaceEscaper : htmlEscaper;
        if (!URL_ATTRS.has(this.attrName)) return attrEsc(s);
        const soFar = this.state === 'attrValue' ? this.attrValue : '';
        let v: string;
        if (lastFunc === 'urlquery') v = s;
        else if (/[?#]/.test(soFar)) v = urlProcess(s, false);
        else if (soFar === '') {
          const safe = raw instanceof SafeURL || !/^\s*[A-Za-z][A-Za-z0-9+.-]*:/.test(s) || /^\s*(https?|mailto):/i.test(s);
          v = safe ? urlProcess(s, true) : '#ZgotmplZ';
        } else v = urlProcess(s, true);
        return attrEsc(v);
      }
      default:
        return htmlEscaper(s);
    }
  }

  private endTag(): void {
    const name = this.tagName.toLowerCase();
    if (!this.isEndTag && (name === 'title' || name === 'textarea')) {
      this.state = 'rcdata';
      this.special = name;
    } else if (!this.isEndTag && (name === 'script' || name === 'style')) {
      this.state = 'rawtext';
      this.special = name;
    } else this.state = 'text';
  }

  /** End of the run starting at i that feed() would pass over without a state change. */
  private inertRun(s: string, i: number): number {
    let j: number;
    switch (this.state) {
      case 'text':
        j = s.indexOf('<', i);
        return j < 0 ? s.length : j;
      case 'attrValue':
        if (!this.quote) return i;
        j = s.indexOf(this.quote, i);
        return j < 0 ? s.length : j;
      case 'comment':
        // Stop at a '>' (it may close the comment).
        j = s.indexOf('>', i);
        return j < 0 ? s.length : j;
      default:
        return i;
    }
  }

  private feed(s: string, i: number): void {
    const c = s[i]!;
    const ws = c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
    switch (this.state) {
      case 'text':
        if (c === '<') {
          if (s.startsWith('<!--', i)) this.state = 'comment';
          else if (/^<\/?[A-Za-z]/.test(s.slice(i, i + 3))) {
            this.state = 'tagName';
            this.tagName = '';
            this.isEndTag = false;
          }
        }
        return;
      case 'comment':
        if (c === '>' && s.slice(Math.max(0, i - 2), i) === '--') this.state = 'text';
        return;
      case 'rcdata':
      case 'rawtext':
        if (c === '<' && s.slice(i + 1, i + 2 + this.special.length).toLowerCase() === '/' + this.special) {
          this.state = 'tagName';
          this.tagName = '';
          this.isEndTag = false;
        }
        return;
      case 'tagName':
        if (c === '/' && this.tagName === '') this.isEndTag = true;
        else if (ws) this.state = 'inTag';
        else if (c === '>') this.endTag();
        else this.tagName += c;
        return;
      case 'inTag':
        if (c === '>') this.endTag();
        else if (!ws && c !== '/') {
          this.state = 'attrName';
          this.attrName = c.toLowerCase();
        }
        return;
      case 'attrName':
        if (c === '=') this.state = 'beforeValue';
        else if (ws) this.state = 'afterAttrName';
        else if (c === '>') this.endTag();
        else this.attrName += c.toLowerCase();
        return;
      case 'afterAttrName':
        if (c === '=') this.state = 'beforeValue';
        else if (c === '>') this.endTag();
        else if (!ws) {
          this.state = 'attrName';
          this.attrName = c.toLowerCase();
        }
        return;
      case 'beforeValue':
        if (ws) return;
        if (c === '>') {
          this.endTag();
          return;
        }
        this.state = 'attrValue';
        this.attrValue = '';
        if (c === '"' || c === "'") this.quote = c;
        else {
          this.quote = '';
          this.attrValue = c;
        }
        return;
      case 'attrValue':
        if (this.quote ? c === this.quote : ws) this.state = 'inTag';
        else if (!this.quote && c === '>') this.endTag();
        else this.attrValue += c;
        return;
    }
  }
}
