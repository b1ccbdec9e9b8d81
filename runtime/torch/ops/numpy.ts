// The numpy calls data-preparation code uses around PyTorch: np.array/asarray of literal data, zeros/ones,
// arange/linspace, random draws (values unknown, shapes known: np.random.randint(1, 50) is an int of unknown value),
// elementwise math (sin, cos, exp, log, sqrt, tanh, abs), stack/concatenate/vstack/hstack/column_stack/dstack,
// expand_dims, reductions with axis/keepdims (mean, std, sum, max, min), and ndarray methods that mirror tensor
// ones. ndarrays are tensor values flagged `numpy` (never recorded); shapes reuse the torch rules, dtypes follow
// numpy (float64 by default, int with float32 is float64).
import { dimOf, float, int, list, tensor, type Value } from '../../interp/values';
import { dimAdd, dimProduct, normalizeDimIndex, type Dim } from '../../shape/dim';
import type { DType } from '../../tensor/tensor';
import { dtypeOf, dtypeValue, intArg, sizesArg, withData } from './common';
import { numpyResultDtype, stackFamily } from './shape';
import { OpArgs, OpArgs as Args } from './registry';
import { tensorFromData } from './creation';
import type { OpRegistry } from './registry';

function np(a: OpArgs): Value {
  const d = a.get(0, 'object');
  const dt = dtypeOf(a.get(1, 'dtype'));
  if (!d) return tensor(null, null, { numpy: true });
  const t = tensorFromData(a.services, d, dt, dt !== null);
  // numpy defaults: Python ints → int64, floats → float64
  const inferred = dt ?? (t.dtype === 'float32' && !(d.k === 'tensor') ? 'float64' : t.dtype);
  const r = tensor(t.shape, inferred, { numpy: true });
  if (t.data && inferred) r.data = t.data.dtype === inferred ? t.data : undefined;
  if (!r.data) delete r.data;
  return r;
}

function sizeFrom(a: OpArgs, v: Value | undefined): Value {
  if (v === undefined || v.k === 'none') return { k: 'unknown' };
  if (v.k === 'int') return tensor([dimOf(v)], null, { numpy: true });
  const items = a.services.items(v);
  return tensor(items ? items.map(dimOf) : null, null, { numpy: true });
}

/** An ndarray (numpy flag) with the given shape/dtype. */
function nd(shape: Dim[] | null, dtype: DType | null): Value {
  return tensor(shape, dtype, { numpy: true });
}

/** numpy elementwise math: the input's shape, float64 for ints/bools/Python numbers, float32 kept. */
function npMath(a: OpArgs): Value {
  const x = a.get(0, 'x');
  if (!x) return nd(null, null);
  if (x.k === 'int' || x.k === 'float' || x.k === 'bool') return float(null);
  if (x.k !== 'tensor') return nd(null, 'float64');
  return nd(x.shape, x.dtype === 'float32' ? 'float32' : x.dtype === null ? null : 'float64');
}

/** Arrays given as a list/tuple of ndarrays or numbers → ndarray values (Python numbers are 0-d). */
function arraysArg(a: OpArgs): Value[] | null {
  const seq = a.get(0, 'arrays');
  const items = seq ? a.services.items(seq) : null;
  if (!items) return null;
  const out: Value[] = [];
  for (const it of items) {
    if (it.k === 'tensor') out.push(it);
    else if (it.k === 'int') out.push(nd([], 'int64'));
    else if (it.k === 'float') out.push(nd([], 'float64'));
    else if (it.k === 'list' || it.k === 'tuple') out.push(np(new Args('np.array', [it], new Map(), a.services)));
    else return null;
  }
  return out;
}

