// Reductions and sorting: sum/mean/prod/std/var/norm/logsumexp/all/any over dims (int or list) with keepdim,
// max/min/argmax/argmin (values+indices namedtuple with a dim, 0-d without), sort/argsort/topk/kthvalue with
// PyTorch's exact tie order (runtime/torch/sort.ts emulates its std::sort), and the
// loss functions (F.* and nn.*Loss with reduction='mean' → 0-d).
import { ShapeError, broadcastShapes, normalizeDimIndex, type Dim } from '../../shape/dim';
import { Tensor, type DType } from '../../tensor/tensor';
import { int, float, tensor, tuple, type TensorValueA, type Value } from '../../interp/values';
import { boolArg, dimArg as dimArgOf, dtypeOf, intArg, isFloatDtype, withData } from './common';
import type { OpArgs, OpRegistry } from './registry';
import { torchSort } from '../sort';
import { tensorBinary } from './elementwise';

function x0(a: OpArgs): TensorValueA | null {
  const x = a.get(0, 'input');
  return x && x.k === 'tensor' ? x : null;
}

/** Reduced shape over `dims` (null = all). */
function reduceShape(shape: Dim[], dims: number[] | null, keepdim: boolean): Dim[] {
  if (dims === null) return keepdim ? shape.map(() => 1) : [];
  const set = new Set(dims.map((d) => normalizeDimIndex(d, shape.length)));
  if (keepdim) return shape.map((d, i) => (set.has(i) ? 1 : d));
  return shape.filter((_, i) => !set.has(i));
}

function dimsArg(v: Value | undefined, a: OpArgs): number[] | null | 'unknown' {
  if (v === undefined || v.k === 'none') return null;
  if (v.k === 'list' || v.k === 'tuple') {
    const its = a.services.items(v);
    if (!its) return 'unknown';
    const ns = its.map(intArg);
    return ns.some((n) => n === null) ? 'unknown' : (ns as number[]);
  }
  const n = intArg(v);
  return n === null ? 'unknown' : [n];
}

function reduce(dtypeRule: (d: DType | null) => DType | null, computeAll?: (vals: number[]) => number) {
  return (a: OpArgs): Value => {
    const x = x0(a);
    if (!x) return tensor(null, null);
    const dims = dimsArg(a.get(1, 'dim'), a);
    const keep = boolArg(a.get(2, 'keepdim'), false);
    const dt = dtypeOf(a.get(-1, 'dtype')) ?? dtypeRule(x.dtype);
    if (x.shape === null || dims === 'unknown' || keep === null) return tensor(null, dt, { numpy: x.numpy });
    const shape = reduceShape(x.shape, dims, keep);
    if (dims === null && !keep && computeAll && x.data && dt) return withData([], dt, [computeAll(x.data.toArray())]);
    // over some dims: integer results only (exact; float sums would round differently from PyTorch's float32)
    if (dims !== null && computeAll && x.data && dt && !isFloatDtype(dt) && !x.numpy && x.data.shape.length === x.shape.length) {
      const vals = reduceData(x.data.shape, x.data.toArray(), dims, computeAll);
      if (vals && shape.every((d) => typeof d === 'number')) return withData(shape as number[], dt, vals);
    }
    return tensor(shape, dt, { numpy: x.numpy });
  };
}

/** Row-major data reduced over `dims` (output in row-major order of the kept dims). */
function reduceData(shape: readonly number[], vals: number[], dims: number[], f: (v: number[]) => number): number[] | null {
  const rank = shape.length;
  const red = new Set(dims.map((d) => normalizeDimIndex(d, Math.max(rank, 1))));
  const outDims = shape.map((n, i) => (red.has(i) ? 1 : n));
  const outN = outDims.reduce((p, q) => p * q, 1);
  const groups: number[][] = Array.from({ length: outN }, () => []);
  const idx = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < vals.length; flat++) {
    let o = 0;
    for (let i = 0; i < rank; i++) o = o * outDims[i] + (red.has(i) ? 0 : idx[i]);
    groups[o].push(vals[flat]);
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return groups.map(f);
}

