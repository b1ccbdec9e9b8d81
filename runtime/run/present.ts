// Turns runtime tensors and packed sequences into the plain JSON values of the Step model (runtime/steps/step.ts):
// data kept up to a value limit (above it: null data plus a min/max/mean summary), shapes formatted the way
// PyTorch prints them, and the one-line shape transformations ("(3, 8) → (3, 8, 4)") the Steps carry.
import { Tensor, type PackedSequence } from '../tensor/tensor';
import type { PackedValue, PythonValue, TensorValue, TupleValue, Value } from '../steps/step';

/** Tensors up to this many elements keep their values in a Step (the visualizer summarises larger ones). */
export const DEFAULT_VALUE_LIMIT = 4096;

export function tensorValue(t: Tensor, valueLimit = DEFAULT_VALUE_LIMIT): TensorValue {
  const out: TensorValue = { kind: 'tensor', shape: [...t.shape], dtype: t.dtype, data: null };
  if (t.numel <= valueLimit) {
    out.data = Array.from(t.data, (x) => (t.dtype === 'float32' ? Math.fround(x) : x));
  } else {
    out.summary = summarize(t);
  }
  return out;
}

export function summarize(t: Tensor): { min: number; max: number; mean: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < t.numel; i++) {
    const v = t.data[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return t.numel === 0 ? { min: 0, max: 0, mean: 0 } : { min, max, mean: sum / t.numel };
}

export function packedValue(p: PackedSequence, valueLimit = DEFAULT_VALUE_LIMIT): PackedValue {
  return {
    kind: 'packed',
    data: tensorValue(p.data, valueLimit),
    batchSizes: [...p.batchSizes],
    sortedIndices: p.sortedIndices ? [...p.sortedIndices] : null,
    unsortedIndices: p.unsortedIndices ? [...p.unsortedIndices] : null,
  };
}

export function tupleValue(items: Value[]): TupleValue {
  return { kind: 'tuple', items };
}

export function pythonValue(json: unknown, repr?: string): PythonValue {
  return { kind: 'python', repr: repr ?? pyRepr(json), json };
}

/** Python's repr of plain JSON data (lists, strings, numbers, dicts), bounded in length. */
export function pyRepr(v: unknown, budget = 400): string {
  const s = reprInner(v);
  return s.length > budget ? `${s.slice(0, budget - 1)}…` : s;
}

function reprInner(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(reprInner).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${reprInner(k)}: ${reprInner(x)}`).join(', ')}}`;
  }
  return String(v);
}

/** "(3, 8)" — PyTorch's torch.Size style, with "(5,)" for one dim and "()" for a scalar. */
/** A shape as PyTorch prints it; an unknown dimension (-1 in Step values) reads '?'. */
export function shapeText(shape: readonly number[]): string {
  const dims = shape.map((d) => (d < 0 ? '?' : String(d)));
  if (dims.length === 0) return '()';
  if (dims.length === 1) return `(${dims[0]},)`;
  return `(${dims.join(', ')})`;
}

/** The shape part of a Step value: a tensor's shape, a packed sequence's data shape, a tuple of those. */
export function valueShapeText(v: Value): string {
  switch (v.kind) {
    case 'tensor':
      return shapeText(v.shape);
    case 'packed':
      return `packed ${shapeText(v.data.shape)}`;
    case 'tuple':
      return `(${v.items.map(valueShapeText).join(', ')})`;
    case 'python':
      return Array.isArray(v.json) ? `list[${v.json.length}]` : typeof v.json === 'object' && v.json !== null ? 'dict' : typeof v.json;
  }
}

/** "(3, 8) → (3, 8, 4)" from the main input and output values. */
export function transformText(input: Value | null, output: Value | null): string {
  const a = input ? valueShapeText(input) : '';
  const b = output ? valueShapeText(output) : '';
  return a && b ? `${a} → ${b}` : a || b;
}
