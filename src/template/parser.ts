// Recursive-descent parser for Go's text/template, following the structure (and error
// messages) of text/template/parse: pipelines, declarations, if/range/with/else, define,
// template, block, break/continue.

import type {
  ArgNode,
  BranchNode,
  CommandNode,
  ElseNode,
  EndNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  Source,
  TemplateNode,
  Tree,
  VariableNode,
} from './ast.ts';
import { nodeString } from './ast.ts';
import { ItemType, itemString, lex, type Item } from './lexer.ts';
import { TemplateError } from './errors.ts';
import { parseFloatStrict, parseIntBase0, parseUintBase0 } from './goStrconv.ts';

/**
 * Deepest nesting of parentheses and if/range/with the parser accepts. Go allows 10000
 * parentheses; a JS stack runs out earlier, so the limit is lower but the message the same.
 */
const MAX_NESTING = 1000;

/**
 * Parses `text` into trees. Returns the main tree (named `name`) plus every tree created by
 * {{define}} / {{block}}. `hasFunction` decides whether an identifier names a function
 * (Go checks this at parse time: `function "foo" not defined`).
 */
export function parseTemplate(name: string, text: string, hasFunction: (name: string) => boolean): Map<string, Tree> {
  const source: Source = { parseName: name, text };
  const items = lex(text);
  const p = new Parser(items, source, hasFunction);
  return p.parseAll(name);
}

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  /** Nesting of parentheses and control structures (Go limits parens to maxStackDepth). */
  private depth = 0;
  private actionLine = 0;
  private lastLine = 1;
  private readonly trees = new Map<string, Tree>();

  constructor(
    private readonly items: Item[],
    private readonly source: Source,
    private readonly hasFunction: (name: string) => boolean,
  ) {}

  // ---- token stream ----
  private next(): Item {
    const it = this.items[this.i] ?? this.items[this.items.length - 1]!;
    if (this.i < this.items.length) this.i++;
    this.lastLine = it.line;
    return it;
  }
  private backup(): void {
    this.i--;
  }
  private peek(): Item {
    return this.items[this.i] ?? this.items[this.items.length - 1]!;
  }
  private nextNonSpace(): Item {
    let t: Item;
    do t = this.next();
    while (t.typ === ItemType.Space);
    return t;
  }
  private peekNonSpace(): Item {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }
  private expect(typ: ItemType, context: string): Item {
    const t = this.nextNonSpace();
    if (t.typ !== typ) this.unexpected(t, context);
    return t;
  }

  // ---- errors ----
  private errorf(msg: string): never {
    throw new TemplateError(`template: ${this.source.parseName}:${this.lastLine}: ${msg}`, {
      kind: 'parse',
      templateName: this.source.parseName,
      line: this.lastLine,
    });
  }
  private unexpected(t: Item, context: string): never {
    if (t.typ === ItemType.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== t.line) {
        extra = ` in action started at ${this.source.parseName}:${this.actionLine}`;
        if (t.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${t.val}${extra}`);
    }
    this.errorf(`unexpected ${itemString(t)} in ${context}`);
  }

  // ---- top level ----
  parseAll(name: string): Map<string, Tree> {
    const root: ListNode = { kind: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().typ !== ItemType.EOF) {
      if (this.peek().typ === ItemType.Error) this.unexpected(this.next(), 'input');
      if (this.peek().typ === ItemType.LeftDelim) {
        const save = this.i;
        this.next();
        if (this.nextNonSpace().typ === ItemType.Define) {
          this.parseDefinition();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    this.addTree({ name, root, source: this.source });
    return this.trees;
  }

  private addTree(tree: Tree): void {
    const existing = this.trees.get(tree.name);
    if (existing && !isEmptyTree(existing.root) && !isEmptyTree(tree.root)) {
      this.errorf(`template: multiple definition of template "${tree.name}"`);
    }
    if (!existing || !isEmptyTree(tree.root)) this.trees.set(tree.name, tree);
  }

  private withFreshScope<T>(fn: () => T): T {
    const saved = { vars: this.vars, rangeDepth: this.rangeDepth };
    this.vars = ['$'];
    this.rangeDepth = 0;
    try {
      return fn();
    } finally {
      this.vars = saved.vars;
      this.rangeDepth = saved.rangeDepth;
    }
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const nameTok = this.nextNonSpace();
    if (nameTok.typ !== ItemType.String && nameTok.typ !== ItemType.RawString) this.unexpected(nameTok, context);
    const name = this.unquote(nameTok);
    this.expect(ItemType.RightDelim, context);
    this.withFreshScope(() => {
      const [list, end] = this.itemList();
      if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
      this.addTree({ name, root: list, source: this.source });
    });
  }

  private itemList(): [ListNode, ElseNode | EndNode] {
    const list: ListNode = { kind: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().typ !== ItemType.EOF) {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case ItemType.Text:
        return { kind: 'text', pos: t.pos, text: t.val };
      case ItemType.LeftDelim: {
        this.actionLine = t.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      default:
        this.unexpected(t, 'input');
    }
  }

  private action(): Node {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case ItemType.Block:
        return this.blockControl();
      case ItemType.Break:
      case ItemType.Continue: {
        const word = t.typ === ItemType.Break ? 'break' : 'continue';
        const n = this.nextNonSpace();
        if (n.typ !== ItemType.RightDelim) this.unexpected(n, `{{${word}}}`);
        if (this.rangeDepth === 0) this.errorf(`{{${word}}} outside {{range}}`);
        return { kind: word, pos: t.pos };
      }
      case ItemType.Else:
        return this.elseControl();
      case ItemType.End:
        return { kind: 'end', pos: this.expect(ItemType.RightDelim, 'end').pos };
      case ItemType.If:
        return this.control('if');
      case ItemType.Range:
        return this.control('range');
      case ItemType.Template:
        return this.templateControl();
      case ItemType.With:
        return this.control('with');
    }
    this.backup();
    const tok = this.peek();
    // Declared variables persist until the enclosing {{end}}.
    return { kind: 'action', pos: tok.pos, pipe: this.pipeline('command', ItemType.RightDelim) };
  }

  private elseControl(): ElseNode {
    const peek = this.peekNonSpace();
    // "{{else if" and "{{else with" are rewritten as {{else}}{{if ...}} by control().
    if (peek.typ === ItemType.If || peek.typ === ItemType.With) return { kind: 'else', pos: peek.pos };
    const t = this.expect(ItemType.RightDelim, 'else');
    return { kind: 'else', pos: t.pos };
  }

  private enter(): void {
    if (++this.depth > MAX_NESTING) this.errorf('max expression depth exceeded');
  }

  private control(kind: 'if' | 'range' | 'with'): BranchNode {
    const nVars = this.vars.length;
    this.enter();
    try {
      const pipe = this.pipeline(kind, ItemType.RightDelim);
      if (kind === 'range') this.rangeDepth++;
      let list: ListNode;
      let next: ElseNode | EndNode;
      try {
        [list, next] = this.itemList();
      } finally {
        if (kind === 'range') this.rangeDepth--;
      }
      let elseList: ListNode | null = null;
      if (next.kind === 'else') {
        const chained = this.peek().typ;
        if ((kind === 'if' && chained === ItemType.If) || (kind === 'with' && chained === ItemType.With)) {
          this.next();
          elseList = { kind: 'list', pos: next.pos, nodes: [this.control(kind)] };
        } else {
          let end: ElseNode | EndNode;
          [elseList, end] = this.itemList();
          if (end.kind !== 'end') this.errorf(`expected end; found ${nodeString(end)}`);
        }
      }
      return { kind, pos: pipe.pos, pipe, list, elseList };
    } finally {
      this.vars.length = nVars;
      this.depth--;
    }
  }

  private parseTemplateName(t: Item, context: string): string {
    if (t.typ === ItemType.String || t.typ === ItemType.RawString) return this.unquote(t);
    this.unexpected(t, context);
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const t = this.nextNonSpace();
    const name = this.parseTemplateName(t, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== ItemType.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, ItemType.RightDelim);
    }
    return { kind: 'template', pos: t.pos, name, pipe };
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const t = this.nextNonSpace();
    const name = this.parseTemplateName(t, context);
    const pipe = this.pipeline(context, ItemType.RightDelim);
    this.withFreshScope(() => {
      const [list, end] = this.itemList();
      if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
      this.addTree({ name, root: list, source: this.source });
    });
    return { kind: 'template', pos: t.pos, name, pipe };
  }

  // ---- pipelines ----
  private pipeline(context: string, end: ItemType): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: first.pos, isAssign: false, decl: [], cmds: [] };
    // Declarations: "$x :=", "$x =", "$i, $v :=" (range only).
    for (;;) {
      const v = this.peekNonSpace();
      if (v.typ !== ItemType.Variable) break;
      const save = this.i;
      this.nextNonSpace();
      const nxt = this.peekNonSpace();
      if (nxt.typ === ItemType.Assign || nxt.typ === ItemType.Declare) {
        pipe.isAssign = nxt.typ === ItemType.Assign;
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v));
        this.vars.push(v.val);
        break;
      }
      if (nxt.typ === ItemType.Char && nxt.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p2 = this.peekNonSpace().typ;
          if (p2 === ItemType.Variable || p2 === ItemType.RightDelim || p2 === ItemType.RightParen) continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      }
      this.i = save;
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.typ === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (t.typ) {
        case ItemType.Bool:
        case ItemType.CharConstant:
        case ItemType.Dot:
        case ItemType.Field:
        case ItemType.Identifier:
        case ItemType.Number:
        case ItemType.Nil:
        case ItemType.RawString:
        case ItemType.String:
        case ItemType.Variable:
        case ItemType.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const k = c.args[0]!.kind;
      if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.typ === ItemType.Space) continue;
      if (t.typ === ItemType.RightDelim || t.typ === ItemType.RightParen) this.backup();
      else if (t.typ !== ItemType.Pipe) this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | null {
    const node = this.term();
    if (!node) return null;
    if (this.peek().typ !== ItemType.Field) return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().typ === ItemType.Field) fields.push(this.next().val.slice(1));
    switch (node.kind) {
      case 'field':
        return { kind: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { kind: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.errorf(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
      default:
        return { kind: 'chain', pos, node, field: fields };
    }
  }

  private term(): ArgNode | null {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case ItemType.Identifier:
        if (!this.hasFunction(t.val)) this.errorf(`function ${JSON.stringify(t.val)} not defined`);
        return { kind: 'identifier', pos: t.pos, name: t.val };
      case ItemType.Dot:
        return { kind: 'dot', pos: t.pos };
      case ItemType.Nil:
        return { kind: 'nil', pos: t.pos };
      case ItemType.Variable: {
        const v = this.newVariable(t);
        if (!this.vars.includes(v.ident[0]!)) this.errorf(`undefined variable ${JSON.stringify(v.ident[0])}`);
        return v;
      }
      case ItemType.Field:
        return { kind: 'field', pos: t.pos, ident: t.val.slice(1).split('.') };
      case ItemType.Bool:
        return { kind: 'bool', pos: t.pos, value: t.val === 'true' };
      case ItemType.CharConstant:
      case ItemType.Number:
        return this.newNumber(t);
      case ItemType.LeftParen: {
        this.enter();
        try {
          return this.pipeline('parenthesized pipeline', ItemType.RightParen);
        } finally {
          this.depth--;
        }
      }
      case ItemType.String:
      case ItemType.RawString:
        return { kind: 'string', pos: t.pos, quoted: t.val, text: this.unquote(t) };
    }
    this.backup();
    return null;
  }

  private newVariable(t: Item): VariableNode {
    return { kind: 'variable', pos: t.pos, ident: t.val.split('.') };
  }

  /** Go's parse.newNumber: the same classification and the same errors. */
  private newNumber(t: Item): NumberNode {
    const text = t.val;
    const n: NumberNode = { kind: 'number', pos: t.pos, text, isInt: false, int: 0n, isUint: false, isFloat: false, float: 0 };
    if (t.typ === ItemType.CharConstant) {
      const s = unquoteGo(text, "'");
      if (s === null || [...s].length !== 1) this.errorf(`malformed character constant: ${text}`);
      const cp = BigInt([...s][0]!.codePointAt(0)!);
      return { ...n, isInt: true, int: cp, isUint: true, isFloat: true, float: Number(cp) };
    }
    if (text.endsWith('i')) this.errorf(`complex numbers are not supported: ${text}`);
    const u = parseUintBase0(text);
    if (u !== null) n.isUint = true;
    const i = parseIntBase0(text);
    if (i !== null) {
      n.isInt = true;
      n.int = i;
      if (i === 0n) n.isUint = true;
    }
    if (n.isInt) {
      n.isFloat = true;
      n.float = Number(n.int);
    } else if (n.isUint) {
      n.isFloat = true;
      n.float = Number(u);
    } else {
      const f = parseFloatStrict(text);
      if (f !== null) {
        // Parsed as a float but looks like an integer: a huge integer. Go rejects it.
        if (!/[.eEpP]/.test(text)) this.errorf(`integer overflow: ${JSON.stringify(text)}`);
        n.isFloat = true;
        n.float = f;
        if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
          n.isInt = true;
          n.int = BigInt(f);
        }
      }
    }
    if (!n.isInt && !n.isUint && !n.isFloat) this.errorf(`illegal number syntax: ${JSON.stringify(text)}`);
    return n;
  }

  private unquote(t: Item): string {
    if (t.typ === ItemType.RawString) return t.val.slice(1, -1).replace(/\r/g, '');
    const s = unquoteGo(t.val, '"');
    if (s === null) this.errorf('invalid syntax');
    return s;
  }
}

function isEmptyTree(list: ListNode): boolean {
  return list.nodes.every((n) => n.kind === 'text' && n.text.trim() === '');
}

/** strconv.Unquote for "..." and '...' literals; null when malformed. */
export function unquoteGo(lit: string, quote: '"' | "'"): string | null {
  if (lit.length < 2 || lit[0] !== quote || lit[lit.length - 1] !== quote) return null;
  const body = lit.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === quote || c === '\n') return null;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '"':
      case "'":
        if (e !== quote) return null;
        out += e;
        break;
      case 'x': {
        const h = body.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(h)) return null;
        out += String.fromCharCode(parseInt(h, 16));
        i += 2;
        break;
      }
      case 'u':
      case 'U': {
        const n = e === 'u' ? 4 : 8;
        const h = body.slice(i + 1, i + 1 + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) return null;
        const cp = parseInt(h, 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return null;
        out += String.fromCodePoint(cp);
        i += n;
        break;
      }
      default: {
        if (e !== undefined && e >= '0' && e <= '7') {
          const o = body.slice(i, i + 3);
          if (!/^[0-7]{3}$/.test(o)) return null;
          const v = parseInt(o, 8);
          if (v > 255) return null;
          out += String.fromCharCode(v);
          i += 2;
          break;
        }
        return null;
      }
    }
  }
  return out;
}
