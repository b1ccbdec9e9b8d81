// Sorting and un-sorting drawings: rows as bars (length = sequence length) before and after, each in the colour of
// its ORIGINAL sequence (Step.rows) and named on the bar when the run knows it, with a line from where a row was to
// where it goes. `permutation[k]` is the row that
// lands at position k (sorted_indices for a sort; unsorted_indices for the un-sort back to the caller's order).
import type { Step, StepDetails } from '../../runtime/steps/step';
import { attachTips, h, mk, svgFrom } from '../dom';
import { previousStep, seqClass, seqName, seqOf, type DrawContext } from './context';

interface OrderSpec {
  cls: string;
  permutation: number[];
  /** original sequence of the row at position i of the "before" column */
  beforeOrigin: number[];
  /** name of the row at position i of the "before" column, written on its bars; null: no names */
  beforeNames: string[] | null;
  lengthsBefore: number[];
  lengthsAfter: number[];
  beforeTitle: string;
  afterTitle: string;
}

function drawOrder(spec: OrderSpec): SVGSVGElement {
  const B = spec.permutation.length;
  const rowH = Math.max(5, Math.min(20, Math.floor(900 / B)));
  const maxLen = Math.max(1, ...spec.lengthsBefore, ...spec.lengthsAfter);
  const barW = 160;
  const gap = 120;
  const top = 18;
  const W = 40 + barW + gap + barW + 40;
  const H = top + B * rowH + 4;
  let m = mk('text', { class: 'axis-label', x: 40, y: 12 }, spec.beforeTitle) + mk('text', { class: 'axis-label', x: 40 + barW + gap, y: 12 }, spec.afterTitle);
  const xAfter = 40 + barW + gap;
  for (let i = 0; i < B; i++) {
    const y = top + i * rowH;
    const o = spec.beforeOrigin[i];
    m += mk('rect', { class: `order-bar before ${seqClass(o)}`, x: 40, y, width: Math.max(2, (barW * spec.lengthsBefore[i]) / maxLen), height: rowH - 2,
      'data-pos': i, 'data-origin': o, 'data-sequence': o, 'data-length': spec.lengthsBefore[i] });
    if (rowH >= 12) m += mk('text', { class: 'axis-label', x: 34, y: y + rowH * 0.7, 'text-anchor': 'end' }, String(i));
    if (rowH >= 12 && spec.beforeNames) m += mk('text', { class: 'bar-label', x: 44, y: y + rowH * 0.68 }, spec.beforeNames[i]);
  }
  for (let k = 0; k < B; k++) {
    const from = spec.permutation[k];
    const o = spec.beforeOrigin[from];
    const y = top + k * rowH;
    const yFrom = top + from * rowH + rowH / 2 - 1;
    m += mk('path', { class: `order-link ${seqClass(o)}`, d: `M ${40 + barW + 4} ${yFrom} C ${40 + barW + gap / 2} ${yFrom}, ${40 + barW + gap / 2} ${y + rowH / 2 - 1}, ${xAfter - 4} ${y + rowH / 2 - 1}` });
    m += mk('rect', { class: `order-bar after ${spec.cls}-row ${seqClass(o)}`, x: xAfter, y, width: Math.max(2, (barW * spec.lengthsAfter[k]) / maxLen), height: rowH - 2,
      'data-pos': k, 'data-from': from, 'data-origin': o, 'data-sequence': o, 'data-length': spec.lengthsAfter[k] });
    if (rowH >= 12 && spec.beforeNames) m += mk('text', { class: 'bar-label', x: xAfter + 4, y: y + rowH * 0.68 }, spec.beforeNames[from]);
    if (rowH >= 12) m += mk('text', { class: 'axis-label', x: xAfter + barW + 6, y: y + rowH * 0.7 }, `${k} ← ${from}`);
  }
  const svg = svgFrom(W, H, `order ${spec.cls}`, `${spec.beforeTitle} → ${spec.afterTitle}`, m);
  attachTips(svg, (el) => {
    if (!el.classList.contains('order-bar')) return null;
    const pos = el.getAttribute('data-pos');
    const len = el.getAttribute('data-length');
    const who = spec.beforeNames ? `${spec.beforeNames[Number(el.getAttribute(el.classList.contains('after') ? 'data-from' : 'data-pos'))]}, ` : '';
    return el.classList.contains('after')
      ? `position ${pos} ← row ${el.getAttribute('data-from')} of before (${who}length ${len})`
      : `row ${pos} before (${who}length ${len})`;
  });
  return svg;
}

export function drawSort(step: Step, d: Extract<StepDetails, { kind: 'sort' }>): HTMLElement {
  const B = d.permutation.length;
  const before = Array.from({ length: B }, (_, i) => i);
  return h('div', { class: 'drawing sort' },
    drawOrder({ cls: 'sort', permutation: d.permutation, beforeOrigin: before.map((i) => seqOf(step, i)), beforeNames: step.rows ? before.map((i) => seqName(step, i)) : null,
      lengthsBefore: d.lengthsBefore, lengthsAfter: d.lengthsAfter, beforeTitle: 'before (caller order)',
      afterTitle: d.descending ? 'after (longest first)' : 'after' }),
    h('p', { class: 'fact perm', 'data-permutation': d.permutation.join(',') },
      `sorted_indices = [${d.permutation.join(', ')}]: row k of the result is row sorted_indices[k] of the input.`));
}

export function drawUnsort(step: Step, d: Extract<StepDetails, { kind: 'unsort' }>, ctx: DrawContext): HTMLElement {
  const p = d.permutation;
  const B = p.length;
  // Without Step.rows: position k of the sorted input holds caller row callerRow[k] (the un-sort sends it to row k'
  // with p[k'] = k), and the lengths are the unpack's, in the caller's order.
  const callerRow = new Array<number>(B).fill(0);
  p.forEach((from, i) => { callerRow[from] = i; });
  const src = previousStep(ctx, step, 'unpack') ?? previousStep(ctx, step, 'pack');
  const lengths = src && (src.details.kind === 'unpack' || src.details.kind === 'pack') ? src.details.lengths : new Array<number>(B).fill(1);
  // With rows on both steps: each sequence's length wherever it sits
  const lengthOfSeq = new Map<number, number>();
  if (src?.rows && step.rows) src.rows.forEach((r, b) => lengthOfSeq.set(r.sequence, lengths[b]));
  const lengthsBefore = lengthOfSeq.size ? step.rows!.map((r) => lengthOfSeq.get(r.sequence) ?? 1) : callerRow.map((o) => lengths[o] ?? 1);
  const before = Array.from({ length: B }, (_, i) => i);
  return h('div', { class: 'drawing unsort' },
    drawOrder({ cls: 'unsort', permutation: p, beforeOrigin: step.rows ? before.map((i) => seqOf(step, i)) : callerRow,
      beforeNames: step.rows ? before.map((i) => seqName(step, i)) : null, lengthsBefore,
      lengthsAfter: p.map((from, i) => (lengthOfSeq.size ? lengthsBefore[from] : lengths[i] ?? 1)), beforeTitle: 'sorted (as packed)', afterTitle: 'caller order restored' }),
    h('p', { class: 'fact perm', 'data-permutation': p.join(',') },
      `unsorted_indices = [${p.join(', ')}]: row i of the result is sorted row unsorted_indices[i]; the original order is back.`));
}
