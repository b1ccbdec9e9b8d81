// torch.utils.data: TensorDataset, user Dataset subclasses (__len__/__getitem__), DataLoader (batch_size, drop_last,
// collate_fn or PyTorch's default_collate) — enough to know the first batch a `for batch in loader:` loop sees.
// The batch dim is exact when the dataset length and batch_size are known, symbolic ("B") otherwise.
import { dimOf, int, intFromDim, list, tensor, tuple, UNKNOWN, type Value } from '../../interp/values';
import type { Dim } from '../../shape/dim';
import { intArg, boolArg } from './common';
import { findMethod } from '../../interp/builtins';
import type { OpArgs, OpRegistry } from './registry';

/** PyTorch's default_collate of B samples shaped like `sample`. */
export function defaultCollate(sample: Value, B: Dim, depth = 0): Value {
  if (depth > 6) return UNKNOWN;
  switch (sample.k) {
    case 'tensor':
      return tensor(sample.shape ? [B, ...sample.shape] : null, sample.dtype);
    case 'int':
      return tensor([B], 'int64');
    case 'float':
      return tensor([B], 'float64');
    case 'bool':
      return tensor([B], 'bool');
    case 'str':
      return { k: 'list', items: null, elem: { k: 'str', v: null }, len: B };
    case 'tuple':
    case 'list':
      if (!sample.items) return UNKNOWN;
      return list(sample.items.map((x) => defaultCollate(x, B, depth + 1)));
    case 'dict': {
      if (!sample.entries) return { k: 'dict', entries: null };
      const m = new Map<string, [Value, Value]>();
      for (const [k, [kv, v]] of sample.entries) m.set(k, [kv, defaultCollate(v, B, depth + 1)]);
      return { k: 'dict', entries: m };
    }
    default:
      return UNKNOWN;
  }
}

function datasetLen(a: OpArgs, ds: Value): Dim {
  if (ds.k === 'opaque' && ds.cls === 'data.TensorDataset') return dimOf(ds.attrs.get('_len') ?? UNKNOWN);
  if (ds.k === 'list' || ds.k === 'tuple') return ds.items ? ds.items.length : (ds.len ?? null);
  if (ds.k === 'object') {
    const m = findMethod(ds, '__len__');
    return m ? dimOf(a.services.call(m, [])) : null;
  }
  if (ds.k === 'tensor') return ds.shape?.[0] ?? null;
  return null;
}

function datasetSample(a: OpArgs, ds: Value): Value {
  if (ds.k === 'opaque' && ds.cls === 'data.TensorDataset') return ds.attrs.get('_sample') ?? UNKNOWN;
  if (ds.k === 'list' || ds.k === 'tuple') return ds.items ? (ds.items[0] ?? UNKNOWN) : (ds.elem ?? UNKNOWN);
  if (ds.k === 'object') {
    const m = findMethod(ds, '__getitem__');
    if (m) return a.services.call(m, [int(null, 'index')]);
  }
  if (ds.k === 'tensor') return ds.shape ? tensor(ds.shape.slice(1), ds.dtype) : UNKNOWN;
  return UNKNOWN;
}

export function register(reg: OpRegistry): void {
  reg.def('data.TensorDataset', (a) => {
    const ts = a.args;
    const lens = ts.map((t) => (t.k === 'tensor' && t.shape && t.shape.length ? t.shape[0] : null));
    const sample = tuple(ts.map((t) => (t.k === 'tensor' && t.shape ? tensor(t.shape.slice(1), t.dtype) : UNKNOWN)));
    return { k: 'opaque', cls: 'data.TensorDataset', attrs: new Map<string, Value>([['_len', intFromDim(lens[0] ?? null)], ['_sample', sample], ['tensors', tuple(ts)]]) };
  });
  reg.def('data.TensorDataset.__getitem__', (a) => {
    const ds = a.self;
    return ds && ds.k === 'opaque' ? (ds.attrs.get('_sample') ?? UNKNOWN) : UNKNOWN;
  });
  reg.def('data.DataLoader', (a) => {
    const ds = a.get(0, 'dataset') ?? UNKNOWN;
    const bsV = a.get(1, 'batch_size');
    const bs: number | null | 'none' = bsV === undefined ? 1 : bsV.k === 'none' ? 'none' : intArg(bsV);
    const dropLast = boolArg(a.get(8, 'drop_last'), false);
    const collate = a.get(6, 'collate_fn');
    const n = datasetLen(a, ds);
    const sample = datasetSample(a, ds);
    let B: Dim;
    if (bs === 'none') B = null;
    else if (bs === null) B = 'B';
    else if (typeof n === 'number') B = dropLast || n >= bs ? bs : n;
    else B = 'B';
    let batch: Value;
    if (bs === 'none') batch = collate && collate.k !== 'none' ? a.services.call(collate, [sample]) : sample;
    else if (collate && collate.k !== 'none') {
      const samples: Value = typeof B === 'number' && B <= 256 ? list(Array.from({ length: B }, () => sample)) : { k: 'list', items: null, elem: sample, len: B };
      batch = a.services.call(collate, [samples]);
    } else batch = defaultCollate(sample, B);
    const batches: Dim = typeof n === 'number' && typeof bs === 'number' ? (dropLast ? Math.floor(n / bs) : Math.ceil(n / bs)) : null;
    return {
      k: 'opaque',
      cls: 'data.DataLoader',
      attrs: new Map<string, Value>([['_elem', batch], ['_len', intFromDim(batches)], ['dataset', ds], ['batch_size', bsV ?? int(1)]]),
    };
  });
  reg.def(['data.random_split'], () => ({ k: 'list', items: null }));
}
