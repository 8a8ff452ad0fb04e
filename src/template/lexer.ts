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

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}
const ALNUM_RE = /[\p{L}\p{Nd}]/u;
function isAlphaNumeric(c: string): boolean {
  const x = c.charCodeAt(0);
  if (x < 0x80) return (x >= 48 && x <= 57) || (x >= 65 && x <= 90) || (x >= 97 && x <= 122) || x === 95;
  return ALNUM_RE.test(c);
}

/**
 * Tokenises the whole input eagerly (templates are small). After an Error item nothing more
 * is produced. `breakOK`/`continueOK` follow Go: break and continue are keywords only inside
 * range, which the parser decides, so we always lex them as keywords.
 */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;
  let done = false;

  const emit = (typ: ItemType, val?: string): void => {
    items.push({ typ, pos: start, val: val ?? input.slice(start, pos), line: startLine });
    start = pos;
    startLine = line;
  };
  const ignore = (): void => {
    line += countNewlines(input.slice(start, pos));
    start = pos;
    startLine = line;
  };
  const errorf = (msg: string): void => {
    items.push({ typ: ItemType.Error, pos: start, val: msg, line: startLine });
    done = true;
  };
  const advance = (n: number): void => {
    line += countNewlines(input.slice(pos, pos + n));
    pos += n;
  };
  const peek = (): string => (pos < input.length ? input[pos]! : '');
  const nextChar = (): string => {
    if (pos >= input.length) return '';
    const cp = input.codePointAt(pos)!;
    const ch = String.fromCodePoint(cp);
    pos += ch.length;
    if (ch === '\n') line++;
    return ch;
  };
  const backup = (ch: string): void => {
    pos -= ch.length;
    if (ch === '\n') line--;
  };

  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    // Go's right trim marker is " -" (space, then minus) right before the delimiter.
    if (isSpace(input[pos] ?? '') && input[pos + 1] === TRIM_MARKER && input.startsWith(RIGHT, pos + 2)) {
      return { delim: true, trim: true };
    }
    if (input.startsWith(RIGHT, pos)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  };

  // lexText: scan to the next left delimiter.
  const lexText = (): boolean => {
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      advance(input.length - pos);
      if (pos > start) emit(ItemType.Text);
      emit(ItemType.EOF);
      return false;
    }
    let trimLength = 0;
    let textEnd = x;
    const delimEnd = x + LEFT.length;
    if (input.startsWith(TRIM_MARKER, delimEnd) && isSpace(input[delimEnd + 1] ?? '')) {
      // Trim trailing white space from the text before "{{- ".
      let j = x;
      while (j > pos && isSpace(input[j - 1]!)) j--;
      trimLength = x - j;
      textEnd = j;
    }
    advance(textEnd - pos);
    if (textEnd > start) emit(ItemType.Text);
    advance(trimLength);
    ignore();
    return true;
  };

  // lexLeftDelim: at "{{"; handles trim marker and comments.
  const lexLeftDelim = (): 'inside' | 'text' | 'stop' => {
    advance(LEFT.length);
    const trimSpace = input.startsWith(TRIM_MARKER, pos) && isSpace(input[pos + 1] ?? '');
    const afterMarker = trimSpace ? 2 : 0;
    if (input.startsWith(LEFT_COMMENT, pos + afterMarker)) {
      advance(afterMarker);
      ignore();
      return lexComment();
    }
    emit(ItemType.LeftDelim);
    advance(afterMarker);
    ignore();
    parenDepth = 0;
    return 'inside';
  };

  const lexComment = (): 'text' | 'stop' => {
    advance(LEFT_COMMENT.length);
    const x = input.indexOf(RIGHT_COMMENT, pos);
    if (x < 0) {
      errorf('unclosed comment');
      return 'stop';
    }
    advance(x + RIGHT_COMMENT.length - pos);
    const r = atRightDelim();
    if (!r.delim) {
      errorf('comment ends before closing delimiter');
      return 'stop';
    }
    // Go emits the comment item only with ParseComments; we drop it.
    if (r.trim) advance(2);
    advance(RIGHT.length);
    ignore();
    if (r.trim) skipLeadingSpace();
    return 'text';
  };

  const skipLeadingSpace = (): void => {
    let j = pos;
    while (j < input.length && isSpace(input[j]!)) j++;
    advance(j - pos);
    ignore();
  };

  const lexRightDelim = (trim: boolean): void => {
    if (trim) {
      advance(2); // " -"
      ignore();
    }
    advance(RIGHT.length);
    emit(ItemType.RightDelim);
    if (trim) skipLeadingSpace();
  };

  // lexInsideAction: one token inside {{ }}; returns 'text' when the action closed.
  const lexInsideAction = (): 'inside' | 'text' | 'stop' => {
    const r = atRightDelim();
    if (r.delim) {
      if (parenDepth === 0) {
        lexRightDelim(r.trim);
        return 'text';
      }
      errorf('unclosed left paren');
      return 'stop';
    }
    const ch = nextChar();
    if (ch === '') {
      errorf('unclosed action');
      return 'stop';
    }
    if (isSpace(ch)) {
      backup(ch);
      return lexSpace();
    }
    if (ch === '=') {
      emit(ItemType.Assign);
    } else if (ch === ':') {
      if (nextChar() !== '=') {
        errorf('expected :=');
        return 'stop';
      }
      emit(ItemType.Declare);
    } else if (ch === '|') {
      emit(ItemType.Pipe);
    } else if (ch === '"') {
      return lexQuote();
    } else if (ch === '`') {
      return lexRawQuote();
    } else if (ch === '$') {
      return lexFieldOrVariable(ItemType.Variable);
    } else if (ch === "'") {
      return lexChar();
    } else if (ch === '.') {
      // special look-ahead for ".field" so we don't break l.backup().
      if (pos < input.length) {
        const r2 = input[pos]!;
        if (r2 < '0' || r2 > '9') return lexFieldOrVariable(ItemType.Field);
      }
      backup(ch);
      return lexNumber();
    } else if (ch === '+' || ch === '-' || (ch >= '0' && ch <= '9')) {
      backup(ch);
      return lexNumber();
    } else if (isAlphaNumeric(ch)) {
      backup(ch);
      return lexIdentifier();
    } else if (ch === '(') {
      emit(ItemType.LeftParen);
      parenDepth++;
    } else if (ch === ')') {
      // Go (1.19/1.20, as in Prometheus 2.42 / Alertmanager 0.25) emits the paren before
      // checking the depth, so the parser reports `unexpected ")" in command`.
      emit(ItemType.RightParen);
      parenDepth--;
      if (parenDepth < 0) {
        errorf(`unexpected right paren ${goRuneDebug(ch)}`);
        return 'stop';
      }
    } else if (ch.codePointAt(0)! <= 0x7f && ch >= ' ' && ch !== '\x7f') {
      emit(ItemType.Char);
    } else {
      errorf(`bad character ${goRuneDebug(ch)}`);
      return 'stop';
    }
    return 'inside';
  };

  const lexSpace = (): 'inside' | 'text' | 'stop' => {
    let numSpaces = 0;
    let last = '';
    while (isSpace(peek())) {
      last = nextChar();
      numSpaces++;
    }
    // Be careful about a trim-marked closing delimiter: the last space belongs to " -}}".
    if (input[pos] === TRIM_MARKER && input.startsWith(RIGHT, pos + 1)) {
      backup(last);
      if (numSpaces === 1) {
        lexRightDelim(true);
        return 'text';
      }
    }
    emit(ItemType.Space);
    return 'inside';
  };

  const lexIdentifier = (): 'inside' | 'stop' => {
    for (;;) {
      const ch = nextChar();
      if (ch !== '' && isAlphaNumeric(ch)) continue;
      if (ch !== '') backup(ch);
      const word = input.slice(start, pos);
      if (!atTerminator()) {
        errorf(`bad character ${goRuneDebug(ch)}`);
        return 'stop';
      }
      const kw = KEYWORDS[word];
      if (kw !== undefined && kw > ItemType.Keyword) emit(kw);
      else if (word[0] === '.') emit(ItemType.Field);
      else if (word === 'true' || word === 'false') emit(ItemType.Bool);
      else emit(ItemType.Identifier);
      return 'inside';
    }
  };

  const lexFieldOrVariable = (typ: ItemType): 'inside' | 'stop' => {
    if (atTerminator()) {
      // Nothing interesting follows -> "." or "$".
      if (typ === ItemType.Variable) emit(ItemType.Variable);
      else emit(ItemType.Dot);
      return 'inside';
    }
    let ch = '';
    for (;;) {
      ch = nextChar();
      if (ch === '' || !isAlphaNumeric(ch)) {
        if (ch !== '') backup(ch);
        break;
      }
    }
    if (!atTerminator()) {
      errorf(`bad character ${goRuneDebug(ch)}`);
      return 'stop';
    }
    emit(typ);
    return 'inside';
  };

  const atTerminator = (): boolean => {
    const ch = peek();
    if (ch === '' || isSpace(ch)) return true;
    if ('.,|:()'.includes(ch)) return true;
    return input.startsWith(RIGHT, pos);
  };

  const lexChar = (): 'inside' | 'stop' => {
    for (;;) {
      let ch = nextChar();
      if (ch === '\\') {
        ch = nextChar();
        if (ch !== '' && ch !== '\n') continue;
      }
      if (ch === '' || ch === '\n') {
        errorf('unterminated character constant');
        return 'stop';
      }
      if (ch === "'") break;
    }
    emit(ItemType.CharConstant);
    return 'inside';
  };

  const lexNumber = (): 'inside' | 'stop' => {
    if (!scanNumber()) {
      errorf(`bad number syntax: ${goQuoteForItem(input.slice(start, pos))}`);
      return 'stop';
    }
    const sign = peek();
    if (sign === '+' || sign === '-') {
      // Complex: 1+2i. No spaces, must end in 'i'.
      if (!scanNumber() || input[pos - 1] !== 'i') {
        errorf(`bad number syntax: ${goQuoteForItem(input.slice(start, pos))}`);
        return 'stop';
      }
    }
    emit(ItemType.Number);
    return 'inside';
  };

  const accept = (valid: string): boolean => {
    if (pos < input.length && valid.includes(input[pos]!)) {
      pos++;
      return true;
    }
    return false;
  };
  const acceptRun = (valid: string): void => {
    while (pos < input.length && valid.includes(input[pos]!)) pos++;
  };

  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 10 + 1 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 16 + 6 + 1 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    // Next thing mustn't be alphanumeric.
    const ch = peek();
    if (ch !== '' && isAlphaNumeric(ch)) {
      pos++;
      return false;
    }
    return true;
  };

  const lexQuote = (): 'inside' | 'stop' => {
    for (;;) {
      let ch = nextChar();
      if (ch === '\\') {
        ch = nextChar();
        if (ch !== '' && ch !== '\n') continue;
      }
      if (ch === '' || ch === '\n') {
        errorf('unterminated quoted string');
        return 'stop';
      }
      if (ch === '"') break;
    }
    emit(ItemType.String);
    return 'inside';
  };

  const lexRawQuote = (): 'inside' | 'stop' => {
    const x = input.indexOf('`', pos);
    if (x < 0) {
      errorf('unterminated raw quoted string');
      return 'stop';
    }
    advance(x + 1 - pos);
    emit(ItemType.RawString);
    return 'inside';
  };

  let state: 'text' | 'inside' | 'stop' = 'text';
  while (!done) {
    if (state === 'text') {
      if (!lexText()) break;
      const s = lexLeftDelim();
      state = s;
    } else if (state === 'inside') {
      state = lexInsideAction();
    } else break;
    if (state === 'stop') break;
  }
  return items;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Go's %#U: U+0023 '#'. */
function goRuneDebug(ch: string): string {
  if (ch === '') return 'U+FFFFFFFF'; // EOF rune in Go is -1, printed as U+FFFFFFFFFFFFFFFF; rarely seen
  const cp = ch.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  const printable = cp >= 0x20 && cp !== 0x7f && !(cp >= 0x80 && cp < 0xa0);
  return printable ? `U+${hex} '${ch}'` : `U+${hex}`;
}
