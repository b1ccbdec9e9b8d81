// Elementwise ops: arithmetic and comparisons with broadcasting and PyTorch's dtype promotion (the Python operators
// on tensors `+ - * / // % ** == < …` and torch.add/mul/…), unary math and activations (relu, tanh, sigmoid,
// softmax, log_softmax… as torch.*, Tensor.* and F.*), masked_fill, where, clamp. Data is computed when both
// operands are known and small (so `lengths - 1`, `mask = x != 0` stay exact).
import { ShapeError, broadcastShapes, normalizeDimIndex, type Shape } from '../../shape/dim';
import type { DType } from '../../tensor/tensor';
import { tensor, type TensorValueA, type Value } from '../../interp/values';
import { broadcastData, dtypeOf, isFloatDtype, knownShape, numArg, promote, scalarTensorData, intArg, withData, MAX_DATA } from './common';
import type { OpArgs, OpRegistry } from './registry';
import { nonzeroTuple } from './indexing';

type Operand = { shape: Shape; dtype: DType | null; kind: 'tensor' | 'zerodim' | 'scalar'; value: TensorValueA | null; num: number | null };

function operand(v: Value): Operand | null {
  switch (v.k) {
    case 'tensor':
      return { shape: v.shape, dtype: v.dtype, kind: v.shape && v.shape.length === 0 ? 'zerodim' : 'tensor', value: v, num: null };
    case 'int':
      return { shape: [], dtype: 'int64', kind: 'scalar', value: null, num: v.v };
    case 'float':
      return { shape: [], dtype: 'float32', kind: 'scalar', value: null, num: v.v };
    case 'bool':
      return { shape: [], dtype: 'bool', kind: 'scalar', value: null, num: v.v === null ? null : v.v ? 1 : 0 };
    default:
      return null;
  }
}

const ARITH: Record<string, (p: number, q: number) => number> = {
  '+': (p, q) => p + q,
  '-': (p, q) => p - q,
  '*': (p, q) => p * q,
  '/': (p, q) => p / q,
  '//': (p, q) => Math.floor(p / q),
  '%': (p, q) => p - Math.floor(p / q) * q,
  '**': (p, q) => p ** q,
  '&': (p, q) => (p & q),
  '|': (p, q) => (p | q),
  '^': (p, q) => (p ^ q),
  '==': (p, q) => (p === q ? 1 : 0),
  '!=': (p, q) => (p !== q ? 1 : 0),
  '<': (p, q) => (p < q ? 1 : 0),
  '<=': (p, q) => (p <= q ? 1 : 0),
  '>': (p, q) => (p > q ? 1 : 0),
  '>=': (p, q) => (p >= q ? 1 : 0),
  max: (p, q) => Math.max(p, q),
  min: (p, q) => Math.min(p, q),
};

const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>=']);

const NP_CATEGORY: Record<DType, number> = { bool: 0, uint8: 1, int32: 1, int64: 1, float32: 2, float64: 2 };
const NP_INT_RANGE: Partial<Record<DType, [number, number]>> = { uint8: [0, 255], int32: [-(2 ** 31), 2 ** 31 - 1], int64: [-(2 ** 63), 2 ** 63] };

/** numpy's promotion of two arrays (np.result_type of two dtypes). */
function npPromote(p: DType, q: DType): DType {
  if (p === q) return p;
  if (p === 'bool') return q;
  if (q === 'bool') return p;
  const cp = NP_CATEGORY[p];
  const cq = NP_CATEGORY[q];
  if (cp === 2 && cq === 2) return 'float64';
  if (cp === 1 && cq === 1) return p === 'int64' || q === 'int64' ? 'int64' : 'int32';
  // int with float: uint8 fits float32 exactly, int32/int64 need float64
  const [i, f] = cp === 1 ? [p, q] : [q, p];
  return f === 'float32' && i === 'uint8' ? 'float32' : 'float64';
}

/** An operand of numpy arithmetic: an ndarray (rank > 0), or a scalar (a Python number, or a 0-d ndarray: numpy
 *  1.x's value-based casting lets a scalar change the result only when it is of a higher kind). */
type NpOperand = { dtype: DType | null; scalar: boolean | null; python: boolean; num: number | null };

function npOperand(v: Value, o: Operand): NpOperand {
  return { dtype: v.k === 'float' ? 'float64' : o.dtype, scalar: o.kind === 'scalar' || o.kind === 'zerodim' ? true : v.k === 'tensor' && v.shape === null ? null : false, python: o.kind === 'scalar', num: o.num };
}

