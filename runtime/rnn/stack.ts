// The contract between rnnForward and its backends: a whole multi-layer (bi)directional stack over a time-major
// padded batch with per-sequence lengths, all in one batch order (the packed/sorted one). Both backends (reference
// TypeScript kernels, onnxruntime-web) implement it; rnnForward does validation, packing and permutations around it.
import type { RnnModule } from './module';

export interface StackInput {
  /** [T, B, inputSize] time-major; positions t >= lengths[b] are ignored */
  x: Float32Array;
  T: number;
  B: number;
  /** steps each sequence runs, 1..T (all T for unpacked input) */
  lengths: Int32Array;
  /** [L*D, B, R] */
  h0: Float32Array;
  /** [L*D, B, H] (LSTM) */
  c0: Float32Array | null;
  /** also return each layer/direction's own output */
  wantLayers: boolean;
}

export interface StackLayerOutput {
  layer: number;
  direction: number;
  /** [T, B, R], zeros at padded steps */
  y: Float32Array;
}

export interface StackOutput {
  /** [T, B, D*R], zeros at padded steps */
  y: Float32Array;
  /** [L*D, B, R] */
  hN: Float32Array;
  /** [L*D, B, H] (LSTM) */
  cN: Float32Array | null;
  layers: StackLayerOutput[] | null;
  /** things the caller should tell the user (e.g. a fallback) */
  notes: string[];
}

export interface StackBackend {
  readonly name: 'wasm' | 'reference';
  runStack(module: RnnModule, input: StackInput): Promise<StackOutput>;
}
