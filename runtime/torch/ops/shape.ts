// Shape ops: size/dim/numel, view/reshape (with -1 inferred, symbolically when needed), permute, transpose, t,
// squeeze/unsqueeze, expand/expand_as/repeat, flatten/unflatten, cat/stack/split/chunk/unbind, and the dtype/device
// conversions that keep the shape (long, float, to, cuda, cpu, type, numpy, tolist, item).
import { ShapeError, dimAdd, dimFactors, dimMul, dimProduct, normalizeDimIndex, type Dim, type Shape } from '../../shape/dim';
import { Tensor, type DType } from '../../tensor/tensor';
import { float, int, intFromDim, list, tensor, tuple, type TensorValueA, type Value } from '../../interp/values';
import { boolArg, dimArg, dtypeOf, intArg, sizesArg, MAX_DATA } from './common';
import { OpArgs, type OpRegistry } from './registry';

function self(a: OpArgs): TensorValueA | null {
  const x = a.get(0, 'input');
  return x && x.k === 'tensor' ? x : null;
}

function fmt(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (d === null ? '?' : d)).join(', ')}]`;
}

/** Factors of a numel as a multiset, for inferring -1 symbolically ([B, T, H].view(-1, H) → [B*T, H]). */
function inferMinusOne(src: Shape, target: Dim[], at: number): Dim {
  if (src === null) return null;
  const others = target.filter((_, i) => i !== at);
  const total = dimProduct(src);
  const rest = dimProduct(others);
  if (typeof total === 'number' && typeof rest === 'number') {
    if (rest === 0 || total % rest !== 0) return NaN;
    return total / rest;
  }
  // symbolic: cancel equal factors (a product dim such as B*T counts as its factors B and T)
  const factors = src.flatMap(dimFactors);
  let numeric = 1;
  for (const o of others.flatMap(dimFactors)) {
    // an unknown dim (null) equals nothing, not even another unknown: only named symbols cancel
    if (o === null) return null;
    const i = factors.findIndex((f) => f === o);
    if (i >= 0) factors.splice(i, 1);
    else if (typeof o === 'number') numeric *= o;
    else return null;
  }
  const known = factors.filter((f) => typeof f === 'number') as number[];
  const syms = factors.filter((f) => typeof f !== 'number');
  if (syms.some((f) => f === null)) return null;
  let k = known.reduce((x, y) => x * y, 1);
  if (k % numeric !== 0) return null;
  k /= numeric;
  return dimProduct([...(k !== 1 ? [k] : []), ...syms]);
}

function viewShape(x: TensorValueA, sizes: Dim[] | null, op: string): Value {
  if (sizes === null) return tensor(null, x.dtype, { numpy: x.numpy });
  const minus = sizes.map((d, i) => (d === -1 ? i : -1)).filter((i) => i >= 0);
  if (minus.length > 1) throw new ShapeError('only one dimension can be inferred');
  for (const d of sizes) if (typeof d === 'number' && d < -1) throw new ShapeError(`invalid shape dimension ${d}`);
  const out = [...sizes];
  const numel = x.shape ? dimProduct(x.shape) : null;
  if (minus.length === 1) {
    const inferred = inferMinusOne(x.shape, sizes, minus[0]);
    if (typeof inferred === 'number' && Number.isNaN(inferred)) {
      throw new ShapeError(`shape '${fmt(sizes)}' is invalid for input of size ${numel}`);
    }
    out[minus[0]] = inferred;
  } else if (typeof numel === 'number') {
    const p = dimProduct(out);
    if (typeof p === 'number' && p !== numel) throw new ShapeError(`shape '${fmt(sizes)}' is invalid for input of size ${numel}`);
  }
  const r = tensor(out, x.dtype, { numpy: x.numpy });
  if (x.data && out.every((d) => typeof d === 'number')) r.data = new Tensor(out as number[], x.data.dtype, x.data.data);
  void op;
  return r;
}

function cast(dt: DType | null) {
  return (a: OpArgs): Value => {
    const x = a.self ?? a.get(0);
    if (!x) return tensor(null, dt);
    if (x.k === 'packed') return x;
    if (x.k !== 'tensor') return tensor(null, dt);
    const r = tensor(x.shape, dt ?? x.dtype, { numpy: x.numpy, facts: x.facts });
    if (x.data && dt) r.data = new Tensor(x.data.shape, dt, x.data.data);
    else if (x.data) r.data = x.data;
    return r;
  };
}

function catLike(a: OpArgs, stack: boolean): Value {
  const seqV = a.get(0, 'tensors');
  const dimV = a.get(1, 'dim');
  const dimN = dimV === undefined ? 0 : intArg(dimV);
  const items = seqV ? a.services.items(seqV) : null;
  if (!seqV) throw new ShapeError(`${stack ? 'stack' : 'cat'}() missing required argument 'tensors'`);
  if (items === null) {
    // a list of unknown length: every element has the same shape (the list's element)
    const elem = seqV.k === 'list' || seqV.k === 'tuple' ? seqV.elem : undefined;
    if (!elem || elem.k !== 'tensor' || elem.shape === null || dimN === null) return tensor(null, elem && elem.k === 'tensor' ? elem.dtype : null);
    const n = seqV.k === 'list' || seqV.k === 'tuple' ? (seqV.len ?? null) : null;
    if (stack) {
      const d = normalizeDimIndex(dimN, elem.shape.length + 1);
      const s = [...elem.shape];
      s.splice(d, 0, n);
      return tensor(s, elem.dtype);
    }
    const d = normalizeDimIndex(dimN, elem.shape.length);
    const s = [...elem.shape];
    s[d] = null;
    return tensor(s, elem.dtype);
  }
  if (items.length === 0) throw new ShapeError(`${stack ? 'stack' : 'torch.cat'}(): expected a non-empty list of Tensors`);
  const ts: TensorValueA[] = [];
  for (const it of items) {
    if (it.k !== 'tensor') return tensor(null, null);
    ts.push(it);
  }
  let dtype: DType | null = ts[0].dtype;
  for (const t of ts) if (t.dtype !== dtype) dtype = dtype && t.dtype ? (t.dtype === 'float64' || dtype === 'float64' ? 'float64' : t.dtype === 'float32' || dtype === 'float32' ? 'float32' : 'int64') : null;
  if (ts.some((t) => t.shape === null) || dimN === null) return tensor(null, dtype);
  if (stack) {
    const s0 = ts[0].shape!;
    for (let i = 1; i < ts.length; i++) {
      const si = ts[i].shape!;
      const conflict = si.length !== s0.length || si.some((d, j) => typeof d === 'number' && typeof s0[j] === 'number' && d !== s0[j]);
      if (conflict) throw new ShapeError(`stack expects each tensor to be equal size, but got ${fmt(s0)} at entry 0 and ${fmt(si)} at entry ${i}`);
    }
    const d = normalizeDimIndex(dimN, s0.length + 1);
    const out = s0.map((x, j) => (ts.every((t) => t.shape![j] === x) ? x : null));
    out.splice(d, 0, ts.length);
    const r = tensor(out, dtype);
    if (ts.every((t) => t.data) && out.every((x) => typeof x === 'number') && d === 0 && dtype) {
      const vals: number[] = [];
      for (const t of ts) vals.push(...t.data!.toArray());
      if (vals.length <= MAX_DATA) r.data = new Tensor(out as number[], dtype, vals);
    }
    return r;
  }
  // cat: legacy 1-D empty tensors are skipped
  const parts = ts.filter((t) => !(t.shape!.length === 1 && t.shape![0] === 0));
  if (parts.length === 0) return tensor([0], dtype);
  const rank = parts[0].shape!.length;
  if (rank === 0) throw new ShapeError('zero-dimensional tensor (at position 0) cannot be concatenated');
  const d = normalizeDimIndex(dimN, rank);
  const out: Dim[] = [...parts[0].shape!];
  let total: Dim = 0;
  for (let i = 0; i < parts.length; i++) {
    const s = parts[i].shape!;
    if (s.length !== rank) {
      throw new ShapeError(`Tensors must have same number of dimensions: got ${rank} and ${s.length}`);
    }
    for (let j = 0; j < rank; j++) {
      if (j === d) continue;
      const e = out[j];
      const g = s[j];
      if (typeof e === 'number' && typeof g === 'number' && e !== g) {
        throw new ShapeError(`Sizes of tensors must match except in dimension ${d}. Expected size ${e} but got size ${g} for tensor number ${i} in the list.`);
      }
      // cat needs the sizes equal: if the program runs, a known size or a named one is the size of every part
      if (e !== g) out[j] = typeof e === 'number' ? e : typeof g === 'number' ? g : (e ?? g);
    }
    total = dimAdd(total, s[d]);
  }
  out[d] = total;
  return tensor(out, dtype);
}

export type StackMode = 'hstack' | 'vstack' | 'column_stack' | 'dstack';

/** The dims an item takes before concatenation: hstack atleast_1d, vstack atleast_2d ([n] → [1, n]), column_stack
 *  0-d/1-d as a column ([n] → [n, 1]), dstack atleast_3d ([n] → [1, n, 1], [m, n] → [m, n, 1]). */
function stackItemShape(shape: Dim[], mode: StackMode): Dim[] {
  const r = shape.length;
  switch (mode) {
    case 'hstack':
      return r === 0 ? [1] : shape;
    case 'vstack':
      return r === 0 ? [1, 1] : r === 1 ? [1, shape[0]] : shape;
    case 'column_stack':
      return r === 0 ? [1, 1] : r === 1 ? [shape[0], 1] : shape;
    case 'dstack':
      return r === 0 ? [1, 1, 1] : r === 1 ? [1, shape[0], 1] : r === 2 ? [shape[0], shape[1], 1] : shape;
  }
}

/** torch/np hstack, vstack (row_stack), column_stack, dstack: each item reshaped as the mode says, then cat along
 *  dim 0 (vstack), 2 (dstack), or 1 (column_stack; hstack when the items are 2-d or more, 0 when they are 1-d). */
export function stackFamily(a: OpArgs, mode: StackMode, numpy = false): Value {
  const seqV = a.get(0, numpy ? 'tup' : 'tensors');
  const items = seqV ? a.services.items(seqV) : null;
  const unknownResult = (): Value => tensor(null, null, { numpy });
  if (!items || items.length === 0) return unknownResult();
  const parts: TensorValueA[] = [];
  for (const it of items) {
    if (it.k !== 'tensor' || it.shape === null) return unknownResult();
    parts.push(tensor(stackItemShape(it.shape, mode), it.dtype, { numpy }));
  }
  const dim = mode === 'vstack' ? 0 : mode === 'dstack' ? 2 : mode === 'column_stack' ? 1 : parts[0].shape!.length === 1 ? 0 : 1;
  const r = catLike(new OpArgs(a.op, [list(parts), int(dim)], new Map(), a.services), false);
  if (r.k !== 'tensor' || !numpy) return r;
  return tensor(r.shape, numpyResultDtype(parts.map((p) => p.dtype)), { numpy });
}

/** numpy's result dtype for concatenating arrays of these dtypes (int with float32 is float64 there). */
export function numpyResultDtype(dts: (DType | null)[]): DType | null {
  if (dts.some((d) => d === null)) return null;
  if (dts.every((d) => d === dts[0])) return dts[0];
  const has = (d: DType): boolean => dts.includes(d);
  if (has('float64')) return 'float64';
  if (has('float32')) return has('int32') || has('int64') ? 'float64' : dts.every((d) => d === 'float32' || d === 'uint8' || d === 'bool') ? 'float32' : null;
  return dts.every((d) => d === 'int32' || d === 'int64') ? 'int64' : null;
}

function splitLike(a: OpArgs, mode: 'split' | 'chunk' | 'unbind' | 'tensor_split'): Value {
  const x = self(a);
  if (!x) return { k: 'tuple', items: null };
  const dimIdx = mode === 'unbind' ? 1 : 2;
  const dimN = intArg(a.get(dimIdx, 'dim') ?? int(0));
  if (x.shape === null || dimN === null) return { k: 'tuple', items: null, elem: tensor(null, x.dtype) };
  const d = normalizeDimIndex(dimN, x.shape.length);
  const size = x.shape[d];
  const piece = (n: Dim): TensorValueA => {
    const s = [...x.shape!];
    s[d] = n;
    return tensor(s, x.dtype);
  };
  if (mode === 'unbind') {
    const s = x.shape.filter((_, i) => i !== d);
    if (typeof size !== 'number') return { k: 'tuple', items: null, elem: tensor(s, x.dtype), len: size };
    return tuple(Array.from({ length: size }, () => tensor(s, x.dtype)));
  }
  const arg = a.get(1, mode === 'chunk' ? 'chunks' : 'split_size_or_sections');
  if (!arg) return { k: 'tuple', items: null };
  const sections = arg.k === 'list' || arg.k === 'tuple' ? a.services.items(arg) : null;
  if (sections) {
    const ns = sections.map((v) => intArg(v));
    if (ns.some((n) => n === null)) return { k: 'tuple', items: null, elem: tensor(null, x.dtype) };
    const sum = (ns as number[]).reduce((p, q) => p + q, 0);
    if (typeof size === 'number' && sum !== size) {
      throw new ShapeError(`split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${d}), but got split_sizes=[${ns.join(', ')}]`);
    }
    return tuple((ns as number[]).map((n) => piece(n)));
  }
  const n = intArg(arg);
  if (n === null || typeof size !== 'number') return { k: 'tuple', items: null, elem: piece(null) };
  if (mode === 'chunk') {
    if (n <= 0) throw new ShapeError(`chunk expects \`chunks\` to be greater than 0, got: ${n}`);
    const each = Math.ceil(size / n);
    const out: TensorValueA[] = [];
    for (let s = 0; s < size; s += each) out.push(piece(Math.min(each, size - s)));
    if (size === 0) out.push(piece(0));
    return tuple(out);
  }
  if (n <= 0) throw new ShapeError(`split_size can only be 0 if dimension size is 0, but got dimension size of ${size}`);
  const out: TensorValueA[] = [];
  for (let s = 0; s < size; s += n) out.push(piece(Math.min(n, size - s)));
  return tuple(out);
}

