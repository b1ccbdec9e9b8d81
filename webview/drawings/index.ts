// One drawing per step kind (exhaustive over StepDetails), plus the "values" heat maps of a step's output tensors.
import type { Step } from '../../runtime/steps/step';
import { h } from '../dom';
import { drawHeatmap } from '../heatmap';
import { assertNever } from '../protocol';
import { numel, outputTensors } from '../values';
import { outputRow, previous, previousStep, seqName, seqOf, type DrawContext } from './context';
import { drawPad, drawUnpack } from './padding';
import { drawPack } from './packing';
import { drawSort, drawUnsort } from './order';
import { drawFinalState, drawRnn } from './rnn';
import { drawIndex, drawVocab } from './tokens';

export function drawStep(step: Step, ctx: DrawContext): HTMLElement | null {
  const d = step.details;
  switch (d.kind) {
    case 'vocab': return drawVocab(d);
    case 'index': return drawIndex(step, d);
    case 'pad': return drawPad(step, d, ctx);
    case 'sort': return drawSort(step, d);
    case 'embed': return null; // its drawing is the values heat map, with padding rows hatched
    case 'pack': return drawPack(step, d, ctx.palette);
    case 'rnn': return drawRnn(step, d);
    case 'unpack': return drawUnpack(step, d);
    case 'unsort': return drawUnsort(step, d, ctx);
    case 'final-state': return drawFinalState(step, d);
    case 'other': return null;
    default: return assertNever(d, 'step kind');
  }
}

/** Tensors up to this many elements are drawn when the card renders; larger ones when their section is opened. */
export const EAGER_VALUES = 4096;

/** The values section: one heat map per output tensor; large ones drawn lazily. */
export function drawValues(step: Step, ctx: DrawContext): HTMLElement | null {
  const tensors = outputTensors(step).filter((o) => o.tensor.dtype.startsWith('float') || o.tensor.shape.length >= 1);
  if (!tensors.length) return null;
  const packStep = step.details.kind === 'pack' ? step : previousStep(ctx, step, 'pack');
  const pack = packStep?.details.kind === 'pack' ? packStep.details : null;
  const lengths = lengthsFor(step, ctx);
  const sizes = tensors.map((o) => numel(o.tensor.shape));
  const total = sizes.reduce((a, n) => a + Math.max(0, n), 0);
  const count = `${tensors.length} tensor${tensors.length > 1 ? 's' : ''}`;
  const details = h('details', { class: 'values', ...(total <= EAGER_VALUES ? { open: true } : {}) },
    h('summary', {}, sizes.some((n) => n < 0) ? `values (${count}, sizes unknown: not computed)` : `values (${count}, ${total.toLocaleString('en')} numbers)`));
  const fill = (): void => {
    if (details.dataset.drawn) return;
    details.dataset.drawn = '1';
    for (const o of tensors) {
      const isPackedData = o.packed && pack !== null && pack.rowOrigin.length === o.tensor.shape[0];
      const batchFirst3 = o.tensor.shape.length === 3 && lengths !== null && lengths.length === o.tensor.shape[0];
      details.append(drawHeatmap({
        name: o.name, tensor: o.tensor, tooltip: ctx.tooltip, palette: ctx.palette,
        rowBand: isPackedData && pack && packStep ? (_blk, r) => ctx.palette.sequence[seqOf(packStep, pack.rowOrigin[r]?.[1] ?? 0) % 8]
          : batchFirst3 && step.rows ? (b) => ctx.palette.sequence[seqOf(step, outputRow(step, b)) % 8] : undefined,
        rowLabel: isPackedData && pack && packStep ? (_blk, r) => `t=${pack.rowOrigin[r]?.[0]}, batch row ${pack.rowOrigin[r]?.[1]}${packStep.rows ? ` = ${seqName(packStep, pack.rowOrigin[r]?.[1] ?? 0)}` : ''}`
          : batchFirst3 ? (b, r) => `batch row ${b}${step.rows ? ` = ${seqName(step, outputRow(step, b))}` : ''}, t=${r}${lengths && r >= lengths[b] ? ', padding' : ''}` : undefined,
        isPad: batchFirst3 && lengths ? (b, r) => r >= lengths[b] : undefined,
      }));
    }
  };
  if (details.open) fill();
  details.addEventListener('toggle', () => { if (details.open) fill(); });
  return details;
}

/** Per-row lengths in the layout of this step's batch-first outputs, when the run knows them. */
function lengthsFor(step: Step, ctx: DrawContext): number[] | null {
  const d = step.details;
  switch (d.kind) {
    case 'pad': case 'unpack': return d.lengths;
    case 'sort': return d.lengthsAfter;
    case 'rnn': return d.lengths;
    case 'embed': {
      const sort = previous(ctx, step, 'sort');
      const pad = previous(ctx, step, 'pad');
      const i = ctx.run.steps.indexOf(step);
      const sortIdx = sort ? ctx.run.steps.findIndex((x) => x.details === sort) : -1;
      const padIdx = pad ? ctx.run.steps.findIndex((x) => x.details === pad) : -1;
      if (sort && sortIdx > padIdx && sortIdx < i) return sort.lengthsAfter;
      return pad?.lengths ?? null;
    }
    case 'unsort': return previous(ctx, step, 'unpack')?.lengths ?? null;
    case 'vocab': case 'index': case 'pack': case 'final-state': case 'other': return null;
    default: return assertNever(d, 'step kind');
  }
}
