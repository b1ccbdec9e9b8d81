// torch.nn.utils.rnn packing with PyTorch 1.13's exact semantics and error messages: pad_sequence,
// pack_padded_sequence, pack_sequence, pad_packed_sequence, invert_permutation. Works on any trailing feature shape
// (input (T, B, *) or (B, T, *) with batch_first). The checks run in PyTorch's own order, so the first error reported
// is the one PyTorch would raise.
import { Tensor, type PackedSequence, numel, torchDTypeName } from '../tensor/tensor';
import { TorchError, runtimeError, valueError } from './errors';
import { torchSort } from './sort';

/** torch.nn.utils.rnn.invert_permutation: inverse[perm[i]] = i. */
export function invertPermutation(permutation: readonly number[]): number[] {
  const inverse = new Array<number>(permutation.length);
  for (let i = 0; i < permutation.length; i++) inverse[permutation[i]] = i;
  return inverse;
}

/** The lengths argument as PyTorch sees it: torch.as_tensor(lengths, dtype=torch.int64) (floats truncate). */
function lengthsAsInt64(lengths: readonly number[] | Tensor): number[] {
  if (lengths instanceof Tensor) {
    if (lengths.ndim !== 1) {
      throw runtimeError(`'lengths' argument should be a 1D CPU int64 tensor, but got ${lengths.ndim}D cpu ${torchDTypeName(lengths.dtype)} tensor`);
    }
    return Array.from(lengths.data, (v) => Math.trunc(v));
  }
  return lengths.map((v) => {
    if (!Number.isFinite(v)) throw runtimeError(`lengths must be finite integers, got ${v}`);
    return Math.trunc(v);
  });
}


function dimOutOfRange(ndim: number, dim: number): TorchError {
  const lo = -Math.max(ndim, 1), hi = Math.max(ndim, 1) - 1;
  return new TorchError('IndexError', `Dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${dim})`);
}

/**
 * torch.nn.utils.rnn.pad_sequence: stacks sequences of shape (L_i, *) into (max L, B, *) (or (B, max L, *) with
 * batch_first), filling the rest with paddingValue. Trailing dims must match sequences[0]'s (size-1 dims broadcast).
 */
export function padSequence(sequences: readonly Tensor[], batchFirst = false, paddingValue = 0): Tensor {
  if (sequences.length === 0) throw runtimeError('received an empty list of sequences');
  const first = sequences[0];
  if (first.ndim === 0) throw dimOutOfRange(0, 0);
  const trailing = first.shape.slice(1);
  const rowSize = numel(trailing);
  let maxLen = 0;
  for (const s of sequences) {
    if (s.ndim === 0) throw dimOutOfRange(0, 0);
    if (s.ndim !== first.ndim) {
      throw runtimeError(`pad_sequence: every sequence needs ${first.ndim} dimensions like the first one, got a sequence of shape [${s.shape.join(', ')}]`);
    }
    for (let d = 1; d < s.ndim; d++) {
      if (s.shape[d] !== trailing[d - 1] && s.shape[d] !== 1) {
        throw runtimeError(`The size of tensor a (${trailing[d - 1]}) must match the size of tensor b (${s.shape[d]}) at non-singleton dimension ${d}`);
      }
    }
    maxLen = Math.max(maxLen, s.shape[0]);
  }
  const B = sequences.length;
  const shape = batchFirst ? [B, maxLen, ...trailing] : [maxLen, B, ...trailing];
  const out = new Tensor(shape, first.dtype);
  if (paddingValue !== 0) out.data.fill(paddingValue);
  for (let b = 0; b < B; b++) {
    const s = sequences[b];
    const broadcast = s.shape.slice(1).some((d, i) => d !== trailing[i]);
    for (let t = 0; t < s.shape[0]; t++) {
      const dst = (batchFirst ? b * maxLen + t : t * B + b) * rowSize;
      if (!broadcast) {
        out.data.set(s.data.subarray(t * rowSize, (t + 1) * rowSize), dst);
      } else {
        for (let j = 0; j < rowSize; j++) out.data[dst + j] = s.data[t * numel(s.shape.slice(1)) + broadcastIndex(j, trailing, s.shape.slice(1))];
      }
    }
  }
  return out;
}

