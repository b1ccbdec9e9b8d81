// Static detectors for the classic padded/packed RNN mistakes of ../shared/notes/gotchas.md (documented in
// docs/gotchas.md, codes RNNL001…). They read the syntax tree together with the values the interpreter computed
// (facts on tensors: padded outputs, RNN layouts), so they only fire when the engine knows the situation.
import type { SyntaxNode } from '@lezer/common';
import type { ParsedPython } from '../python/parse';
import type { Interpreter } from '../interp/interpreter';
import type { Value } from '../interp/values';

export interface Gotcha {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  from: number;
  to: number;
  href: string;
  fix?: { title: string; from: number; to: number; text: string };
}

const DOC = 'docs/gotchas.md';

function intIndex(text: string): number | null {
  const t = text.replace(/\s+/g, '');
  return /^-?\d+$/.test(t) ? Number(t) : null;
}

/** The index parts of a subscript `x[a, b]` as source texts. */
function subscriptParts(text: string, node: SyntaxNode): string[] | null {
  const open = node.getChild('[');
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
            href: `${DOC}#pooling-padding`,
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
          href: `${DOC}#lengths-type`,
        });
      }
    }
  }
}

/** RNNL014: `out, (h, c) = gru(x)` — GRU/RNN return (output, h_n), not (output, (h_n, c_n)). */
function gruTupleGotchas(parsed: ParsedPython, interp: Interpreter, out: Gotcha[]): void {
  const gruCalls = new Map<number, string>();
  for (const s of interp.opSites) if (s.op === 'nn.GRU.forward' || s.op === 'nn.RNN.forward') gruCalls.set(s.from, s.op.slice(3, 6));
  if (gruCalls.size === 0) return;
  const cursor = parsed.tree.cursor();
  for (;;) {
    if (cursor.name === 'AssignStatement') {
      const node = cursor.node;
      const value = node.lastChild;
      const kind = value ? gruCalls.get(value.from) : undefined;
      if (value && kind) {
        const targets = node.getChildren('TupleExpression').concat(node.getChildren('ParenthesizedExpression'));
        if (targets.some((t) => t.to <= value.from && t.getChildren(',').length >= 1)) {
          out.push({
            code: 'RNNL014',
            severity: 'warning',
            message: `${kind.replace('.', '')} returns (output, h_n), not (output, (h_n, c_n)) like LSTM: unpacking h_n into two names splits it along num_layers*num_directions.`,
            from: node.from,
            to: node.to,
            href: `${DOC}#gru-hidden-tuple`,
          });
        }
      }
    }
    if (cursor.firstChild()) continue;
    while (!cursor.nextSibling()) {
      if (!cursor.parent()) return;
    }
  }
}

export function detectGotchas(parsed: ParsedPython, interp: Interpreter): Gotcha[] {
  const out: Gotcha[] = [];
  opSiteGotchas(parsed, interp, out);
  gruTupleGotchas(parsed, interp, out);
  const text = parsed.text;
  const valueOf = (n: SyntaxNode): Value | undefined => {
    if (n.name === 'VariableName') return interp.uses.get(n.from)?.value ?? interp.bindings.get(n.from)?.value;
    return undefined;
  };
  const cursor = parsed.tree.cursor();
  const seen = new Set<number>();
  for (;;) {
    if (cursor.name === 'MemberExpression' && !seen.has(cursor.from)) {
      seen.add(cursor.from);
      const node = cursor.node;
      const obj = node.firstChild;
      const parts = node.getChild('[') ? subscriptParts(text, node) : null;
      const v = obj ? valueOf(obj) : undefined;
      if (parts && v && v.k === 'tensor') {
        // RNNL001: last time step of a padded output
        if (v.facts.padded && v.facts.timeDim !== undefined) {
          const at = parts[v.facts.timeDim];
          const ellipsisFirst = parts[0] === '...' && parts.length === 2 && v.shape && v.shape.length === 3 && v.facts.timeDim === 1;
          const lastIdx = at !== undefined ? intIndex(at) : null;
          if (lastIdx === -1 || (ellipsisFirst && false)) {
            out.push({
              code: 'RNNL001',
              severity: 'warning',
              message: `${text.slice(node.from, node.to)} takes the last padded time step: for shorter sequences it is padding, not their last real step. Use the final hidden state (h_n[-1]) or gather at lengths - 1.`,
              from: node.from,
              to: node.to,
              href: `${DOC}#last-step-padding`,
            });
          }
        }
        // RNNL006: h_n[-1] of a bidirectional RNN is the backward direction only
        const rnn = v.facts.rnn;
        if (rnn && rnn.bidirectional && v.facts.origin?.endsWith('h_n') && parts.length === 1 && intIndex(parts[0]) === -1) {
          out.push({
            code: 'RNNL006',
            severity: 'info',
            message: `${text.slice(node.from, node.to)} is the last layer's BACKWARD direction only (its forward direction is [-2]); concatenate both, or use h_n.view(num_layers, 2, batch, hidden)[-1].`,
            from: node.from,
            to: node.to,
            href: `${DOC}#bidirectional-h-n`,
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
            href: `${DOC}#hidden-layer-index`,
          });
        }
      }
    }
    if (cursor.firstChild()) continue;
    while (!cursor.nextSibling()) {
      if (!cursor.parent()) return out;
    }
  }
}
