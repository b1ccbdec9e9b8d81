// torch.nn.utils.rnn: pack_padded_sequence, pad_packed_sequence, pad_sequence, pack_sequence, PackedSequence — shapes
// and, when the lengths are known, the exact batch_sizes / sorted_indices / unsorted_indices PyTorch computes
// (enforce_sorted=False sorts lengths descending with torch.sort, whose exact tie order runtime/torch/sort.ts
// reproduces). Validation with PyTorch's messages (unsorted lengths, zero
// lengths, len(lengths) ≠ batch size, total_length too small).
import { ShapeError, symbolic, type Dim } from '../../shape/dim';
import { int, list, tensor, tuple, type PackedValueA, type TensorValueA, type Value } from '../../interp/values';
import { boolArg, dimArg, intArg, withData } from './common';
import { sortOrder } from './reduction';
import { invertPermutation } from '../packing';
import { OpArgs, type OpRegistry } from './registry';

/** Lengths from a list / tuple / tensor / ndarray value: known numbers, or dims, or null when not even the count is
 *  known. */
function lengthsOf(a: OpArgs, v: Value | undefined): { dims: Dim[] | null; count: Dim; max?: Dim } {
  if (!v) return { dims: null, count: null };
  // lengths the code names (an open parameter `lengths`): B = len(lengths) sequences of at most T = max(lengths)
  if (v.k === 'unknown' && v.name) return { dims: null, count: symbolic(`len(${v.name})`), max: symbolic(`max(${v.name})`) };
  if (v.k === 'tensor') {
    if (v.dtype && v.dtype !== 'int64' && v.dtype !== 'int32' && v.dtype !== 'float32' && v.dtype !== 'float64' && v.dtype !== 'uint8') {
      return { dims: null, count: v.shape?.[0] ?? null };
    }
    if (v.shape && v.shape.length !== 1) throw new ShapeError(`'lengths' argument should be a 1D CPU int64 tensor, but got ${v.shape.length}D ${v.dtype ?? ''} tensor`.replace(/ {2}/, ' '));
    if (v.data) return { dims: v.data.toArray().map((x) => Math.trunc(x)), count: v.data.numel };
    return { dims: null, count: v.shape ? v.shape[0] : null };
  }
  const items = a.services.items(v);
  if (items) return { dims: items.map((x) => dimArg(x)), count: items.length };
  if (v.k === 'list' || v.k === 'tuple') return { dims: null, count: v.len ?? null };
  return { dims: null, count: null };
}

/** batch_sizes of lengths sorted descending: batch_sizes[t] = #{i : lengths[i] > t}. */
export function batchSizesOf(lengths: number[]): number[] {
  const max = Math.max(0, ...lengths);
  const out: number[] = [];
  for (let t = 0; t < max; t++) out.push(lengths.filter((l) => l > t).length);
  return out;
}