/** Flat index into a (broadcast, size-1 dims) source row for flat index j of the target row. */
function broadcastIndex(j: number, target: readonly number[], source: readonly number[]): number {
  let rem = j, off = 0, stride = 1;
  for (let d = target.length - 1; d >= 0; d--) {
    const i = rem % target[d];
    rem = Math.floor(rem / target[d]);
    if (source[d] !== 1) off += i * stride;
    stride *= source[d];
  }
  return off;
}

/** Copies sequence rows of a padded (T, B, *) / (B, T, *) input into PackedSequence.data order (no sorting). */
function packRows(input: Tensor, order: readonly number[], batchFirst: boolean, batchSizes: number[]): Tensor {
  const T = batchFirst ? input.shape[1] : input.shape[0];
  const B = batchFirst ? input.shape[0] : input.shape[1];
  const trailing = input.shape.slice(2);
  const rowSize = numel(trailing);
  // PyTorch slices input[prev_l:l, :batch] per step; steps beyond T are clamped away (see the length check).
  let rows = 0;
  for (let t = 0; t < Math.min(T, batchSizes.length); t++) rows += batchSizes[t];
  const data = new Tensor([rows, ...trailing], input.dtype);
  let r = 0;
  for (let t = 0; t < Math.min(T, batchSizes.length); t++) {
    for (let k = 0; k < batchSizes[t]; k++) {
      const b = order[k];
      const src = (batchFirst ? b * T + t : t * B + b) * rowSize;
      data.data.set(input.data.subarray(src, src + rowSize), r * rowSize);
      r++;
    }
  }
  return data;
}

/**
 * torch.nn.utils.rnn.pack_padded_sequence. With enforceSorted=false the batch is sorted by decreasing length with
 * torch.sort (PyTorch's tie order) and sortedIndices/unsortedIndices are recorded; with true they are null.
 */
export function packPaddedSequence(input: Tensor, lengths: readonly number[] | Tensor, batchFirst = false, enforceSorted = true): PackedSequence {
  let lens = lengthsAsInt64(lengths);
  let sortedIndices: number[] | null = null;
  if (!enforceSorted) {
    const sorted = torchSort(lens, true);
    lens = sorted.values;
    sortedIndices = sorted.indices;
    // input.index_select(batch_dim, sorted_indices)
    const batchDim = batchFirst ? 0 : 1;
    if (input.ndim <= batchDim) throw dimOutOfRange(input.ndim, batchDim);
    const B = input.shape[batchDim];
    for (const i of sortedIndices) {
      if (i >= B) throw runtimeError(`INDICES element is out of DATA bounds, id=${i} axis_dim=${B}`);
    }
  }
  // _VF._pack_padded_sequence, in its check order.
  if (input.ndim < 2) throw dimOutOfRange(input.ndim, 1);
  const T = batchFirst ? input.shape[1] : input.shape[0];
  const inputB = batchFirst ? input.shape[0] : input.shape[1];
  if (T === 0 || numel(input.shape.slice(2)) === 0 || (sortedIndices ? sortedIndices.length : inputB) === 0) {
    throw runtimeError('Cannot pack empty tensors.');
  }
  // With enforce_sorted=False, index_select already reduced the batch to len(lengths) rows (PyTorch silently drops
  // extra sequences then), so the count check can only fail in the sorted path.
  const B = sortedIndices ? sortedIndices.length : inputB;
  if (lens.length !== B) {
    throw runtimeError(`Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${B})`);
  }
  if (!(lens[B - 1] > 0)) {
    throw runtimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  }
  for (let i = 0; i < B - 1; i++) {
    if (lens[B - 1 - i] > lens[B - 2 - i]) {
      throw runtimeError(
        '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass ' +
          '`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do ' +
          'not need ONNX exportability.',
      );
    }
  }
  if (lens[0] > T) throw lengthExceedsTime(lens[0], T, lens);
  const batchSizes: number[] = [];
  for (let t = 0; t < lens[0]; t++) {
    let n = 0;
    while (n < B && lens[n] > t) n++;
    batchSizes.push(n);
  }
  const order = sortedIndices ?? Array.from({ length: B }, (_, i) => i);
  const data = packRows(input, order, batchFirst, batchSizes);
  return { data, batchSizes, sortedIndices, unsortedIndices: sortedIndices ? invertPermutation(sortedIndices) : null };
}

