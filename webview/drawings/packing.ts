// The packing drawing: PackedSequence's time-major interleave. One column per time step holding batch_sizes[t] cells,
// each in the colour of the sequence (original batch row) it comes from; under it the packed `data` rows in order,
// same colours, grouped by time step; and the count that makes sum(batch_sizes) == sum(lengths) visible.
import type { StepDetails } from '../../runtime/steps/step';
import { attachTips, h, s, svgCanvas } from '../dom';
import { seqClass } from './context';

export function drawPack(d: Extract<StepDetails, { kind: 'pack' }>): HTMLElement {
  const T = d.batchSizes.length;
  const B = d.lengths.length;
  const N = d.rowOrigin.length;
  const sumBs = d.batchSizes.reduce((a, b) => a + b, 0);
  const sumLen = d.lengths.reduce((a, b) => a + b, 0);
  const c = Math.max(5, Math.min(22, Math.floor(760 / T), Math.floor(700 / Math.max(...d.batchSizes, 1))));
  const left = 84;
  const top = 16;
  const colsH = Math.max(...d.batchSizes, 1) * c;
  const W = left + T * c + 8;
  const H = top + colsH + 18;
  const svg = svgCanvas(W, H, 'pack-columns', `packing: ${T} time steps, batch_sizes ${d.batchSizes.join(' ')}`);
  svg.append(s('text', { class: 'axis-label', x: left - 6, y: top - 4, 'text-anchor': 'end' }, 't'));
  svg.append(s('text', { class: 'axis-label', x: left - 6, y: top + colsH + 13, 'text-anchor': 'end' }, 'batch_sizes'));
  let row = 0;
  for (let t = 0; t < T; t++) {
    const x = left + t * c;
    const col = s('g', { class: 'pack-column', 'data-t': t, 'data-count': d.batchSizes[t] });
    if (T <= 30 || t % 5 === 0) svg.append(s('text', { class: 'axis-label', x: x + c / 2, y: top - 4, 'text-anchor': 'middle' }, String(t)));
    for (let k = 0; k < d.batchSizes[t]; k++, row++) {
      const [rt, b] = d.rowOrigin[row] ?? [t, -1];
      col.append(s('rect', { class: `pack-cell ${seqClass(b)}`, x, y: top + k * c, width: c - 1, height: c - 1, 'data-row': row, 'data-t': rt, 'data-seq': b }));
    }
    if (T <= 30 || t % 5 === 0) col.append(s('text', { class: 'count-label', x: x + c / 2, y: top + colsH + 13, 'text-anchor': 'middle' }, String(d.batchSizes[t])));
    svg.append(col);
  }
  // packed data rows, in order, as one strip grouped by time step
  const rw = Math.max(1, Math.min(16, Math.floor(1100 / Math.max(N, 1))));
  const groupGap = rw >= 6 ? 4 : 1;
  const stripW = 8 + N * rw + T * groupGap;
  const strip = svgCanvas(stripW, 40, 'packed-rows', `packed data: ${N} rows`);
  strip.setAttribute('data-total-rows', String(N));
  let x = 4;
  row = 0;
  for (let t = 0; t < T; t++) {
    const g = s('g', { class: 'packed-group', 'data-t': t });
    const x0 = x;
    for (let k = 0; k < d.batchSizes[t]; k++, row++) {
      const b = d.rowOrigin[row]?.[1] ?? -1;
      g.append(s('rect', { class: `packed-row ${seqClass(b)}`, x, y: 4, width: Math.max(1, rw - (rw >= 4 ? 1 : 0)), height: 18, 'data-row': row, 'data-t': t, 'data-seq': b }));
      x += rw;
    }
    if (rw * d.batchSizes[t] >= 14 || T <= 12) g.append(s('text', { class: 'axis-label', x: (x0 + x) / 2, y: 36, 'text-anchor': 'middle' }, `t${t}`));
    strip.append(g);
    x += groupGap;
  }
  const tip = (el: Element): string | null => {
    const r = el.getAttribute('data-row');
    if (r === null) return null;
    const t = el.getAttribute('data-t');
    const b = Number(el.getAttribute('data-seq'));
    return `packed data row ${r} = time step ${t} of batch row ${b} (length ${d.lengths[b]})`;
  };
  attachTips(svg, tip);
  attachTips(strip, tip);
  const legend = h('div', { class: 'legend' }, ...d.lengths.slice(0, 16).map((len, b) =>
    h('span', { class: `legend-item ${seqClass(b)}`, 'data-seq': b }, h('span', { class: 'swatch' }), `row ${b} · len ${len}`)),
  B > 16 ? h('span', { class: 'legend-item' }, `… ${B - 16} more rows`) : null);
  const order = d.sortedIndices ? h('p', { class: 'fact' }, `enforce_sorted=False: slots follow sorted_indices = [${d.sortedIndices.join(', ')}]`) : null;
  return h('div', { class: 'drawing pack' }, svg,
    h('div', { class: 'sublabel' }, `packed data: ${N} rows, time-major`), strip, legend, order,
    h('p', { class: `fact pack-sum ${sumBs === sumLen ? 'ok' : 'bad'}`, 'data-sum-batch-sizes': sumBs, 'data-sum-lengths': sumLen },
      `sum(batch_sizes) = ${T <= 16 ? d.batchSizes.join(' + ') + ' = ' : ''}${sumBs} ${sumBs === sumLen ? '=' : '≠'} sum(lengths) = ${B <= 16 ? d.lengths.join(' + ') + ' = ' : ''}${sumLen}`));
}
