// rnnForward: module(input, hx) exactly as torch.nn.LSTM / GRU / RNN return it, for padded, unbatched or packed
// input. Does PyTorch's checks in PyTorch's order (permute hx, dims, input_size, hidden sizes), then our own
// (non-finite values, size limits), converts everything to the backends' time-major padded form (StackInput) in the
// packed (sorted) batch order, runs a backend, and restores PyTorch's output layout: packed in → packed out with the
// same batch_sizes / sorted_indices / unsorted_indices; h_n/c_n in the caller's batch order; batch_first only
// affects the output. Dropout is ignored (eval semantics).
import { Tensor, type PackedSequence, formatShape } from '../tensor/tensor';
import { TorchError, runtimeError } from '../torch/errors';
import { DEFAULT_LIMITS, LimitError, checkElements, type RnnLimits } from './limits';
import { checkFinite, gateCount, numDirections, realHiddenSize, type RnnModule } from './module';
import type { StackBackend, StackInput, StackOutput } from './stack';

export type BackendName = 'wasm' | 'reference';

export interface RnnForwardOptions {
  /** the stack implementation to run (referenceBackend, or an OrtRnnExecutor for 'wasm') */
  backend: StackBackend;
  /** also return every layer/direction's own output (for the visualizer) */
  intermediates?: boolean;
  limits?: RnnLimits;
}

/** One layer and direction of the stack, in the caller's batch order. */
export interface LayerTrace {
  layer: number;
  /** 0 forward, 1 reverse */
  direction: number;
  /** [T, B, R] time-major, zeros at steps the sequence does not run */
  output: Tensor;
}

export interface RnnForwardResult {
  output: Tensor | PackedSequence;
  hN: Tensor;
  cN?: Tensor;
  /** steps each sequence runs, caller's batch order (T for every sequence of an unpacked input); the forward
   *  direction runs t = 0..len-1, the reverse one t = len-1..0 */
  stepsPerSequence: number[];
  layers?: LayerTrace[];
  backend: BackendName;
  notes: string[];
}

export type Hidden = Tensor | readonly [Tensor, Tensor];

function pyTuple(shape: readonly number[]): string {
  return formatShape(shape);
}

/** hx.index_select(1, permutation) as permute_hidden does it (IndexError / RuntimeError like PyTorch). */
function permuteHidden(hx: Tensor, permutation: readonly number[]): Tensor {
  if (hx.ndim < 2) {
    throw new TorchError('IndexError', `Dimension out of range (expected to be in range of [-1, 0], but got 1)`);
  }
  const [d0, n] = hx.shape;
  const inner = hx.shape.slice(2).reduce((a, b) => a * b, 1);
  for (const i of permutation) if (i >= n) throw runtimeError(`INDICES element is out of DATA bounds, id=${i} axis_dim=${n}`);
  const out = new Tensor([d0, permutation.length, ...hx.shape.slice(2)], 'float32');
  for (let a = 0; a < d0; a++) {
    for (let k = 0; k < permutation.length; k++) {
      const src = (a * n + permutation[k]) * inner;
      out.data.set(hx.data.subarray(src, src + inner), (a * permutation.length + k) * inner);
    }
  }
  return out;
}

