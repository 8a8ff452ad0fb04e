// Executes parse trees with Go text/template semantics (text/template exec.go): dot and
// variables, field/method/map resolution, pipelines with the previous value as final argument,
// if/with/range/else, break/continue, template calls with fresh variable scope, and Go's error
// messages with "template: NAME:LINE:COL: executing "NAME" at <NODE>: ..." positions.

import type { ActionNode, ArgNode, BranchNode, ChainNode, CommandNode, FieldNode, ListNode, Node, NumberNode, PipeNode, TemplateNode, Tree, VariableNode } from './ast.ts';
import { nodeString } from './ast.ts';
import { ArgTypeError, TemplateError } from './errors.ts';
import { sprint } from './goFormat.ts';
import { isTrue, kindOf, lookupMember, lookupMethod, mapGet, mapKeys, mapZero, typeName } from './goValues.ts';

/** A template function. Arity is `fn.length` unless marked variadic via {@link variadic}. */
export type TemplateFunc = ((...args: any[]) => unknown) & { minArgs?: number; isVariadic?: boolean };
export type FuncMap = Record<string, TemplateFunc>;

/** Marks a function as variadic with at least `minArgs` arguments (Go's `...`). */
export function variadic<F extends (...args: any[]) => unknown>(minArgs: number, fn: F): F & TemplateFunc {
  const f = fn as F & TemplateFunc;
  f.minArgs = minArgs;
  f.isVariadic = true;
  return f;
}

/**
 * Thrown (by functions such as Prometheus's `query`) to abort execution without it becoming a
 * template error. Only for cooperating callers that catch it; see prometheusFuncs.ts.
 */
export class TemplateAbort extends Error {}

export type MissingKey = 'default' | 'zero' | 'error';

/** Where output goes; the HTML escaper plugs in here. */
export interface OutputSink {
  text(s: string): void;
  /**
   * An action's printed value; `raw` is the Go value (for safe-HTML markers) and `lastFunc`
   * the function that ended the pipeline (html/template skips escaping after `urlquery`/`html`).
   */
  value(printed: string, raw: unknown, lastFunc?: string): void;
  result(): string;
  /** Bytes written so far (approximate), for the output limit. */
  readonly size: number;
}

export class TextSink implements OutputSink {
  private parts: string[] = [];
  size = 0;
  text(s: string): void {
    this.parts.push(s);
    this.size += s.length;
  }
  value(s: string): void {
    this.text(s);
  }
  result(): string {
    return this.parts.join('');
  }
}

export interface ExecLimits {
  /** Maximum nesting of {{template}} calls (Go: 100000; JS stacks are smaller). */
  maxDepth: number;
  /** Maximum evaluation steps (guards against exponential template recursion). */
  maxSteps: number;
  /** Maximum output size in UTF-16 units. */
  maxOutput: number;
}

export const DEFAULT_LIMITS: ExecLimits = { maxDepth: 1000, maxSteps: 2_000_000, maxOutput: 16 * 1024 * 1024 };

export interface ExecEnv {
  lookupTree(name: string): Tree | undefined;
  funcs: FuncMap;
  builtins: FuncMap;
  missingKey: MissingKey;
  limits: ExecLimits;
  sink: OutputSink;
}

const MISSING = Symbol('missing'); // "no final value" marker for pipelines
type Val = unknown;

const BREAK = 1;
const CONTINUE = 2;
type Flow = 0 | typeof BREAK | typeof CONTINUE;

export function executeTree(env: ExecEnv, tree: Tree, data: unknown): string {
  const s = new State(env, tree);
  s.vars.push({ name: '$', value: data });
  s.walk(data, tree.root);
  return env.sink.result();
}

class State {
  vars: { name: string; value: Val }[] = [];
  private node: Node | null = null;
  private depth = 0;
  private steps = 0;

  constructor(
    private readonly env: ExecEnv,
    private tree: Tree,
  ) {}

