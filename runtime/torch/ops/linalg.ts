// Matrix products: matmul / `@` (with batch broadcasting), mm, bmm, mv, dot, F.linear, einsum (unknown unless
// trivially known), with PyTorch's messages for mismatched inner dims; distances (cdist, pairwise_distance,
// cosine_similarity).
import { ShapeError, broadcastShapes, normalizeDimIndex, type Dim } from '../../shape/dim';
import { tensor, type TensorValueA, type Value } from '../../interp/values';
import type { OpArgs, OpRegistry } from './registry';

function d2(d: Dim): string {
  return d === null ? '?' : String(d);
}

function clash(a: Dim, b: Dim): boolean {
  return typeof a === 'number' && typeof b === 'number' && a !== b;
}

function dt(a: TensorValueA, b: TensorValueA): TensorValueA['dtype'] {
  if (a.dtype && b.dtype && a.dtype !== b.dtype) {
    throw new ShapeError(`expected scalar type ${scalarName(a.dtype)} but found ${scalarName(b.dtype)}`);
  }
  return a.dtype ?? b.dtype;
}

function scalarName(d: string): string {
  return ({ float32: 'Float', float64: 'Double', int64: 'Long', int32: 'Int', bool: 'Bool', uint8: 'Byte' } as Record<string, string>)[d] ?? d;
}

export function matmulValues(a: Value, b: Value): Value {
  if (a.k !== 'tensor' || b.k !== 'tensor') return tensor(null, null);
  const s = a.shape;
  const t = b.shape;
  const dtype = dt(a, b);
  if (s === null || t === null) return tensor(null, dtype);
  if (s.length === 0 || t.length === 0) throw new ShapeError(`both arguments to matmul need to be at least 1D, but they are ${s.length}D and ${t.length}D`);
  if (s.length === 1 && t.length === 1) {
    if (clash(s[0], t[0])) throw new ShapeError(`inconsistent tensor size, expected tensor [${d2(s[0])}] and src [${d2(t[0])}] to have the same number of elements, but got ${d2(s[0])} and ${d2(t[0])} elements respectively`);
    return tensor([], dtype);
  }
  if (s.length === 2 && t.length === 1) {
    if (clash(s[1], t[0])) throw new ShapeError(`size mismatch, got input (${d2(s[0])}), mat (${d2(s[0])}x${d2(s[1])}), vec (${d2(t[0])})`);
    return tensor([s[0]], dtype);
  }
  if (s.length === 1 && t.length === 2) {
    if (clash(s[0], t[0])) throw new ShapeError(`size mismatch, got input (${d2(t[1])}), mat (${d2(t[1])}x${d2(t[0])}), vec (${d2(s[0])})`);
    return tensor([t[1]], dtype);
  }
  if (s.length === 2 && t.length === 2) {
    if (clash(s[1], t[0])) throw new ShapeError(`mat1 and mat2 shapes cannot be multiplied (${d2(s[0])}x${d2(s[1])} and ${d2(t[0])}x${d2(t[1])})`);
    return tensor([s[0], t[1]], dtype);
  }
  // batched
  const sa = s.length === 1 ? [1, s[0]] : s;
  const tb = t.length === 1 ? [t[0], 1] : t;
  const n = sa[sa.length - 2];
  const k1 = sa[sa.length - 1];
  const k2 = tb[tb.length - 2];
  const m = tb[tb.length - 1];
  if (clash(k1, k2)) {
    const rows = sa.slice(0, -1).reduce<Dim>((p, q) => (typeof p === 'number' && typeof q === 'number' ? p * q : null), 1);
    if (t.length === 2) throw new ShapeError(`mat1 and mat2 shapes cannot be multiplied (${d2(rows)}x${d2(k1)} and ${d2(k2)}x${d2(m)})`);
    throw new ShapeError(`Expected size for first two dimensions of batch2 tensor to be: [${d2(sa[0])}, ${d2(k1)}] but got: [${d2(tb[0])}, ${d2(k2)}].`);
  }
  const batch = broadcastShapes(sa.slice(0, -2), tb.slice(0, -2));
  if (batch === null) return tensor(null, dtype);
  const out: Dim[] = [...batch];
  if (s.length > 1) out.push(n);
  if (t.length > 1) out.push(m);
  return tensor(out, dtype);
}

function mm(a: OpArgs): Value {
  const x = a.get(0, 'input');
  const y = a.get(1, 'mat2');
  if (!x || !y || x.k !== 'tensor' || y.k !== 'tensor') return tensor(null, null);
  if (x.shape && x.shape.length !== 2) throw new ShapeError(`self must be a matrix`);
  if (y.shape && y.shape.length !== 2) throw new ShapeError(`mat2 must be a matrix`);
  return matmulValues(x, y);
}

function bmm(a: OpArgs): Value {
  const x = a.get(0, 'input');
  const y = a.get(1, 'mat2');
  if (!x || !y || x.k !== 'tensor' || y.k !== 'tensor') return tensor(null, null);
  if (x.shape && x.shape.length !== 3) throw new ShapeError(`batch1 must be a 3D tensor`);
  if (y.shape && y.shape.length !== 3) throw new ShapeError(`batch2 must be a 3D tensor`);
  if (x.shape && y.shape) {
    const [b1, n, k1] = x.shape;
    const [b2, k2, m] = y.shape;
    if (clash(b1, b2) || clash(k1, k2)) {
      throw new ShapeError(`Expected size for first two dimensions of batch2 tensor to be: [${d2(b1)}, ${d2(k1)}] but got: [${d2(b2)}, ${d2(k2)}].`);
    }
    return tensor([typeof b1 === 'number' ? b1 : b2, n, m], dt(x, y));
  }
  return tensor(null, dt(x, y));
}

