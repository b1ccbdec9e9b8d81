// A synchronous rnnForward on the reference kernels, for the run engine's interpreter hooks (the interpreter is
// synchronous and cannot await the onnxruntime backend). The wasm backend's numbers are substituted afterwards by
// the engine (runtime/run/engine.ts) in a second pass; both go through the same validation and layout code
// (prepareRnnForward in runtime/rnn/forward.ts).
import type { Tensor, PackedSequence } from '../tensor/tensor';
import { prepareRnnForward, type Hidden, type RnnForwardResult } from '../rnn/forward';
import type { RnnModule } from '../rnn/module';
import type { RnnLimits } from '../rnn/limits';
import { runReferenceStack } from '../reference/rnn-stack';

export function rnnForwardSync(
  module: RnnModule,
  input: Tensor | PackedSequence,
  hx: Hidden | null | undefined,
  opts: { intermediates?: boolean; limits?: RnnLimits } = {},
): RnnForwardResult {
  const prepared = prepareRnnForward(module, input, hx, { ...opts, backendName: 'reference' });
  return prepared.finish(prepared.stackInput === null ? null : runReferenceStack(module, prepared.stackInput));
}