export function packPadded(
  input: TensorValueA,
  lengths: { dims: Dim[] | null; count: Dim; max?: Dim },
  batchFirst: boolean | null,
  enforceSorted: boolean | null,
): PackedValueA {
  const s = input.shape;
  const B: Dim = s && batchFirst !== null ? (batchFirst ? s[0] : s[1] ?? null) : null;
  const T: Dim = s && batchFirst !== null ? (batchFirst ? s[1] ?? null : s[0]) : null;
  if (s && s.length < 2) throw new ShapeError(`pack_padded_sequence: input must have at least 2 dimensions, got ${s.length}`);
  if (typeof lengths.count === 'number' && typeof B === 'number' && lengths.count !== B) {
    throw new ShapeError(`Expected \`len(lengths)\` to be equal to batch_size, but got ${lengths.count} (batch_size=${B})`);
  }
  const rest = s ? s.slice(2) : null;
  const known = lengths.dims && lengths.dims.every((d) => typeof d === 'number') ? (lengths.dims as number[]) : null;
  let sortedIdx: Dim[] | null | 'unknown' = null;
  let unsortedIdx: Dim[] | null | 'unknown' = null;
  let sorted = known;
  if (known) {
    if (known.some((l) => l <= 0)) {
      throw new ShapeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0", 'RNNL004');
    }
    if (enforceSorted === true) {
      for (let i = 1; i < known.length; i++) {
        if (known[i] > known[i - 1]) {
          throw new ShapeError(
            '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.',
            'RNNL002',
          );
        }
      }
    } else if (enforceSorted === false) {
      const order = sortOrder(known, true);
      sorted = order.map((i) => known[i]);
      sortedIdx = order;
      unsortedIdx = invertPermutation(order);
    } else {
      sortedIdx = 'unknown';
      unsortedIdx = 'unknown';
    }
  } else if (enforceSorted !== true) {
    sortedIdx = 'unknown';
    unsortedIdx = 'unknown';
  }
  const batchSizes = sorted ? batchSizesOf(sorted) : null;
  const total: Dim = sorted ? sorted.reduce((p, q) => p + q, 0) : null;
  const data = tensor(rest ? [total, ...rest] : null, input.dtype);
  const p: PackedValueA = {
    k: 'packed',
    data,
    batchSizes,
    batchSize: batchSizes ? (batchSizes[0] ?? 0) : typeof lengths.count !== 'number' && typeof B === 'number' ? B : (lengths.count ?? B),
    sortedIndices: sortedIdx,
    unsortedIndices: unsortedIdx,
    facts: { origin: 'pack_padded_sequence', ...(T !== null ? { sourceT: T } : {}) },
  };
  if (!batchSizes && lengths.max !== undefined && lengths.max !== null) p.steps = lengths.max;
  return p;
}

/** Lengths per original batch entry recovered from a PackedSequence (known when batch_sizes are). */
function lengthsFromPacked(p: PackedValueA): number[] | null {
  if (!p.batchSizes || !p.batchSizes.every((d) => typeof d === 'number')) return null;
  const bs = p.batchSizes as number[];
  const B = bs.length ? bs[0] : 0;
  const sortedLens = Array.from({ length: B }, (_, i) => bs.filter((b) => b > i).length);
  if (p.unsortedIndices === null) return sortedLens;
  if (p.unsortedIndices === 'unknown' || !p.unsortedIndices.every((d) => typeof d === 'number')) return null;
  return (p.unsortedIndices as number[]).map((j) => sortedLens[j]);
}

function padPacked(a: OpArgs): Value {
  const p = a.get(0, 'sequence');
  const bf = boolArg(a.get(1, 'batch_first'), false);
  const totalV = a.get(3, 'total_length');
  if (!p || p.k !== 'packed') {
    if (p && p.k === 'tensor') throw new ShapeError("'Tensor' object has no attribute 'batch_sizes' (pad_packed_sequence expects a PackedSequence)");
    return tuple([tensor(null, null), tensor(null, 'int64')]);
  }
  const B: Dim = p.batchSizes ? (p.batchSizes.length ? p.batchSizes[0] : 0) : (p.batchSize ?? null);
  let T: Dim = p.batchSizes ? p.batchSizes.length : (p.steps ?? null);
  const total = totalV && totalV.k !== 'none' ? intArg(totalV) : undefined;
  if (total !== undefined) {
    if (total !== null && typeof T === 'number' && total < T) {
      throw new ShapeError(`Expected total_length to be at least the length of the longest sequence in input, but got total_length=${total} and max sequence length being ${T}`);
    }
    T = total ?? (totalV && totalV.k === 'int' && totalV.sym ? totalV.sym : null);
  }
  const rest = p.data.shape ? p.data.shape.slice(1) : null;
  const shape = rest ? (bf === null ? null : bf ? [B, T, ...rest] : [T, B, ...rest]) : null;
  const padded = tensor(shape, p.data.dtype, {
    facts: {
      origin: 'pad_packed_sequence',
      padded: true,
      timeDim: bf === null ? undefined : bf ? 1 : 0,
      ...(p.facts.sourceT !== undefined ? { sourceT: p.facts.sourceT } : {}),
      ...(total === undefined ? { untrimmed: true } : {}),
    },
  });
  const lens = lengthsFromPacked(p);
  const lengths = lens ? withData([lens.length], 'int64', lens) : tensor([B], 'int64');
  return tuple([padded, lengths]);
}

