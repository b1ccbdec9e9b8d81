// What every drawing receives: the whole run (to look up neighbouring steps, e.g. the lengths an unsort restores),
// the shared tooltip and the theme palette; and how a batch row maps to its original sequence (colour and name follow
// the sequence through every card, via Step.rows).
import type { RunResult, Step, StepDetails } from '../../runtime/steps/step';
import { h, type Tooltip } from '../dom';
import type { Palette } from '../heatmap';

export interface DrawContext {
  run: RunResult;
  tooltip: Tooltip;
  palette: Palette;
}

/** The nearest step before `step` whose details have the given kind. */
export function previous<K extends StepDetails['kind']>(ctx: DrawContext, step: Step, kind: K): Extract<StepDetails, { kind: K }> | null {
  const i = ctx.run.steps.indexOf(step);
  for (let j = i - 1; j >= 0; j--) {
    const d = ctx.run.steps[j].details;
    if (d.kind === kind) return d as Extract<StepDetails, { kind: K }>;
  }
  return null;
}

/** The nearest step before `step` of the given kind. */
export function previousStep(ctx: DrawContext, step: Step, kind: StepDetails['kind']): Step | null {
  const i = ctx.run.steps.indexOf(step);
  for (let j = i - 1; j >= 0; j--) if (ctx.run.steps[j].details.kind === kind) return ctx.run.steps[j];
  return null;
}

/** CSS class giving the colour of original sequence `k` (8 theme chart colours, cycled). */
export function seqClass(k: number): string {
  return `seq-${k % 8}`;
}

/** The original sequence of batch row `b` of a step (Step.rows, in the order the batch enters the step); without
 *  rows, the row index itself (the colours then follow each step's own order). */
export function seqOf(step: Step, b: number): number {
  return step.rows?.[b]?.sequence ?? b;
}

/** Which entering row (index into Step.rows) row `b` of a step's OUTPUT is: a sort's or un-sort's output row k is
 *  its input row permutation[k]; every other step keeps its order. */
export function outputRow(step: Step, b: number): number {
  const d = step.details;
  return d.kind === 'sort' || d.kind === 'unsort' ? (d.permutation[b] ?? b) : b;
}

/** A sequence's name for legends and tooltips: its text when the run knows it ('tiny'), else "sequence k". */
export function seqName(step: Step, b: number): string {
  const r = step.rows?.[b];
  if (!r) return `row ${b}`;
  return r.label !== undefined ? `'${r.label}'` : `sequence ${r.sequence}`;
}

/** Colour key of a step's B batch rows in its order: swatch + name (+ length: "'tiny' · len 4"), first 16 rows. */
export function seqLegend(step: Step, B: number, lengths?: readonly number[]): HTMLElement {
  const shown = Array.from({ length: Math.min(B, 16) }, (_, b) => b);
  return h('div', { class: 'legend' }, ...shown.map((b) =>
    h('span', { class: `legend-item ${seqClass(seqOf(step, b))}`, 'data-seq': b, 'data-sequence': seqOf(step, b) }, h('span', { class: 'swatch' }),
      `${seqName(step, b)}${lengths ? ` · len ${lengths[b]}` : ''}`)),
  B > 16 ? h('span', { class: 'legend-item' }, `… ${B - 16} more rows`) : null);
}

/** Cell size for a grid of `cols` columns (and `rows` rows) so large batches stay compact. */
export function cellSize(cols: number, rows: number): number {
  return Math.max(5, Math.min(22, Math.floor(760 / Math.max(cols, 1)), Math.floor(1400 / Math.max(rows, 1))));
}