const sumDtype = (d: DType | null): DType | null => (d === null ? null : isFloatDtype(d) ? d : 'int64');
const meanDtype = (d: DType | null): DType | null => {
  if (d !== null && !isFloatDtype(d)) throw new ShapeError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${d === 'int64' ? 'Long' : d === 'int32' ? 'Int' : d === 'bool' ? 'Bool' : 'Byte'}`);
  return d;
};

/** PyTorch's CPU sort order of known values (torch.sort's exact tie order, from runtime/torch/sort.ts). */
export function sortOrder(vals: number[], descending: boolean): number[] {
  return torchSort(vals, descending).indices;
}

function maxMin(kind: 'max' | 'min') {
  return (a: OpArgs): Value => {
    const x = x0(a);
    const other = a.get(1, 'dim');
    if (!x) return tensor(null, null);
    if (other && other.k === 'tensor') {
      // torch.max(a, b): elementwise, broadcast and promoted like maximum(a, b)
      return tensorBinary(kind, x, other) ?? tensor(null, null);
    }
    if (other === undefined) {
      if (x.shape && x.shape.some((d) => d === 0)) throw new ShapeError(`${kind}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
      if (x.data && x.dtype) {
        const vals = x.data.toArray();
        return withData([], x.dtype, [kind === 'max' ? Math.max(...vals) : Math.min(...vals)]);
      }
      return tensor([], x.dtype, { numpy: x.numpy });
    }
    const d = intArg(other);
    const keep = boolArg(a.get(2, 'keepdim'), false);
    if (x.shape === null || d === null || keep === null) return tuple([tensor(null, x.dtype), tensor(null, 'int64')]);
    const shape = reduceShape(x.shape, [d], keep);
    return namedPair(['values', 'indices'], tensor(shape, x.dtype), tensor(shape, 'int64'));
  };
}

/** A torch.return_types namedtuple: a tuple whose items are also reachable as attributes. */
function namedPair(names: string[], ...items: Value[]): Value {
  const t = tuple(items);
  t.fields = names;
  return t;
}

function argReduce(a: OpArgs): Value {
  const x = x0(a);
  if (!x) return tensor(null, 'int64');
  const dV = a.get(1, 'dim');
  const keep = boolArg(a.get(2, 'keepdim'), false);
  if (dV === undefined || dV.k === 'none') {
    if (x.data) {
      const vals = x.data.toArray();
      const m = a.op.endsWith('argmax') ? Math.max(...vals) : Math.min(...vals);
      return withData([], 'int64', [vals.indexOf(m)]);
    }
    return tensor(keep ? (x.shape ? x.shape.map(() => 1) : null) : [], 'int64');
  }
  const d = intArg(dV);
  if (x.shape === null || d === null || keep === null) return tensor(null, 'int64');
  return tensor(reduceShape(x.shape, [d], keep), 'int64');
}

function sortRule(a: OpArgs, onlyIndices: boolean): Value {
  const x = x0(a);
  if (!x) return onlyIndices ? tensor(null, 'int64') : tuple([tensor(null, null), tensor(null, 'int64')]);
  const dV = a.get(1, 'dim');
  const d = dV === undefined ? -1 : intArg(dV);
  const desc = boolArg(a.get(2, 'descending'), false);
  const values = tensor(x.shape, x.dtype, { numpy: x.numpy });
  const indices = tensor(x.shape, 'int64');
  if (x.shape && d !== null) normalizeDimIndex(d, x.shape.length);
  if (x.data && x.shape && x.shape.length === 1 && desc !== null) {
    const vals = x.data.toArray();
    const order = sortOrder(vals, desc);
    values.data = new Tensor(x.data.shape, x.data.dtype, order.map((i) => vals[i]));
    indices.data = new Tensor(x.data.shape, 'int64', order);
  }
  return onlyIndices ? indices : namedPair(['values', 'indices'], values, indices);
}