function padSequence(a: OpArgs): Value {
  const seqV = a.get(0, 'sequences');
  const bf = boolArg(a.get(1, 'batch_first'), false);
  const items = seqV ? a.services.items(seqV) : null;
  if (!items) {
    const elem = seqV && (seqV.k === 'list' || seqV.k === 'tuple') ? seqV.elem : undefined;
    const n: Dim = seqV && (seqV.k === 'list' || seqV.k === 'tuple') ? (seqV.len ?? null) : null;
    if (elem && elem.k === 'tensor' && elem.shape && elem.shape.length >= 1 && bf !== null) {
      const rest = elem.shape.slice(1);
      return tensor(bf ? [n, null, ...rest] : [null, n, ...rest], elem.dtype, { facts: { origin: 'pad_sequence', padded: true, timeDim: bf ? 1 : 0 } });
    }
    return tensor(null, elem && elem.k === 'tensor' ? elem.dtype : null);
  }
  if (items.length === 0) throw new ShapeError('received an empty list of sequences');
  const ts: TensorValueA[] = [];
  for (const it of items) {
    if (it.k !== 'tensor') return tensor(null, null);
    ts.push(it);
  }
  const dtype = ts[0].dtype;
  if (ts.some((t) => t.shape === null || t.shape.length === 0) || bf === null) return tensor(null, dtype);
  const rest = ts[0].shape!.slice(1);
  for (let i = 1; i < ts.length; i++) {
    const r = ts[i].shape!.slice(1);
    if (r.length !== rest.length) return tensor(null, dtype);
    for (let j = 0; j < r.length; j++) {
      const x = rest[j];
      const y = r[j];
      if (typeof x === 'number' && typeof y === 'number' && x !== y) {
        throw new ShapeError(`The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${j + 1}`);
      }
      if (x !== y) rest[j] = typeof x === 'number' ? x : typeof y === 'number' ? y : null;
    }
  }
  const lens = ts.map((t) => t.shape![0]);
  const maxLen: Dim = lens.every((l) => typeof l === 'number') ? Math.max(...(lens as number[])) : null;
  const shape = bf ? [ts.length, maxLen, ...rest] : [maxLen, ts.length, ...rest];
  const padV = intArg(a.get(2, 'padding_value') ?? int(0)) ?? null;
  const out = tensor(shape, dtype, { facts: { origin: 'pad_sequence', padded: true, timeDim: bf ? 1 : 0, ...(padV !== null ? { padValue: padV } : {}) } });
  if (ts.every((t) => t.data) && typeof maxLen === 'number' && rest.length === 0 && padV !== null && dtype) {
    const B = ts.length;
    const vals: number[] = new Array(B * maxLen).fill(padV);
    ts.forEach((t, b) => t.data!.toArray().forEach((v, i) => {
      vals[bf ? b * maxLen + i : i * B + b] = v;
    }));
    if (vals.length <= 4096) {
      const withVals = withData(shape as number[], dtype, vals, out.facts);
      return withVals;
    }
  }
  return out;
}

