// A tensor drawn as a heat map on a canvas (fast for large tensors): diverging colours around 0, leading dims as
// stacked blocks, rows/columns/blocks past a limit elided with a marked gap, a coloured band per row (e.g. which
// sequence a packed row comes from), hatched padding rows, and the value under the mouse in the shared tooltip.
import type { TensorValue } from '../runtime/steps/step';
import { h, type Tooltip } from './dom';
import { fmt, maxAbs, numel, shapeText } from './values';

export interface HeatmapOptions {
  name: string;
  tensor: TensorValue;
  tooltip: Tooltip;
  palette: Palette;
  /** CSS colour of a band left of row `row` of block `block`, or null. */
  rowBand?: (block: number, row: number) => string | null;
  /** True when row `row` of block `block` is padding. */
  isPad?: (block: number, row: number) => boolean;
  /** Label of row `row` of block `block` for the tooltip, e.g. "t=3". */
  rowLabel?: (block: number, row: number) => string;
  maxBlocks?: number;
  maxRows?: number;
  maxCols?: number;
}

/** Colours resolved from the theme's CSS variables (canvas cannot use var()). */
export interface Palette {
  positive: string;
  negative: string;
  pad: string;
  gap: string;
  text: string;
  sequence: string[];
}

/** Which source indices are drawn: the first `head`, a gap, the last `tail`. */
interface Axis {
  shown: number[];
  elided: number;
  gapAfter: number; // position in `shown` after which the gap comes, -1 if none
}

function axis(n: number, max: number): Axis {
  if (n <= max) return { shown: Array.from({ length: n }, (_, i) => i), elided: 0, gapAfter: -1 };
  const tail = Math.max(1, Math.floor(max / 4));
  const head = max - tail;
  const shown = [...Array.from({ length: head }, (_, i) => i), ...Array.from({ length: tail }, (_, i) => n - tail + i)];
  return { shown, elided: n - max, gapAfter: head - 1 };
}

const GAP = 8;
const BAND = 5;