function npResultKnownRanks(x: NpOperand & { scalar: boolean }, y: NpOperand & { scalar: boolean }): DType | null {
  if (x.dtype === null || y.dtype === null) return null;
  if (x.scalar === y.scalar) return npPromote(x.dtype, y.dtype);
  const [arr, sc] = x.scalar ? [y, x] : [x, y];
  const A = arr.dtype as DType;
  const S = sc.dtype as DType;
  const ca = NP_CATEGORY[A];
  const cs = NP_CATEGORY[S];
  if (cs < ca) return A;
  if (cs === ca) {
    if (ca === 0 || A === 'float64' || A === 'int64') return A;
    if (ca === 2) return sc.num !== null && Math.abs(sc.num) > 3.4e38 ? null : A;
    // same-kind ints: the array's dtype when the value fits it
    const r = NP_INT_RANGE[A];
    return r && sc.num !== null && sc.num >= r[0] && sc.num <= r[1] ? A : null;
  }
  // a scalar of a higher kind: Python numbers give their default dtype (int64, float64); a 0-d float with an
  // int32/int64 array gives float64
  if (sc.python) return S;
  if (cs === 2 && (A === 'int32' || A === 'int64')) return 'float64';
  return null;
}

/** numpy's result dtype of `x op y` (numpy 1.x, value-based casting of scalars), or null when it depends on what
 *  the engine does not know (a rank, a value, a rare dtype pair). */
function numpyBinaryDtype(op: string, a: Value, x: Operand, b: Value, y: Operand): DType | null {
  if (COMPARE.has(op)) return 'bool';
  const p = npOperand(a, x);
  const q = npOperand(b, y);
  const ranks: [boolean, boolean][] = [];
  for (const rp of p.scalar === null ? [true, false] : [p.scalar]) for (const rq of q.scalar === null ? [true, false] : [q.scalar]) ranks.push([rp, rq]);
  let out: DType | null | undefined;
  for (const [rp, rq] of ranks) {
    const r = npResultKnownRanks({ ...p, scalar: rp }, { ...q, scalar: rq });
    if (r === null || (out !== undefined && out !== r)) return null;
    out = r;
  }
  if (!out) return null;
  if (op === '/') return NP_CATEGORY[out] === 2 ? out : 'float64';
  if (out === 'bool' && (op === '**' || op === '//' || op === '%' || op === '-' || op === '/')) return null;
  return out;
}

/** A binary elementwise op where at least one side is a tensor; null when an operand is not a number/tensor. */
export function tensorBinary(op: string, a: Value, b: Value): Value | null {
  const x = operand(a);
  const y = operand(b);
  if (!x || !y) return null;
  if (x.kind === 'scalar' && y.kind === 'scalar') return null;
  const numpy = (a.k === 'tensor' && a.numpy) || (b.k === 'tensor' && b.numpy);
  const shape = broadcastShapes(x.shape, y.shape);
  let dtype: DType | null;
  if (COMPARE.has(op)) dtype = 'bool';
  else {
    dtype = promote(x, y);
    if ((op === '/' ) && dtype !== null && !isFloatDtype(dtype)) dtype = 'float32';
    if (op === '**' && dtype !== null && !isFloatDtype(dtype) && (x.dtype && isFloatDtype(x.dtype) || y.dtype && isFloatDtype(y.dtype))) dtype = 'float32';
    if (['&', '|', '^'].includes(op) && dtype !== null && isFloatDtype(dtype)) {
      throw new ShapeError(`"bitwise_${op === '&' ? 'and' : op === '|' ? 'or' : 'xor'}_cpu" not implemented for 'Float'`);
    }
  }
  if (numpy && !((a.k === 'tensor' && !a.numpy) || (b.k === 'tensor' && !b.numpy))) dtype = numpyBinaryDtype(op, a, x, b, y);
  else if (numpy && dtype === 'float32' && ((x.value?.numpy && x.dtype === 'float64') || (y.value?.numpy && y.dtype === 'float64'))) dtype = 'float64';
  const out = tensor(shape, dtype, { numpy });
  const f = ARITH[op];
  if (f && dtype && shape && shape.every((d) => typeof d === 'number')) {
    const dx = x.value ? x.value.data : x.num !== null ? scalarTensorData(x.num, 'float64') : undefined;
    const dy = y.value ? y.value.data : y.num !== null ? scalarTensorData(y.num, 'float64') : undefined;
    if (dx && dy) {
      const isInt = dtype === 'int64' || dtype === 'int32' || dtype === 'uint8';
      const g = isInt && op === '/' ? (p: number, q: number) => p / q : f;
      const d = broadcastData(dx, dy, shape as number[], dtype, g);
      if (d) out.data = d;
    }
  }
  if (a.k === 'tensor' && a.facts.padded && b.k !== 'tensor') out.facts = { ...a.facts, origin: a.facts.origin };
  return out;
}