export function register(reg: OpRegistry): void {
  reg.def('rnn.pack_padded_sequence', (a) => {
    const input = a.get(0, 'input');
    const lengths = lengthsOf(a, a.get(1, 'lengths'));
    const bf = boolArg(a.get(2, 'batch_first'), false);
    const es = boolArg(a.get(3, 'enforce_sorted'), true);
    if (!input || input.k !== 'tensor') {
      const p: PackedValueA = { k: 'packed', data: tensor(null, null), batchSizes: null, sortedIndices: 'unknown', unsortedIndices: 'unknown', facts: {} };
      if (lengths.count !== null) p.batchSize = lengths.count;
      if (lengths.max !== undefined && lengths.max !== null) p.steps = lengths.max;
      return p;
    }
    return packPadded(input, lengths, bf, es);
  });
  reg.def('rnn.pad_packed_sequence', padPacked);
  reg.def('rnn.pad_sequence', padSequence);
  reg.def('rnn.pack_sequence', (a) => {
    const seqV = a.get(0, 'sequences');
    const es = boolArg(a.get(1, 'enforce_sorted'), true);
    const items = seqV ? a.services.items(seqV) : null;
    const padded = padSequence(new OpArgs(a.op, [seqV ?? tuple([])], new Map(), a.services, a.self));
    if (padded.k !== 'tensor') return padded;
    const lens: Dim[] | null = items ? items.map((t) => (t.k === 'tensor' && t.shape ? t.shape[0] : null)) : null;
    return packPadded(padded, { dims: lens, count: items ? items.length : null }, false, es);
  });
  reg.def('rnn.unpack_sequence', (a) => {
    const p = a.get(0, 'packed_sequences');
    if (!p || p.k !== 'packed') return { k: 'list', items: null };
    const rest = p.data.shape ? p.data.shape.slice(1) : null;
    const piece = (n: Dim): TensorValueA => tensor(rest ? [n, ...rest] : null, p.data.dtype);
    const lens = lengthsFromPacked(p);
    if (!lens) return { k: 'list', items: null, elem: piece(null), len: p.batchSizes && p.batchSizes.length ? p.batchSizes[0] : (p.batchSize ?? null) };
    return list(lens.map((n) => piece(n)));
  });
  // torch 1.13's unpad_sequence transposes a time-major input IN PLACE (padded_sequences.transpose_(0, 1)) before
  // cutting each row to its length: the caller's tensor is batch-major afterwards
  reg.def('rnn.unpad_sequence', (a) => {
    const padded = a.get(0, 'padded_sequences');
    const lengths = lengthsOf(a, a.get(1, 'lengths'));
    const bf = boolArg(a.get(2, 'batch_first'), false);
    if (!padded || padded.k !== 'tensor') return { k: 'list', items: null };
    if (bf === null) {
      padded.shape = null;
      delete padded.data;
      return { k: 'list', items: null };
    }
    if (!bf) {
      const transposeInPlace = reg.get('Tensor.transpose_');
      if (!transposeInPlace) return { k: 'list', items: null };
      transposeInPlace(new OpArgs('Tensor.transpose_', [int(0), int(1)], new Map(), a.services, padded));
    }
    const s = padded.shape;
    const T: Dim = s && s.length >= 2 ? s[1] : null;
    const rest = s ? s.slice(2) : null;
    const piece = (n: Dim): TensorValueA => {
      const len: Dim = typeof n === 'number' && typeof T === 'number' ? Math.max(0, Math.min(n, T)) : null;
      return tensor(rest ? [len, ...rest] : null, padded.dtype);
    };
    const B: Dim = s && s.length >= 1 ? s[0] : null;
    if (!lengths.dims || typeof B !== 'number') return { k: 'list', items: null, elem: piece(null), len: B };
    // zip(padded, lengths): as many rows as the shorter of the two
    return list(lengths.dims.slice(0, B).map((n) => piece(n)));
  });
  reg.def('rnn.PackedSequence', (a) => {
    const data = a.get(0, 'data');
    const bs = a.get(1, 'batch_sizes');
    const dims = bs && bs.k === 'tensor' && bs.data ? bs.data.toArray() : null;
    return {
      k: 'packed',
      data: data && data.k === 'tensor' ? data : tensor(null, null),
      batchSizes: dims,
      sortedIndices: 'unknown',
      unsortedIndices: 'unknown',
      facts: {},
    } as PackedValueA;
  });
}

