// Dims and shapes of the static shape engine, and their lattice.
// A Dim is known (a number), symbolic (a string naming where it came from: "B", "T", "len(batch)", "2*H") or
// unknown (null). A Shape is a list of dims, or null when even the rank is unknown. join() is the least upper bound
// used where control flow merges (if/else branches, loop iterations): equal dims stay, different dims become unknown.
// Nothing here ever guesses: arithmetic on an unknown dim is unknown, on a symbolic dim it stays symbolic.

export type Dim = number | string | null;
export type Shape = Dim[] | null;

/** A user-facing shape error with PyTorch's message; the interpreter locates it at the call that raised it. */
export class ShapeError extends Error {
  constructor(message: string, readonly code = 'RNNL-SHAPE') {
    super(message);
  }
}

export function isKnown(d: Dim): d is number {
  return typeof d === 'number';
}

export function allKnown(shape: Shape): shape is number[] {
  return shape !== null && shape.every((d) => typeof d === 'number');
}

export function joinDim(a: Dim, b: Dim): Dim {
  return a === b ? a : null;
}

export function joinShape(a: Shape, b: Shape): Shape {
  if (a === null || b === null || a.length !== b.length) return null;
  return a.map((d, i) => joinDim(d, b[i]));
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Two dims that cannot be the same size at run time (both known and different). Symbolic/unknown never conflict. */
export function dimsConflict(a: Dim, b: Dim): boolean {
  return typeof a === 'number' && typeof b === 'number' && a !== b;
}

/** Longest symbolic dim text kept: a longer expression (a size doubled in a loop, `h = h*b + h` sixty times, grows
 *  exponentially) becomes unknown, which bounds memory and keeps hovers readable. */
export const MAX_SYMBOL_CHARS = 64;

/** A symbolic dim from an expression's text, or unknown when the text is too long to be of use. */
export function symbolic(text: string): Dim {
  return text.length <= MAX_SYMBOL_CHARS ? text : null;
}

function symText(d: Dim): string {
  if (typeof d === 'string') return /^[\w.()[\]]+$/.test(d) ? d : `(${d})`;
  return String(d);
}

/** A product operand: atoms and products stay bare (B*T*H), sums and quotients get parentheses. */
function factorText(d: Dim): string {
  return typeof d === 'string' && isProduct(d) ? d : symText(d);
}

/** A symbolic dim that is a plain product of atoms (`B*T`, `2*hid`). */
function isProduct(d: string): boolean {
  return /^[\w.]+(?:\([\w.]*\))?(?:\*[\w.]+(?:\([\w.]*\))?)*$/.test(d);
}

/** The factors of a dim: `B*T` → [B, T]; a number or any other symbol is its own only factor. */
export function dimFactors(d: Dim): Dim[] {
  if (typeof d !== 'string' || !isProduct(d) || !d.includes('*')) return [d];
  return d.split('*').map((f) => (/^\d+$/.test(f) ? Number(f) : f));
}

export function dimAdd(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === null || b === null) return null;
  if (a === 0) return b;
  if (b === 0) return a;
  if (typeof b === 'number' && b < 0) return dimSub(a, -b);
  // the same size twice: H+H is 2*H
  if (a === b) return dimMul(2, a);
  return symbolic(`${symText(a)}+${symText(b)}`);
}

export function dimSub(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a === null || b === null) return null;
  if (b === 0) return a;
  if (a === b) return 0;
  return symbolic(`${symText(a)}-${symText(b)}`);
}

export function dimMul(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (a === 0 || b === 0) return 0;
  if (a === null || b === null) return null;
  if (a === 1) return b;
  if (b === 1) return a;
  return symbolic(`${factorText(a)}*${factorText(b)}`);
}

/** Floor division, only when exact knowledge allows it. */
export function dimFloorDiv(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return b === 0 ? null : Math.floor(a / b);
  if (b === 1) return a;
  if (a === null || b === null) return null;
  return symbolic(`${symText(a)}//${symText(b)}`);
}

/** Product of dims (numel); null when any dim is unknown. */
export function dimProduct(dims: readonly Dim[]): Dim {
  let p: Dim = 1;
  for (const d of dims) p = dimMul(p, d);
  return p;
}

export function formatDim(d: Dim): string {
  return d === null ? '?' : String(d);
}

/** Pylance-like compact shape: (3, 8), (5,), (), (B, ?, 5); '?' for an unknown rank. */
export function formatShape(shape: Shape): string {
  if (shape === null) return '(?)';
  if (shape.length === 1) return `(${formatDim(shape[0])},)`;
  return `(${shape.map(formatDim).join(', ')})`;
}

/** Normalises a possibly negative dim index against a rank, with PyTorch's message when out of range. */
export function normalizeDimIndex(dim: number, rank: number): number {
  const lo = rank === 0 ? -1 : -rank;
  const hi = rank === 0 ? 0 : rank - 1;
  if (dim < lo || dim > hi) {
    throw new ShapeError(`Dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${dim})`);
  }
  return dim < 0 ? dim + Math.max(rank, 1) : dim;
}

/** NumPy/PyTorch broadcasting of two shapes, with PyTorch's error for incompatible known sizes. */
export function broadcastShapes(a: Shape, b: Shape): Shape {
  if (a === null || b === null) return null;
  const n = Math.max(a.length, b.length);
  const out: Dim[] = new Array(n);
  // from the last dim backwards, like PyTorch (so the reported mismatch is the same one)
  for (let i = n - 1; i >= 0; i--) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === 1) out[i] = db;
    else if (db === 1) out[i] = da;
    else if (da === db) out[i] = da;
    else if (typeof da === 'number' && typeof db === 'number') {
      throw new ShapeError(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`,
      );
    } else if (typeof da === 'number' || typeof db === 'number') {
      // one side known (not 1), the other symbolic/unknown: if the program runs, the other side is 1 or equal, so
      // the known size is the result.
      out[i] = typeof da === 'number' ? da : db;
    } else {
      out[i] = null;
    }
  }
  return out;
}