function unaryShape(a: OpArgs, dtype?: (d: DType | null) => DType | null): Value {
  const x = a.get(0, 'input');
  if (!x || x.k !== 'tensor') return tensor(null, null);
  const out = tensor(x.shape, dtype ? dtype(x.dtype) : x.dtype, { numpy: x.numpy });
  if (x.facts.padded) out.facts = { ...x.facts };
  return out;
}

function floatResult(d: DType | null): DType | null {
  return d === null ? null : isFloatDtype(d) ? d : 'float32';
}

/** softmax-like ops validate `dim` against the rank. */
function withDim(a: OpArgs, dimIndex: number): Value {
  const x = a.get(0, 'input');
  if (!x || x.k !== 'tensor') return tensor(null, null);
  const d = a.get(dimIndex, 'dim');
  const dim = intArg(d);
  if (dim !== null && x.shape) normalizeDimIndex(dim, x.shape.length);
  const dt = dtypeOf(a.get(dimIndex + 2, 'dtype')) ?? floatResult(x.dtype);
  return tensor(x.shape, dt);
}

export function register(reg: OpRegistry): void {
  const binary = (op: string) => (a: OpArgs): Value => {
    const x = a.get(0, 'input');
    const y = a.get(1, 'other');
    if (!x || !y) return tensor(null, null);
    let yy = y;
    const alpha = numArg(a.get(2, 'alpha'));
    if (alpha !== null && alpha !== 1 && yy.k === 'tensor') yy = { ...yy, data: undefined } as TensorValueA;
    const r = tensorBinary(op, x, yy) ?? tensor(null, null);
    // in place (add_, div_, …): the receiver keeps its shape and dtype
    if (a.op.endsWith('_') && x.k === 'tensor' && r.k === 'tensor' && (r.dtype !== x.dtype || JSON.stringify(r.shape) !== JSON.stringify(x.shape))) return tensor(x.shape, x.dtype);
    return r;
  };
  reg.fnAndMethod(['add', 'add_'], binary('+'));
  reg.fnAndMethod(['sub', 'sub_', 'subtract'], binary('-'));
  reg.fnAndMethod(['mul', 'mul_', 'multiply'], binary('*'));
  // div(rounding_mode='floor' | 'trunc') keeps integer dtypes (like //); without it, true division
  reg.fnAndMethod(['div', 'div_', 'divide'], (a) => {
    const mode = a.get(2, 'rounding_mode');
    if (mode === undefined || mode.k === 'none') return binary('/')(a);
    if (mode.k !== 'str' || mode.v === null) return tensor(null, null);
    const r = binary('//')(a);
    return mode.v === 'trunc' && r.k === 'tensor' ? tensor(r.shape, r.dtype) : r;
  });
  reg.fnAndMethod(['true_divide'], binary('/'));
  reg.fnAndMethod(['floor_divide'], binary('//'));
  reg.fnAndMethod(['remainder', 'fmod'], binary('%'));
  reg.fnAndMethod(['pow', 'pow_'], binary('**'));
  reg.fnAndMethod(['eq'], binary('=='));
  reg.fnAndMethod(['ne'], binary('!='));
  reg.fnAndMethod(['lt'], binary('<'));
  reg.fnAndMethod(['le'], binary('<='));
  reg.fnAndMethod(['gt'], binary('>'));
  reg.fnAndMethod(['ge'], binary('>='));
  reg.fnAndMethod(['maximum'], binary('max'));
  reg.fnAndMethod(['minimum'], binary('min'));
  reg.fnAndMethod(['logical_and', 'logical_or', 'logical_xor'], (a) => {
    const r = binary('==')(a);
    return r.k === 'tensor' ? tensor(r.shape, 'bool') : r;
  });
  reg.fnAndMethod(['atan2'], binary('/'));

  const same = (a: OpArgs): Value => unaryShape(a);
  const flt = (a: OpArgs): Value => unaryShape(a, floatResult);
  reg.fnAndMethod(['relu', 'relu_', 'abs', 'neg', 'clone', 'detach', 'contiguous', 'clamp_', 'sign', 'floor', 'ceil', 'round', 'trunc', 'square', 'uniform_', 'normal_', 'bernoulli_', 'exponential_', 'detach_', 'flip', 'roll', 'tril', 'triu', 'nan_to_num', 'masked_fill_', 'clamp_min_', 'clamp_max_', 'abs_', 'neg_'], same);
  // clamp(x, min, max): the dtype x and its bounds promote to (an int tensor clamped at 0.5 is float32)
  reg.fnAndMethod(['clamp', 'clip', 'clamp_min', 'clamp_max'], (a) => {
    const x = a.get(0, 'input');
    if (!x || x.k !== 'tensor') return tensor(null, null);
    const single = a.op.endsWith('clamp_min') || a.op.endsWith('clamp_max');
    const bounds = single ? [a.get(1, a.op.endsWith('min') ? 'min' : 'max')] : [a.get(1, 'min'), a.get(2, 'max')];
    let dt: DType | null = x.dtype;
    for (const b of bounds) {
      if (!b || b.k === 'none' || dt === null) continue;
      const r = tensorBinary('+', tensor(x.shape, dt), b);
      dt = r && r.k === 'tensor' ? r.dtype : null;
    }
    const out = tensor(x.shape, dt, { numpy: x.numpy });
    if (x.facts.padded) out.facts = { ...x.facts };
    return out;
  });
  // cumsum / cumprod: integer and bool inputs accumulate in int64 unless dtype= says otherwise
  reg.fnAndMethod(['cumsum', 'cumprod'], (a) => {
    const x = a.get(0, 'input');
    if (!x || x.k !== 'tensor') return tensor(null, null);
    const given = a.get(2, 'dtype');
    const dt = given && given.k !== 'none' ? dtypeOf(given) : x.dtype === null ? null : isFloatDtype(x.dtype) ? x.dtype : 'int64';
    return tensor(x.shape, dt);
  });
  // fill_(v) / zero_(): the receiver's shape and dtype, every element v (data kept when the shape is known)
  reg.fnAndMethod(['fill_', 'zero_'], (a) => {
    const x = a.get(0, 'input');
    if (!x || x.k !== 'tensor') return tensor(null, null);
    const v = a.op.endsWith('zero_') ? 0 : numArg(a.get(1, 'value'));
    const shape = knownShape(x);
    const n = shape ? shape.reduce((p, q) => p * q, 1) : null;
    if (v === null || !shape || !x.dtype || n === null || n > MAX_DATA) return tensor(x.shape, x.dtype);
    return withData(shape, x.dtype, new Array<number>(n).fill(v));
  });
  reg.fnAndMethod(['tanh', 'sigmoid', 'exp', 'log', 'sqrt', 'rsqrt', 'sin', 'cos', 'log1p', 'expm1', 'reciprocal', 'erf', 'tanh_', 'sigmoid_', 'exp_', 'log_', 'sqrt_'], flt);
  reg.fnAndMethod(['logical_not', 'isnan', 'isinf', 'isfinite'], (a) => unaryShape(a, () => 'bool'));
  for (const n of ['relu', 'relu6', 'elu', 'selu', 'gelu', 'silu', 'leaky_relu', 'tanh', 'sigmoid', 'hardtanh', 'softplus', 'softsign', 'tanhshrink', 'mish', 'dropout', 'dropout2d', 'alpha_dropout', 'relu_', 'logsigmoid', 'hardsigmoid', 'hardswish', 'celu', 'glu']) {
    reg.def(`F.${n}`, n === 'glu' ? () => tensor(null, null) : same);
  }
  reg.def(['torch.dropout', 'torch.nn.functional.dropout'], same);
  reg.fnAndMethod(['softmax', 'log_softmax'], (a) => withDim(a, 1));
  reg.def(['F.softmax', 'F.log_softmax', 'F.softmin', 'F.gumbel_softmax'], (a) => withDim(a, 1));
  reg.fnAndMethod(['masked_fill'], (a) => {
    const x = a.get(0, 'input');
    const mask = a.get(1, 'mask');
    if (!x || x.k !== 'tensor') return tensor(null, null);
    if (mask && mask.k === 'tensor') {
      if (mask.dtype && mask.dtype !== 'bool' && mask.dtype !== 'uint8') {
        throw new ShapeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype === 'int64' ? 'long int' : mask.dtype}`);
      }
      const b = broadcastShapes(x.shape, mask.shape);
      if (b && x.shape && b.length > x.shape.length) {
        throw new ShapeError(`masked_fill_ only supports a mask that broadcasts to the tensor`);
      }
    }
    return tensor(x.shape, x.dtype);
  });
  reg.fnAndMethod(['where'], (a) => {
    const c = a.get(0, 'condition');
    const x = a.get(1, 'input');
    const y = a.get(2, 'other');
    // torch.where(condition) alone is nonzero(condition, as_tuple=True)
    if (x === undefined && y === undefined) return nonzeroTuple(c);
    if (!c || c.k !== 'tensor') return tensor(null, null);
    if (!x || !y) return tensor(null, 'int64');
    const s1 = tensorBinary('+', x, y);
    if (!s1 || s1.k !== 'tensor') return tensor(null, null);
    return tensor(broadcastShapes(c.shape, s1.shape), s1.dtype);
  });
  reg.def(['F.normalize', 'F.layer_norm', 'F.instance_norm', 'F.batch_norm'], same);
  reg.def('torch.sigmoid_', same);
}
