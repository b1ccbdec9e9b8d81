// Static detectors for the classic padded/packed RNN mistakes of ../shared/notes/gotchas.md (documented in
// docs/gotchas.md, codes RNNL001…). They read the syntax tree together with the values the interpreter computed
// (facts on tensors: padded outputs, RNN layouts), so they only fire when the engine knows the situation.
import type { SyntaxNode } from '@lezer/common';
import type { ParsedPython } from '../python/parse';
import type { Interpreter } from '../interp/interpreter';
import type { NnModuleValue, PackedValueA, TensorValueA, Value } from '../interp/values';
import type { Dim } from '../shape/dim';
import { boolArg, dimArg } from '../torch/ops/common';
import { finalStateFix } from './finalStateFix';

export interface Gotcha {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  from: number;
  to: number;
  href: string;
  /** A mechanical fix: replace [from, to) with text, plus further replacements (`also`) made with it. */
  fix?: { title: string; from: number; to: number; text: string; also?: { from: number; to: number; text: string }[] };
}

const DOC = 'docs/gotchas.md';

function intIndex(text: string): number | null {
  const t = text.replace(/\s+/g, '');
  return /^-?\d+$/.test(t) ? Number(t) : null;
}

/** The index parts of a subscript `x[a, b]` as source texts. */
function subscriptParts(text: string, node: SyntaxNode): string[] | null {
  const open = childNamed(node, '[');
  if (!open) return null;
  const inner = text.slice(open.to, node.to - 1);
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of inner) {
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  parts.push(cur.trim());
  return parts;
}

