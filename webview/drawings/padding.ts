// Padding and unpacking drawings: the batch as a (batch × time) grid, real cells in their sequence's colour, pad
// cells hatched, each row's length at its side. For unpacking, every pad cell is checked to be exactly the padding
// value in the data, and the result is stated ("padding exactly 0 in all 12 cells").
import type { Step, StepDetails, TensorValue } from '../../runtime/steps/step';
import { attachTips, h, mk, svgFrom, svgPoint } from '../dom';
import { fmt, outputTensors, strides } from '../values';
import { cellSize, previous, seqClass, seqLegend, seqName, seqOf, type DrawContext } from './context';

interface GridSpec {
  cls: string;
  label: string;
  lengths: number[];
  T: number;
  /** Values tensor laid out batch-first or time-first (batch = dim 0 or 1); may have a feature dim. */
  tensor: TensorValue | null;
  batchFirst: boolean;
  name: string;
  vocab: string[] | null;
  /** the step whose Step.rows name the grid's rows (its output keeps the order the batch entered in) */
  step: Step;
}

/** The values at (b, t): one number for a 2-D tensor, the feature vector for 3-D, null when not sent. */
function cellValues(spec: GridSpec, b: number, t: number): number[] | null {
  const x = spec.tensor;
  if (!x || !x.data) return null;
  const st = strides(x.shape);
  const base = spec.batchFirst ? b * st[0] + t * st[1] : t * st[0] + b * st[1];
  const feat = x.shape.length >= 3 ? x.shape[2] : 1;
  return x.data.slice(base, base + feat);
}

/** Grids up to this many cells draw one rect per cell; larger ones one bar per row for the real part and one for
 *  the padding (each rect says how many cells it stands for in data-cells), which keeps 64 × 50 batches fast. */
export const PER_CELL_LIMIT = 1200;

export function drawBatchGrid(spec: GridSpec): SVGSVGElement {
  const B = spec.lengths.length;
  const T = spec.T;
  const c = cellSize(T, B);
  const left = 48;
  const top = 16;
  const right = 56;
  const W = left + T * c + right;
  const H = top + B * c + 4;
  const perCell = B * T <= PER_CELL_LIMIT;
  const showText = perCell && c >= 16 && spec.tensor !== null && spec.tensor.shape.length === 2 && spec.tensor.data !== null;
  const headStep = T > 20 ? 5 : 1;
  let m = '';
  for (let t = 0; t < T; t += headStep) m += mk('text', { class: 'axis-label', x: left + t * c + c / 2, y: top - 4, 'text-anchor': 'middle' }, String(t));
  for (let b = 0; b < B; b++) {
    const y = top + b * c;
    const len = Math.min(spec.lengths[b], T);
    if (c >= 9 || b % 5 === 0) m += mk('text', { class: 'axis-label', x: left - 6, y: y + c * 0.7, 'text-anchor': 'end' }, `row ${b}`);
    let row = '';
    if (len < 0 || T < 0) {
      // Unknown length or time size (Steps followed by shapes only): one marked band, no real/pad cells invented.
      row += mk('rect', { class: 'cell unknown', x: left, y, width: Math.max(T, 1) * c - 1, height: c - 1, 'data-b': b, 'data-cells': 0 });
    } else if (perCell) {
      for (let t = 0; t < T; t++) {
        const real = t < len;
        row += mk('rect', { class: `cell ${real ? 'real' : 'pad'}`, x: left + t * c, y, width: c - 1, height: c - 1, 'data-b': b, 'data-t': t, 'data-cells': 1 });
        if (showText) {
          const v = cellValues(spec, b, t);
          if (v) row += mk('text', { class: `cell-text ${real ? 'real' : 'pad'}`, x: left + t * c + c / 2 - 0.5, y: y + c * 0.68, 'text-anchor': 'middle' }, fmt(v[0]));
        }
      }
    } else {
      if (len > 0) row += mk('rect', { class: 'cell real', x: left, y, width: len * c - 1, height: c - 1, 'data-b': b, 'data-cells': len });
      if (T - len > 0) row += mk('rect', { class: 'cell pad', x: left + len * c, y, width: (T - len) * c - 1, height: c - 1, 'data-b': b, 'data-cells': T - len });
    }
    m += mk('g', { class: `grid-row ${seqClass(seqOf(spec.step, b))}`, 'data-b': b, 'data-sequence': seqOf(spec.step, b) }, row);
    m += mk('text', { class: 'length-label', x: left + T * c + 6, y: y + c * 0.7, 'data-b': b, 'data-length': spec.lengths[b] }, spec.lengths[b] < 0 ? 'len ?' : `len ${spec.lengths[b]}`);
  }
  const svg = svgFrom(W, H, `batch-grid ${spec.cls}`, spec.label, m);
  svg.setAttribute('data-b', String(B));
  svg.setAttribute('data-t', String(T));
  attachTips(svg, (el, ev) => {
    if (!el.classList.contains('cell')) return null;
    const b = Number(el.getAttribute('data-b'));
    const t = el.hasAttribute('data-t') ? Number(el.getAttribute('data-t')) : Math.max(0, Math.min(T - 1, Math.floor((svgPoint(svg, ev).x - left) / c)));
    const real = t < spec.lengths[b];
    const v = cellValues(spec, b, t);
    const idx = spec.batchFirst ? `[${b}, ${t}]` : `[${t}, ${b}]`;
    const val = v === null ? '' : v.length === 1 ? ` = ${fmt(v[0])}` : ` = [${v.slice(0, 8).map(fmt).join(', ')}${v.length > 8 ? ', …' : ''}]`;
    const tok = v && v.length === 1 && spec.vocab && Number.isInteger(v[0]) && spec.vocab[v[0]] !== undefined ? ` '${spec.vocab[v[0]]}'` : '';
    const who = spec.step.rows ? ` = ${seqName(spec.step, b)}` : '';
    return `${spec.name}${idx}${val}${tok} — ${real ? `real (row ${b}${who} has length ${spec.lengths[b]})` : `padding (row ${b}${who})`}`;
  });
  return svg;
}

