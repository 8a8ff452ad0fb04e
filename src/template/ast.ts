// Parse tree of Go's text/template (mirrors text/template/parse node kinds). `String()` forms
// matter: Go prints them as the "<context>" of execution errors.

export interface Source {
  /** Name of the template given to parse(); Go's Tree.ParseName. */
  parseName: string;
  text: string;
}

interface Base {
  pos: number;
}

export interface ListNode extends Base {
  kind: 'list';
  nodes: Node[];
}
export interface TextNode extends Base {
  kind: 'text';
  text: string;
}
export interface ActionNode extends Base {
  kind: 'action';
  pipe: PipeNode;
}
export interface BranchNode extends Base {
  kind: 'if' | 'range' | 'with';
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface TemplateNode extends Base {
  kind: 'template';
  name: string;
  pipe: PipeNode | null;
}
export interface BreakNode extends Base {
  kind: 'break';
}
export interface ContinueNode extends Base {
  kind: 'continue';
}
export interface PipeNode extends Base {
  kind: 'pipe';
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode extends Base {
  kind: 'command';
  args: ArgNode[];
}
export interface IdentifierNode extends Base {
  kind: 'identifier';
  name: string;
}
export interface VariableNode extends Base {
  kind: 'variable';
  ident: string[]; // ["$x", "field", ...]
}
export interface FieldNode extends Base {
  kind: 'field';
  ident: string[]; // without leading dots
}
export interface ChainNode extends Base {
  kind: 'chain';
  node: ArgNode;
  field: string[];
}
export interface DotNode extends Base {
  kind: 'dot';
}
export interface NilNode extends Base {
  kind: 'nil';
}
export interface BoolNode extends Base {
  kind: 'bool';
  value: boolean;
}
export interface NumberNode extends Base {
  kind: 'number';
  text: string;
  /** Go's NumberNode flags: which Go types can hold the constant exactly. */
  isInt: boolean;
  int: bigint;
  isUint: boolean;
  isFloat: boolean;
  float: number;
}
export interface StringNode extends Base {
  kind: 'string';
  quoted: string;
  text: string;
}

/** Internal: {{else}} / {{end}} markers returned by itemList. */
export interface ElseNode extends Base {
  kind: 'else';
}
export interface EndNode extends Base {
  kind: 'end';
}

export type ArgNode =
  | IdentifierNode
  | VariableNode
  | FieldNode
  | ChainNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export type Node =
  | ListNode
  | TextNode
  | ActionNode
  | BranchNode
  | TemplateNode
  | BreakNode
  | ContinueNode
  | PipeNode
  | CommandNode
  | ArgNode
  | ElseNode
  | EndNode;

export interface Tree {
  name: string;
  root: ListNode;
  source: Source;
}

export function nodeString(n: Node): string {
  switch (n.kind) {
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'text':
      return goQuoteShort(n.text);
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'if':
    case 'range':
    case 'with': {
      let s = `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList) s += `{{else}}${nodeString(n.elseList)}`;
      return s + '{{end}}';
    }
    case 'template':
      return n.pipe ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}` : `{{template ${JSON.stringify(n.name)}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) {
        s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      }
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'identifier':
      return n.name;
    case 'variable':
      return n.ident.join('.');
    case 'field':
      return n.ident.map((i) => '.' + i).join('');
    case 'chain': {
      const inner = n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return inner + n.field.map((f) => '.' + f).join('');
    }
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'else':
      return '{{else}}';
    case 'end':
      return '{{end}}';
  }
}

function goQuoteShort(s: string): string {
  return JSON.stringify(s.length > 20 ? s.slice(0, 20) + '...' : s);
}
