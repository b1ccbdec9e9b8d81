// Helpers shared by the op rules: reading dims/ints/dtypes/size lists from abstract values, building tensor values
// (with data when known and small), dtype promotion, and PyTorch-style argument errors.
import { Tensor, type DType } from '../../tensor/tensor';
import { ShapeError, allKnown, dimProduct, type Dim, type Shape } from '../../shape/dim';
import {
  dimOf,
  int,
  tensor,
  type OpaqueValue,
  type TensorFacts,
  type TensorValueA,
  type Value,
} from '../../interp/values';
import type { OpArgs } from './registry';

/** Tensors up to this many elements keep their data when it is known. */
export const MAX_DATA = 4096;

export function dtypeValue(name: DType): OpaqueValue {
  return { k: 'opaque', cls: 'torch.dtype', attrs: new Map([['name', { k: 'str', v: name }]]) };
}

const DTYPE_NAMES: Record<string, DType> = {
  float32: 'float32', float: 'float32', float64: 'float64', double: 'float64', int64: 'int64', long: 'int64',
  int32: 'int32', int: 'int32', bool: 'bool', uint8: 'uint8', float16: 'float32', half: 'float32', bfloat16: 'float32',
};

/** torch dtype attribute names (torch.long, torch.float…) → DType. float16/bfloat16 are approximated as float32
 *  for data but the dtype name is only used for recording, so they map to null (unknown) instead. */
export function dtypeFromName(name: string): DType | null {
  if (name === 'float16' || name === 'half' || name === 'bfloat16') return null;
  return DTYPE_NAMES[name] ?? null;
}

/** The DType a value denotes (torch.long, 'int64', the Python types int/float/bool), or null. */
export function dtypeOf(v: Value | undefined): DType | null {
  if (!v) return null;
  if (v.k === 'opaque' && v.cls === 'torch.dtype') {
    const n = v.attrs.get('name');
    return n && n.k === 'str' && n.v ? (dtypeFromName(n.v) ?? null) : null;
  }
  if (v.k === 'str' && v.v) return dtypeFromName(v.v.replace(/^torch\./, '')) ?? null;
  if (v.k === 'builtin') {
    if (v.name === 'int') return 'int64';
    if (v.name === 'float') return 'float64';
    if (v.name === 'bool') return 'bool';
    if (v.name.startsWith('np.')) return dtypeFromName(v.name.slice(3)) ?? null;
  }
  return null;
}

export function isIntDtype(d: DType | null): boolean {
  return d === 'int64' || d === 'int32' || d === 'uint8';
}

export function isFloatDtype(d: DType | null): boolean {
  return d === 'float32' || d === 'float64';
}

export function isTensor(v: Value | undefined): v is TensorValueA {
  return v !== undefined && v.k === 'tensor';
}

export function requireTensor(a: OpArgs, v: Value | undefined, what = 'input'): TensorValueA | null {
  if (v === undefined) throw new ShapeError(`${a.op.replace(/^Tensor\./, '')}() missing required argument '${what}'`);
  if (v.k === 'tensor') return v;
  if (v.k === 'unknown') return null;
  return null;
}

/** A Python int argument (known or symbolic) as a dim. */
export function dimArg(v: Value | undefined): Dim {
  return v === undefined ? null : dimOf(v);
}

/** A known Python int, or null. */
export function intArg(v: Value | undefined): number | null {
  if (v === undefined) return null;
  const d = dimOf(v);
  return typeof d === 'number' ? d : null;
}

export function boolArg(v: Value | undefined, dflt: boolean): boolean | null {
  if (v === undefined) return dflt;
  if (v.k === 'bool') return v.v;
  if (v.k === 'int') return v.v === null ? null : v.v !== 0;
  if (v.k === 'none') return false;
  return null;
}

export function numArg(v: Value | undefined): number | null {
  if (v === undefined) return null;
  if (v.k === 'int' || v.k === 'float') return v.v;
  if (v.k === 'bool') return v.v === null ? null : v.v ? 1 : 0;
  if (v.k === 'tensor' && v.data && v.data.numel === 1) return v.data.data[0];
  return null;
}