/** np.stack / np.concatenate through the torch rules (same shape checks and messages), numpy dtypes. */
function npJoin(reg: OpRegistry, a: OpArgs, stack: boolean): Value {
  const items = arraysArg(a);
  const axisV = a.get(1, 'axis');
  if (!items) return nd(null, null);
  if (axisV && axisV.k === 'none') {
    // axis=None flattens first (concatenate only)
    if (stack) return nd(null, null);
    const total = items.reduce<Dim>((acc, t) => (acc === null || t.k !== 'tensor' || !t.shape ? null : dimAdd(acc, dimProduct(t.shape))), 0);
    return nd([total], numpyResultDtype(items.map((t) => (t.k === 'tensor' ? t.dtype : null))));
  }
  const axis = axisV === undefined ? 0 : intArg(axisV);
  if (axis === null) return nd(null, null);
  const rule = reg.get(stack ? 'torch.stack' : 'torch.cat');
  if (!rule) return nd(null, null);
  const r = rule(new Args(a.op, [list(items), int(axis)], new Map(), a.services));
  return r.k === 'tensor' ? nd(r.shape, numpyResultDtype(items.map((t) => (t.k === 'tensor' ? t.dtype : null)))) : nd(null, null);
}

/** ndarray/np reductions: axis None → a 0-d array, an int or tuple of ints → those dims removed (kept as 1). */
function npReduce(a: OpArgs, x: Value | undefined, argBase: number): Value {
  if (!x || x.k !== 'tensor') return nd(null, null);
  const op = a.op.slice(a.op.lastIndexOf('.') + 1);
  const dt: DType | null = op === 'mean' || op === 'std' || op === 'var' ? (x.dtype === 'float32' ? 'float32' : x.dtype === null ? null : 'float64') : op === 'sum' && (x.dtype === 'bool' || x.dtype === 'int32') ? 'int64' : x.dtype;
  const axisV = a.get(argBase, 'axis');
  const keep = a.get(-1, 'keepdims');
  const keepdims = keep === undefined ? false : keep.k === 'bool' ? keep.v : null;
  if (x.shape === null || keepdims === null) return nd(null, dt);
  const rank = x.shape.length;
  let axes: number[] | null;
  if (axisV === undefined || axisV.k === 'none') axes = x.shape.map((_, i) => i);
  else if (axisV.k === 'tuple' || axisV.k === 'list') {
    const its = a.services.items(axisV);
    axes = its ? its.map((v) => intArg(v)).filter((v): v is number => v !== null) : null;
    if (its && axes && axes.length !== its.length) axes = null;
  } else {
    const n = intArg(axisV);
    axes = n === null ? null : [n];
  }
  if (axes === null) return nd(null, dt);
  const norm = axes.map((d) => normalizeDimIndex(d, rank));
  const shape = keepdims ? x.shape.map((d, i) => (norm.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !norm.includes(i));
  return nd(shape, dt);
}

export function register(reg: OpRegistry): void {
  reg.def('np.linspace', (a) => {
    const num = a.get(2, 'num');
    const dt = dtypeOf(a.get(5, 'dtype')) ?? 'float64';
    return nd([num === undefined ? 50 : dimOf(num)], dt);
  });
  reg.def(['np.sin', 'np.cos', 'np.tan', 'np.exp', 'np.log', 'np.log1p', 'np.sqrt', 'np.tanh', 'np.arctan', 'np.arcsin', 'np.arccos'], npMath);
  reg.def(['np.abs', 'np.absolute', 'np.floor', 'np.ceil', 'np.round', 'np.square'], (a) => {
    const x = a.get(0, 'x');
    if (x && x.k === 'tensor') return nd(x.shape, x.dtype);
    return x && (x.k === 'int' || x.k === 'float') ? { k: x.k, v: null } : nd(null, null);
  });
  reg.def('np.stack', (a) => npJoin(reg, a, true));
  reg.def(['np.concatenate', 'np.concat'], (a) => npJoin(reg, a, false));
  reg.def('np.hstack', (a) => stackFamily(a, 'hstack', true));
  reg.def(['np.vstack', 'np.row_stack'], (a) => stackFamily(a, 'vstack', true));
  reg.def('np.column_stack', (a) => stackFamily(a, 'column_stack', true));
  reg.def('np.dstack', (a) => stackFamily(a, 'dstack', true));
  reg.def('np.expand_dims', (a) => {
    const x = a.get(0, 'a');
    const axis = intArg(a.get(1, 'axis'));
    if (!x || x.k !== 'tensor' || x.shape === null || axis === null) return nd(null, x && x.k === 'tensor' ? x.dtype : null);
    const d = normalizeDimIndex(axis, x.shape.length + 1);
    const s = [...x.shape];
    s.splice(d, 0, 1);
    return nd(s, x.dtype);
  });
  reg.def(['np.mean', 'np.std', 'np.var', 'np.sum', 'np.max', 'np.min', 'np.amax', 'np.amin'], (a) => npReduce(a, a.get(0, 'a'), 1));
  reg.def(['ndarray.mean', 'ndarray.std', 'ndarray.var', 'ndarray.sum', 'ndarray.max', 'ndarray.min'], (a) => npReduce(a, a.self, 0));
  reg.def(['np.array', 'np.asarray'], np);
  // zeros / ones / full keep their (small) data, so item writes in a preparation loop (`lengths[i] = len(seq)`)
  // leave known values
  const filledNd = (shape: Dim[] | null, dt: DType | null, fill: number | null): Value => {
    const t = tensor(shape, dt, { numpy: true });
    if (shape && dt && fill !== null && shape.every((d): d is number => typeof d === 'number')) {
      const n = shape.reduce((x, y) => x * y, 1);
      if (n <= 4096) t.data = withData(shape, dt, new Array(n).fill(fill)).data;
    }
    return t;
  };
  reg.def(['np.zeros', 'np.ones', 'np.empty'], (a) => filledNd(sizesArg(a, 0, 'shape'), dtypeOf(a.get(1, 'dtype')) ?? 'float64', a.op === 'np.zeros' ? 0 : a.op === 'np.ones' ? 1 : null));
  reg.def('np.full', (a) => {
    const fill = a.get(1, 'fill_value');
    const dt = dtypeOf(a.get(2, 'dtype')) ?? (fill?.k === 'int' ? 'int64' : fill?.k === 'bool' ? 'bool' : 'float64');
    const num = fill && (fill.k === 'int' || fill.k === 'float') ? fill.v : fill && fill.k === 'bool' && fill.v !== null ? Number(fill.v) : null;
    return filledNd(sizesArg(a, 0, 'shape'), dt, num);
  });
  reg.def(['np.zeros_like', 'np.ones_like', 'np.empty_like'], (a) => {
    const x = a.get(0, 'a');
    return x && x.k === 'tensor' ? tensor(x.shape, dtypeOf(a.get(1, 'dtype')) ?? x.dtype, { numpy: true }) : tensor(null, null, { numpy: true });
  });
  reg.def('np.argsort', (a) => {
    const x = a.get(0, 'a');
    if (!x) return tensor(null, 'int64', { numpy: true });
    if (x.k === 'tensor') return tensor(x.shape, 'int64', { numpy: true });
    const items = a.services.items(x);
    return tensor(items ? [items.length] : null, 'int64', { numpy: true });
  });
  reg.def('np.random.randint', (a) => {
    const size = a.get(2, 'size');
    if (size === undefined || size.k === 'none') return int(null);
    const t = sizeFrom(a, size);
    return t.k === 'tensor' ? tensor(t.shape, 'int64', { numpy: true }) : t;
  });
  reg.def(['np.random.rand', 'np.random.randn'], (a) => (a.args.length === 0 ? float(null) : tensor(a.args.map(dimOf), 'float64', { numpy: true })));
  reg.def(['np.random.random', 'np.random.uniform', 'np.random.normal'], (a) => {
    const size = a.get(a.op.endsWith('random') ? 0 : 2, 'size');
    if (size === undefined || size.k === 'none') return float(null);
    const t = sizeFrom(a, size);
    return t.k === 'tensor' ? tensor(t.shape, 'float64', { numpy: true }) : t;
  });
  reg.def(['np.random.seed'], () => ({ k: 'none' }));
  // np.random.permutation(n): the n indices in an unknown order; of an array: its rows shuffled (same shape)
  reg.def('np.random.permutation', (a) => {
    const x = a.get(0, 'x');
    if (!x) return { k: 'unknown' };
    if (x.k === 'tensor') return tensor(x.shape, x.dtype, { numpy: true });
    if (x.k === 'int') return tensor([dimOf(x)], 'int64', { numpy: true });
    return { k: 'unknown' };
  });
  // np.random.choice(a, size): `size` draws from range(a) (int64) or from the array a (its dtype)
  reg.def('np.random.choice', (a) => {
    const size = a.get(1, 'size');
    if (!size) return { k: 'unknown' };
    const t = sizeFrom(a, size);
    const from = a.get(0, 'a');
    const dt = from?.k === 'int' ? 'int64' : from?.k === 'tensor' ? from.dtype : null;
    return t.k === 'tensor' ? tensor(t.shape, dt, { numpy: true }) : t;
  });
  // np.arange: torch.arange's length rule (ceil((stop - start) / step)), numpy's dtypes: int64 for int arguments,
  // float64 as soon as one is a float, or the dtype given
  reg.def('np.arange', (a) => {
    const given = a.get(3, 'dtype');
    const dt = given ? dtypeOf(given) : null;
    const rule = reg.get('torch.arange');
    const bounds = [a.get(0, 'start'), a.get(1, 'stop'), a.get(2, 'step')].filter((x): x is Value => x !== undefined);
    const isFloat = bounds.some((x) => x.k === 'float' || (x.k === 'tensor' && x.dtype !== null && x.dtype.startsWith('float')));
    const known = bounds.every((x) => x.k === 'int' || x.k === 'float' || x.k === 'bool');
    const out: DType | null = given ? dt : !known ? null : isFloat ? 'float64' : 'int64';
    const r = rule && known ? rule(new Args('torch.arange', bounds, new Map([['dtype', dtypeValue(out ?? 'float64')]]), a.services)) : null;
    const shape = r && r.k === 'tensor' && r.shape ? r.shape : [bounds.length === 1 ? dimOf(bounds[0]) : null];
    const t = tensor(shape, out, { numpy: true });
    if (r && r.k === 'tensor' && r.data && out && r.data.dtype === out) t.data = r.data;
    return t;
  });
  // np.random.RandomState(seed) / random.Random(seed): objects whose methods are the module's functions (values of
  // their draws unknown, shapes known); np.random.default_rng(seed): the Generator API (integers, random, ...)
  reg.def('np.random.RandomState', () => ({ k: 'opaque', cls: 'np.random', attrs: new Map() }));
  reg.def('np.random.default_rng', () => ({ k: 'opaque', cls: 'np.random.Generator', attrs: new Map() }));
  reg.def('np.random.Generator.integers', (a) => {
    const size = a.get(2, 'size');
    const dt = dtypeOf(a.get(3, 'dtype')) ?? 'int64';
    if (size === undefined || size.k === 'none') return int(null);
    const t = sizeFrom(a, size);
    return t.k === 'tensor' ? tensor(t.shape, dt, { numpy: true }) : t;
  });
  reg.def(['np.random.Generator.random', 'np.random.Generator.standard_normal'], (a) => {
    const size = a.get(0, 'size');
    const dt = dtypeOf(a.get(1, 'dtype')) ?? 'float64';
    if (size === undefined || size.k === 'none') return float(null);
    const t = sizeFrom(a, size);
    return t.k === 'tensor' ? tensor(t.shape, dt, { numpy: true }) : t;
  });
  for (const m of ['choice', 'permutation', 'shuffle']) {
    reg.def(`np.random.Generator.${m}`, (a) => {
      const rule = reg.get(`np.random.${m}`);
      return rule ? rule(a) : { k: 'unknown' };
    });
  }
  reg.def(['np.random.Generator.normal', 'np.random.Generator.uniform'], (a) => {
    const size = a.get(2, 'size');
    if (size === undefined || size.k === 'none') return float(null);
    const t = sizeFrom(a, size);
    return t.k === 'tensor' ? tensor(t.shape, 'float64', { numpy: true }) : t;
  });
  reg.def(['ndarray.astype'], (a) => {
    const x = a.self;
    const dt = dtypeOf(a.get(0, 'dtype'));
    if (!x || x.k !== 'tensor') return tensor(null, dt, { numpy: true });
    const r = tensor(x.shape, dt, { numpy: true });
    return r;
  });
  reg.def('ndarray.reshape', (a) => {
    const rule = reg.get('Tensor.reshape');
    const x = a.self;
    if (!rule || !x || x.k !== 'tensor') return nd(null, null);
    const r = rule(a);
    return r.k === 'tensor' ? nd(r.shape, x.dtype) : nd(null, x.dtype);
  });
}