export function register(reg: OpRegistry): void {
  // torch.Size(iterable of ints): a tuple of sizes
  reg.def('torch.Size', (a) => {
    const v = a.get(0, 'sizes');
    if (!v) return { k: 'tuple', items: [], isSize: true };
    const items = a.services.items(v);
    return items ? { k: 'tuple', items: [...items], isSize: true } : { k: 'tuple', items: null, elem: int(null), isSize: true };
  });
  reg.def('Tensor.size', (a) => {
    const x = a.self;
    if (!x || x.k !== 'tensor') return int(null);
    const dV = a.get(0, 'dim');
    if (dV === undefined) {
      return x.shape === null ? { k: 'tuple', items: null, elem: int(null), isSize: true } : { k: 'tuple', items: x.shape.map(intFromDim), isSize: true };
    }
    const d = intArg(dV);
    if (d === null || x.shape === null) return int(null);
    return intFromDim(x.shape[normalizeDimIndex(d, x.shape.length)]);
  });
  reg.fnAndMethod(['numel'], (a) => {
    const x = self(a);
    return x ? intFromDim(x.shape ? dimProduct(x.shape) : null) : int(null);
  });
  reg.def(['Tensor.dim', 'Tensor.ndimension'], (a) => (a.self?.k === 'tensor' && a.self.shape ? int(a.self.shape.length) : int(null)));
  reg.def(['Tensor.view', 'Tensor.reshape'], (a) => {
    const x = a.self;
    if (!x || x.k !== 'tensor') return tensor(null, null);
    const first = a.get(0, 'shape');
    if (first && first.k === 'opaque' && first.cls === 'torch.dtype') return tensor(null, dtypeOf(first));
    return viewShape(x, sizesArg(a, 0, 'shape'), a.op);
  });
  reg.def('torch.reshape', (a) => {
    const x = self(a);
    if (!x) return tensor(null, null);
    return viewShape(x, sizesArg(a, 1, 'shape'), a.op);
  });
  reg.def(['Tensor.view_as', 'Tensor.reshape_as', 'Tensor.expand_as', 'Tensor.type_as'], (a) => {
    const x = a.self;
    const o = a.get(0, 'other');
    if (!x || x.k !== 'tensor' || !o || o.k !== 'tensor') return tensor(null, null);
    if (a.op === 'Tensor.type_as') return tensor(x.shape, o.dtype);
    return tensor(o.shape, x.dtype);
  });
  reg.fnAndMethod(['permute'], (a) => {
    const x = self(a);
    if (!x) return tensor(null, null);
    const dims = sizesArg(a, 1, 'dims');
    if (!dims || x.shape === null || dims.some((d) => typeof d !== 'number')) return tensor(null, x.dtype);
    if (dims.length !== x.shape.length) {
      throw new ShapeError(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.shape.length} is not equal to len(dims) = ${dims.length}`);
    }
    const nd = (dims as number[]).map((d) => normalizeDimIndex(d, x.shape!.length));
    if (new Set(nd).size !== nd.length) throw new ShapeError('permute(): duplicate dims are not allowed.');
    return tensor(nd.map((d) => x.shape![d]), x.dtype);
  });
  reg.fnAndMethod(['transpose', 'swapaxes', 'swapdims'], (a) => {
    const x = self(a);
    if (!x) return tensor(null, null);
    const d0 = intArg(a.get(1, 'dim0'));
    const d1 = intArg(a.get(2, 'dim1'));
    if (x.shape === null || d0 === null || d1 === null) return tensor(null, x.dtype);
    const i = normalizeDimIndex(d0, x.shape.length);
    const j = normalizeDimIndex(d1, x.shape.length);
    const s = [...x.shape];
    [s[i], s[j]] = [s[j], s[i]];
    const r = tensor(s, x.dtype);
    if (x.facts.padded && x.facts.timeDim !== undefined) {
      r.facts = { ...x.facts, timeDim: x.facts.timeDim === i ? j : x.facts.timeDim === j ? i : x.facts.timeDim };
    }
    return r;
  });
  reg.fnAndMethod(['t'], (a) => {
    const x = self(a);
    if (!x) return tensor(null, null);
    if (x.shape === null) return tensor(null, x.dtype);
    if (x.shape.length > 2) throw new ShapeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.shape.length}D`);
    return tensor([...x.shape].reverse(), x.dtype);
  });
  reg.fnAndMethod(['squeeze', 'squeeze_'], (a) => {
    const x = self(a);
    if (!x) return tensor(null, null);
    const dV = a.get(1, 'dim');
    if (x.shape === null) return tensor(null, x.dtype);
    if (dV === undefined) {
      if (x.shape.some((d) => typeof d !== 'number')) return tensor(null, x.dtype);
      return tensor(x.shape.filter((d) => d !== 1), x.dtype);
    }
    const d = intArg(dV);
    if (d === null) return tensor(null, x.dtype);
    const i = normalizeDimIndex(d, x.shape.length);
    if (x.shape.length === 0) return tensor([], x.dtype);
    const size = x.shape[i];
    if (size === 1) {
      const s = x.shape.filter((_, j) => j !== i);
      const r = tensor(s, x.dtype, { facts: x.facts.rnn ? x.facts : {} });
      if (x.data) r.data = new Tensor(s as number[], x.data.dtype, x.data.data);
      return r;
    }
    if (typeof size === 'number') return tensor([...x.shape], x.dtype);
    return tensor(null, x.dtype);
  });
  reg.fnAndMethod(['unsqueeze', 'unsqueeze_'], (a) => {
    const x = self(a);
    if (!x) return tensor(null, null);
    const d = intArg(a.get(1, 'dim'));
    if (x.shape === null || d === null) return tensor(null, x.dtype);
    const i = normalizeDimIndex(d, x.shape.length + 1);
    const s = [...x.shape];
    s.splice(i, 0, 1);
    const r = tensor(s, x.dtype);
    if (x.data) r.data = new Tensor(s as number[], x.data.dtype, x.data.data);
    return r;
  });
  reg.def('Tensor.expand', (a) => {
    const x = a.self;
    if (!x || x.k !== 'tensor') return tensor(null, null);
    const sizes = sizesArg(a, 0);
    if (!sizes || x.shape === null) return tensor(sizes, x.dtype);
    if (sizes.length < x.shape.length) {
      throw new ShapeError(`expand(torch.FloatTensor{${fmt(x.shape)}}, size=${fmt(sizes)}): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${x.shape.length})`);
    }
    const off = sizes.length - x.shape.length;
    const out = sizes.map((s, i) => {
      const cur = i >= off ? x.shape![i - off] : 1;
      if (s === -1) return cur;
      if (typeof s === 'number' && typeof cur === 'number' && cur !== 1 && cur !== s) {
        throw new ShapeError(`The expanded size of the tensor (${s}) must match the existing size (${cur}) at non-singleton dimension ${i}.  Target sizes: ${fmt(sizes)}.  Tensor sizes: ${fmt(x.shape!)}`);
      }
      return s;
    });
    return tensor(out, x.dtype);
  });
  reg.def('Tensor.repeat', (a) => {
    const x = a.self;
    if (!x || x.k !== 'tensor') return tensor(null, null);
    const reps = sizesArg(a, 0, 'repeats');
    if (!reps || x.shape === null) return tensor(null, x.dtype);
    if (reps.length < x.shape.length) throw new ShapeError('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
    const off = reps.length - x.shape.length;
    return tensor(reps.map((r, i) => {
      const cur = i >= off ? x.shape![i - off] : 1;
      return dimMul(r, cur);
    }), x.dtype);
  });
  reg.fnAndMethod(['repeat_interleave'], (a) => {
    const x = self(a);
    if (!x) return tensor(null, null);
    const rV = a.get(1, 'repeats');
    const dV = a.get(2, 'dim');
    // repeat_interleave(repeats) alone: each index repeated repeats[i] times
    if (rV === undefined) return tensor([x.data && x.shape && x.shape.length === 1 ? x.data.toArray().reduce((p, q) => p + q, 0) : null], 'int64');
    if (rV.k === 'tensor') {
      // a tensor of repeats (one per element of the flattened input or of dim, or a single one): the new size is
      // their sum, known from known values
      const reps = rV.data && rV.shape && rV.shape.length <= 1 ? rV.data.toArray() : null;
      if (x.shape === null) return tensor(null, x.dtype);
      const noDim = dV === undefined || dV.k === 'none';
      const d = noDim ? 0 : intArg(dV);
      if (d === null) return tensor(null, x.dtype);
      const base: Dim[] = noDim ? [dimProduct(x.shape)] : [...x.shape];
      const i = noDim ? 0 : normalizeDimIndex(d, x.shape.length);
      const cur = base[i];
      base[i] = reps === null ? null : reps.length === 1 ? (typeof cur === 'number' ? cur * reps[0] : null) : cur === reps.length ? reps.reduce((p, q) => p + q, 0) : null;
      return tensor(base, x.dtype);
    }
    const r = intArg(rV);
    if (x.shape === null || r === null) return tensor(null, x.dtype);
    if (dV === undefined || dV.k === 'none') {
      const n = dimProduct(x.shape);
      return tensor([typeof n === 'number' ? n * r : null], x.dtype);
    }
    const d = intArg(dV);
    if (d === null) return tensor(null, x.dtype);
    const i = normalizeDimIndex(d, x.shape.length);
    const s = [...x.shape];
    const cur = s[i];
    s[i] = typeof cur === 'number' ? cur * r : null;
    return tensor(s, x.dtype);
  });
  reg.fnAndMethod(['flatten'], (a) => {
    const x = self(a);
    if (!x) return tensor(null, null);
    if (x.shape === null) return tensor(null, x.dtype);
    if (x.shape.length === 0) return tensor([1], x.dtype);
    const s0 = intArg(a.get(1, 'start_dim') ?? int(0));
    const e0 = intArg(a.get(2, 'end_dim') ?? int(-1));
    if (s0 === null || e0 === null) return tensor(null, x.dtype);
    const s = normalizeDimIndex(s0, x.shape.length);
    const e = normalizeDimIndex(e0, x.shape.length);
    if (s > e) throw new ShapeError('flatten() has invalid args: start_dim cannot come after end_dim');
    return tensor([...x.shape.slice(0, s), dimProduct(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)], x.dtype);
  });
  reg.def(['torch.cat', 'torch.concat', 'torch.concatenate'], (a) => catLike(a, false));
  reg.def('torch.stack', (a) => catLike(a, true));
  reg.def('torch.hstack', (a) => stackFamily(a, 'hstack'));
  reg.def(['torch.vstack', 'torch.row_stack'], (a) => stackFamily(a, 'vstack'));
  reg.def('torch.column_stack', (a) => stackFamily(a, 'column_stack'));
  reg.def('torch.dstack', (a) => stackFamily(a, 'dstack'));
  reg.fnAndMethod(['split'], (a) => splitLike(a, 'split'));
  reg.fnAndMethod(['chunk'], (a) => splitLike(a, 'chunk'));
  reg.fnAndMethod(['unbind'], (a) => splitLike(a, 'unbind'));
  // dtype / device conversions
  reg.def(['Tensor.long'], cast('int64'));
  reg.def(['Tensor.int'], cast('int32'));
  reg.def(['Tensor.float'], cast('float32'));
  reg.def(['Tensor.double'], cast('float64'));
  reg.def(['Tensor.bool'], cast('bool'));
  reg.def(['Tensor.byte'], cast('uint8'));
  reg.def(['Tensor.half', 'Tensor.bfloat16'], (a) => {
    const x = a.self;
    return x && x.k === 'tensor' ? tensor(x.shape, null) : tensor(null, null);
  });
  reg.def(['Tensor.cuda', 'Tensor.cpu', 'Tensor.__self__', 'Tensor.clone', 'Tensor.detach', 'Tensor.contiguous', 'Tensor.requires_grad_', 'Tensor.pin_memory', 'Tensor.share_memory_', 'Tensor.retain_grad'], (a) => {
    const x = a.self;
    if (!x) return tensor(null, null);
    if (x.k === 'packed') return x;
    if (x.k !== 'tensor') return x;
    if (a.op === 'Tensor.__self__' || a.op === 'Tensor.requires_grad_') return x;
    const r = tensor(x.shape, x.dtype, { facts: x.facts });
    if (x.data) r.data = x.data;
    return r;
  });
  reg.def(['Tensor.to', 'Tensor.type'], (a) => {
    const x = a.self;
    if (!x) return tensor(null, null);
    if (x.k === 'packed') return x;
    if (x.k !== 'tensor') return tensor(null, null);
    let dt: DType | null | undefined;
    const typeName = (name: string | null): DType | null => {
      const m = /^torch\.(?:cuda\.)?(\w+)Tensor$/.exec(name ?? '');
      return m ? ({ Long: 'int64', Float: 'float32', Double: 'float64', Int: 'int32', Byte: 'uint8', Bool: 'bool' } as Record<string, DType>)[m[1]] ?? null : null;
    };
    for (const v of [...a.args, a.kwargs.get('dtype')]) {
      if (!v) continue;
      if (v.k === 'opaque' && v.cls === 'torch.dtype') dt = dtypeOf(v);
      else if (v.k === 'tensor') dt = v.dtype;
      else if (v.k === 'str' && a.op === 'Tensor.type') dt = typeName(v.v);
      // x.type(torch.LongTensor): the tensor type itself
      else if (v.k === 'builtin' && !v.self) dt = typeName(v.name);
      // something that may be a dtype: the result's dtype is not known (devices, flags and strings keep it)
      else if (v.k === 'unknown') dt = null;
    }
    if (a.op === 'Tensor.type' && a.args.length === 0 && !a.kwargs.has('dtype')) return { k: 'str', v: null };
    return cast(dt === undefined ? null : dt)(a);
  });
  reg.def(['Tensor.numpy'], (a) => {
    const x = a.self;
    if (!x || x.k !== 'tensor') return tensor(null, null, { numpy: true });
    const r = tensor(x.shape, x.dtype, { numpy: true });
    if (x.data) r.data = x.data;
    return r;
  });
  reg.def(['Tensor.item'], (a) => {
    const x = a.self;
    if (!x || x.k !== 'tensor') return { k: 'unknown' };
    if (x.shape && dimProduct(x.shape) !== 1 && typeof dimProduct(x.shape) === 'number') {
      throw new ShapeError(`a Tensor with ${dimProduct(x.shape)} elements cannot be converted to Scalar`);
    }
    const isF = x.dtype === 'float32' || x.dtype === 'float64';
    const v = x.data ? x.data.data[0] : null;
    if (x.dtype === 'bool') return { k: 'bool', v: v === null ? null : v !== 0 };
    return isF ? float(v) : int(v);
  });
  reg.def(['Tensor.tolist', 'ndarray.tolist'], (a) => {
    const x = a.self;
    if (!x || x.k !== 'tensor' || !x.shape) return { k: 'list', items: null };
    const isF = x.dtype === 'float32' || x.dtype === 'float64';
    const mk = (v: number | null): Value => (x.dtype === 'bool' ? { k: 'bool', v: v === null ? null : v !== 0 } : isF ? float(v) : int(v));
    const build = (dim: number, off: number): Value => {
      if (dim === x.shape!.length) return mk(x.data ? x.data.data[off] : null);
      const n = x.shape![dim];
      if (typeof n !== 'number' || n > 4096) return { k: 'list', items: null, elem: dim + 1 === x.shape!.length ? mk(null) : undefined, len: n };
      let stride = 1;
      for (let j = dim + 1; j < x.shape!.length; j++) stride *= (x.shape![j] as number) ?? 0;
      return list(Array.from({ length: n }, (_, i) => build(dim + 1, off + i * stride)));
    };
    if (x.shape.length === 0) return mk(x.data ? x.data.data[0] : null);
    return build(0, 0);
  });
  reg.fnAndMethod(['narrow'], (a) => {
    const x = self(a);
    if (!x) return tensor(null, null);
    const d = intArg(a.get(1, 'dim'));
    const start = intArg(a.get(2, 'start'));
    const len = dimArg(a.get(3, 'length'));
    if (x.shape === null || d === null) return tensor(null, x.dtype);
    const i = normalizeDimIndex(d, x.shape.length);
    const size = x.shape[i];
    if (typeof size === 'number' && typeof len === 'number' && start !== null && start + len > size) {
      throw new ShapeError(`start (${start}) + length (${len}) exceeds dimension size (${size}).`);
    }
    const s = [...x.shape];
    s[i] = len;
    return tensor(s, x.dtype);
  });
  reg.def(['Tensor.__len__'], (a) => (a.self?.k === 'tensor' && a.self.shape?.length ? intFromDim(a.self.shape[0]) : int(null)));
  // diag: a matrix's k-th diagonal (1-D), or a vector made the k-th diagonal of a square matrix
  reg.fnAndMethod(['diag'], (a) => {
    const x = a.get(0, 'input');
    const k = intArg(a.get(1, 'diagonal') ?? int(0));
    if (!x || x.k !== 'tensor') return tensor(null, null);
    if (!x.shape || k === null) return tensor(null, x.dtype);
    if (x.shape.length === 1) {
      const n = x.shape[0];
      const m = typeof n === 'number' ? n + Math.abs(k) : null;
      return tensor([m, m], x.dtype);
    }
    if (x.shape.length !== 2) throw new ShapeError('matrix or a vector expected');
    const [r, c] = x.shape;
    const len = typeof r === 'number' && typeof c === 'number' ? Math.max(0, k >= 0 ? Math.min(r, c - k) : Math.min(r + k, c)) : null;
    return tensor([len], x.dtype);
  });
  // In-place shape ops change the receiver itself (`h.squeeze_(0)` leaves h squeezed): the out-of-place rule's
  // result is written into the tensor every alias holds, and the receiver is returned.
  const inPlace = (outOfPlace: string) => (a: OpArgs): Value => {
    const rule = reg.get(outOfPlace);
    const x = a.self;
    if (!rule || !x || x.k !== 'tensor') return tensor(null, null);
    const r = rule(a);
    x.shape = r.k === 'tensor' ? r.shape : null;
    if (r.k === 'tensor' && r.data) x.data = r.data;
    else delete x.data;
    return x;
  };
  reg.def('Tensor.squeeze_', inPlace('Tensor.squeeze'));
  reg.def('Tensor.unsqueeze_', inPlace('Tensor.unsqueeze'));
  reg.def('Tensor.t_', inPlace('Tensor.t'));
  reg.def(['Tensor.transpose_', 'Tensor.swapaxes_', 'Tensor.swapdims_'], inPlace('Tensor.transpose'));
  reg.def('Tensor.resize_', (a) => {
    const x = a.self;
    if (!x || x.k !== 'tensor') return tensor(null, null);
    x.shape = sizesArg(a, 0, 'size');
    delete x.data;
    return x;
  });
  reg.def('Tensor.resize_as_', (a) => {
    const x = a.self;
    const other = a.get(0, 'the_template');
    if (!x || x.k !== 'tensor') return tensor(null, null);
    x.shape = other && other.k === 'tensor' ? other.shape : null;
    delete x.data;
    return x;
  });
  void boolArg;
}