/** Sizes given as varargs (`zeros(3, 4)`) or one sequence (`zeros((3, 4))`, `zeros(x.size())`); null if unknown. */
export function sizesArg(a: OpArgs, start: number, kw = 'size'): Dim[] | null {
  const first = a.get(start, kw);
  if (first === undefined) return a.args.length > start ? null : [];
  if (first.k === 'list' || first.k === 'tuple') {
    const items = a.services.items(first);
    return items ? items.map(dimOf) : null;
  }
  // a 0-d integer tensor stands for its value (torch.zeros(torch.tensor(5)) is (5,)); other tensors: unknown
  if (first.k === 'tensor' && !(first.shape !== null && first.shape.length === 0 && first.dtype !== null && first.dtype !== 'float32' && first.dtype !== 'float64')) return null;
  // one unknown argument may be a whole size tuple (`zeros(sizes)` of a parameter): not even the rank is known
  if (first.k === 'unknown' && a.args.length <= start + 1) return null;
  if (a.kwargs.has(kw)) return [dimOf(first)];
  return a.rest(start).map(dimOf);
}

/** Validates creation sizes like PyTorch ("negative dimension -1"). */
export function checkSizes(sizes: Dim[]): void {
  for (const d of sizes) {
    if (typeof d === 'number' && d < 0) throw new ShapeError(`Trying to create tensor with negative dimension ${d}: [${sizes.join(', ')}]`);
  }
}

export function makeTensor(shape: Shape, dtype: DType | null, facts?: TensorFacts): TensorValueA {
  return tensor(shape, dtype, { facts });
}

/** A tensor value with known data (kept only when small). */
export function withData(shape: number[], dtype: DType, data: ArrayLike<number>, facts?: TensorFacts): TensorValueA {
  const t = tensor([...shape], dtype, { facts });
  if (data.length <= MAX_DATA) t.data = new Tensor(shape, dtype, data);
  return t;
}

export function numelOf(shape: Shape): Dim {
  return shape === null ? null : dimProduct(shape);
}

export function knownShape(t: TensorValueA): number[] | null {
  return allKnown(t.shape) ? t.shape : null;
}

function category(d: DType): number {
  return d === 'bool' ? 0 : isIntDtype(d) ? 1 : 2;
}

/** Result dtype of a binary elementwise op (PyTorch's type promotion, simplified to the dtypes RNN Lens tracks).
 *  `aDims`/`bDims`: whether the operand is a dimensioned tensor (0-d tensors and Python scalars rank lower). */
export function promote(
  a: { dtype: DType | null; kind: 'tensor' | 'zerodim' | 'scalar' },
  b: { dtype: DType | null; kind: 'tensor' | 'zerodim' | 'scalar' },
): DType | null {
  if (a.dtype === null || b.dtype === null) return null;
  const ca = category(a.dtype);
  const cb = category(b.dtype);
  const rank = { tensor: 2, zerodim: 1, scalar: 0 } as const;
  if (ca !== cb) {
    const [hi, hiCat] = ca > cb ? [a, ca] : [b, cb];
    if (hi.kind === 'scalar') return hiCat === 2 ? 'float32' : hiCat === 1 ? 'int64' : 'bool';
    if (hi.kind === 'zerodim' && (ca > cb ? b : a).kind === 'tensor') {
      // a 0-d tensor of a higher category: default dtype of that category
      return hiCat === 2 ? (hi.dtype === 'float64' ? 'float32' : hi.dtype) : hi.dtype;
    }
    return hi.dtype;
  }
  if (rank[a.kind] !== rank[b.kind]) return rank[a.kind] > rank[b.kind] ? a.dtype : b.dtype;
  const order: DType[] = ['bool', 'uint8', 'int32', 'int64', 'float32', 'float64'];
  return order.indexOf(a.dtype) >= order.indexOf(b.dtype) ? a.dtype : b.dtype;
}

/** Elementwise binary op on known data with broadcasting (shapes already validated). */
export function broadcastData(
  x: Tensor,
  y: Tensor,
  outShape: number[],
  dtype: DType,
  f: (p: number, q: number) => number,
): Tensor | undefined {
  let n = 1;
  for (const d of outShape) n *= d;
  if (n > MAX_DATA) return undefined;
  const out = new Array<number>(n);
  const rank = outShape.length;
  const strides = (shape: readonly number[]): number[] => {
    const s = new Array<number>(rank).fill(0);
    let acc = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      const oi = rank - shape.length + i;
      s[oi] = shape[i] === 1 ? 0 : acc;
      acc *= shape[i];
    }
    return s;
  };
  const sx = strides(x.shape);
  const sy = strides(y.shape);
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let ox = 0;
    let oy = 0;
    for (let i = 0; i < rank; i++) {
      ox += idx[i] * sx[i];
      oy += idx[i] * sy[i];
    }
    out[k] = f(x.data[ox], y.data[oy]);
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i] < outShape[i]) break;
      idx[i] = 0;
    }
  }
  return new Tensor(outShape, dtype, out);
}

export function scalarTensorData(v: number, dtype: DType): Tensor {
  return new Tensor([], dtype, [v]);
}

export { int };
