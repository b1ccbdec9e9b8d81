// torch.utils.data: TensorDataset, user Dataset subclasses (__len__/__getitem__), DataLoader (batch_size, drop_last,
// collate_fn or PyTorch's default_collate) — enough to know the first batch a `for batch in loader:` loop sees.
// The batch dim is exact when the dataset length and batch_size are known, symbolic ("B") otherwise.
import { dimOf, int, intFromDim, list, tensor, tuple, UNKNOWN, type Value } from '../../interp/values';
import type { Dim } from '../../shape/dim';
import { intArg, boolArg } from './common';
import { findMethod } from '../../interp/builtins';
import type { OpArgs, OpRegistry, OpServices } from './registry';
import { Tensor } from '../../tensor/tensor';

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

function datasetSample(s: OpServices, ds: Value): Value {
  if (ds.k === 'opaque' && ds.cls === 'data.TensorDataset') return ds.attrs.get('_sample') ?? UNKNOWN;
  if (ds.k === 'list' || ds.k === 'tuple') return ds.items ? (ds.items[0] ?? UNKNOWN) : (ds.elem ?? UNKNOWN);
  if (ds.k === 'object') {
    const m = findMethod(ds, '__getitem__');
    if (m) return s.call(m, [int(null, 'index')]);
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
    const sampler = a.get(3, 'sampler');
    const batchSampler = a.get(4, 'batch_sampler');
    // a sampler decides how many samples there are (SubsetRandomSampler, WeightedRandomSampler(num_samples)), a
    // batch_sampler what each batch holds (batch_size is then ignored): the dataset's length no longer tells
    const n = sampler && sampler.k !== 'none' ? null : datasetLen(a, ds);
    const sample = datasetSample(a.services, ds);
    let B: Dim;
    if (batchSampler && batchSampler.k !== 'none') B = null;
    else if (bs === 'none') B = null;
    else if (bs === null) B = 'B';
    else if (typeof n === 'number') B = dropLast || n >= bs ? bs : n;
    else if (dropLast) B = bs;
    else B = 'B';
    // (static analysis) a sequential loader over known samples: its real first batch, made now (what
    // next(iter(loader)) gives, with __getitem__ / collate_fn run on it as in PyTorch); a loop makes every batch
    if (a.services.eager && sequentialSource(n, bs, sampler, batchSampler, a.get(2, 'shuffle'))) {
      const seq = loaderValue(ds, n as number, bs as number, collate, dropLast);
      const first = dataLoaderBatches(a.services, seq, 1);
      if (first && first.length) {
        seq.attrs.set('_first', first[0]);
        seq.attrs.set('_len', int(dropLast ? Math.floor((n as number) / (bs as number)) : Math.ceil((n as number) / (bs as number))));
        return seq;
      }
    }
    if (a.services.eager && batchSampler && batchSampler.k !== 'none') {
      // (static analysis) a batch_sampler: each batch is the samples of an index list it yields, collated
      const batches = batchSamplerBatches(a.services, ds, batchSampler, collate && collate.k !== 'none' ? collate : undefined);
      if (batches && batches.length) {
        return { k: 'opaque', cls: 'data.DataLoader', attrs: new Map<string, Value>([['_items', list(batches)], ['_len', int(batches.length)], ['dataset', ds], ['batch_size', bsV ?? int(1)]]) };
      }
    }
    let batch: Value;
    if (bs === 'none') batch = collate && collate.k !== 'none' ? a.services.call(collate, [sample]) : sample;
    else if (collate && collate.k !== 'none') {
      const samples: Value = typeof B === 'number' && B <= 256 ? list(Array.from({ length: B }, () => sample)) : { k: 'list', items: null, elem: sample, len: B };
      batch = a.services.call(collate, [samples]);
    } else batch = defaultCollate(sample, B);
    const batches: Dim = typeof n === 'number' && typeof bs === 'number' && !(batchSampler && batchSampler.k !== 'none') ? (dropLast ? Math.floor(n / bs) : Math.ceil(n / bs)) : null;
    const attrs = new Map<string, Value>([['_elem', batch], ['_len', intFromDim(batches)], ['dataset', ds], ['batch_size', bsV ?? int(1)]]);
    // (run engine) what dataLoaderBatches needs: a sequential sampler over a dataset of known length
    if (sequentialSource(n, bs, sampler, batchSampler, a.get(2, 'shuffle'))) {
      const seq = loaderValue(ds, n as number, bs as number, collate, dropLast);
      for (const [k, v] of seq.attrs) if (!attrs.has(k)) attrs.set(k, v);
    }
    return { k: 'opaque', cls: 'data.DataLoader', attrs };
  });
  reg.def(['data.random_split'], () => ({ k: 'list', items: null }));
}

