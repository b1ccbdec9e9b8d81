// Tensor creation: torch.tensor / LongTensor / FloatTensor / as_tensor / from_numpy / Variable, zeros / ones /
// empty / full / randn / rand / randint / arange / linspace / eye, the *_like family, and nn.Parameter. Data is kept
// when the code gives it (literal lists, arange) and small.
import { ShapeError, type Dim } from '../../shape/dim';
import type { DType } from '../../tensor/tensor';
import { dimOf, tensor, type TensorValueA, type Value } from '../../interp/values';
import { checkSizes, dtypeOf, intArg, numArg, sizesArg, withData } from './common';
import type { OpArgs, OpRegistry, OpServices } from './registry';

/** Shape, inferred dtype and flat data of a nested Python list/tuple of numbers/tensors (torch.tensor semantics). */
function inferData(s: OpServices, v: Value, depth = 0): { shape: Dim[] | null; dtype: DType | null; data: number[] | null } {
  if (depth > 16) return { shape: null, dtype: null, data: null };
  switch (v.k) {
    case 'int':
      return { shape: [], dtype: 'int64', data: v.v === null ? null : [v.v] };
    case 'float':
      return { shape: [], dtype: 'float32', data: v.v === null ? null : [v.v] };
    case 'bool':
      return { shape: [], dtype: 'bool', data: v.v === null ? null : [v.v ? 1 : 0] };
    case 'tensor':
      if (v.shape && v.shape.length === 0) return { shape: [], dtype: v.numpy && v.dtype === 'float64' ? 'float64' : v.dtype, data: v.data ? [v.data.data[0]] : null };
      return { shape: v.shape ? [...v.shape] : null, dtype: v.dtype, data: v.data ? v.data.toArray() : null };
    case 'list':
    case 'tuple': {
      if (v.items === null) {
        const e = v.elem ? inferData(s, v.elem, depth + 1) : null;
        return { shape: e && e.shape ? [v.len ?? null, ...e.shape] : null, dtype: e ? e.dtype : null, data: null };
      }
      if (v.items.length === 0) return { shape: [0], dtype: 'float32', data: [] };
      const parts = v.items.map((x) => inferData(s, x, depth + 1));
      const first = parts[0];
      let shape: Dim[] | null = first.shape ? [v.items.length, ...first.shape] : null;
      let dtype: DType | null = first.dtype;
      let data: number[] | null = [];
      for (const p of parts) {
        if (!p.shape || !first.shape || p.shape.length !== first.shape.length) shape = null;
        else if (shape) {
          for (let i = 0; i < p.shape.length; i++) {
            const a = first.shape[i];
            const b = p.shape[i];
            if (typeof a === 'number' && typeof b === 'number' && a !== b) {
              throw new ShapeError(`expected sequence of length ${a} at dim ${depth + 1} (got ${b})`);
            }
            if (a !== b) shape[i + 1] = null;
          }
        }
        dtype = dtype === null || p.dtype === null ? null : rankDtype(dtype, p.dtype);
        if (data && p.data) data.push(...p.data);
        else data = null;
      }
      // a Python number among the items: every item must be a scalar (torch rejects anything else), so the
      // result is 1-D even when other items are unknown values
      if (shape === null && v.items.some((x) => x.k === 'int' || x.k === 'float' || x.k === 'bool')) shape = [v.items.length];
      return { shape, dtype, data };
    }
    default:
      return { shape: null, dtype: null, data: null };
  }
}

function rankDtype(a: DType, b: DType): DType {
  const order: DType[] = ['bool', 'uint8', 'int32', 'int64', 'float32', 'float64'];
  return order.indexOf(a) >= order.indexOf(b) ? a : b;
}

export function tensorFromData(s: OpServices, dataV: Value, dtype: DType | null, forceDtype: boolean): TensorValueA {
  const inf = inferData(s, dataV);
  let dt = forceDtype ? dtype : (dtype ?? inf.dtype);
  if (!forceDtype && dataV.k === 'tensor' && dataV.numpy && inf.dtype) dt = dtype ?? inf.dtype;
  if (inf.shape && inf.data && dt && inf.shape.every((d) => typeof d === 'number')) {
    return withData(inf.shape as number[], dt, inf.data);
  }
  return tensor(inf.shape, dt);
}

function sized(a: OpArgs, dtype: DType | null, start = 0): Value {
  const sizes = sizesArg(a, start);
  if (sizes) checkSizes(sizes);
  const dt = dtypeOf(a.get(-1, 'dtype')) ?? dtype;
  return tensor(sizes, dt);
}

