// Reading the Step model's values in the page: tensor indexing, formatting, lookups of a step's named inputs/outputs.
import type { NamedValue, Step, TensorValue, Value } from '../runtime/steps/step';

export function isTensor(v: Value | undefined): v is TensorValue {
  return v !== undefined && v.kind === 'tensor';
}

/** Number of elements; -1 when a dim is unknown (-1 in shape-only Steps, whose sizes the run could not compute). */
export function numel(shape: readonly number[]): number {
  return shape.some((d) => d < 0) ? -1 : shape.reduce((a, b) => a * b, 1);
}

export function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = acc;
    acc *= shape[i];
  }
  return out;
}

/** Value at a full index, or null when the data were not sent (past the run's value limit). */
export function at(t: TensorValue, index: readonly number[]): number | null {
  if (!t.data) return null;
  const st = strides(t.shape);
  let off = 0;
  for (let i = 0; i < index.length; i++) off += index[i] * st[i];
  return t.data[off];
}

export function fmt(x: number | null): string {
  if (x === null) return '—';
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? x.toExponential(3) : x.toFixed(4);
}

export function shapeText(shape: readonly number[]): string {
  return `(${shape.map((d) => (d < 0 ? '?' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** The first tensor among the named values (a packed value gives its data), with its name. */
export function firstTensor(values: readonly NamedValue[]): { name: string; tensor: TensorValue } | null {
  for (const nv of values) {
    const t = tensorOf(nv.value);
    if (t) return { name: nv.name, tensor: t };
  }
  return null;
}

export function tensorOf(v: Value): TensorValue | null {
  switch (v.kind) {
    case 'tensor': return v;
    case 'packed': return v.data;
    case 'tuple': {
      for (const item of v.items) {
        const t = tensorOf(item);
        if (t) return t;
      }
      return null;
    }
    case 'python': return null;
  }
}

/** All tensors of a step's outputs (tuples flattened, packed as its data) with display names. */
export function outputTensors(step: Step): { name: string; tensor: TensorValue; packed: boolean }[] {
  const out: { name: string; tensor: TensorValue; packed: boolean }[] = [];
  const walk = (name: string, v: Value): void => {
    switch (v.kind) {
      case 'tensor': out.push({ name, tensor: v, packed: false }); break;
      case 'packed': out.push({ name: `${name}.data`, tensor: v.data, packed: true }); break;
      case 'tuple': v.items.forEach((item, i) => walk(`${name}[${i}]`, item)); break;
      case 'python': break;
    }
  };
  for (const nv of step.outputs) walk(nv.name, nv.value);
  return out;
}

export function findNamed(values: readonly NamedValue[], name: string): Value | undefined {
  return values.find((nv) => nv.name === name)?.value;
}

export function maxAbs(t: TensorValue): number {
  if (t.data) {
    let m = 0;
    for (const x of t.data) if (Math.abs(x) > m) m = Math.abs(x);
    return m;
  }
  return t.summary ? Math.max(Math.abs(t.summary.min), Math.abs(t.summary.max)) : 1;
}