const MAX_CONCRETE_SAMPLES = 256;

/** A loader whose batches are the dataset's samples in order: known length and batch size, no sampler, no shuffle. */
function sequentialSource(n: Dim, bs: number | null | 'none', sampler: Value | undefined, batchSampler: Value | undefined, shuffle: Value | undefined): boolean {
  const sampled = [sampler, batchSampler].some((x) => x && x.k !== 'none');
  return typeof n === 'number' && typeof bs === 'number' && !sampled && (!shuffle || boolArg(shuffle, true) === false);
}

/** The attributes dataLoaderBatches reads, for a sequential loader. */
function loaderValue(ds: Value, n: number, bs: number, collate: Value | undefined, dropLast: boolean | null): Value & { k: 'opaque' } {
  const attrs = new Map<string, Value>([['_sequential', int(n)], ['batch_size', int(bs)], ['dataset', ds]]);
  if (collate && collate.k !== 'none') attrs.set('_collate', collate);
  if (dropLast) attrs.set('_drop_last', int(1));
  return { k: 'opaque', cls: 'data.DataLoader', attrs };
}

/** (Run engine) Every batch a `for batch in loader:` loop sees, with values, in PyTorch's order — only for a DataLoader
 *  without shuffle or sampler over a dataset of known length (at most 256 samples) whose samples all have values
 *  (a list, a TensorDataset of known tensors, or a Dataset whose __getitem__ gives them). Called when the loop starts,
 *  so __getitem__'s own ops (and random draws) happen where PyTorch makes them. null: iterate by shapes only. */
export function dataLoaderBatches(s: OpServices, loader: Value, maxBatches = Infinity): Value[] | null {
  if (loader.k !== 'opaque' || loader.cls !== 'data.DataLoader') return null;
  const n = loader.attrs.get('_sequential');
  const bsV = loader.attrs.get('batch_size');
  const ds = loader.attrs.get('dataset');
  if (!n || n.k !== 'int' || n.v === null || n.v > MAX_CONCRETE_SAMPLES || !bsV || bsV.k !== 'int' || !bsV.v || bsV.v <= 0 || !ds) return null;
  const collate = loader.attrs.get('_collate');
  const dropLast = loader.attrs.has('_drop_last');
  const batches: Value[] = [];
  for (let start = 0; start < n.v && batches.length < maxBatches; start += bsV.v) {
    const end = Math.min(n.v, start + bsV.v);
    if (dropLast && end - start < bsV.v) break;
    const samples: Value[] = [];
    for (let i = start; i < end; i++) {
      const sample = datasetItem(s, ds, i);
      if (!sample) return null;
      samples.push(sample);
    }
    const batch = collate ? s.call(collate, [list(samples)]) : concreteCollate(samples);
    if (!batch || batch.k === 'unknown') return null;
    batches.push(batch);
  }
  return batches;
}

/** (Static analysis) The batches of a DataLoader over a batch_sampler: the index lists it yields (their indices may
 *  be unknown: a sample of the dataset then stands for each), each collated; null when the lists are not known. */