/** Argument texts of a call, split at top-level commas. */
function topLevelArgs(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of inner) {
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

const POOLING = new Set(['Tensor.mean', 'Tensor.sum', 'Tensor.max', 'torch.mean', 'torch.sum', 'torch.max']);

/** Detectors that read the op sites the interpreter recorded (calls with their argument values). */
function opSiteGotchas(parsed: ParsedPython, interp: Interpreter, out: Gotcha[]): void {
  const text = parsed.text;
  for (const site of interp.opSites) {
    // RNNL012: mean/max/sum over the time dim of a padded output counts the padding
    if (POOLING.has(site.op)) {
      const x = site.op.startsWith('Tensor.') ? site.self : site.args[0];
      const dimV = site.op.startsWith('Tensor.') ? (site.kwargs.get('dim') ?? site.args[0]) : (site.kwargs.get('dim') ?? site.args[1]);
      if (x && x.k === 'tensor' && x.facts.padded && x.facts.timeDim !== undefined && x.shape && dimV && dimV.k === 'int' && dimV.v !== null) {
        const d = dimV.v < 0 ? dimV.v + x.shape.length : dimV.v;
        if (d === x.facts.timeDim) {
          out.push({
            code: 'RNNL012',
            severity: 'warning',
            message: `${site.op.replace(/^(Tensor|torch)\./, '')} over the time dim of a padded output counts the padding positions; mask them (and divide by the lengths) first.`,
            from: site.from,
            to: site.to,
            href: `${DOC}#rnnl012`,
          });
        }
      }
    }
    // RNNL003: lengths moved to the GPU before pack_padded_sequence
    if (site.op === 'rnn.pack_padded_sequence') {
      const call = text.slice(site.from, site.to);
      const second = topLevelArgs(call.slice(call.indexOf('(') + 1, -1))[1] ?? '';
      if (/\.cuda\(|\.to\(\s*(device|['"]cuda)/.test(second)) {
        out.push({
          code: 'RNNL003',
          severity: 'warning',
          message: '`lengths` must be a 1-D CPU int64 tensor (or a list) since PyTorch 1.7: keep the lengths on the CPU.',
          from: site.from,
          to: site.to,
          href: `${DOC}#rnnl003`,
        });
      }
    }
  }
}

/** RNNL014: `out, (h, c) = gru(x)` — GRU/RNN return (output, h_n), not (output, (h_n, c_n)). Per AssignStatement
 *  node of the gotcha walk; `gruCalls` maps the call offsets of GRU/RNN forwards to their kind. */
function gruTupleGotcha(node: SyntaxNode, gruCalls: Map<number, string>, out: Gotcha[]): void {
  const value = node.lastChild;
  const kind = value ? gruCalls.get(value.from) : undefined;
  if (!value || !kind) return;
  let unpacks = false;
  for (let t = node.firstChild; t && !unpacks; t = t.nextSibling) {
    if ((t.name === 'TupleExpression' || t.name === 'ParenthesizedExpression') && t.to <= value.from) unpacks = childNamed(t, ',') !== null;
  }
  if (!unpacks) return;
  out.push({
    code: 'RNNL014',
    severity: 'warning',
    message: `${kind.replace('.', '')} returns (output, h_n), not (output, (h_n, c_n)) like LSTM: unpacking h_n into two names splits it along num_layers*num_directions.`,
    from: node.from,
    to: node.to,
    href: `${DOC}#rnnl014`,
  });
}

/** The first child named `name` (SyntaxNode.getChild without the TreeCursor it allocates on every call). */
function childNamed(node: SyntaxNode, name: string): SyntaxNode | null {
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name === name) return c;
  return null;
}

/** Origins whose timeDim fact says for sure which dim is time and which is batch (the op built the layout). */
const LAYOUT_ORIGINS: Record<string, string> = {
  pad_sequence: 'pad_sequence',
  pad_packed_sequence: 'pad_packed_sequence',
  embedding: 'an embedding of a padded batch',
};

/** The first positional argument's source text of a call `f(a, …)`. */
function firstArgText(text: string, from: number, to: number): string {
  const call = text.slice(from, to);
  const open = call.indexOf('(');
  return open < 0 ? '' : (topLevelArgs(call.slice(open + 1, -1))[0] ?? '').trim();
}

function fmtShape(s: readonly Dim[]): string {
  return `(${s.map((d) => (d === null ? '?' : String(d))).join(', ')})`;
}

/** RNNL007: a tensor whose batch/time layout is known from its origin fed to a module / pack call expecting the other. */
function layoutGotchas(parsed: ParsedPython, interp: Interpreter, out: Gotcha[]): void {
  const text = parsed.text;
  for (const site of interp.opSites) {
    const rnn = /^nn\.(LSTM|GRU|RNN)\.forward$/.exec(site.op);
    const isPack = site.op === 'rnn.pack_padded_sequence';
    if (!rnn && !isPack) continue;
    const x = site.args[0] ?? site.kwargs.get('input');
    if (!x || x.k !== 'tensor' || !x.shape || x.shape.length !== 3 || !x.facts.padded) continue;
    const from = x.facts.origin ? LAYOUT_ORIGINS[x.facts.origin] : undefined;
    if (!from || (x.facts.timeDim !== 0 && x.facts.timeDim !== 1)) continue;
    let bf: boolean | null;
    if (rnn) {
      const m = site.self;
      if (!m || m.k !== 'nnmodule') continue;
      bf = boolArg((m as NnModuleValue).cfg.batch_first, false);
    } else bf = boolArg(site.args[2] ?? site.kwargs.get('batch_first'), false);
    if (bf === null) continue;
    const xBatchFirst = x.facts.timeDim === 1;
    if (xBatchFirst === bf) continue;
    const arg = firstArgText(text, site.from, site.to) || 'the input';
    const [N, T] = xBatchFirst ? [x.shape[0], x.shape[1]] : [x.shape[1], x.shape[0]];
    const has = xBatchFirst ? `(batch, time, ·) = ${fmtShape(x.shape)}` : `(time, batch, ·) = ${fmtShape(x.shape)}`;
    const what = rnn ? `this ${rnn[1]} was built with batch_first=${bf ? 'True' : 'False'}` : `pack_padded_sequence is called with batch_first=${bf ? 'True' : 'False'}`;
    const sizes = typeof N === 'number' && typeof T === 'number' ? ` (${N} sequences of ${T} steps read as ${T} sequences of ${N} steps)` : '';
    out.push({
      code: 'RNNL007',
      severity: 'warning',
      message: `${arg} is ${has}, batch ${xBatchFirst ? 'first' : 'second'} (from ${from}), but ${what}: batch and time are silently swapped${sizes}. Use batch_first=${xBatchFirst ? 'True' : 'False'} or ${arg}.transpose(0, 1).`,
      from: site.from,
      to: site.to,
      href: `${DOC}#rnnl007`,
    });
  }
}

/** The value of a simple expression: a Name (its recorded use/binding value). */
function nameValue(interp: Interpreter, n: SyntaxNode | null): Value | undefined {
  if (!n || n.name !== 'VariableName') return undefined;
  return interp.uses.get(n.from)?.value ?? interp.bindings.get(n.from)?.value;
}

function isHiddenState(v: Value | undefined): v is TensorValueA {
  return !!v && v.k === 'tensor' && !!v.facts.rnn && !!v.shape && v.shape.length === 3 && (v.facts.origin?.endsWith('.h_n') === true || v.facts.origin?.endsWith('.c_n') === true);
}

function sameDim(a: Dim, b: Dim): boolean {
  return a !== null && a === b;
}

/** RNNL005 (`h_n.view(batch, …)`) and RNNL010 (`packed.data.view(batch, time, …)`): per CallExpression node of the
 *  gotcha walk (calls of view/reshape). */
function reshapeGotcha(call: SyntaxNode, text: string, interp: Interpreter, out: Gotcha[]): void {
  const callee = call.firstChild;
  const prop = callee?.name === 'MemberExpression' ? childNamed(callee, 'PropertyName') : null;
  const method = prop ? text.slice(prop.from, prop.to) : '';
  if (method !== 'view' && method !== 'reshape') return;
  const argList = childNamed(call, 'ArgList');
  if (callee && argList) {
    const argNodes: SyntaxNode[] = [];
    for (let c = argList.firstChild; c; c = c.nextSibling) if (!['(', ')', ','].includes(c.name)) argNodes.push(c);
    const argTexts = argNodes.map((n) => text.slice(n.from, n.to));
    const firstNode = argNodes[0];
    const firstDim = firstNode ? argDim(interp, text, firstNode) : null;
    const obj = callee.firstChild;
    const v = nameValue(interp, obj);
    // RNNL005: h_n.view(N, …) on a multi-layer / bidirectional h_n
    if (isHiddenState(v) && argTexts.length >= 2 && !argTexts.some((t) => t.includes('='))) {
      const [DL, N] = v.shape as Dim[];
      if (typeof DL === 'number' && DL > 1 && typeof N === 'number' && N !== DL && firstDim === N) {
        const name = text.slice(obj!.from, obj!.to);
        out.push({
          code: 'RNNL005',
          severity: 'warning',
          message: `${text.slice(call.from, call.to)} treats ${name} as batch-first, but ${name} is (num_layers*num_directions, batch, hidden) = ${fmtShape(v.shape as Dim[])}${v.facts.rnn!.batchFirst ? ' even with batch_first=True' : ''}: this mixes the ${DL} layer/direction states across sequences. Use ${name}.transpose(0, 1).reshape(${argTexts.join(', ')}) (or ${name}.permute(1, 0, 2)).`,
          from: call.from,
          to: call.to,
          href: `${DOC}#rnnl005`,
        });
      }
    }
    // RNNL010: packed.data.view(N, T, …)
    if (obj && obj.name === 'MemberExpression' && argTexts.length >= 3) {
      const dataProp = childNamed(obj, 'PropertyName');
      const p = nameValue(interp, obj.firstChild);
      if (dataProp && text.slice(dataProp.from, dataProp.to) === 'data' && p && p.k === 'packed') {
        const N = packedBatch(p);
        const T: Dim = p.batchSizes ? p.batchSizes.length : null;
        const secondNode = argNodes[1];
        const secondDim = secondNode ? argDim(interp, text, secondNode) : null;
        const batchMajor = N !== null && sameDim(firstDim, N) && ((T !== null && N !== T) || (secondDim !== null && secondDim !== N));
        if (batchMajor) {
          const packedName = text.slice(obj.firstChild!.from, obj.firstChild!.to);
          out.push({
            code: 'RNNL010',
            severity: 'warning',
            message: `${text.slice(call.from, call.to)} reads ${packedName}.data as batch-major, but its rows are time-major and interleaved (batch_sizes ${p.batchSizes ? `[${p.batchSizes.join(', ')}]` : 'per step'}: all sequences' step 0, then step 1 of those still running, …). Unpack it with pad_packed_sequence(${packedName}, batch_first=True) instead.`,
            from: call.from,
            to: call.to,
            href: `${DOC}#rnnl010`,
          });
        }
      }
    }
  }
}

function packedBatch(p: PackedValueA): Dim {
  return p.batchSizes && p.batchSizes.length ? p.batchSizes[0] : (p.batchSize ?? null);
}

/** A size argument's value: a literal int, or a Name bound to an int. */
function argDim(interp: Interpreter, text: string, n: SyntaxNode): Dim {
  if (n.name === 'Number') return /^\d+$/.test(text.slice(n.from, n.to)) ? Number(text.slice(n.from, n.to)) : null;
  if (n.name === 'UnaryExpression') return /^-\s*1$/.test(text.slice(n.from, n.to)) ? -1 : null;
  const v = nameValue(interp, n);
  return v ? dimArg(v) : null;
}

/** RNNL008: an unpacked output without total_length combined with a tensor that has the padded input's T (per
 *  BinaryExpression node of the gotcha walk). */
function untrimmedGotcha(node: SyntaxNode, parsed: ParsedPython, interp: Interpreter, out: Gotcha[]): void {
  const text = parsed.text;
  const l = node.firstChild;
  const r = node.lastChild;
  const op = l?.nextSibling ? text.slice(l.nextSibling.from, l.nextSibling.to) : '';
  if (l && r && ['*', '+', '-', '/'].includes(op)) {
    const a = nameValue(interp, l);
    const b = nameValue(interp, r);
    const hit = untrimmedPair(a, b) ?? untrimmedPair(b, a);
    if (hit) {
      const [u, other] = hit;
      const [uNode, oNode] = u === a ? [l, r] : [r, l];
      const T = u.facts.sourceT as Dim;
      const site = interp.opSites.find((x) => x.op === 'rnn.pad_packed_sequence' && x.result.k === 'tuple' && x.result.items?.[0] === u);
      const gotcha: Gotcha = {
        code: 'RNNL008',
        severity: 'warning',
        message: `${text.slice(uNode.from, uNode.to)} has max(lengths) time steps (pad_packed_sequence without total_length), ${text.slice(oNode.from, oNode.to)} ${fmtShape(other.shape as Dim[])} has the padded input's T = ${T}: they differ whenever the longest sequence of a batch is shorter than ${T}. Pass total_length=${T} to pad_packed_sequence.`,
        from: node.from,
        to: node.to,
        href: `${DOC}#rnnl008`,
      };
      // a literal T only where it cannot vary: a module-level call (inside a function T may change per call)
      if (site && typeof T === 'number' && text[site.to - 1] === ')' && !insideFunction(parsed, site.from)) {
        gotcha.fix = { title: `Pass total_length=${T} to pad_packed_sequence`, from: site.to - 1, to: site.to - 1, text: `, total_length=${T}` };
      }
      out.push(gotcha);
    }
  }
}

function insideFunction(parsed: ParsedPython, pos: number): boolean {
  for (let n: SyntaxNode | null = parsed.tree.resolveInner(pos, 1); n; n = n.parent) if (n.name === 'FunctionDefinition' || n.name === 'LambdaExpression') return true;
  return false;
}

/** [u, other] when u is an untrimmed unpacked output and other has, at u's time dim (broadcast-aligned), the T of the
 *  padded input u came from, while u's own time length is not known to equal it. */
function untrimmedPair(u: Value | undefined, other: Value | undefined): [TensorValueA, TensorValueA] | null {
  if (!u || u.k !== 'tensor' || !other || other.k !== 'tensor' || !u.shape || !other.shape) return null;
  const f = u.facts;
  if (!f.untrimmed || f.sourceT === undefined || f.sourceT === null || f.timeDim === undefined || other.facts.untrimmed) return null;
  const j = f.timeDim + other.shape.length - u.shape.length;
  if (j < 0 || j >= other.shape.length) return null;
  if (!sameDim(other.shape[j], f.sourceT) || sameDim(u.shape[f.timeDim], f.sourceT)) return null;
  return [u, other];
}

/** RNNL011: pooling over time of an embedding (without padding_idx) of a padded batch. */
function embeddingPaddingGotchas(parsed: ParsedPython, interp: Interpreter, out: Gotcha[]): void {
  const text = parsed.text;
  const embeddingOf = new Map<Value, NnModuleValue>();
  const constructedAt = new Map<Value, { from: number; to: number }>();
  for (const site of interp.opSites) {
    if (site.op === 'nn.Embedding.forward' && site.self?.k === 'nnmodule') embeddingOf.set(site.result, site.self);
    if (site.op === 'nn.Embedding') constructedAt.set(site.result, { from: site.from, to: site.to });
  }
  if (embeddingOf.size === 0) return;
  const reported = new Set<number>();
  for (const site of interp.opSites) {
    if (!POOLING.has(site.op) || reported.has(site.from)) continue;
    const x = site.op.startsWith('Tensor.') ? site.self : site.args[0];
    const dimV = site.op.startsWith('Tensor.') ? (site.kwargs.get('dim') ?? site.args[0]) : (site.kwargs.get('dim') ?? site.args[1]);
    const m = x ? embeddingOf.get(x) : undefined;
    if (!m || !x || x.k !== 'tensor' || !x.facts.padded || x.facts.timeDim === undefined || !x.shape || !dimV || dimV.k !== 'int' || dimV.v === null) continue;
    const d = dimV.v < 0 ? dimV.v + x.shape.length : dimV.v;
    const pad = m.cfg.padding_idx;
    if (d !== x.facts.timeDim || (pad && pad.k !== 'none')) continue;
    reported.add(site.from);
    const padValue = x.facts.padValue;
    const g: Gotcha = {
      code: 'RNNL011',
      severity: 'info',
      message: `This Embedding has no padding_idx, so the padding token${padValue !== undefined ? ` (${padValue})` : ''} gets a trainable vector, and ${site.op.replace(/^(Tensor|torch)\./, '')} over the padded time dim mixes it into every shorter sequence's result. Pass padding_idx${padValue !== undefined ? `=${padValue}` : ''} to nn.Embedding (and mask the padding).`,
      from: site.from,
      to: site.to,
      href: `${DOC}#rnnl011`,
    };
    const at = constructedAt.get(m);
    if (at && padValue !== undefined && text[at.to - 1] === ')') {
      g.fix = { title: `Pass padding_idx=${padValue} to nn.Embedding`, from: at.to - 1, to: at.to - 1, text: `, padding_idx=${padValue}` };
    }
    out.push(g);
  }
}

/** RNNL015: a shape error where h_n / c_n of an LSTM with proj_size meet something sized for the other (the error
 *  message names both proj_size and hidden_size). */
function projSizeGotchas(parsed: ParsedPython, interp: Interpreter, out: Gotcha[]): void {
  const text = parsed.text;
  for (const d of interp.diagnostics) {
    if (d.code !== 'RNNL-SHAPE') continue;
    const mentions = (n: number): boolean => new RegExp(`(?<!\\d)${n}(?!\\d)`).test(d.message);
    const names: string[] = [];
    let sizes: { P: number; H: number } | null = null;
    const cursor = parsed.tree.cursor();
    cursor.moveTo(d.from, 1);
    while (cursor.from > d.from || cursor.to < d.to) if (!cursor.parent()) break;
    const top = cursor.node;
    const walk = top.cursor();
    for (;;) {
      if (walk.name === 'VariableName' && walk.from >= d.from && walk.to <= d.to) {
        const v = nameValue(interp, walk.node);
        const rnn = v && v.k === 'tensor' ? v.facts.rnn : undefined;
        const origin = v && v.k === 'tensor' ? (v.facts.origin ?? '') : '';
        if (rnn && rnn.projSize !== undefined && rnn.hiddenSize !== undefined && (origin.endsWith('.h_n') || origin.endsWith('.c_n')) && mentions(rnn.projSize) && mentions(rnn.hiddenSize)) {
          sizes = { P: rnn.projSize, H: rnn.hiddenSize };
          const n = `${text.slice(walk.from, walk.to)} (${origin.endsWith('.c_n') ? 'c_n' : 'h_n'})`;
          if (!names.includes(n)) names.push(n);
        }
      }
      if (walk.firstChild()) continue;
      let done = false;
      while (!walk.nextSibling()) {
        if (!walk.parent() || walk.from < top.from || (walk.from === top.from && walk.to === top.to)) {
          done = true;
          break;
        }
      }
      if (done) break;
    }
    if (!sizes) continue;
    out.push({
      code: 'RNNL015',
      severity: 'info',
      message: `${names.join(' and ')}: with proj_size=${sizes.P}, h_n and the output have ${sizes.P} features while c_n keeps hidden_size=${sizes.H}. Size what follows h_n / the output with proj_size (${sizes.P}), and c_n with hidden_size (${sizes.H}).`,
      from: d.from,
      to: d.to,
      href: `${DOC}#rnnl015`,
    });
  }
}

/** `h[-1]` next to `h[-2]` in the same tuple/list/argument list (torch.cat((h[-2], h[-1]), dim=1)): both
 *  directions of the top layer are used, nothing to report. */
function pairedWithForward(text: string, read: SyntaxNode): boolean {
  const group = read.parent;
  if (!group || !['TupleExpression', 'ArrayExpression', 'ArgList', 'ParenthesizedExpression'].includes(group.name)) return false;
  const obj = read.firstChild;
  if (!obj) return false;
  const forward = `${text.slice(obj.from, obj.to)}[-2]`;
  for (let c = group.firstChild; c; c = c.nextSibling) if (c.name === 'MemberExpression' && text.slice(c.from, c.to).replace(/\s+/g, '') === forward) return true;
  return false;
}

/** All gotchas, in a fixed order (by detector). The detectors that read the syntax tree share one walk over it. */
export function detectGotchas(parsed: ParsedPython, interp: Interpreter): Gotcha[] {
  const projSize: Gotcha[] = [];
  projSizeGotchas(parsed, interp, projSize);
  const embeddingPadding: Gotcha[] = [];
  embeddingPaddingGotchas(parsed, interp, embeddingPadding);
  const opSite: Gotcha[] = [];
  opSiteGotchas(parsed, interp, opSite);
  const layout: Gotcha[] = [];
  layoutGotchas(parsed, interp, layout);
  const gruCalls = new Map<number, string>();
  for (const s of interp.opSites) if (s.op === 'nn.GRU.forward' || s.op === 'nn.RNN.forward') gruCalls.set(s.from, s.op.slice(3, 6));
  const untrimmed: Gotcha[] = [];
  const gruTuple: Gotcha[] = [];
  const reshape: Gotcha[] = [];
  const out: Gotcha[] = [];
  const finish = (): Gotcha[] => [...projSize, ...untrimmed, ...embeddingPadding, ...opSite, ...gruTuple, ...layout, ...reshape, ...out];
  const text = parsed.text;
  const valueOf = (n: SyntaxNode): Value | undefined => {
    if (n.name === 'VariableName') return interp.uses.get(n.from)?.value ?? interp.bindings.get(n.from)?.value;
    return undefined;
  };
  const cursor = parsed.tree.cursor();
  const seen = new Set<number>();
  for (;;) {
    const kind = cursor.name;
    if (kind === 'BinaryExpression') untrimmedGotcha(cursor.node, parsed, interp, untrimmed);
    else if (kind === 'CallExpression') reshapeGotcha(cursor.node, text, interp, reshape);
    else if (kind === 'AssignStatement' && gruCalls.size > 0) gruTupleGotcha(cursor.node, gruCalls, gruTuple);
    if (kind === 'MemberExpression' && !seen.has(cursor.from)) {
      seen.add(cursor.from);
      const node = cursor.node;
      const obj = node.firstChild;
      const v = obj ? valueOf(obj) : undefined;
      const parts = v && v.k === 'tensor' && childNamed(node, '[') ? subscriptParts(text, node) : null;
      if (parts && v && v.k === 'tensor') {
        // RNNL001: last time step of a padded output
        if (v.facts.padded && v.facts.timeDim !== undefined) {
          const at = parts[v.facts.timeDim];
          const ellipsisFirst = parts[0] === '...' && parts.length === 2 && v.shape && v.shape.length === 3 && v.facts.timeDim === 1;
          const lastIdx = at !== undefined ? intIndex(at) : null;
          if (lastIdx === -1 || (ellipsisFirst && false)) {
            const read = text.slice(node.from, node.to);
            const fixed = finalStateFix(parsed, interp, node, v, parts);
            const advice =
              'fix' in fixed
                ? `Use ${fixed.fix.expression}, the final hidden state${v.facts.timeDim === 1 ? ' (batch_first does not apply to h_n)' : ''}, or gather at lengths - 1.`
                : `Use the final hidden state (h_n[-1]; for a bidirectional RNN both directions of the top layer) or gather at lengths - 1. No quick fix: ${fixed.reason}.`;
            const g: Gotcha = {
              code: 'RNNL001',
              severity: 'warning',
              message: `${read} takes the last padded time step: for shorter sequences it is padding, not their last real step. ${advice}`,
              from: node.from,
              to: node.to,
              href: `${DOC}#rnnl001`,
            };
            if ('fix' in fixed) g.fix = { title: fixed.fix.title, ...fixed.fix.read, also: fixed.fix.also };
            out.push(g);
          }
        }
        // RNNL006: h_n[-1] of a bidirectional RNN is the backward direction only
        const rnn = v.facts.rnn;
        if (rnn && rnn.bidirectional && v.facts.origin?.endsWith('h_n') && parts.length === 1 && intIndex(parts[0]) === -1 && !pairedWithForward(text, node)) {
          out.push({
            code: 'RNNL006',
            severity: 'info',
            message: `${text.slice(node.from, node.to)} is the last layer's BACKWARD direction only (its forward direction is [-2]); concatenate both, or use h_n.view(num_layers, 2, batch, hidden)[-1].`,
            from: node.from,
            to: node.to,
            href: `${DOC}#rnnl006`,
          });
        }
        // RNNL005: h_n[:, -1] read as "the last layer" of a batch_first module: it is the last SEQUENCE
        if (rnn && rnn.batchFirst && isHiddenState(v) && parts.length >= 2 && parts[0] === ':' && intIndex(parts[1]) === -1) {
          const name = text.slice(obj!.from, obj!.to);
          out.push({
            code: 'RNNL005',
            severity: 'warning',
            message: `${text.slice(node.from, node.to)} is the LAST SEQUENCE of the batch (all layers): batch_first=True does not apply to ${name}, which is (num_layers*num_directions, batch, hidden) = ${fmtShape(v.shape as Dim[])}. The top layer's state is ${name}[-1].`,
            from: node.from,
            to: node.to,
            href: `${DOC}#rnnl005`,
            ...(rnn.bidirectional ? {} : { fix: { title: `Use ${name}[-1] (the top layer's state, (batch, hidden))`, from: node.from, to: node.to, text: `${name}[-1]` } }),
          });
        }
        // RNNL013: h_n[0] of a multi-layer RNN is the first layer
        if (rnn && rnn.numLayers > 1 && !rnn.bidirectional && v.facts.origin?.endsWith('_n') && parts.length >= 1 && intIndex(parts[0]) === 0) {
          out.push({
            code: 'RNNL013',
            severity: 'info',
            message: `${text.slice(node.from, node.to)} is the FIRST layer's final state of this ${rnn.numLayers}-layer ${rnn.kind}; the top layer is [-1].`,
            from: node.from,
            to: node.to,
            href: `${DOC}#rnnl013`,
          });
        }
      }
    }
    if (cursor.firstChild()) continue;
    while (!cursor.nextSibling()) {
      if (!cursor.parent()) return finish();
    }
  }
}