function unsqueeze1(t: Tensor): Tensor {
  return new Tensor([t.shape[0], 1, ...t.shape.slice(1)], 'float32', t.data);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function isPacked(x: Tensor | PackedSequence): x is PackedSequence {
  return !(x instanceof Tensor);
}

export async function rnnForward(module: RnnModule, input: Tensor | PackedSequence, hx: Hidden | null | undefined, opts: RnnForwardOptions): Promise<RnnForwardResult> {
  const prepared = prepareRnnForward(module, input, hx, { intermediates: opts.intermediates, limits: opts.limits, backendName: opts.backend.name });
  const out = prepared.stackInput === null ? null : await opts.backend.runStack(module, prepared.stackInput);
  return prepared.finish(out);
}

/** rnnForward split around the backend call, so that a synchronous stack (the reference kernels) can be used by
 *  callers that cannot await (the run engine's interpreter hooks): validation and layout conversion happen here,
 *  `stackInput` (null for an empty batch) goes to a backend, and `finish` restores PyTorch's layout. */
export interface PreparedRnnForward {
  stackInput: StackInput | null;
  finish(out: StackOutput | null): RnnForwardResult;
}

export function prepareRnnForward(
  module: RnnModule,
  input: Tensor | PackedSequence,
  hx: Hidden | null | undefined,
  opts: { intermediates?: boolean; limits?: RnnLimits; backendName: BackendName },
): PreparedRnnForward {
  const c = module.config;
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const isLstm = c.mode === 'LSTM';
  const D = numDirections(c);
  const R = realHiddenSize(c);
  const H = c.hiddenSize;
  const L = c.numLayers;
  const typeName = isLstm ? 'LSTM' : 'GRU/RNN';
  let h: Tensor | null = null;
  let cell: Tensor | null = null;
  if (hx) {
    if (isLstm) {
      if (hx instanceof Tensor) throw new TorchError('TypeError', 'LSTM expects hx as a tuple (h_0, c_0), got a single tensor');
      [h, cell] = hx;
    } else {
      if (!(hx instanceof Tensor)) throw new TorchError('TypeError', `${typeName} expects hx as a single tensor h_0, got a tuple`);
      h = hx;
    }
  }

  let data: Tensor; // padded [T, B, F] (batch_first: [B, T, F]) or packed data [N, F]
  let batchSizes: readonly number[] | null = null;
  let sortedIndices: readonly number[] | null = null;
  let unsortedIndices: readonly number[] | null = null;
  let batched = true;
  if (isPacked(input)) {
    ({ data, batchSizes, sortedIndices, unsortedIndices } = input);
    if (sortedIndices) {
      if (h) h = permuteHidden(h, sortedIndices);
      if (cell) cell = permuteHidden(cell, sortedIndices);
    }
  } else {
    data = input;
    batched = input.ndim === 3;
    if (!batched) {
      if (input.ndim === 0 && !c.batchFirst) throw new TorchError('IndexError', 'Dimension out of range (expected to be in range of [-1, 0], but got 1)');
      data = new Tensor(c.batchFirst ? [1, ...input.shape] : [input.shape[0], 1, ...input.shape.slice(1)], input.dtype, input.data);
    }
    if (h) {
      const hDims = isLstm ? `(${h.ndim}-D, ${cell!.ndim}-D) tensors` : `${h.ndim}-D tensor`;
      const what = isLstm ? 'hx and cx' : 'hx';
      if (batched && (h.ndim !== 3 || (cell && cell.ndim !== 3))) throw runtimeError(`For batched 3-D input, ${what} should also be 3-D but got ${hDims}`);
      if (!batched) {
        if (h.ndim !== 2 || (cell && cell.ndim !== 2)) throw runtimeError(`For unbatched 2-D input, ${what} should also be 2-D but got ${hDims}`);
        h = unsqueeze1(h);
        if (cell) cell = unsqueeze1(cell);
      }
    }
  }

  // check_forward_args
  const expectedDim = batchSizes ? 2 : 3;
  if (data.ndim !== expectedDim) throw runtimeError(`input must have ${expectedDim} dimensions, got ${data.ndim}`);
  const F = data.shape[data.ndim - 1];
  if (F !== c.inputSize) throw runtimeError(`input.size(-1) must be equal to input_size. Expected ${c.inputSize}, got ${F}`);
  const miniBatch = batchSizes ? (batchSizes[0] ?? 0) : c.batchFirst ? data.shape[0] : data.shape[1];
  const expectedH = [L * D, miniBatch, R];
  const expectedC = [L * D, miniBatch, H];
  if (h && !sameShape(h.shape, expectedH)) {
    throw runtimeError(`Expected ${isLstm ? 'hidden[0]' : 'hidden'} size ${pyTuple(expectedH)}, got [${h.shape.join(', ')}]`);
  }
  if (cell && !sameShape(cell.shape, expectedC)) throw runtimeError(`Expected hidden[1] size ${pyTuple(expectedC)}, got [${cell.shape.join(', ')}]`);

  // to the stack's time-major padded form (packed: in sorted order)
  const B = miniBatch;
  let T: number;
  const lengths = new Int32Array(B);
  if (batchSizes) {
    T = batchSizes.length;
    let rows = 0;
    for (let t = 0; t < T; t++) {
      const bs = batchSizes[t];
      if (!Number.isInteger(bs) || bs < 0 || bs > B || (t > 0 && bs > batchSizes[t - 1])) {
        throw runtimeError(`batch_sizes must be non-increasing integers between 0 and batch_sizes[0]=${B}, got ${bs} at step ${t}`);
      }
      for (let b = 0; b < bs; b++) lengths[b]++;
      rows += bs;
    }
    if (rows !== data.shape[0]) throw runtimeError(`packed data has ${data.shape[0]} rows but batch_sizes sums to ${rows}`);
  } else {
    T = c.batchFirst ? data.shape[1] : data.shape[0];
    lengths.fill(T);
  }
  if (T === 0) throw runtimeError('Expected sequence length to be larger than 0 in RNN');

  checkElements('input', data.shape, limits);
  checkElements('output', [T, B, D * R], limits);
  let work = 0;
  let sumLen = 0;
  for (let b = 0; b < B; b++) sumLen += lengths[b];
  for (let layer = 0; layer < L; layer++) {
    const inSize = layer === 0 ? c.inputSize : D * R;
    work += D * sumLen * (gateCount(c.mode) * H * (inSize + R) + c.projSize * H);
  }
  if (work > limits.maxMultiplyAdds) {
    throw new LimitError(`this run needs about ${work.toExponential(2)} multiply-adds, above RNN Lens's limit of ${limits.maxMultiplyAdds.toExponential(2)}; use a smaller batch, shorter sequences or a smaller hidden size`);
  }
  checkFinite(data, batchSizes ? 'input (PackedSequence.data)' : 'input');
  if (h) checkFinite(h, isLstm ? 'h_0' : 'hx');
  if (cell) checkFinite(cell, 'c_0');

  const x = new Float32Array(T * B * F);
  if (batchSizes) {
    let r = 0;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < batchSizes[t]; b++, r++) x.set(data.data.subarray(r * F, (r + 1) * F), (t * B + b) * F);
    }
  } else if (c.batchFirst) {
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) x.set(data.data.subarray((b * T + t) * F, (b * T + t + 1) * F), (t * B + b) * F);
  } else {
    x.set(data.data);
  }
  const stackInput: StackInput = {
    x, T, B, lengths,
    h0: h ? Float32Array.from(h.data) : new Float32Array(L * D * B * R),
    c0: isLstm ? (cell ? Float32Array.from(cell.data) : new Float32Array(L * D * B * H)) : null,
    wantLayers: opts.intermediates ?? false,
  };
  const finish = (stackOut: StackOutput | null): RnnForwardResult => {
    const notes: string[] = [];
    if (c.dropout > 0) notes.push(`dropout=${c.dropout} is not applied: RNN Lens runs modules in eval mode, as model.eval() would`);
    const out = stackOut ?? emptyStack(isLstm);
    notes.push(...out.notes);

    // back to PyTorch's layout
    const DR = D * R;
    const toCaller = unsortedIndices; // sorted row k of the batch belongs to caller row sortedIndices[k]
    let output: Tensor | PackedSequence;
    if (batchSizes) {
      const rows = data.shape[0];
      const packed = new Tensor([rows, DR], 'float32');
      let r = 0;
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < batchSizes[t]; b++, r++) packed.data.set(out.y.subarray((t * B + b) * DR, (t * B + b + 1) * DR), r * DR);
      }
      output = { data: packed, batchSizes: [...batchSizes], sortedIndices, unsortedIndices };
    } else {
      let y: Tensor;
      if (c.batchFirst) {
        y = new Tensor([B, T, DR], 'float32');
        for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) y.data.set(out.y.subarray((t * B + b) * DR, (t * B + b + 1) * DR), (b * T + t) * DR);
      } else {
        y = new Tensor([T, B, DR], 'float32', out.y);
      }
      output = batched ? y : new Tensor([T, DR], 'float32', y.data); // squeeze the batch dim of size 1
    }
    let hN = new Tensor([L * D, B, R], 'float32', out.hN);
    let cN = out.cN ? new Tensor([L * D, B, H], 'float32', out.cN) : undefined;
    if (toCaller) {
      hN = permuteHidden(hN, toCaller);
      if (cN) cN = permuteHidden(cN, toCaller);
    }
    if (!batched) {
      hN = new Tensor([L * D, R], 'float32', hN.data);
      if (cN) cN = new Tensor([L * D, H], 'float32', cN.data);
    }
    const callerOrder = (k: number): number => (sortedIndices ? sortedIndices[k] : k);
    const stepsPerSequence = new Array<number>(B).fill(0);
    for (let k = 0; k < B; k++) stepsPerSequence[callerOrder(k)] = lengths[k];
    const result: RnnForwardResult = { output, hN, stepsPerSequence, backend: opts.backendName, notes };
    if (cN) result.cN = cN;
    if (out.layers) {
      result.layers = out.layers.map((l) => {
        const t = new Tensor([T, B, R], 'float32', l.y);
        return { layer: l.layer, direction: l.direction, output: sortedIndices ? reorderBatch(t, sortedIndices) : t };
      });
    }
    return result;
  };
  return { stackInput: B === 0 ? null : stackInput, finish };
}

/** [T, B, R] in sorted order → caller order (caller row sortedIndices[k] = sorted row k). */
function reorderBatch(t: Tensor, sortedIndices: readonly number[]): Tensor {
  const [T, B, R] = t.shape;
  const out = new Tensor([T, B, R], 'float32');
  for (let s = 0; s < T; s++) {
    for (let k = 0; k < B; k++) out.data.set(t.data.subarray((s * B + k) * R, (s * B + k + 1) * R), (s * B + sortedIndices[k]) * R);
  }
  return out;
}

/** A batch of 0 sequences: nothing to run (PyTorch returns empty tensors too). */
function emptyStack(isLstm: boolean): StackOutput {
  return { y: new Float32Array(0), hN: new Float32Array(0), cN: isLstm ? new Float32Array(0) : null, layers: null, notes: [] };
}