function timeDim(t: TensorValue | null, batchFirst: boolean, fallback: number): number {
  if (!t) return fallback;
  return t.shape[batchFirst ? 1 : 0] ?? fallback;
}

export function drawPad(step: Step, d: Extract<StepDetails, { kind: 'pad' }>, ctx: DrawContext): HTMLElement {
  const out = outputTensors(step)[0] ?? null;
  const vocab = previous(ctx, step, 'vocab')?.tokens ?? null;
  const T = timeDim(out?.tensor ?? null, d.batchFirst, Math.max(...d.lengths));
  const B = d.lengths.length;
  const padCells = B * T - d.lengths.reduce((a, b) => a + b, 0);
  return h('div', { class: 'drawing pad' },
    drawBatchGrid({ cls: 'pad-grid', label: `padded batch ${B} × ${T}`, lengths: d.lengths, T, tensor: out?.tensor ?? null,
      batchFirst: d.batchFirst, name: out?.name ?? 'padded', vocab, step }),
    step.rows ? seqLegend(step, d.lengths.length, d.lengths) : null,
    h('p', { class: 'fact pad-count', 'data-pad-cells': padCells },
      `${B} × ${T} = ${B * T} cells: ${B * T - padCells} real + ${padCells} padding (value ${d.paddingValue}).`));
}

export function drawUnpack(step: Step, d: Extract<StepDetails, { kind: 'unpack' }>): HTMLElement {
  const out = outputTensors(step).find((o) => o.tensor.shape.length >= 2) ?? null;
  const T = d.totalLength;
  const B = d.lengths.length;
  let checked = 0;
  let nonPadValue = 0;
  if (out && out.tensor.data) {
    for (let b = 0; b < B; b++) {
      for (let t = d.lengths[b]; t < T; t++) {
        const v = cellValues({ tensor: out.tensor, batchFirst: d.batchFirst } as GridSpec, b, t) ?? [];
        for (const x of v) if (x !== d.paddingValue) nonPadValue++;
        checked++;
      }
    }
  }
  const grid = drawBatchGrid({ cls: 'unpack-grid', label: `unpacked output ${B} × ${T}`, lengths: d.lengths, T,
    tensor: out?.tensor ?? null, batchFirst: d.batchFirst, name: out?.name ?? 'output', vocab: null, step });
  const verdict = !out || !out.tensor.data
    ? h('p', { class: 'fact pad-check', 'data-checked': 0 }, 'values not sent: padding not checked')
    : h('p', { class: `fact pad-check ${nonPadValue === 0 ? 'ok' : 'bad'}`, 'data-checked': checked, 'data-nonzero': nonPadValue },
      nonPadValue === 0
        ? `✓ padding exactly ${d.paddingValue} in all ${checked} padded time steps (lengths ${d.lengths.join(', ')})`
        : `✗ ${nonPadValue} padded values differ from ${d.paddingValue}`);
  return h('div', { class: 'drawing unpack' }, grid, step.rows ? seqLegend(step, d.lengths.length, d.lengths) : null, verdict);
}
