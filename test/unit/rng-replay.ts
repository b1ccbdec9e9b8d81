// Replays the draws recorded in test/fixtures/rng (written by PyTorch's own gen_rng_fixtures.py) through
// runtime/torch/random.ts, for rng.test.ts and init.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../../runtime/tensor/tensor';
import { normal_, rand, randint, randn, randperm, uniform_, type CpuCapability, type TorchGenerator } from '../../runtime/torch/random';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'rng');

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

export interface TensorFixture {
  shape: number[];
  dtype: string;
  /** floats exact (repr of the float32/float64 value); int64 as decimal strings */
  data: (number | string)[];
}

export interface DrawOp {
  op: 'randn' | 'rand' | 'uniform' | 'normal' | 'randint' | 'randperm' | 'random64';
  shape?: number[];
  dtype?: 'float32' | 'float64';
  from?: number;
  to?: number;
  mean?: number;
  std?: number;
  low?: number;
  high?: number;
  n?: number;
}

/** One recorded draw, done by our generator the way the fixture generator asked PyTorch for it. */
export function draw(op: DrawOp, gen: TorchGenerator, capability: CpuCapability = 'avx2'): Tensor {
  const shape = op.shape ?? [];
  const dtype = op.dtype ?? 'float32';
  const opts = { capability };
  switch (op.op) {
    case 'randn': return randn(shape, gen, dtype, opts);
    case 'rand': return rand(shape, gen, dtype, opts);
    case 'uniform': return uniform_(new Tensor(shape, dtype), op.from!, op.to!, gen, opts);
    case 'normal': return normal_(new Tensor(shape, dtype), op.mean!, op.std!, gen, opts);
    case 'randint': return randint(op.low!, op.high!, shape, gen);
    case 'randperm': return randperm(op.n!, gen);
    case 'random64': {
      // int64 random_(): random64() mod 2^63
      const t = new Tensor(shape, 'int64');
      for (let i = 0; i < t.numel; i++) t.data[i] = Number(gen.random64() & 0x7fffffffffffffffn);
      return t;
    }
  }
}

export function fixtureValues(t: TensorFixture): number[] {
  return t.data.map((v) => (typeof v === 'string' ? Number(v) : v));
}

/** Index of the first value that differs bit for bit (−1 if none); −0 and +0 count as different. */
export function firstMismatch(actual: ArrayLike<number>, expected: readonly number[]): number {
  if (actual.length !== expected.length) return Math.min(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) return i;
  }
  return -1;
}