export function register(reg: OpRegistry): void {
  reg.fnAndMethod(['sum', 'nansum'], reduce(sumDtype, (v) => v.reduce((p, q) => p + q, 0)));
  reg.fnAndMethod(['prod'], reduce(sumDtype));
  reg.fnAndMethod(['mean', 'nanmean'], reduce(meanDtype));
  reg.fnAndMethod(['std', 'var', 'logsumexp', 'norm'], reduce((d) => (d === null ? null : isFloatDtype(d) ? d : 'float32')));
  reg.fnAndMethod(['all', 'any'], reduce(() => 'bool'));
  reg.fnAndMethod(['count_nonzero'], reduce(() => 'int64'));
  reg.fnAndMethod(['max', 'amax'], maxMin('max'));
  reg.fnAndMethod(['min', 'amin'], maxMin('min'));
  reg.fnAndMethod(['argmax', 'argmin'], argReduce);
  reg.fnAndMethod(['sort'], (a) => sortRule(a, false));
  reg.fnAndMethod(['argsort'], (a) => sortRule(a, true));
  reg.fnAndMethod(['topk'], (a) => {
    const x = x0(a);
    if (!x) return tuple([tensor(null, null), tensor(null, 'int64')]);
    const k = a.get(1, 'k');
    const dV = a.get(2, 'dim');
    const d = dV === undefined ? -1 : intArg(dV);
    if (x.shape === null || d === null || !k) return namedPair(['values', 'indices'], tensor(null, x.dtype), tensor(null, 'int64'));
    const i = normalizeDimIndex(d, Math.max(1, x.shape.length));
    const kn = intArg(k);
    const size = x.shape[i];
    if (kn !== null && typeof size === 'number' && kn > size) throw new ShapeError('selected index k out of range');
    const s = [...x.shape];
    if (s.length > 0) s[i] = kn ?? (k.k === 'int' && k.sym ? k.sym : null);
    return namedPair(['values', 'indices'], tensor(s, x.dtype), tensor(s, 'int64'));
  });
  reg.fnAndMethod(['multinomial'], (a) => {
    const x = x0(a);
    const n = a.get(1, 'num_samples');
    if (!x || !x.shape || !n) return tensor(null, 'int64');
    if (x.shape.length === 0 || x.shape.length > 2) throw new ShapeError('prob_dist must be 1 or 2 dim');
    return tensor([...x.shape.slice(0, -1), dimArgOf(n)], 'int64');
  });
  reg.fnAndMethod(['unique'], (a) => uniqueRule(a, false));
  reg.fnAndMethod(['unique_consecutive'], (a) => uniqueRule(a, true));
  // losses: reduction='mean' (default) or 'sum' → 0-d; 'none' → per-element (lossShape)
  const loss = (name: string) => (a: OpArgs): Value => {
    const x = x0(a);
    const r = a.get(99, 'reduction');
    const red = r && r.k === 'str' ? r.v : 'mean';
    const dt = x ? x.dtype : 'float32';
    if (red === 'none') return tensor(lossShape(name, x, a.get(1)), dt);
    if (red === null) return tensor(null, dt);
    return tensor([], dt);
  };
  for (const n of ['cross_entropy', 'nll_loss', 'mse_loss', 'l1_loss', 'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'smooth_l1_loss', 'kl_div', 'ctc_loss', 'cosine_embedding_loss', 'margin_ranking_loss', 'huber_loss']) {
    reg.def(`F.${n}`, loss(n));
  }
  const moduleLoss: Record<string, string> = { CrossEntropyLoss: 'cross_entropy', NLLLoss: 'nll_loss', MSELoss: 'mse_loss', L1Loss: 'l1_loss', BCELoss: 'binary_cross_entropy', BCEWithLogitsLoss: 'binary_cross_entropy_with_logits', SmoothL1Loss: 'smooth_l1_loss', KLDivLoss: 'kl_div', CTCLoss: 'ctc_loss', HuberLoss: 'huber_loss' };
  for (const [n, fn] of Object.entries(moduleLoss)) {
    reg.def(`nn.${n}.forward`, (a) => {
      const m = a.self;
      const r = m && m.k === 'nnmodule' ? m.cfg.reduction : undefined;
      const red = r && r.k === 'str' ? r.v : 'mean';
      const x = a.get(0, 'input');
      const dt = x && x.k === 'tensor' ? x.dtype : 'float32';
      if (red === 'mean' || red === 'sum') return tensor([], dt);
      return tensor(red === 'none' ? lossShape(fn, x && x.k === 'tensor' ? x : null, a.get(1, 'target')) : null, dt);
    });
  }
  void int;
  void float;
}

/** The per-element loss shape of reduction='none' (null when it cannot be known): class-index losses drop the class
 *  dim 1 of (N, C, d1, …) (a 1-D (C) input gives 0-d), ctc_loss gives (N) of (T, N, C) log-probs, the pairwise ones
 *  (N) of (N, D) inputs, and the elementwise ones broadcast input with target. */
function lossShape(name: string, x: TensorValueA | null, target: Value | undefined): Dim[] | null {
  if (!x || x.shape === null) return null;
  const s = x.shape;
  switch (name) {
    case 'cross_entropy':
    case 'nll_loss':
      return s.length === 0 ? null : s.length === 1 ? [] : [s[0], ...s.slice(2)];
    case 'ctc_loss':
      return s.length === 3 ? [s[1]] : s.length === 2 ? [] : null;
    case 'cosine_embedding_loss':
      return s.length === 2 ? [s[0]] : s.length === 1 ? [] : null;
    case 'margin_ranking_loss':
      return null;
    default:
      return target && target.k === 'tensor' ? broadcastShapes(s, target.shape) : null;
  }
}

/** torch.unique (sorted values) / unique_consecutive (runs collapsed) over the flattened input, or along `dim`:
 *  the count U is known only from known data; return_inverse adds the input-shaped (or size(dim)) index tensor,
 *  return_counts the (U) counts. */
function uniqueRule(a: OpArgs, consecutive: boolean): Value {
  const x = x0(a);
  const inv = boolArg(a.get(consecutive ? 1 : 2, 'return_inverse'), false);
  const cnt = boolArg(a.get(consecutive ? 2 : 3, 'return_counts'), false);
  const dV = a.get(consecutive ? 3 : 4, 'dim');
  const dim = dV === undefined || dV.k === 'none' ? null : intArg(dV);
  if (!x || inv === null || cnt === null || (dV !== undefined && dV.k !== 'none' && dim === null)) return tensor(null, x ? x.dtype : null);
  let values: TensorValueA;
  let inverse: TensorValueA;
  let counts: TensorValueA;
  if (dim === null || !x.shape) {
    let U: Dim = null;
    let data: number[] | null = null;
    if (x.data && x.dtype && x.dtype !== 'float32' && x.dtype !== 'float64') {
      const vals = Array.from(x.data.data);
      data = consecutive ? vals.filter((v, i) => i === 0 || v !== vals[i - 1]) : [...new Set(vals)].sort((p, q) => p - q);
      U = data.length;
      // sorted=False: PyTorch's CPU order is its hash order, not known here (the count is)
      if (!consecutive && boolArg(a.get(1, 'sorted'), true) !== true) data = null;
    }
    values = data && x.dtype ? withData([data.length], x.dtype, data) : tensor([U], x.dtype);
    inverse = tensor(x.shape, 'int64');
    counts = tensor([U], 'int64');
  } else {
    const i = normalizeDimIndex(dim, x.shape.length);
    const s = [...x.shape];
    s[i] = null;
    values = tensor(s, x.dtype);
    inverse = tensor([x.shape[i]], 'int64');
    counts = tensor([null], 'int64');
  }
  if (!inv && !cnt) return values;
  return tuple([values, ...(inv ? [inverse] : []), ...(cnt ? [counts] : [])]);
}
