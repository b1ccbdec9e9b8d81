// The RNN benchmark workloads (issue 3): deterministic weights, inputs and ragged lengths, shared by the Node worker
// and described to the PyTorch script with the same sizes.
import { Tensor } from '../../runtime/tensor/tensor';
import { createRnnConfig, loadStateDict, paramSpecs, type RnnModule } from '../../runtime/rnn/module';

export interface Workload {
  id: 'A' | 'B';
  title: string;
  batch: number;
  T: number;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  /** ragged lengths → packed input; false → the padded tensor as is */
  packed: boolean;
}

export const WORKLOADS: Record<'A' | 'B', Workload> = {
  A: { id: 'A', title: 'A: LSTM, batch 64, T 50, input 7, hidden 100, ragged lengths, packed', batch: 64, T: 50, inputSize: 7, hiddenSize: 100, numLayers: 1, bidirectional: false, packed: true },
  B: { id: 'B', title: 'B: LSTM 2 layers bidirectional, batch 256, T 200, input 64, hidden 256, padded (every sequence runs 200 steps)', batch: 256, T: 200, inputSize: 64, hiddenSize: 256, numLayers: 2, bidirectional: true, packed: false },
};

/** A small deterministic generator (same numbers on every run, no dependency on Math.random). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Ragged lengths in [1, T], longest = T, sorted decreasing (for packing with enforce_sorted=True). */
export function workloadLengths(w: Workload): number[] {
  if (!w.packed) return new Array<number>(w.batch).fill(w.T);
  const r = lcg(7);
  const lens = Array.from({ length: w.batch }, (_, i) => (i === 0 ? w.T : 1 + Math.floor(r() * w.T)));
  return lens.sort((a, b) => b - a);
}

export function workloadModule(w: Workload): RnnModule {
  const config = createRnnConfig('LSTM', { input_size: w.inputSize, hidden_size: w.hiddenSize, num_layers: w.numLayers, bidirectional: w.bidirectional });
  const r = lcg(11);
  const k = 1 / Math.sqrt(w.hiddenSize);
  const sd = new Map<string, Tensor>();
  for (const p of paramSpecs(config)) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    sd.set(p.name, new Tensor(p.shape, 'float32', Float32Array.from({ length: n }, () => (2 * r() - 1) * k)));
  }
  return loadStateDict(config, sd);
}

export function workloadInput(w: Workload): Tensor {
  const r = lcg(13);
  const n = w.T * w.batch * w.inputSize;
  return new Tensor([w.T, w.batch, w.inputSize], 'float32', Float32Array.from({ length: n }, () => 2 * r() - 1));
}
