// What every drawing receives: the whole run (to look up neighbouring steps, e.g. the lengths an unsort restores),
// the shared tooltip and the theme palette.
import type { RunResult, Step, StepDetails } from '../../runtime/steps/step';
import type { Tooltip } from '../dom';
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

/** CSS class giving the colour of original batch row `b` (8 theme chart colours, cycled). */
export function seqClass(b: number): string {
  return `seq-${b % 8}`;
}

/** Cell size for a grid of `cols` columns (and `rows` rows) so large batches stay compact. */
export function cellSize(cols: number, rows: number): number {
  return Math.max(5, Math.min(22, Math.floor(760 / Math.max(cols, 1)), Math.floor(1400 / Math.max(rows, 1))));
}