function batchSamplerBatches(s: OpServices, ds: Value, sampler: Value, collate: Value | undefined): Value[] | null {
  const lists = s.items(sampler);
  if (!lists || lists.length > MAX_CONCRETE_SAMPLES) return null;
  const batches: Value[] = [];
  let samplesMade = 0;
  for (const idxList of lists) {
    const idx = s.items(idxList);
    if (!idx || (samplesMade += idx.length) > MAX_CONCRETE_SAMPLES) return null;
    const samples: Value[] = [];
    for (const i of idx) {
      const sample = (i.k === 'int' && i.v !== null ? datasetItem(s, ds, i.v) : null) ?? datasetSample(s, ds);
      if (!sample) return null;
      samples.push(sample);
    }
    const batch = collate ? s.call(collate, [list(samples)]) : (concreteCollate(samples) ?? concreteCollate(samples, 0, true));
    if (!batch || batch.k === 'unknown') return null;
    batches.push(batch);
  }
  return batches;
}

function datasetItem(s: OpServices, ds: Value, i: number): Value | null {
  if (ds.k === 'list' || ds.k === 'tuple') return ds.items?.[i] ?? null;
  if (ds.k === 'opaque' && ds.cls === 'data.TensorDataset') {
    const ts = ds.attrs.get('tensors');
    if (!ts || ts.k !== 'tuple' || !ts.items) return null;
    const rows: Value[] = [];
    for (const t of ts.items) {
      if (t.k !== 'tensor' || !t.data || t.data.ndim === 0) return null;
      const x = t.data;
      const inner = x.numel / x.shape[0];
      rows.push(tensor(x.shape.slice(1), t.dtype, { data: new Tensor(x.shape.slice(1), x.dtype, x.data.subarray(i * inner, (i + 1) * inner)) }));
    }
    return tuple(rows);
  }
  if (ds.k === 'object') {
    const m = findMethod(ds, '__getitem__');
    return m ? s.call(m, [int(i)]) : null;
  }
  return null;
}

/** PyTorch's default_collate of samples with values: tensors of one shape stacked, numbers as a tensor, tuples and
 *  lists field by field; null for anything else (the loop then goes by shapes). */
function concreteCollate(samples: Value[], depth = 0, shapesOnly = false): Value | null {
  const first = samples[0];
  if (!first || depth > 6) return null;
  if (first.k === 'tensor' && shapesOnly) {
    // (static analysis) samples of one known shape stack into (n, …shape) whether or not their values are known
    const s0 = first.shape;
    if (!s0 || samples.some((x) => x.k !== 'tensor' || x.dtype !== first.dtype || !x.shape || x.shape.join() !== s0.join() || x.shape.some((d) => typeof d !== 'number'))) return null;
    return tensor([samples.length, ...s0], first.dtype);
  }
  if (first.k === 'tensor') {
    const ts = samples.map((x) => (x.k === 'tensor' ? x.data : undefined));
    const shape = first.data?.shape;
    if (!shape || ts.some((t) => !t || t.dtype !== first.data!.dtype || t.shape.join() !== shape.join())) return null;
    const out = new Tensor([samples.length, ...shape], first.data!.dtype);
    ts.forEach((t, k) => out.data.set(t!.data, k * t!.numel));
    return tensor(out.shape.slice(), first.dtype, { data: out });
  }
  if ((first.k === 'int' || first.k === 'float') && shapesOnly && samples.every((x) => x.k === first.k)) {
    return tensor([samples.length], first.k === 'int' ? 'int64' : 'float64');
  }
  if (first.k === 'int' || first.k === 'float') {
    const vs = samples.map((x) => (x.k === first.k ? x.v : null));
    if (vs.some((v) => v === null)) return null;
    const dtype = first.k === 'int' ? 'int64' : 'float64';
    return tensor([samples.length], dtype, { data: new Tensor([samples.length], dtype, vs as number[]) });
  }
  if ((first.k === 'tuple' || first.k === 'list') && first.items) {
    const fields: Value[] = [];
    for (let f = 0; f < first.items.length; f++) {
      const col = samples.map((x) => ((x.k === 'tuple' || x.k === 'list') && x.items && x.items.length === first.items!.length ? x.items[f] : null));
      if (col.some((x) => !x)) return null;
      const c = concreteCollate(col as Value[], depth + 1, shapesOnly);
      if (!c) return null;
      fields.push(c);
    }
    return list(fields);
  }
  return null;
}
