// The reference backend: runs a multi-layer (bi)directional LSTM/GRU/RNN layer by layer with the TypeScript kernels
// of rnn-kernels.ts. Layer k > 0 reads the concatenation [forward, reverse] of layer k-1's outputs.
import { numDirections, realHiddenSize, type RnnModule } from '../rnn/module';
import type { StackBackend, StackInput, StackLayerOutput, StackOutput } from '../rnn/stack';
import { runDirection, type DirectionWeights } from './rnn-kernels';

export function directionWeights(module: RnnModule, layer: number, direction: number): DirectionWeights {
  const sfx = `l${layer}${direction === 1 ? '_reverse' : ''}`;
  const get = (n: string): Float32Array | null => (module.weights.get(`${n}_${sfx}`)?.data as Float32Array | undefined) ?? null;
  return { wih: get('weight_ih')!, whh: get('weight_hh')!, bih: get('bias_ih'), bhh: get('bias_hh'), whr: get('weight_hr') };
}

export function runReferenceStack(module: RnnModule, input: StackInput): StackOutput {
  const c = module.config;
  const D = numDirections(c);
  const R = realHiddenSize(c);
  const H = c.hiddenSize;
  const { T, B, lengths } = input;
  const hN = new Float32Array(c.numLayers * D * B * R);
  const cN = c.mode === 'LSTM' ? new Float32Array(c.numLayers * D * B * H) : null;
  const layers: StackLayerOutput[] = [];
  let x = input.x;
  let inSize = c.inputSize;
  for (let layer = 0; layer < c.numLayers; layer++) {
    const y = new Float32Array(T * B * D * R);
    for (let direction = 0; direction < D; direction++) {
      const idx = layer * D + direction;
      const out = runDirection(
        {
          mode: c.mode, hiddenSize: H, projSize: c.projSize, x, T, B, inSize, lengths, reverse: direction === 1,
          h0: input.h0.subarray(idx * B * R, (idx + 1) * B * R),
          c0: input.c0 ? input.c0.subarray(idx * B * H, (idx + 1) * B * H) : null,
        },
        directionWeights(module, layer, direction),
      );
      hN.set(out.hN, idx * B * R);
      if (cN && out.cN) cN.set(out.cN, idx * B * H);
      for (let tb = 0; tb < T * B; tb++) y.set(out.y.subarray(tb * R, (tb + 1) * R), tb * D * R + direction * R);
      if (input.wantLayers) layers.push({ layer, direction, y: out.y });
    }
    x = y;
    inSize = D * R;
  }
  return { y: x, hN, cN, layers: input.wantLayers ? layers : null, notes: [] };
}

export const referenceBackend: StackBackend = {
  name: 'reference',
  runStack: async (module, input) => runReferenceStack(module, input),
};