function filled(a: OpArgs, fill: number | null, dtype: DType | null): Value {
  const sizes = sizesArg(a, 0);
  if (sizes) checkSizes(sizes);
  const dt = dtypeOf(a.get(-1, 'dtype')) ?? dtype;
  if (sizes && fill !== null && dt && sizes.every((d) => typeof d === 'number')) {
    const n = (sizes as number[]).reduce((x, y) => x * y, 1);
    if (n <= 4096) return withData(sizes as number[], dt, new Array(n).fill(fill));
  }
  return tensor(sizes, dt);
}

function likeOf(a: OpArgs, dtypeDefault?: DType | null): Value {
  const x = a.get(0, 'input');
  const dt = dtypeOf(a.get(-1, 'dtype'));
  if (!x || x.k !== 'tensor') return tensor(null, dt ?? null);
  return tensor(x.shape, dt ?? dtypeDefault ?? x.dtype);
}

export function register(reg: OpRegistry): void {
  reg.def(['torch.tensor', 'torch.as_tensor', 'torch.asarray'], (a) => {
    const d = a.get(0, 'data');
    if (!d) throw new ShapeError("tensor() missing 1 required positional arguments: \"data\"");
    const dt = dtypeOf(a.get(1, 'dtype'));
    return tensorFromData(a.services, d, dt, dt !== null);
  });
  reg.def('torch.from_numpy', (a) => {
    const d = a.get(0, 'ndarray');
    if (!d || d.k !== 'tensor') return tensor(null, null);
    const t = tensor(d.shape, d.dtype, {});
    if (d.data) t.data = d.data;
    return t;
  });
  const typed = (dt: DType) => (a: OpArgs): Value => {
    const first = a.get(0);
    if (first && (first.k === 'list' || first.k === 'tuple') && !first.isSize) return tensorFromData(a.services, first, dt, true);
    if (first && first.k === 'tensor') return tensorFromData(a.services, first, dt, true);
    return sized(a, dt);
  };
  reg.def(['torch.LongTensor', 'torch.cuda.LongTensor'], typed('int64'));
  reg.def(['torch.FloatTensor', 'torch.cuda.FloatTensor', 'torch.Tensor'], typed('float32'));
  reg.def(['torch.DoubleTensor', 'torch.cuda.DoubleTensor'], typed('float64'));
  reg.def(['torch.IntTensor', 'torch.cuda.IntTensor'], typed('int32'));
  reg.def(['torch.BoolTensor', 'torch.cuda.BoolTensor'], typed('bool'));
  reg.def(['torch.ByteTensor', 'torch.cuda.ByteTensor'], typed('uint8'));
  reg.def('torch.Variable', (a) => {
    const x = a.get(0, 'data');
    if (!x) return tensor([0], 'float32');
    return x.k === 'tensor' ? x : tensor(null, null);
  });
  reg.def(['nn.Parameter', 'nn.parameter.Parameter'], (a) => {
    const x = a.get(0, 'data');
    if (!x) return tensor([0], 'float32', { facts: { parameter: true } });
    if (x.k !== 'tensor') return tensor(null, null, { facts: { parameter: true } });
    // a new tensor sharing the data; flagged so that a Module registers it
    const p = tensor(x.shape, x.dtype, { facts: { ...x.facts, parameter: true }, numpy: x.numpy });
    if (x.data) p.data = x.data;
    return p;
  });
  reg.def('torch.zeros', (a) => filled(a, 0, 'float32'));
  reg.def('torch.ones', (a) => filled(a, 1, 'float32'));
  reg.def(['torch.empty', 'torch.randn', 'torch.rand'], (a) => sized(a, 'float32'));
  reg.def('torch.full', (a) => {
    const sizes = sizesArg(a, 0);
    const fill = a.get(1, 'fill_value');
    const dt = dtypeOf(a.get(-1, 'dtype')) ?? (fill?.k === 'int' ? 'int64' : fill?.k === 'bool' ? 'bool' : 'float32');
    return tensor(sizes, dt);
  });
  reg.def('torch.randint', (a) => {
    // randint(high, size) or randint(low, high, size)
    const args = a.args;
    const sizeV = a.kwargs.get('size') ?? (args.length >= 3 ? args[2] : args[1]);
    const dt = dtypeOf(a.get(-1, 'dtype')) ?? 'int64';
    if (!sizeV) return tensor(null, dt);
    const items = a.services.items(sizeV);
    return tensor(items ? items.map(dimOf) : null, dt);
  });
  reg.def(['torch.randperm'], (a) => tensor([dimOf(a.get(0, 'n') ?? { k: 'unknown' })], dtypeOf(a.get(-1, 'dtype')) ?? 'int64'));
  reg.def('torch.arange', (a) => {
    const p = [a.get(0, 'start'), a.get(1, 'end'), a.get(2, 'step')].filter((x) => x !== undefined) as Value[];
    const nums = p.map(numArg);
    const isFloat = p.some((x) => x.k === 'float');
    const dt = dtypeOf(a.get(-1, 'dtype')) ?? (isFloat ? 'float32' : 'int64');
    let start = 0;
    let end: number | null;
    let step = 1;
    if (p.length === 1) end = nums[0];
    else {
      if (nums[0] === null) return tensor([null], dt);
      start = nums[0];
      end = nums[1];
      if (p.length >= 3) {
        if (nums[2] === null) return tensor([null], dt);
        step = nums[2];
      }
    }
    if (end === null) {
      if (p.length === 1 && p[0].k === 'int' && p[0].sym) return tensor([p[0].sym], dt);
      if (p.length === 1 && p[0].k === 'unknown' && p[0].name) return tensor([p[0].name], dt);
      return tensor([null], dt);
    }
    if (step === 0) throw new ShapeError('step must be nonzero');
    const n = Math.max(0, Math.ceil((end - start) / step));
    const data: number[] = [];
    if (n <= 4096) for (let i = 0; i < n; i++) data.push(start + i * step);
    return n <= 4096 ? withData([n], dt, data) : tensor([n], dt);
  });
  reg.def('torch.linspace', (a) => tensor([dimOf(a.get(2, 'steps') ?? { k: 'unknown' })], dtypeOf(a.get(-1, 'dtype')) ?? 'float32'));
  reg.def('torch.eye', (a) => {
    const n = dimOf(a.get(0, 'n') ?? { k: 'unknown' });
    const m = a.get(1, 'm');
    return tensor([n, m ? dimOf(m) : n], dtypeOf(a.get(-1, 'dtype')) ?? 'float32');
  });
  reg.def(['torch.zeros_like', 'torch.ones_like', 'torch.empty_like', 'torch.rand_like', 'torch.full_like'], (a) => likeOf(a));
  reg.def(['torch.randn_like'], (a) => likeOf(a));
  reg.def('torch.randint_like', (a) => likeOf(a));
  // Tensor.new_zeros(size), new_ones, new_empty, new_full, new_tensor
  reg.def(['Tensor.new_zeros', 'Tensor.new_ones', 'Tensor.new_empty'], (a) => {
    const self = a.self;
    const sizes = sizesArg(a, 0);
    return tensor(sizes, dtypeOf(a.get(-1, 'dtype')) ?? (self && self.k === 'tensor' ? self.dtype : null));
  });
  reg.def('Tensor.new_full', (a) => {
    const self = a.self;
    const sizes = sizesArg(a, 0);
    return tensor(sizes, dtypeOf(a.get(-1, 'dtype')) ?? (self && self.k === 'tensor' ? self.dtype : null));
  });
  // legacy Tensor.new(*sizes) (uninitialised, the receiver's dtype), new() → an empty (0,) tensor, new(list/tuple) →
  // data, new(torch.Size) → sizes
  reg.def('Tensor.new', (a) => {
    const self = a.self;
    const dt = self && self.k === 'tensor' ? self.dtype : null;
    if (a.args.length === 0) return tensor([0], dt);
    const first = a.args[0];
    // a list or a plain tuple is data (new((2, 3)) is the 1-d tensor [2., 3.]); a torch.Size is sizes
    if (first.k === 'list' || (first.k === 'tuple' && !first.isSize)) return tensorFromData(a.services, first, dt, true);
    if (first.k === 'tensor') return tensor(null, dt);
    return tensor(sizesArg(a, 0), dt);
  });
  reg.def('Tensor.new_tensor', (a) => {
    const self = a.self;
    const d = a.get(0, 'data');
    const dt = dtypeOf(a.get(1, 'dtype')) ?? (self && self.k === 'tensor' ? self.dtype : null);
    return d ? tensorFromData(a.services, d, dt, true) : tensor(null, dt);
  });
  void intArg;
}
