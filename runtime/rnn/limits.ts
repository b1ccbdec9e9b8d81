// Size limits that turn an out-of-memory or a near-endless run into a clear message before any work starts.
import { TorchError } from '../torch/errors';

export interface RnnLimits {
  /** elements in any single tensor (input, output, states, weights) */
  maxTensorElements: number;
  /** multiply-adds of the whole forward pass */
  maxMultiplyAdds: number;
}

/** 2^26 floats = 256 MB per tensor; 1e12 multiply-adds ≈ minutes on wasm (workload B of the benchmark is 1.1e11). */
export const DEFAULT_LIMITS: RnnLimits = { maxTensorElements: 2 ** 26, maxMultiplyAdds: 1e12 };

export class LimitError extends TorchError {
  constructor(message: string) {
    super('ValueError', message);
  }
}

export function checkElements(what: string, shape: readonly number[], limits: RnnLimits): void {
  let n = 1;
  for (const d of shape) n *= d;
  if (n > limits.maxTensorElements) {
    throw new LimitError(`${what} of shape [${shape.join(', ')}] has ${n.toExponential(2)} elements, above RNN Lens's limit of ${limits.maxTensorElements.toExponential(2)} per tensor`);
  }
}