export function drawHeatmap(o: HeatmapOptions): HTMLElement {
  const t = o.tensor;
  const shape = t.shape.length === 0 ? [1] : t.shape;
  const cols = shape[shape.length - 1];
  const rows = shape.length >= 2 ? shape[shape.length - 2] : 1;
  const blocks = shape.length >= 3 ? numel(shape.slice(0, -2)) : 1;
  const header = h('div', { class: 'heat-caption' }, h('code', {}, o.name), ` ${shapeText(t.shape)} ${t.dtype}`);
  const wrap = h('figure', { class: 'heatmap', 'data-name': o.name, 'data-shape': t.shape.join('x') }, header);
  if (!t.data) {
    const sm = t.summary;
    const n = numel(t.shape);
    wrap.append(h('p', { class: 'elided-note', 'data-elided': 'all' },
      (n < 0 ? 'values not computed (sizes unknown: shape only)' : `${n.toLocaleString('en')} values not sent (past the run's value limit)`) +
      (sm ? `: min ${fmt(sm.min)}, max ${fmt(sm.max)}, mean ${fmt(sm.mean)}` : '')));
    return wrap;
  }
  const bAxis = axis(blocks, o.maxBlocks ?? 6);
  const rAxis = axis(rows, o.maxRows ?? (shape.length >= 3 ? 16 : 40));
  const cAxis = axis(cols, o.maxCols ?? 64);
  const cell = Math.max(3, Math.min(14, Math.floor(720 / cAxis.shown.length)));
  const band = o.rowBand ? BAND + 2 : 0;
  const width = band + cAxis.shown.length * cell + (cAxis.gapAfter >= 0 ? GAP : 0);
  const blockH = rAxis.shown.length * cell + (rAxis.gapAfter >= 0 ? GAP : 0);
  const height = bAxis.shown.length * blockH + (bAxis.shown.length - 1) * GAP + (bAxis.gapAfter >= 0 ? GAP * 2 : 0);
  const canvas = h('canvas', { class: 'heat-canvas', width: width * 2, height: height * 2, tabindex: -1 });
  canvas.style.width = `${width}px`;
  canvas.style.maxWidth = '100%';
  const ctx = canvas.getContext('2d');
  const m = maxAbs(t) || 1;
  const data = t.data;
  // positions
  const colX = cAxis.shown.map((_, i) => band + i * cell + (cAxis.gapAfter >= 0 && i > cAxis.gapAfter ? GAP : 0));
  const rowY = rAxis.shown.map((_, i) => i * cell + (rAxis.gapAfter >= 0 && i > rAxis.gapAfter ? GAP : 0));
  const blockY = bAxis.shown.map((_, i) => i * (blockH + GAP) + (bAxis.gapAfter >= 0 && i > bAxis.gapAfter ? GAP * 2 : 0));
  if (ctx) {
    ctx.scale(2, 2);
    for (let bi = 0; bi < bAxis.shown.length; bi++) {
      const b = bAxis.shown[bi];
      for (let ri = 0; ri < rAxis.shown.length; ri++) {
        const r = rAxis.shown[ri];
        const y = blockY[bi] + rowY[ri];
        const bandColour = o.rowBand?.(b, r);
        if (bandColour) {
          ctx.globalAlpha = 1;
          ctx.fillStyle = bandColour;
          ctx.fillRect(0, y, BAND, cell - 1);
        }
        const pad = o.isPad?.(b, r) ?? false;
        const base = (b * rows + r) * cols;
        for (let ci = 0; ci < cAxis.shown.length; ci++) {
          const v = data[base + cAxis.shown[ci]];
          const x = colX[ci];
          if (pad && v === 0) {
            ctx.globalAlpha = 0.35;
            ctx.fillStyle = o.palette.pad;
            ctx.fillRect(x, y, cell - 1, cell - 1);
            continue;
          }
          ctx.globalAlpha = 0.08 + 0.92 * Math.min(1, Math.abs(v) / m);
          ctx.fillStyle = v >= 0 ? o.palette.positive : o.palette.negative;
          ctx.fillRect(x, y, cell - 1, cell - 1);
        }
      }
    }
    ctx.globalAlpha = 1;
  }
  const elided: string[] = [];
  if (bAxis.elided) elided.push(`${bAxis.elided} of ${blocks} blocks`);
  if (rAxis.elided) elided.push(`${rAxis.elided} of ${rows} rows per block`);
  if (cAxis.elided) elided.push(`${cAxis.elided} of ${cols} columns`);
  wrap.append(canvas);
  if (elided.length) wrap.append(h('p', { class: 'elided-note', 'data-elided': elided.join('; ') }, `elided (gaps): ${elided.join('; ')}`));
  const locate = (px: number, py: number): number[] | null => {
    const find = (pos: number[], p: number): number => {
      for (let i = pos.length - 1; i >= 0; i--) if (p >= pos[i]) return i;
      return -1;
    };
    const bi = find(blockY, py);
    if (bi < 0) return null;
    const ri = find(rowY, py - blockY[bi]);
    const ci = find(colX, px);
    if (ri < 0 || ci < 0 || py - blockY[bi] - rowY[ri] >= cell || px - colX[ci] >= cell) return null;
    return [bAxis.shown[bi], rAxis.shown[ri], cAxis.shown[ci]];
  };
  canvas.addEventListener('mousemove', (ev) => {
    const rect = canvas.getBoundingClientRect();
    const scale = width / rect.width;
    const hit = locate((ev.clientX - rect.left) * scale, (ev.clientY - rect.top) * scale);
    if (!hit) { o.tooltip.hide(); return; }
    const [b, r, c] = hit;
    const idx = unflatten(b, shape.slice(0, -2));
    const full = shape.length >= 2 ? [...idx, r, c] : [c];
    const label = o.rowLabel ? ` (${o.rowLabel(b, r)})` : '';
    o.tooltip.show(`${o.name}[${full.join(', ')}] = ${fmt(data[(b * rows + r) * cols + c])}${label}`, ev.clientX, ev.clientY);
  });
  canvas.addEventListener('mouseleave', () => o.tooltip.hide());
  return wrap;
}

function unflatten(flat: number, dims: number[]): number[] {
  const out = new Array<number>(dims.length);
  for (let i = dims.length - 1; i >= 0; i--) {
    out[i] = flat % dims[i];
    flat = Math.floor(flat / dims[i]);
  }
  return out;
}
