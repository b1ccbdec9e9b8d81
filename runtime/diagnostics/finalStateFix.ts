// The RNNL001 quick fix: `output[:, -1]` / `output[-1]` on an unpacked RNN output becomes the final hidden state of
// the RNN that produced it. What text to write depends on the RNN: one direction (any number of layers) → `h_n[-1]`
// (the top layer); bidirectional → `torch.cat((h_n[-2], h_n[-1]), dim=1)` (the top layer's forward and backward
// final states, the same (batch, 2*hidden) shape as the padded read); batch_first never changes which row of h_n is
// read. For an LSTM h_n is the first item of the state tuple. When the assignment did not bind h_n
// (`out, _ = lstm(packed)`) the fix also names it there. When no mechanical fix is safe, the reason says why
// (it goes into the diagnostic's message). Checked against PyTorch in test/fixtures/rnnl001-fix/.
import type { SyntaxNode } from '@lezer/common';
import type { ParsedPython } from '../python/parse';
import type { Interpreter, OpSite } from '../interp/interpreter';
import type { TensorValueA, Value } from '../interp/values';

/** One text replacement [from, to) → text in the analysed source. */
export interface TextEdit {
  from: number;
  to: number;
  text: string;
}

export interface FinalStateFix {
  title: string;
  /** The replacement of the `output[:, -1]` read itself. */
  read: TextEdit;
  /** Further edits (naming h_n in the RNN call's assignment). */
  also: TextEdit[];
  /** The expression that replaces the read (for the message). */
  expression: string;
}

export type FinalStateFixResult = { fix: FinalStateFix } | { reason: string };

/** The RNN forward call whose output `padded` is the unpacked form of, with the pad_packed_sequence call. */
function producingRnn(interp: Interpreter, padded: TensorValueA): { rnn: OpSite; unpack: OpSite } | string {
  const unpack = interp.opSites.find((s) => s.op === 'rnn.pad_packed_sequence' && s.result.k === 'tuple' && s.result.items?.[0] === padded);
  if (!unpack) return padded.facts.origin === 'pad_sequence' ? 'this padded batch comes from pad_sequence, not from an RNN, so there is no final hidden state to use' : 'RNN Lens cannot tell which RNN call produced this padded output';
  const packed = unpack.args[0] ?? unpack.kwargs.get('sequence');
  const rnn = packed ? interp.opSites.find((s) => /^nn\.(LSTM|GRU|RNN)\.forward$/.test(s.op) && s.result.k === 'tuple' && s.result.items?.[0] === packed) : undefined;
  if (!rnn) return 'the unpacked sequence does not come straight from an LSTM/GRU/RNN call RNN Lens can see';
  return { rnn, unpack };
}

/** The innermost function (or lambda) around a position; null at module level. */
function enclosingFunction(parsed: ParsedPython, pos: number): SyntaxNode | null {
  for (let n: SyntaxNode | null = parsed.tree.resolveInner(pos, 1); n; n = n.parent) if (n.name === 'FunctionDefinition' || n.name === 'LambdaExpression') return n;
  return null;
}

/** The assignment statement whose value is the call at `callFrom`, with its target nodes (before the `=`). */
function assignmentOf(parsed: ParsedPython, callFrom: number): { stmt: SyntaxNode; targets: SyntaxNode[] } | null {
  for (let n: SyntaxNode | null = parsed.tree.resolveInner(callFrom, 1); n; n = n.parent) {
    if (n.name !== 'AssignStatement') continue;
    const ops = n.getChildren('AssignOp');
    const value = n.lastChild;
    if (ops.length !== 1 || !value || value.from !== callFrom) return null;
    const targets: SyntaxNode[] = [];
    for (let c = n.firstChild; c && c.from < ops[0].from; c = c.nextSibling) if (c.name !== ',') targets.push(c);
    return { stmt: n, targets };
  }
  return null;
}

/** The item nodes of a parenthesized tuple target `(a, b)`. */
function tupleItems(n: SyntaxNode): SyntaxNode[] | null {
  if (n.name !== 'TupleExpression' && n.name !== 'ParenthesizedExpression') return null;
  const items: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) if (!['(', ')', ','].includes(c.name)) items.push(c);
  return items;
}

/** Whether `name` is used as a variable anywhere in the file (then it cannot be introduced for h_n / c_n). */
function nameTaken(parsed: ParsedPython, name: string): boolean {
  const text = parsed.text;
  const cursor = parsed.tree.cursor();
  for (;;) {
    if (cursor.name === 'VariableName' && cursor.to - cursor.from === name.length && text.slice(cursor.from, cursor.to) === name) return true;
    if (cursor.firstChild()) continue;
    while (!cursor.nextSibling()) if (!cursor.parent()) return false;
  }
}