/** y = x W^T + b for x (*, in), W (out, in). */
export function linearShape(x: TensorValueA, inF: Dim, outF: Dim): TensorValueA {
  if (x.shape === null) return tensor(null, x.dtype);
  if (x.shape.length === 0) throw new ShapeError('both arguments to linear need to be at least 1D, but they are 0D and 2D');
  const last = x.shape[x.shape.length - 1];
  if (clash(last, inF)) {
    const rows = x.shape.length === 1 ? 1 : x.shape.slice(0, -1).reduce<Dim>((p, q) => (typeof p === 'number' && typeof q === 'number' ? p * q : null), 1);
    if (x.shape.length === 1) throw new ShapeError(`size mismatch, got input (${d2(outF)}), mat (${d2(outF)}x${d2(inF)}), vec (${d2(last)})`);
    throw new ShapeError(`mat1 and mat2 shapes cannot be multiplied (${d2(rows)}x${d2(last)} and ${d2(inF)}x${d2(outF)})`);
  }
  if (x.dtype && x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new ShapeError(`expected scalar type Float but found ${scalarName(x.dtype)}`);
  }
  return tensor([...x.shape.slice(0, -1), outF], x.dtype);
}

export function register(reg: OpRegistry): void {
  reg.fnAndMethod(['matmul'], (a) => matmulValues(a.get(0, 'input') ?? tensor(null, null), a.get(1, 'other') ?? tensor(null, null)));
  reg.fnAndMethod(['mm'], mm);
  reg.fnAndMethod(['bmm'], bmm);
  reg.fnAndMethod(['mv'], (a) => matmulValues(a.get(0, 'input') ?? tensor(null, null), a.get(1, 'vec') ?? tensor(null, null)));
  reg.fnAndMethod(['dot'], () => tensor([], 'float32'));
  reg.def('F.linear', (a) => {
    const x = a.get(0, 'input');
    const w = a.get(1, 'weight');
    if (!x || x.k !== 'tensor' || !w || w.k !== 'tensor' || !w.shape || w.shape.length !== 2) return tensor(null, x && x.k === 'tensor' ? x.dtype : null);
    return linearShape(x, w.shape[1], w.shape[0]);
  });
  reg.fnAndMethod(['outer', 'ger'], (a) => {
    const x = a.get(0, 'input');
    const y = a.get(1, 'vec2');
    if (!x || !y || x.k !== 'tensor' || y.k !== 'tensor' || !x.shape || !y.shape) return tensor(null, null);
    return tensor([x.shape[0], y.shape[0]], x.dtype);
  });
  // cdist: (…, P, M) and (…, R, M) → (…, P, R), batch dims broadcast
  reg.def('torch.cdist', (a) => {
    const x = a.get(0, 'x1');
    const y = a.get(1, 'x2');
    if (!x || !y || x.k !== 'tensor' || y.k !== 'tensor') return tensor(null, null);
    const dtype = x.dtype ?? y.dtype;
    if (!x.shape || !y.shape) return tensor(null, dtype);
    if (x.shape.length < 2) throw new ShapeError(`cdist only supports at least 2D tensors, X1 got: ${x.shape.length}D`);
    if (y.shape.length < 2) throw new ShapeError(`cdist only supports at least 2D tensors, X2 got: ${y.shape.length}D`);
    const m1 = x.shape[x.shape.length - 1];
    const m2 = y.shape[y.shape.length - 1];
    if (clash(m1, m2)) throw new ShapeError(`X1 and X2 must have the same number of columns. X1: ${m1} X2: ${m2}`);
    const batch = broadcastShapes(x.shape.slice(0, -2), y.shape.slice(0, -2));
    return tensor(batch ? [...batch, x.shape[x.shape.length - 2], y.shape[y.shape.length - 2]] : null, dtype);
  });
  // pairwise_distance: ‖x1 − x2 + eps‖_p over the last dim of the broadcast shape (keepdim keeps it as 1)
  reg.def(['F.pairwise_distance', 'torch.pairwise_distance'], (a) => {
    const x = a.get(0, 'x1');
    const y = a.get(1, 'x2');
    if (!x || !y || x.k !== 'tensor' || y.k !== 'tensor') return tensor(null, null);
    const dtype = x.dtype ?? y.dtype;
    const keep = a.get(4, 'keepdim');
    const shape = broadcastShapes(x.shape, y.shape);
    if (!shape || shape.length === 0 || (keep && keep.k !== 'bool')) return tensor(null, dtype);
    return tensor(keep && keep.v ? [...shape.slice(0, -1), 1] : shape.slice(0, -1), dtype);
  });
  // cosine_similarity: the broadcast shape without `dim` (default 1)
  reg.def(['F.cosine_similarity', 'torch.cosine_similarity'], (a) => {
    const x = a.get(0, 'x1');
    const y = a.get(1, 'x2');
    if (!x || !y || x.k !== 'tensor' || y.k !== 'tensor') return tensor(null, null);
    const dtype = x.dtype ?? y.dtype;
    const dV = a.get(2, 'dim');
    const d = dV === undefined ? 1 : dV.k === 'int' ? dV.v : null;
    const shape = broadcastShapes(x.shape, y.shape);
    if (!shape || d === null) return tensor(null, dtype);
    const i = normalizeDimIndex(d, shape.length);
    return tensor(shape.filter((_, j) => j !== i), dtype);
  });
}