/**
 * A length above the padded time size. PyTorch 1.13 does not check it: it packs fewer rows than batch_sizes claims
 * and the RNN then fails with a narrow() error. We reject it at packing time, quoting that later PyTorch message.
 */
function lengthExceedsTime(maxLen: number, T: number, sortedLens: readonly number[]): TorchError {
  const batchSizes: number[] = [];
  for (let t = 0; t < maxLen; t++) batchSizes.push(sortedLens.filter((l) => l > t).length);
  let rows = 0;
  for (let t = 0; t < T; t++) rows += batchSizes[t];
  let offset = 0;
  let later = '';
  for (const bs of batchSizes) {
    if (offset + bs > rows) {
      later = ` (PyTorch 1.13 packs it anyway and the RNN then fails with "start (${offset}) + length (${bs}) exceeds dimension size (${rows}).")`;
      break;
    }
    offset += bs;
  }
  return runtimeError(`Length of all samples has to be at most the padded time dimension (${T}), but found an element in 'lengths' that is ${maxLen}${later}`);
}

/** torch.nn.utils.rnn.pack_sequence: pad_sequence then pack_padded_sequence with each sequence's length. */
export function packSequence(sequences: readonly Tensor[], enforceSorted = true): PackedSequence {
  const lengths = sequences.map((s) => (s.ndim === 0 ? 0 : s.shape[0]));
  return packPaddedSequence(padSequence(sequences), lengths, false, enforceSorted);
}

/**
 * torch.nn.utils.rnn.pad_packed_sequence: returns [padded, lengths] with padded (T_out, B, *) (or (B, T_out, *)),
 * T_out = totalLength ?? len(batch_sizes), both in the caller's original batch order (unsorted_indices applied).
 */
export function padPackedSequence(sequence: PackedSequence, batchFirst = false, paddingValue = 0, totalLength: number | null = null): [Tensor, Tensor] {
  const { data, batchSizes } = sequence;
  let maxSeqLength = batchSizes.length;
  if (totalLength !== null) {
    if (totalLength < maxSeqLength) {
      throw valueError(
        `Expected total_length to be at least the length of the longest sequence in input, but got total_length=${totalLength} and max sequence length being ${maxSeqLength}`,
      );
    }
    maxSeqLength = totalLength;
  }
  const B = batchSizes.length ? batchSizes[0] : 0;
  const trailing = data.shape.slice(1);
  const rowSize = numel(trailing);
  const unsorted = sequence.unsortedIndices;
  // position in the output batch of sorted row k
  const sortedToOriginal = unsorted ? invertPermutation(unsorted) : null;
  const place = (k: number): number => (sortedToOriginal ? sortedToOriginal[k] : k);
  const shape = batchFirst ? [B, maxSeqLength, ...trailing] : [maxSeqLength, B, ...trailing];
  const out = new Tensor(shape, data.dtype);
  if (paddingValue !== 0) out.data.fill(paddingValue);
  const lengths = new Tensor([B], 'int64');
  let r = 0;
  for (let t = 0; t < batchSizes.length; t++) {
    for (let k = 0; k < batchSizes[t]; k++) {
      const b = place(k);
      const dst = (batchFirst ? b * maxSeqLength + t : t * B + b) * rowSize;
      out.data.set(data.data.subarray(r * rowSize, (r + 1) * rowSize), dst);
      lengths.data[b] = t + 1;
      r++;
    }
  }
  return [out, lengths];
}
