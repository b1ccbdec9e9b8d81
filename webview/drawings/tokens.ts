// Vocabulary and indexing drawings: the vocabulary as numbered chips; each sequence as tokens over their indices.
import type { Step, StepDetails } from '../../runtime/steps/step';
import { h } from '../dom';
import { seqClass, seqName, seqOf } from './context';

export function drawVocab(d: Extract<StepDetails, { kind: 'vocab' }>): HTMLElement {
  return h('div', { class: 'vocab', role: 'list', 'aria-label': `vocabulary of ${d.tokens.length} tokens` },
    ...d.tokens.map((tok, i) => h('span', { class: 'vocab-token', role: 'listitem', 'data-index': i, 'data-token': tok },
      h('span', { class: 'idx' }, String(i)), h('span', { class: 'tok' }, visible(tok)))));
}

export function drawIndex(step: Step, d: Extract<StepDetails, { kind: 'index' }>): HTMLElement {
  const MAX = 64;
  const seqs = d.sequences.slice(0, MAX);
  return h('div', { class: 'index-seqs' },
    ...seqs.map((sq, b) => h('div', { class: `index-seq ${seqClass(seqOf(step, b))}`, 'data-b': b, 'data-sequence': seqOf(step, b), 'data-length': sq.indices.length },
      h('span', { class: 'row-label', title: seqName(step, b) }, `row ${b}`),
      ...sq.indices.map((ix, t) => h('span', { class: 'index-cell', 'data-t': t, 'data-token': String(sq.tokens[t] ?? ''), 'data-index': ix,
        title: `${JSON.stringify(sq.tokens[t])} → ${ix}` },
        h('span', { class: 'tok' }, visible(String(sq.tokens[t] ?? ''))), h('span', { class: 'idx' }, String(ix)))))),
    d.sequences.length > MAX ? h('p', { class: 'elided-note' }, `${d.sequences.length - MAX} more sequences elided`) : null);
}

function visible(tok: string): string {
  return tok === ' ' ? '␣' : tok === '' ? '∅' : tok;
}