/** The name the file imports torch under (`import torch` / `import torch as th`), or null. */
function torchAlias(text: string): string | null {
  const m = /^[ \t]*import[ \t]+torch[ \t]+as[ \t]+(\w+)[ \t]*(?:#.*)?$/m.exec(text);
  if (m) return m[1];
  return /^[ \t]*import[ \t]+(?:[\w.]+[ \t]*,[ \t]*)*torch[ \t]*(?:,|#|$)/m.test(text) ? 'torch' : null;
}

/**
 * The fix for the read `node` (a subscript of `padded` whose index at the time dim is -1; `parts` its index texts).
 * `timeDim` is the padded output's time dim (1 when batch_first).
 */
export function finalStateFix(parsed: ParsedPython, interp: Interpreter, node: SyntaxNode, padded: TensorValueA, parts: string[]): FinalStateFixResult {
  const text = parsed.text;
  const timeDim = padded.facts.timeDim;
  const others = parts.filter((_, i) => i !== timeDim);
  if (timeDim === undefined || !others.every((p) => p === ':')) return { reason: `${text.slice(node.from, node.to)} also indexes other dims, so it is not simply "each sequence's last output"` };
  const parent = node.parent;
  if (parent && parent.name === 'AssignStatement' && parent.getChild('AssignOp') && node.to <= parent.getChild('AssignOp')!.from) {
    return { reason: 'the read is the target of an assignment' };
  }
  const found = producingRnn(interp, padded);
  if (typeof found === 'string') return { reason: found };
  const { rnn } = found;
  const kind = rnn.op.slice(3, -'.forward'.length);
  const state = rnn.result.k === 'tuple' ? rnn.result.items?.[1] : undefined;
  const hn: Value | undefined = kind === 'LSTM' ? (state && state.k === 'tuple' ? state.items?.[0] : undefined) : state;
  const cfg = hn && hn.k === 'tensor' ? hn.facts.rnn : undefined;
  if (!cfg) return { reason: `RNN Lens does not know this ${kind}'s layers and directions` };
  const assign = assignmentOf(parsed, rnn.from);
  if (!assign) return { reason: `the ${kind} call's result is not unpacked in a plain assignment (output, h_n = …), so h_n has no name to use` };
  const scope = enclosingFunction(parsed, rnn.from);
  if (enclosingFunction(parsed, node.from) !== scope || node.from < assign.stmt.to) return { reason: `the read is not in the same function as the ${kind} call, after it` };
  if (assign.targets.length !== 2) return { reason: `the ${kind} call's result is not unpacked as (output, ${kind === 'LSTM' ? '(h_n, c_n)' : 'h_n'})` };
  const stateTarget = assign.targets[1];
  const also: TextEdit[] = [];
  let hExpr: string;
  let boundName: string | null = null;
  const freshName = (want: string): string | null => (nameTaken(parsed, want) ? null : want);
  const isUnderscore = (n: SyntaxNode): boolean => n.name === 'VariableName' && text.slice(n.from, n.to) === '_';
  if (kind === 'LSTM') {
    const items = tupleItems(stateTarget);
    if (items) {
      if (items.length !== 2) return { reason: 'the LSTM state target does not have two names (h_n, c_n)' };
      const h = items[0];
      if (isUnderscore(h)) {
        const name = freshName('h_n');
        if (!name) return { reason: 'h_n is not bound (`_`) and the name h_n is already used in this file' };
        also.push({ from: h.from, to: h.to, text: name });
        hExpr = name;
      } else if (h.name === 'VariableName') {
        hExpr = text.slice(h.from, h.to);
        boundName = hExpr;
      } else return { reason: 'h_n is unpacked into something other than a name' };
    } else if (isUnderscore(stateTarget)) {
      const h = freshName('h_n');
      const c = freshName('c_n');
      if (!h || !c) return { reason: 'h_n is not bound (`_`) and the names h_n / c_n are already used in this file' };
      also.push({ from: stateTarget.from, to: stateTarget.to, text: `(${h}, ${c})` });
      hExpr = h;
    } else if (stateTarget.name === 'VariableName') {
      boundName = text.slice(stateTarget.from, stateTarget.to);
      hExpr = `${boundName}[0]`;
    } else return { reason: 'the LSTM state is unpacked into something other than (h_n, c_n) or a name' };
  } else if (isUnderscore(stateTarget)) {
    const name = freshName('h_n');
    if (!name) return { reason: 'h_n is not bound (`_`) and the name h_n is already used in this file' };
    also.push({ from: stateTarget.from, to: stateTarget.to, text: name });
    hExpr = name;
  } else if (stateTarget.name === 'VariableName') {
    hExpr = text.slice(stateTarget.from, stateTarget.to);
    boundName = hExpr;
  } else return { reason: `the ${kind} result's h_n is unpacked into something other than a name` };
  // the name must still hold h_n at the read: no other binding of it in between
  if (boundName !== null) {
    const name = boundName;
    const rebound = [...interp.bindings.values()].some((b) => b.name === name && b.from >= assign.stmt.to && b.from < node.from);
    if (rebound) return { reason: `${name} is assigned again between the ${kind} call and this read` };
  }
  let expression: string;
  let title: string;
  if (cfg.bidirectional) {
    const torch = torchAlias(text);
    if (!torch) return { reason: 'the file does not `import torch`, which torch.cat((h_n[-2], h_n[-1]), dim=1) needs' };
    expression = `${torch}.cat((${hExpr}[-2], ${hExpr}[-1]), dim=1)`;
    title = `Use ${expression} (the top layer's forward and backward final states)`;
  } else {
    expression = `${hExpr}[-1]`;
    title = `Use ${expression} (the ${cfg.numLayers > 1 ? 'top layer\'s ' : ''}final hidden state)`;
  }
  return { fix: { title, read: { from: node.from, to: node.to, text: expression }, also, expression } };
}
