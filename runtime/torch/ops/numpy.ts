// The few numpy calls data-preparation code uses around PyTorch: np.array/asarray of literal data, zeros/ones,
// arange, random draws (values unknown, shapes known: np.random.randint(1, 50) is an int of unknown value), and
// ndarray methods that mirror tensor ones. ndarrays are tensor values flagged `numpy` (never recorded).
import { dimOf, float, int, tensor, type Value } from '../../interp/values';
import { dtypeOf, sizesArg } from './common';
import { tensorFromData } from './creation';
import type { OpArgs, OpRegistry } from './registry';

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

export function register(reg: OpRegistry): void {
  reg.def(['np.array', 'np.asarray'], np);
  reg.def(['np.zeros', 'np.ones', 'np.empty'], (a) => tensor(sizesArg(a, 0, 'shape'), dtypeOf(a.get(1, 'dtype')) ?? 'float64', { numpy: true }));
  reg.def('np.full', (a) => {
    const fill = a.get(1, 'fill_value');
    const dt = dtypeOf(a.get(2, 'dtype')) ?? (fill?.k === 'int' ? 'int64' : fill?.k === 'bool' ? 'bool' : 'float64');
    return tensor(sizesArg(a, 0, 'shape'), dt, { numpy: true });
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
  reg.def(['np.random.seed', 'np.random.shuffle'], () => ({ k: 'none' }));
  reg.def('np.random.choice', (a) => (a.get(1, 'size') ? sizeFrom(a, a.get(1, 'size')) : { k: 'unknown' }));
  reg.def('np.arange', (a) => {
    const n = a.args.length === 1 ? dimOf(a.args[0]) : null;
    return tensor([n], 'int64', { numpy: true });
  });
  reg.def(['ndarray.astype'], (a) => {
    const x = a.self;
    const dt = dtypeOf(a.get(0, 'dtype'));
    if (!x || x.k !== 'tensor') return tensor(null, dt, { numpy: true });
    const r = tensor(x.shape, dt, { numpy: true });
    return r;
  });
  reg.def(['ndarray.reshape', 'ndarray.sum', 'ndarray.mean', 'ndarray.max', 'ndarray.min'], (a) => {
    const x = a.self;
    return tensor(null, x && x.k === 'tensor' ? x.dtype : null, { numpy: true });
  });
}
