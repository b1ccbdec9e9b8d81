// The packing drawing: PackedSequence's time-major interleave. One column per time step holding batch_sizes[t] cells,
// each in the colour of the sequence it comes from (rowOrigin gives the caller's batch row, Step.rows its original
// sequence); under it the packed `data` rows in order, same colours, grouped by time step; a legend naming the
// sequences; and the count that makes sum(batch_sizes) == sum(lengths) visible.
import type { Step, StepDetails } from '../../runtime/steps/step';
import { attachTips, h, mk, svgFrom, svgPoint } from '../dom';
import type { Palette } from '../heatmap';
import { seqClass, seqLegend, seqName, seqOf } from './context';

/** Packs with more rows than this draw each sorted slot as one bar across its time steps (slot k holds the same
 *  sequence in every column) and the packed-row strip on a canvas: a 64 × 50 batch stays a few hundred elements. */
export const PACK_PER_ROW_LIMIT = 600;

export function drawPack(step: Step, d: Extract<StepDetails, { kind: 'pack' }>, palette: Palette): HTMLElement {
  if (d.rowOrigin.length > PACK_PER_ROW_LIMIT) return drawLargePack(step, d, palette);
  const seq = (b: number): number => (b < 0 ? b : seqOf(step, b));
  const T = d.batchSizes.length;
  const N = d.rowOrigin.length;
  const c = Math.max(5, Math.min(22, Math.floor(760 / T), Math.floor(700 / Math.max(...d.batchSizes, 1))));
  const left = 84;
  const top = 16;
  const colsH = Math.max(...d.batchSizes, 1) * c;
  const W = left + T * c + 8;
  const H = top + colsH + 18;
  let m = mk('text', { class: 'axis-label', x: left - 6, y: top - 4, 'text-anchor': 'end' }, 't')
    + mk('text', { class: 'axis-label', x: left - 6, y: top + colsH + 13, 'text-anchor': 'end' }, 'batch_sizes');
  let row = 0;
  for (let t = 0; t < T; t++) {
    const x = left + t * c;
    let col = '';
    if (T <= 30 || t % 5 === 0) m += mk('text', { class: 'axis-label', x: x + c / 2, y: top - 4, 'text-anchor': 'middle' }, String(t));
    for (let k = 0; k < d.batchSizes[t]; k++, row++) {
      const [rt, b] = d.rowOrigin[row] ?? [t, -1];
      col += mk('rect', { class: `pack-cell ${seqClass(seq(b))}`, x, y: top + k * c, width: c - 1, height: c - 1, 'data-row': row, 'data-t': rt, 'data-seq': b, 'data-sequence': seq(b) });
    }
    if (T <= 30 || t % 5 === 0) col += mk('text', { class: 'count-label', x: x + c / 2, y: top + colsH + 13, 'text-anchor': 'middle' }, String(d.batchSizes[t]));
    m += mk('g', { class: 'pack-column', 'data-t': t, 'data-count': d.batchSizes[t] }, col);
  }
  const svg = svgFrom(W, H, 'pack-columns', `packing: ${T} time steps, batch_sizes ${d.batchSizes.join(' ')}`, m);
  // packed data rows, in order, as one strip grouped by time step
  const rw = Math.max(1, Math.min(16, Math.floor(1100 / Math.max(N, 1))));
  const groupGap = rw >= 6 ? 4 : 1;
  const stripW = 8 + N * rw + T * groupGap;
  let x = 4;
  row = 0;
  let sm = '';
  for (let t = 0; t < T; t++) {
    let g = '';
    const x0 = x;
    for (let k = 0; k < d.batchSizes[t]; k++, row++) {
      const b = d.rowOrigin[row]?.[1] ?? -1;
      g += mk('rect', { class: `packed-row ${seqClass(seq(b))}`, x, y: 4, width: Math.max(1, rw - (rw >= 4 ? 1 : 0)), height: 18, 'data-row': row, 'data-t': t, 'data-seq': b, 'data-sequence': seq(b) });
      x += rw;
    }
    if (rw * d.batchSizes[t] >= 14 || T <= 12) g += mk('text', { class: 'axis-label', x: (x0 + x) / 2, y: 36, 'text-anchor': 'middle' }, `t${t}`);
    sm += mk('g', { class: 'packed-group', 'data-t': t }, g);
    x += groupGap;
  }
  const strip = svgFrom(stripW, 40, 'packed-rows', `packed data: ${N} rows`, sm);
  strip.setAttribute('data-total-rows', String(N));
  const tip = (el: Element): string | null => {
    const r = el.getAttribute('data-row');
    if (r === null) return null;
    const t = el.getAttribute('data-t');
    const b = Number(el.getAttribute('data-seq'));
    return `packed data row ${r} = time step ${t} of batch row ${b}${step.rows ? ` = ${seqName(step, b)}` : ''} (length ${d.lengths[b]})`;
  };
  attachTips(svg, tip);
  attachTips(strip, tip);
  const legend = seqLegend(step, d.lengths.length, d.lengths);
  return h('div', { class: 'drawing pack' }, svg,
    h('div', { class: 'sublabel' }, `packed data: ${N} rows, time-major`), strip, legend, ...packFacts(d));
}

