// Follows each sequence of the batch through the recognised Steps (runtime/steps/step.ts `Step.rows`): which original
// sequence every batch row of a step is, so the visualizer keeps one colour and one name per sequence from padding
// to the final state. Identity at the first batched step; a sort re-maps the rows by its permutation, an un-sort by
// its own; pack/unpack keep the caller's order (enforce_sorted=False sorts only inside the PackedSequence). Labels
// come from the indexing step when the padded rows are verifiably its index lists (the source string or tokens).
import type { Step, StepRow, TensorValue } from '../steps/step';

const LABEL_MAX = 40;

/** Returns the steps with `rows` filled in where the batch rows can be followed (steps in source order). */
export function assignRows(steps: Step[]): Step[] {
  let cur: StepRow[] | null = null;
  let lastIndex: Extract<Step['details'], { kind: 'index' }> | null = null;
  return steps.map((step, i) => {
    const d = step.details;
    const B = batchOf(step);
    const entering = (): StepRow[] | null => (B === null ? null : cur && cur.length === B ? cur : identity(B));
    let rows: StepRow[] | null = null;
    switch (d.kind) {
      case 'vocab':
      case 'other':
        break;
      case 'index':
        lastIndex = d;
        rows = d.sequences.map((s, k) => withLabel(k, labelOf(s.tokens)));
        cur = rows;
        break;
      case 'pad':
        rows = padRows(step, d, lastIndex);
        cur = rows;
        break;
      case 'sort': {
        rows = entering();
        const next = steps[i + 1];
        const insidePack = next?.details.kind === 'pack' && sameSpan(next, step);
        // a sort inside pack_padded_sequence(enforce_sorted=False) does not change the order the caller sees
        if (rows && !insidePack) cur = d.permutation.map((k) => rows![k]);
        break;
      }
      case 'unsort': {
        const prev = steps[i - 1];
        const insideUnpack = prev?.details.kind === 'unpack' && sameSpan(prev, step);
        const sortedIdx = insideUnpack ? packedSortedIndices(prev) : null;
        // inside pad_packed_sequence the rows enter in the packed (sorted) order; the output is the caller's order
        if (insideUnpack && sortedIdx && cur && cur.length === sortedIdx.length) rows = sortedIdx.map((k) => cur![k]);
        else if (!insideUnpack) rows = entering();
        if (rows && !insideUnpack) cur = d.permutation.map((k) => rows![k]);
        break;
      }
      case 'embed': {
        // a batched index tensor, batch-first or time-first: the rows followed so far if one of its dims matches
        const x = firstTensor(step.inputs);
        // (no rows followed yet: which dim is the batch is unknown, so none are claimed)
        if (cur && x && x.shape.length >= 2 && (x.shape[0] === cur.length || x.shape[1] === cur.length)) rows = cur;
        break;
      }
      case 'pack':
      case 'rnn':
      case 'unpack':
      case 'final-state':
        rows = entering();
        if (rows) cur = rows;
        break;
      default: {
        const never: never = d;
        throw new Error(`unhandled step kind ${(never as { kind: string }).kind}`);
      }
    }
    return rows ? { ...step, rows } : step;
  });
}

function identity(B: number): StepRow[] {
  return Array.from({ length: B }, (_, k) => ({ sequence: k }));
}

function withLabel(sequence: number, label: string | null): StepRow {
  return label === null ? { sequence } : { sequence, label };
}

/** The text of a token list: characters joined ('tiny'), words joined by spaces; null for plain numbers. */
export function labelOf(tokens: readonly (string | number)[]): string | null {
  if (tokens.length === 0 || !tokens.every((t) => typeof t === 'string')) return null;
  const strs = tokens as string[];
  const text = strs.every((t) => t.length === 1) ? strs.join('') : strs.join(' ');
  return text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text;
}

const sameSpan = (a: Step, b: Step): boolean =>
  a.span.line === b.span.line && a.span.col === b.span.col && a.span.endLine === b.span.endLine && a.span.endCol === b.span.endCol && a.span.cell === b.span.cell;

function firstTensor(values: Step['inputs']): TensorValue | null {
  for (const nv of values) {
    if (nv.value.kind === 'tensor') return nv.value;
    if (nv.value.kind === 'tuple' && nv.value.items[0]?.kind === 'tensor') return nv.value.items[0];
  }
  return null;
}

function packedSortedIndices(step: Step): number[] | null {
  for (const nv of step.inputs) if (nv.value.kind === 'packed') return nv.value.sortedIndices;
  return null;
}

/** The batch size of a step, when its details say it (embeddings are handled by their input's dims). */
function batchOf(step: Step): number | null {
  const d = step.details;
  switch (d.kind) {
    case 'index': return d.sequences.length;
    case 'pad': case 'pack': case 'rnn': case 'unpack': return d.lengths.length;
    case 'sort': case 'unsort': return d.permutation.length;
    case 'final-state': {
      if (d.equalsOutputStep.length) return d.equalsOutputStep.length;
      // h_n among the inputs: (layers × directions, batch, hidden)
      const hn = step.inputs.map((nv) => nv.value).find((v): v is TensorValue => v.kind === 'tensor' && v.shape.length === 3 && v.shape[0] === d.numLayers * d.numDirections);
      return hn ? hn.shape[1] : null;
    }
    case 'embed': case 'vocab': case 'other': return null;
    default: {
      const never: never = d;
      throw new Error(`unhandled step kind ${(never as { kind: string }).kind}`);
    }
  }
}

/** Rows of a padded batch: the caller's sequences in order; labelled when each row's real part equals the index
 *  list of the indexing step (checked on the data, so a re-ordered list is recognised or left unlabelled). */
function padRows(step: Step, d: Extract<Step['details'], { kind: 'pad' }>, index: Extract<Step['details'], { kind: 'index' }> | null): StepRow[] {
  const B = d.lengths.length;
  const plain = identity(B);
  const out = firstTensor(step.outputs);
  if (!index || !out || !out.data || out.shape.length < 2) return plain;
  const T = out.shape[d.batchFirst ? 1 : 0];
  const inner = out.shape.slice(2).reduce((a, c) => a * c, 1);
  if (inner !== 1 || out.shape[d.batchFirst ? 0 : 1] !== B) return plain;
  const used = new Set<number>();
  const rows: StepRow[] = [];
  for (let b = 0; b < B; b++) {
    const row = Array.from({ length: Math.min(d.lengths[b], T) }, (_, t) => out.data![d.batchFirst ? b * T + t : t * B + b]);
    const j = index.sequences.findIndex((s, k) => !used.has(k) && s.indices.length === row.length && s.indices.every((x, t) => x === row[t]));
    if (j < 0) return plain;
    used.add(j);
    rows.push(withLabel(j, labelOf(index.sequences[j].tokens)));
  }
  return rows;
}
