// Lexer for Go's text/template language (see pkg.go.dev/text/template "Text and spaces",
// "Actions", "Arguments"). Produces the same item kinds Go's lexer does so the parser can report
// the same errors ("unexpected "}" in operand", "unclosed action", ...).

export const enum ItemType {
  Error,
  Bool,
  Char, // printable ASCII character; grab bag for comma etc.
  CharConstant,
  Comment,
  Assign, // '='
  Declare, // ':='
  EOF,
  Field, // '.name'
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable, // '$name' or '$'
  // keywords after this point
  Keyword,
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

export interface Item {
  typ: ItemType;
  pos: number; // byte offset (UTF-16 offset here) of the item in the input
  val: string;
  line: number; // 1-based line of the item start
}

const KEYWORDS: Record<string, ItemType> = {
  '.': ItemType.Dot,
  block: ItemType.Block,
  break: ItemType.Break,
  continue: ItemType.Continue,
  define: ItemType.Define,
  else: ItemType.Else,
  end: ItemType.End,
  if: ItemType.If,
  range: ItemType.Range,
  nil: ItemType.Nil,
  template: ItemType.Template,
  with: ItemType.With,
};

/** Go's item.String(), used in "unexpected X in Y" parse errors. */
export function itemString(i: Item): string {
  if (i.typ === ItemType.EOF) return 'EOF';
  if (i.typ === ItemType.Error) return i.val;
  if (i.typ > ItemType.Keyword) return `<${i.val}>`;
  if ([...i.val].length > 10) return goQuoteForItem([...i.val].slice(0, 10).join('')) + '...';
  return goQuoteForItem(i.val);
}

function goQuoteForItem(s: string): string {
  // Minimal strconv.Quote for short item text (escapes quotes, backslashes, control chars).
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

const LEFT = '{{';
const RIGHT = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';
const TRIM_MARKER = '-';

const ALNUM_RE = /[\p{L}\p{Nd}]/u;
function isAlphaNumeric(c: string): boolean {
  const x = c.charCodeAt(0);
  if (x < 0x80) return (x >= 48 && x <= 57) || (x >= 65 && x <= 90) || (x >= 97 && x <= 122) || x === 95;
  return ALNUM_RE.test(c);
}

/**
 * Tokenises the whole input eagerly (templates are small). After an Error item nothing more
 * is produced. break/continue are always lexed as keywords; the parser decides where they
 * are allowed, as in Go.
 */
export function lex(input: string): Item[] {
  return new Lexer(input).run();
}

type LexState = 'text' | 'inside' | 'stop';

/** A hand-written state machine over UTF-16 code units, following Go's text/template lexer. */
class Lexer {
  private readonly items: Item[] = [];
  private pos = 0;
  private start = 0;
  private line = 1;
  private startLine = 1;
  private parenDepth = 0;

  constructor(private readonly input: string) {}

  run(): Item[] {
    let state: LexState = 'text';
    while (state !== 'stop') state = state === 'text' ? this.lexTextAndDelim() : this.lexInsideAction();
    return this.items;
  }

  // ---- primitives ----
  private emit(typ: ItemType): void {
    this.items.push({ typ, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.startLine });
    this.start = this.pos;
    this.startLine = this.line;
  }
  private ignore(): void {
    this.start = this.pos;
    this.startLine = this.line;
  }
  private errorf(msg: string): 'stop' {
    this.items.push({ typ: ItemType.Error, pos: this.start, val: msg, line: this.startLine });
    return 'stop';
  }
  /** Moves forward n code units, counting newlines. */
  private advance(n: number): void {
    const input = this.input;
    const end = this.pos + n;
    for (let i = this.pos; i < end; i++) if (input.charCodeAt(i) === 10) this.line++;
    this.pos = end;
  }
  private peekCode(): number {
    return this.pos < this.input.length ? this.input.charCodeAt(this.pos) : -1;
  }
  /** Next code point as a string ('' at EOF). */
  private next(): string {
    if (this.pos >= this.input.length) return '';
    const cp = this.input.codePointAt(this.pos)!;
    if (cp < 0x10000) {
      this.pos++;
      if (cp === 10) this.line++;
      return this.input[this.pos - 1]!;
    }
    this.pos += 2;
    return String.fromCodePoint(cp);
  }
  private backup(ch: string): void {
    this.pos -= ch.length;
    if (ch === '\n') this.line--;
  }
  private startsWith(s: string, at: number = this.pos): boolean {
    return this.input.startsWith(s, at);
  }
  private accept(valid: string): boolean {
    if (this.pos < this.input.length && valid.includes(this.input[this.pos]!)) {
      this.pos++;
      return true;
    }
    return false;
  }
  private acceptRun(valid: string): void {
    while (this.pos < this.input.length && valid.includes(this.input[this.pos]!)) this.pos++;
  }

  /** At "}}" or " -}}" (Go's right trim marker is a space, then a minus). */
  private atRightDelim(): { delim: boolean; trim: boolean } {
    const input = this.input;
    const p = this.pos;
    if (isSpaceCode(input.charCodeAt(p)) && input.charCodeAt(p + 1) === 45 /* - */ && input.startsWith(RIGHT, p + 2)) {
      return { delim: true, trim: true };
    }
    return { delim: input.startsWith(RIGHT, p), trim: false };
  }

  private skipLeadingSpace(): void {
    let j = this.pos;
    while (j < this.input.length && isSpaceCode(this.input.charCodeAt(j))) j++;
    this.advance(j - this.pos);
    this.ignore();
  }

  // ---- states ----
  /** lexText + lexLeftDelim: text up to "{{", then the delimiter (or a comment). */
  private lexTextAndDelim(): LexState {
    const input = this.input;
    const x = input.indexOf(LEFT, this.pos);
    if (x < 0) {
      this.advance(input.length - this.pos);
      if (this.pos > this.start) this.emit(ItemType.Text);
      this.emit(ItemType.EOF);
      return 'stop';
    }
    let textEnd = x;
    const delimEnd = x + LEFT.length;
    if (input.charCodeAt(delimEnd) === 45 /* - */ && isSpaceCode(input.charCodeAt(delimEnd + 1))) {
      // "{{- " trims trailing white space from the text before it.
      while (textEnd > this.pos && isSpaceCode(input.charCodeAt(textEnd - 1))) textEnd--;
    }
    this.advance(textEnd - this.pos);
    if (textEnd > this.start) this.emit(ItemType.Text);
    this.advance(x - textEnd);
    this.ignore();
    // lexLeftDelim
    this.advance(LEFT.length);
    const trimSpace = input.charCodeAt(this.pos) === 45 && isSpaceCode(input.charCodeAt(this.pos + 1));
    const afterMarker = trimSpace ? 2 : 0;
    if (input.startsWith(LEFT_COMMENT, this.pos + afterMarker)) {
      this.advance(afterMarker);
      this.ignore();
      return this.lexComment();
    }
    this.emit(ItemType.LeftDelim);
    this.advance(afterMarker);
    this.ignore();
    this.parenDepth = 0;
    return 'inside';
  }

  private lexComment(): LexState {
    this.advance(LEFT_COMMENT.length);
    const x = this.input.indexOf(RIGHT_COMMENT, this.pos);
    if (x < 0) return this.errorf('unclosed comment');
    this.advance(x + RIGHT_COMMENT.length - this.pos);
    const r = this.atRightDelim();
    if (!r.delim) return this.errorf('comment ends before closing delimiter');
    // Go emits the comment item only with ParseComments; we drop it.
    if (r.trim) this.advance(2);
    this.advance(RIGHT.length);
    this.ignore();
    if (r.trim) this.skipLeadingSpace();
    return 'text';
  }

  private lexRightDelim(trim: boolean): LexState {
    if (trim) {
      this.advance(2); // " -"
      this.ignore();
    }
    this.advance(RIGHT.length);
    this.emit(ItemType.RightDelim);
    if (trim) this.skipLeadingSpace();
    return 'text';
  }

  private lexInsideAction(): LexState {
    const r = this.atRightDelim();
    if (r.delim) {
      if (this.parenDepth === 0) return this.lexRightDelim(r.trim);
      return this.errorf('unclosed left paren');
    }
    const ch = this.next();
    if (ch === '') return this.errorf('unclosed action');
    const c = ch.charCodeAt(0);
    if (isSpaceCode(c)) {
      this.backup(ch);
      return this.lexSpace();
    }
    switch (ch) {
      case '=':
        this.emit(ItemType.Assign);
        return 'inside';
      case ':':
        if (this.next() !== '=') return this.errorf('expected :=');
        this.emit(ItemType.Declare);
        return 'inside';
      case '|':
        this.emit(ItemType.Pipe);
        return 'inside';
      case '"':
        return this.lexQuote();
      case '`':
        return this.lexRawQuote();
      case '$':
        return this.lexFieldOrVariable(ItemType.Variable);
      case "'":
        return this.lexChar();
      case '.': {
        // special look-ahead for ".field" so we don't break backup().
        const c2 = this.peekCode();
        if (c2 >= 0 && (c2 < 48 || c2 > 57)) return this.lexFieldOrVariable(ItemType.Field);
        this.backup(ch);
        return this.lexNumber();
      }
      case '(':
        this.emit(ItemType.LeftParen);
        this.parenDepth++;
        return 'inside';
      case ')':
        // Go (1.19/1.20, as in Prometheus 2.42 / Alertmanager 0.25) emits the paren before
        // checking the depth, so the parser reports `unexpected ")" in command`.
        this.emit(ItemType.RightParen);
        this.parenDepth--;
        if (this.parenDepth < 0) return this.errorf(`unexpected right paren ${goRuneDebug(ch)}`);
        return 'inside';
    }
    if (ch === '+' || ch === '-' || (c >= 48 && c <= 57)) {
      this.backup(ch);
      return this.lexNumber();
    }
    if (isAlphaNumeric(ch)) {
      this.backup(ch);
      return this.lexIdentifier();
    }
    if (c <= 0x7f && c >= 0x20 && c !== 0x7f) {
      this.emit(ItemType.Char);
      return 'inside';
    }
    return this.errorf(`bad character ${goRuneDebug(ch)}`);
  }

  private lexSpace(): LexState {
    let numSpaces = 0;
    let last = '';
    while (isSpaceCode(this.peekCode())) {
      last = this.next();
      numSpaces++;
    }
    // Be careful about a trim-marked closing delimiter: the last space belongs to " -}}".
    if (this.input.charCodeAt(this.pos) === 45 && this.startsWith(RIGHT, this.pos + 1)) {
      this.backup(last);
      if (numSpaces === 1) return this.lexRightDelim(true);
    }
    this.emit(ItemType.Space);
    return 'inside';
  }

  private lexIdentifier(): LexState {
    let ch: string;
    do ch = this.next();
    while (ch !== '' && isAlphaNumeric(ch));
    if (ch !== '') this.backup(ch);
    if (!this.atTerminator()) return this.errorf(`bad character ${goRuneDebug(ch)}`);
    const word = this.input.slice(this.start, this.pos);
    const kw = Object.prototype.hasOwnProperty.call(KEYWORDS, word) ? KEYWORDS[word] : undefined;
    if (kw !== undefined && kw > ItemType.Keyword) this.emit(kw);
    else if (word[0] === '.') this.emit(ItemType.Field);
    else if (word === 'true' || word === 'false') this.emit(ItemType.Bool);
    else this.emit(ItemType.Identifier);
    return 'inside';
  }

  private lexFieldOrVariable(typ: ItemType): LexState {
    if (this.atTerminator()) {
      // Nothing interesting follows -> "." or "$".
      this.emit(typ === ItemType.Variable ? ItemType.Variable : ItemType.Dot);
      return 'inside';
    }
    let ch: string;
    do ch = this.next();
    while (ch !== '' && isAlphaNumeric(ch));
    if (ch !== '') this.backup(ch);
    if (!this.atTerminator()) return this.errorf(`bad character ${goRuneDebug(ch)}`);
    this.emit(typ);
    return 'inside';
  }

  private atTerminator(): boolean {
    const c = this.peekCode();
    if (c < 0 || isSpaceCode(c)) return true;
    // . , | : ( )
    if (c === 46 || c === 44 || c === 124 || c === 58 || c === 40 || c === 41) return true;
    return this.startsWith(RIGHT);
  }

  private lexQuoted(quote: string, unterminated: string, typ: ItemType): LexState {
    for (;;) {
      let ch = this.next();
      if (ch === '\\') {
        ch = this.next();
        if (ch !== '' && ch !== '\n') continue;
      }
      if (ch === '' || ch === '\n') return this.errorf(unterminated);
      if (ch === quote) break;
    }
    this.emit(typ);
    return 'inside';
  }
  private lexChar(): LexState {
    return this.lexQuoted("'", 'unterminated character constant', ItemType.CharConstant);
  }
  private lexQuote(): LexState {
    return this.lexQuoted('"', 'unterminated quoted string', ItemType.String);
  }

  private lexRawQuote(): LexState {
    const x = this.input.indexOf('`', this.pos);
    if (x < 0) return this.errorf('unterminated raw quoted string');
    this.advance(x + 1 - this.pos);
    this.emit(ItemType.RawString);
    return 'inside';
  }

  private lexNumber(): LexState {
    if (!this.scanNumber()) return this.errorf(`bad number syntax: ${goQuoteForItem(this.input.slice(this.start, this.pos))}`);
    const sign = this.peekCode();
    if (sign === 43 || sign === 45) {
      // Complex: 1+2i. No spaces, must end in 'i'.
      if (!this.scanNumber() || this.input[this.pos - 1] !== 'i') {
        return this.errorf(`bad number syntax: ${goQuoteForItem(this.input.slice(this.start, this.pos))}`);
      }
    }
    this.emit(ItemType.Number);
    return 'inside';
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 10 + 1 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 16 + 6 + 1 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    // Next thing mustn't be alphanumeric.
    if (this.pos < this.input.length && isAlphaNumeric(this.input[this.pos]!)) {
      this.pos++;
      return false;
    }
    return true;
  }
}

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}


/** Go's %#U: U+0023 '#'. */
function goRuneDebug(ch: string): string {
  if (ch === '') return 'U+FFFFFFFF'; // EOF rune in Go is -1, printed as U+FFFFFFFFFFFFFFFF; rarely seen
  const cp = ch.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  const printable = cp >= 0x20 && cp !== 0x7f && !(cp >= 0x80 && cp < 0xa0);
  return printable ? `U+${hex} '${ch}'` : `U+${hex}`;
}