/** The packing drawing for large batches: per sorted slot one bar over the time steps it runs (the column heights
 *  are the bars crossing each column), batch_sizes under the columns, the packed rows as a canvas strip. */
function drawLargePack(step: Step, d: Extract<StepDetails, { kind: 'pack' }>, palette: Palette): HTMLElement {
  const T = d.batchSizes.length;
  const N = d.rowOrigin.length;
  const slots = d.batchSizes[0] ?? 0;
  // slot k's sequence and length, read from the rows of column 0 and the batch sizes
  const slotSeq = d.rowOrigin.slice(0, slots).map(([, b]) => b);
  const slotLen = Array.from({ length: slots }, (_, k) => d.batchSizes.filter((n) => n > k).length);
  const c = Math.max(5, Math.min(22, Math.floor(760 / T)));
  const rh = Math.max(3, Math.min(12, Math.floor(500 / Math.max(slots, 1))));
  const left = 84;
  const top = 16;
  const W = left + T * c + 8;
  const H = top + slots * rh + 18;
  let m = mk('text', { class: 'axis-label', x: left - 6, y: top - 4, 'text-anchor': 'end' }, 't')
    + mk('text', { class: 'axis-label', x: left - 6, y: top + slots * rh + 13, 'text-anchor': 'end' }, 'batch_sizes');
  for (let t = 0; t < T; t += T > 30 ? 5 : 1) {
    m += mk('text', { class: 'axis-label', x: left + t * c + c / 2, y: top - 4, 'text-anchor': 'middle' }, String(t));
    m += mk('text', { class: 'count-label', x: left + t * c + c / 2, y: top + slots * rh + 13, 'text-anchor': 'middle' }, String(d.batchSizes[t]));
  }
  for (let k = 0; k < slots; k++) {
    m += mk('rect', { class: `pack-slot ${seqClass(seqOf(step, slotSeq[k]))}`, x: left, y: top + k * rh, width: slotLen[k] * c - 1, height: rh - 1, 'data-slot': k, 'data-seq': slotSeq[k], 'data-sequence': seqOf(step, slotSeq[k]), 'data-t0': 0, 'data-cells': slotLen[k] });
  }
  const svg = svgFrom(W, H, 'pack-columns large', `packing: ${T} time steps, batch_sizes ${d.batchSizes.join(' ')}`, m);
  svg.setAttribute('data-batch-sizes', d.batchSizes.join(','));
  attachTips(svg, (el, ev) => {
    if (!el.classList.contains('pack-slot')) return null;
    const k = Number(el.getAttribute('data-slot'));
    const t = Math.max(0, Math.min(T - 1, Math.floor((svgPoint(svg, ev).x - left) / c)));
    const row = d.batchSizes.slice(0, t).reduce((a, b) => a + b, 0) + k;
    return `slot ${k} = batch row ${slotSeq[k]}${step.rows ? ` = ${seqName(step, slotSeq[k])}` : ''} (length ${slotLen[k]}); t = ${t} → packed data row ${row}`;
  });
  const strip = h('canvas', { class: 'packed-rows-canvas', width: Math.min(N, 1600), height: 20, 'data-total-rows': N });
  strip.style.width = '100%';
  strip.style.maxWidth = `${Math.min(N, 1600)}px`;
  strip.style.height = '20px';
  const ctx = strip.getContext('2d');
  if (ctx) {
    const w = Math.min(N, 1600) / N;
    d.rowOrigin.forEach(([, b], r) => {
      ctx.fillStyle = palette.sequence[seqOf(step, b) % 8];
      ctx.fillRect(r * w, 0, Math.max(w, 1), 20);
    });
  }
  return h('div', { class: 'drawing pack' }, svg,
    h('div', { class: 'sublabel' }, `packed data: ${N} rows, time-major (one pixel column per row)`), strip,
    ...packFacts(d));
}

function packFacts(d: Extract<StepDetails, { kind: 'pack' }>): HTMLElement[] {
  const T = d.batchSizes.length;
  const B = d.lengths.length;
  const sumBs = d.batchSizes.reduce((a, b) => a + b, 0);
  const sumLen = d.lengths.reduce((a, b) => a + b, 0);
  const out: HTMLElement[] = [];
  if (d.sortedIndices) out.push(h('p', { class: 'fact' }, `enforce_sorted=False: slots follow sorted_indices = [${d.sortedIndices.join(', ')}]`));
  out.push(h('p', { class: `fact pack-sum ${sumBs === sumLen ? 'ok' : 'bad'}`, 'data-sum-batch-sizes': sumBs, 'data-sum-lengths': sumLen },
    `sum(batch_sizes) = ${T <= 16 ? d.batchSizes.join(' + ') + ' = ' : ''}${sumBs} ${sumBs === sumLen ? '=' : '≠'} sum(lengths) = ${B <= 16 ? d.lengths.join(' + ') + ' = ' : ''}${sumLen}`));
  return out;
}