  // ---- errors ----
  errorf(msg: string): never {
    const name = this.tree.name;
    if (!this.node) {
      throw new TemplateError(`template: ${name}: ${msg}`, { kind: 'exec', templateName: name, line: 0 });
    }
    const { parseName, text } = this.tree.source;
    const before = text.slice(0, this.node.pos);
    const nl = before.lastIndexOf('\n');
    const line = 1 + countChar(before, '\n');
    // Go reports a byte offset: from the start of input on line 1, else from the line start.
    const col = nl < 0 ? Buffer.byteLength(before) : Buffer.byteLength(before.slice(nl + 1));
    throw new TemplateError(`template: ${parseName}:${line}:${col}: executing ${JSON.stringify(name)} at <${nodeString(this.node)}>: ${msg}`, {
      kind: 'exec',
      templateName: name,
      line,
      column: col,
    });
  }

  private at(n: Node): void {
    this.node = n;
  }

  private step(): void {
    if (++this.steps > this.env.limits.maxSteps) this.errorf(`template execution exceeded ${this.env.limits.maxSteps} steps`);
  }

  // ---- variables ----
  private mark(): number {
    return this.vars.length;
  }
  private pop(mark: number): void {
    this.vars.length = mark;
  }
  private setVar(name: string, value: Val): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  private setTopVar(n: number, value: Val): void {
    this.vars[this.vars.length - n]!.value = value;
  }
  private varValue(name: string): Val {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) return this.vars[i]!.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- walking ----
  walk(dot: Val, node: Node): Flow {
    this.at(node);
    this.step();
    switch (node.kind) {
      case 'action': {
        const v = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, v);
        return 0;
      }
      case 'break':
        return BREAK;
      case 'continue':
        return CONTINUE;
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, node);
      case 'list':
        return this.walkList(dot, node);
      case 'range':
        return this.walkRange(dot, node);
      case 'template':
        this.walkTemplate(dot, node);
        return 0;
      case 'text':
        this.write(node.text, false, undefined);
        return 0;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkList(dot: Val, list: ListNode): Flow {
    for (const n of list.nodes) {
      const f = this.walk(dot, n);
      if (f !== 0) return f;
    }
    return 0;
  }

  private write(s: string, isValue: boolean, raw: unknown, lastFunc?: string): void {
    const sink = this.env.sink;
    if (sink.size + s.length > this.env.limits.maxOutput) this.errorf(`template output exceeded ${this.env.limits.maxOutput} bytes`);
    if (isValue) sink.value(s, raw, lastFunc);
    else sink.text(s);
  }

