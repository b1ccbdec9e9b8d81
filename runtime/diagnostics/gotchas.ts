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

export function detectGotchas(parsed: ParsedPython, interp: Interpreter): Gotcha[] {
  const out: Gotcha[] = [];
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
              href: `${DOC}#rnnl001-last-time-step-of-a-padded-output`,
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
            href: `${DOC}#rnnl006-bidirectional-h_n-1`,
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
