// Compact inlay-hint labels (pure, no vscode import: unit-tested in test/unit/inlay-label.test.ts). VS Code cuts inlay
// hints longer than editor.inlayHints.maximumLength (43 characters by default, with our ": " prefix), which left a
// PackedSequence's hint at `packed data (18, 4) batch_sizes [3,3,3,…`. Here a label is made to fit instead:
//   PackedSequence  → `packed (18, 4) bs[3,3,3,3,2,2,1,1]`, long batch_sizes run-length encoded
//                     (`bs[3×10,2×20,1×20]`, lossless: batch_sizes never increase), cut with … only if still too long;
//   (h_n, c_n)      → `(h_n (1, 3, 5), c_n (1, 3, 5))`, the hover's own words, when they fit;
//   anything else   → the engine's label, cut with … past the limit.
// On a line with several hints (VS Code's limit is per line) the longest fall back to a short form (fitLine).
// The tooltip always carries the full hover text (for a PackedSequence with every batch size, which the hover cuts
// after 24).
import type { RecordBody } from '../../runtime/analysis/api';

/** Characters a label may have so that `: ${label}` fits VS Code's default maximum inlay-hint length (43). */
export const MAX_INLAY_LABEL = 41;

export interface CompactHint {
  label: string;
  /** A shorter label for a line with several hints (a PackedSequence's shape alone, the state tuple's bare shapes). */
  short?: string;
  /** The full description (`packed_input: PackedSequence data (18, 4) batch_sizes [3,3,3,3,2,2,1,1]`). */
  tooltip: string;
}

const NAMED_STATE = /^\(h_n \(.*\), c_n \(.*\)\)$/;

/** `[3,3,3,3,2,2,1,1]` → `3×4,2×2,1×2`. */
export function runLength(items: readonly string[]): string {
  const runs: string[] = [];
  for (let i = 0; i < items.length; ) {
    let j = i;
    while (j < items.length && items[j] === items[i]) j++;
    runs.push(j - i > 1 ? `${items[i]}×${j - i}` : items[i]);
    i = j;
  }
  return runs.join(',');
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function fmtDim(d: number | string | null): string {
  return d === null ? '?' : String(d);
}

function fmtShape(dims: readonly (number | string | null)[]): string {
  return dims.length === 1 ? `(${fmtDim(dims[0])},)` : `(${dims.map(fmtDim).join(', ')})`;
}

/**
 * @param label   the engine's inlay label (runtime/analysis/api.ts inlayLabel)
 * @param name    the assigned name
 * @param text    the engine's hover description of the value (describeValue), when known
 * @param record  the engine's record of the value (full batch_sizes of a PackedSequence), when known
 */
export function compactInlayLabel(label: string, name: string, text: string | undefined, record?: RecordBody, max = MAX_INLAY_LABEL): CompactHint {
  if (record && record.kind === 'packed' && record.data_shape && record.batch_sizes) {
    const shape = fmtShape(record.data_shape);
    const items = record.batch_sizes.map(fmtDim);
    const tooltip = `${name}: PackedSequence data ${shape} batch_sizes [${items.join(',')}]`;
    const plain = `packed ${shape} bs[${items.join(',')}]`;
    const short = `packed ${shape}`;
    if (plain.length <= max) return { label: plain, short, tooltip };
    const rle = `packed ${shape} bs[${runLength(items)}]`;
    if (rle.length <= max) return { label: rle, short, tooltip };
    return { label: `${cut(rle.slice(0, -1), max - 1)}]`, short, tooltip };
  }
  const tooltip = `${name}: ${text ?? label}`;
  if (text && NAMED_STATE.test(text) && text.length <= max) return { label: text, short: cut(label, max), tooltip };
  return { label: cut(label, max), tooltip };
}

/**
 * VS Code's maximum inlay-hint length counts all the hints of a LINE together (each with our ": " prefix): on a line
 * with several hints (`packed_output, (ht, ct) = lstm(packed_input)`) the longest ones fall back to their short form
 * until the line fits, so no hint is cut in the middle. Returns the label to show for each hint, in order.
 */
export function fitLine(hints: readonly CompactHint[], max = MAX_INLAY_LABEL + 2): string[] {
  const labels = hints.map((h) => h.label);
  const total = (): number => labels.reduce((n, l) => n + l.length + 2, 0);
  while (total() > max) {
    let longest = -1;
    for (let i = 0; i < hints.length; i++) {
      const short = hints[i].short;
      if (short !== undefined && labels[i] !== short && short.length < labels[i].length && (longest < 0 || labels[i].length > labels[longest].length)) longest = i;
    }
    if (longest < 0) break;
    labels[longest] = hints[longest].short!;
  }
  return labels;
}