  private walkIfOrWith(dot: Val, node: BranchNode): Flow {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(val)) return this.walk(node.kind === 'with' ? val : dot, node.list);
      if (node.elseList) return this.walk(dot, node.elseList);
      return 0;
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: Val, r: BranchNode): Flow {
    this.at(r);
    const outerMark = this.mark();
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.mark();
      const decl = r.pipe.decl;
      const one = (index: Val, elem: Val): Flow => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.setTopVar(2, index);
        }
        try {
          return this.walk(elem, r.list);
        } finally {
          this.pop(mark);
        }
      };
      switch (kindOf(val)) {
        case 'slice': {
          const arr = val as Val[];
          if (arr.length === 0) break;
          for (let i = 0; i < arr.length; i++) {
            if (one(BigInt(i), arr[i]) === BREAK) break;
          }
          return 0;
        }
        case 'map': {
          const m = val as object;
          const keys = mapKeys(m);
          if (keys.length === 0) break;
          for (const k of keys) {
            if (one(k, mapGet(m, k)) === BREAK) break;
          }
          return 0;
        }
        case 'invalid':
        case 'nil':
          break;
        default:
          this.errorf(`range can't iterate over ${sprint([val])}`);
      }
      if (r.elseList) return this.walk(dot, r.elseList);
      return 0;
    } finally {
      this.pop(outerMark);
    }
  }

  private walkTemplate(dot: Val, t: TemplateNode): void {
    this.at(t);
    const tree = this.env.lookupTree(t.name);
    if (!tree) this.errorf(`template ${JSON.stringify(t.name)} not defined`);
    if (this.depth >= this.env.limits.maxDepth) this.errorf(`exceeded maximum template depth (${this.env.limits.maxDepth})`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    const saved = { vars: this.vars, tree: this.tree };
    this.vars = [{ name: '$', value: newDot }];
    this.tree = tree;
    this.depth++;
    try {
      this.walk(newDot, tree.root);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.tree = saved.tree;
    }
  }

  // ---- pipelines ----
  evalPipeline(dot: Val, pipe: PipeNode): Val {
    this.at(pipe);
    let value: Val | typeof MISSING = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // Go digs a nil interface{} down to "no value".
      if (value === null) value = undefined;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, value);
      else this.vars.push({ name: v.ident[0]!, value });
    }
    return value;
  }

  private evalCommand(dot: Val, cmd: CommandNode, final: Val | typeof MISSING): Val {
    this.step();
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first.name, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
    this.errorf(`can't evaluate command ${JSON.stringify(nodeString(first))}`);
  }

  /** Go's idealConstant: the syntax of an untyped constant decides int or float64. */
  private idealConstant(n: NumberNode): Val {
    this.at(n);
    const isHexInt = /^0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    const isRuneInt = n.text[0] === "'";
    if (n.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(n.text)) return n.float;
    if (n.isInt) return n.int;
    if (n.isUint) this.errorf(`${n.text} overflows int`);
    return undefined;
  }

  private notAFunction(args: ArgNode[], final: Val | typeof MISSING): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private evalFieldNode(dot: Val, field: FieldNode, args: ArgNode[], final: Val | typeof MISSING): Val {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: Val, chain: ChainNode, args: ArgNode[], final: Val | typeof MISSING): Val {
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: Val, v: VariableNode, args: ArgNode[], final: Val | typeof MISSING): Val {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(dot: Val, receiver: Val, node: Node, ident: string[], args: ArgNode[] | null, final: Val | typeof MISSING): Val {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, ident[i]!, node, null, MISSING, receiver);
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver);
  }

  private evalField(dot: Val, fieldName: string, node: Node, args: ArgNode[] | null, final: Val | typeof MISSING, receiver: Val): Val {
    if (receiver === undefined) {
      if (this.env.missingKey === 'error') this.errorf(`nil data; no entry for key ${JSON.stringify(fieldName)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    const kind = kindOf(receiver);
    if (typeof receiver === 'object') {
      const method = lookupMethod(receiver, fieldName);
      if (method) return this.evalCall(dot, method.bind(receiver), false, node, fieldName, args, final);
    }
    if (kind === 'map') {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const m = receiver as object;
      const v = mapGet(m, fieldName);
      if (v !== undefined) return v;
      switch (this.env.missingKey) {
        case 'zero':
          return mapZero(m);
        case 'error':
          this.errorf(`map has no entry for key ${JSON.stringify(fieldName)}`);
        default:
          return undefined;
      }
    }
    if (kind === 'struct') {
      const member = lookupMember(receiver as object, fieldName);
      if (member.found && !member.isMethod && /^[A-Z]/.test(fieldName)) {
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        return member.value;
      }
      if (member.found && /^[a-z]/.test(fieldName)) this.errorf(`${fieldName} is an unexported field of struct type ${typeName(receiver)}`);
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typeName(receiver)}`);
  }

  private evalFunction(dot: Val, name: string, ident: Node, cmd: CommandNode, args: ArgNode[], final: Val | typeof MISSING): Val {
    this.at(ident);
    const own = (m: FuncMap) => Object.prototype.hasOwnProperty.call(m, name);
    const builtin = own(this.env.funcs) || !own(this.env.builtins) ? undefined : this.env.builtins[name];
    const fn = builtin ?? (Object.prototype.hasOwnProperty.call(this.env.funcs, name) ? this.env.funcs[name] : undefined);
    if (!fn) this.errorf(`${JSON.stringify(name)} is not a defined function`);
    return this.evalCall(dot, fn, builtin !== undefined, cmd, name, args, final);
  }

  /** Calls a function or method; args[0] is the function's own node. */
  private evalCall(dot: Val, fn: TemplateFunc, isBuiltin: boolean, node: Node, name: string, argNodes: ArgNode[] | null, final: Val | typeof MISSING): Val {
    const args = argNodes ? argNodes.slice(1) : [];
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    const declared = fn.isVariadic ? (fn.minArgs ?? 0) : fn.length;
    if (fn.isVariadic) {
      if (numIn < declared) this.errorf(`wrong number of args for ${name}: want at least ${declared} got ${args.length}`);
    } else if (numIn !== declared) {
      this.errorf(`wrong number of args for ${name}: want ${declared} got ${numIn}`);
    }
    // Builtin and/or short-circuit.
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: Val;
      for (const a of args) {
        v = this.evalArg(dot, a);
        if (isTrue(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    const argv: Val[] = args.map((a) => asArgument(this.evalArg(dot, a)));
    if (final !== MISSING) argv.push(asArgument(final));
    try {
      return fn(...argv);
    } catch (e) {
      if (e instanceof TemplateError || e instanceof TemplateAbort) throw e;
      if (e instanceof ArgTypeError) {
        // Go checks argument types while evaluating them: report at the argument's node.
        const idx = argv.findIndex((v) => v === e.value || (v === null && e.value === undefined));
        if (idx >= 0 && idx < args.length) {
          const a = args[idx]!;
          this.at(a);
          // Go checks constants against the parameter type while parsing the argument.
          if (e.expected && (a.kind === 'number' || a.kind === 'bool' || a.kind === 'string')) {
            const x = e.expected;
            const want = x === 'string' || x === 'bool' ? x : /^u?int/.test(x) ? 'integer' : x.startsWith('float') ? 'float' : null;
            if (want) this.errorf(`expected ${want}; found ${nodeString(a)}`);
            this.errorf(`can't handle ${nodeString(a)} for arg of type ${x}`);
          }
          if (a.kind === 'nil' && e.expected) this.errorf(`cannot assign nil to ${e.expected}`);
        }
        this.errorf(e.message);
      }
      // A returned error (FuncError) or a panic (any other throw), as Go's safeCall reports both.
      this.at(node);
      this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private evalArg(dot: Val, n: ArgNode): Val {
    this.at(n);
    switch (n.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'field':
        return this.evalFieldNode(dot, n, [n], MISSING);
      case 'variable':
        return this.evalVariableNode(dot, n, [], MISSING);
      case 'pipe':
        return this.evalPipeline(dot, n);
      case 'identifier':
        return this.evalFunction(dot, n.name, n, { kind: 'command', pos: n.pos, args: [n] }, [n], MISSING);
      case 'chain':
        return this.evalChainNode(dot, n, [], MISSING);
      case 'bool':
        return n.value;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
    }
  }

  private printValue(n: ActionNode, v: Val): void {
    this.at(n);
    const lastArg = n.pipe.cmds[n.pipe.cmds.length - 1]!.args[0]!;
    const lastFunc = lastArg.kind === 'identifier' ? lastArg.name : undefined;
    if (v === undefined || v === null) {
      this.write('<no value>', true, v, lastFunc);
      return;
    }
    if (typeof v === 'function') this.errorf(`can't print ${nodeString(n)} of type func`);
    this.write(sprint([v]), true, v, lastFunc);
  }
}

/** Go passes "no value" into an interface{} parameter as nil. */
function asArgument(v: Val): Val {
  return v === undefined ? null : v;
}

function countChar(s: string, c: string): number {
  let n = 0;
  for (let i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) n++;
  return n;
}

