// PyTorch's default initialisation (runtime/torch/init.ts) after torch.manual_seed, against torch 1.13's own
// state_dicts (test/fixtures/rng/inits.json), the seed cases of the RNN fixtures, and the numbers seed notebook 001
// printed (test/fixtures/rng/seed001_printed.json, 4 decimals).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRnnConfig, type RnnArgs } from '../../runtime/rnn/module';
import { TorchError } from '../../runtime/torch/errors';
import { Tensor } from '../../runtime/tensor/tensor';
import {
  calculateGain, constant_, conv1dStateDict, defaultStateDict, embeddingStateDict, fanInAndFanOut, kaimingNormal_, kaimingUniform_, linearStateDict,
  rnnCellStateDict, xavierNormal_, xavierUniform_, type KaimingArgs, type StateDict,
} from '../../runtime/torch/init';
import { normal_, uniform_ } from '../../runtime/torch/random';
import { TorchGenerator, randn } from '../../runtime/torch/random';
import { draw, firstMismatch, fixtureValues, loadFixture, type DrawOp, type TensorFixture } from './rng-replay';

type Kwargs = Record<string, number | boolean | string | null>;

/** Constructs the module the way PyTorch's constructor would, drawing from gen. */
function construct(ctor: string, kw: Kwargs, gen: TorchGenerator): StateDict {
  const n = (k: string) => kw[k] as number;
  const b = (k: string, d: boolean) => (kw[k] === undefined ? d : (kw[k] as boolean));
  switch (ctor) {
    case 'LSTM':
    case 'GRU':
    case 'RNN':
      return defaultStateDict(createRnnConfig(ctor, kw as unknown as RnnArgs), gen);
    case 'LSTMCell':
    case 'GRUCell':
    case 'RNNCell':
      return rnnCellStateDict(ctor, n('input_size'), n('hidden_size'), b('bias', true), gen);
    case 'Linear':
      return linearStateDict(n('in_features'), n('out_features'), b('bias', true), gen);
    case 'Embedding':
      return embeddingStateDict(n('num_embeddings'), n('embedding_dim'), kw.padding_idx === undefined ? null : n('padding_idx'), gen);
    case 'Conv1d':
      return conv1dStateDict({ in_channels: n('in_channels'), out_channels: n('out_channels'), kernel_size: n('kernel_size'), groups: kw.groups === undefined ? 1 : n('groups'), bias: b('bias', true) }, gen);
    default:
      throw new Error(`no constructor for ${ctor}`);
  }
}

function assertStateDictExact(sd: StateDict, expected: Record<string, TensorFixture>, where: string): number {
  assert.deepEqual(Object.keys(sd), Object.keys(expected), `${where}: parameter names and order`);
  let n = 0;
  for (const [k, t] of Object.entries(expected)) {
    assert.deepEqual([...sd[k].shape], t.shape, `${where}.${k} shape`);
    const want = fixtureValues(t);
    const bad = firstMismatch(sd[k].data, want);
    assert.equal(bad, -1, bad < 0 ? '' : `${where}.${k}[${bad}]: ${sd[k].data[bad]} vs PyTorch ${want[bad]}`);
    n += want.length;
  }
  return n;
}

interface InitCase {
  name: string;
  seed: string;
  module: string;
  kwargs: Kwargs;
  state_dict: Record<string, TensorFixture>;
  after?: { op: DrawOp; output: TensorFixture };
  draws?: DrawOp[];
  outputs?: TensorFixture[];
}

interface InitFnCase {
  name: string;
  seed: string;
  fn: string;
  shape: number[];
  kwargs: Record<string, number | string>;
  output: TensorFixture;
  after: { op: DrawOp; output: TensorFixture };
}

const inits = loadFixture<{ cases: InitCase[]; init_fns: InitFnCase[] }>('inits.json');
const tally = { cases: 0, values: 0 };
for (const c of inits.cases) {
  test(`init ${c.name}`, () => {
    const gen = new TorchGenerator(BigInt(c.seed));
    const sd = construct(c.module, c.kwargs, gen);
    tally.values += assertStateDictExact(sd, c.state_dict, c.name);
    // the draws after construction continue PyTorch's stream: the module drew exactly as many numbers
    const after = c.after ? [{ op: c.after.op, out: c.after.output }] : (c.draws ?? []).map((op, i) => ({ op, out: c.outputs![i] }));
    for (const { op, out } of after) {
      const t = draw(op, gen);
      const want = fixtureValues(out);
      assert.equal(firstMismatch(t.data, want), -1, `${c.name}: draw ${JSON.stringify(op)} after construction`);
      tally.values += want.length;
    }
    tally.cases++;
  });
}
test('init summary', () => {
  console.log(`[init] ${tally.cases}/${inits.cases.length} module inits bit-exact (${tally.values} values)`);
  assert.equal(tally.cases, inits.cases.length);
});

/** torch.nn.init.<fn>(t, **kwargs) with our functions. */
function applyInitFn(fn: string, t: Tensor, kw: Record<string, number | string>, gen: TorchGenerator): void {
  switch (fn) {
    case 'xavier_uniform_': xavierUniform_(t, gen, (kw.gain as number | undefined) ?? 1); return;
    case 'xavier_normal_': xavierNormal_(t, gen, (kw.gain as number | undefined) ?? 1); return;
    case 'kaiming_uniform_': kaimingUniform_(t, gen, kw as KaimingArgs); return;
    case 'kaiming_normal_': kaimingNormal_(t, gen, kw as KaimingArgs); return;
    case 'uniform_': uniform_(t, kw.a as number, kw.b as number, gen); return;
    case 'normal_': normal_(t, kw.mean as number, kw.std as number, gen); return;
    case 'constant_': constant_(t, kw.val as number); return;
    default: throw new Error(`no init function ${fn}`);
  }
}

for (const c of inits.init_fns) {
  test(`nn.init ${c.name}`, () => {
    const gen = new TorchGenerator(BigInt(c.seed));
    const t = new Tensor(c.shape, 'float32');
    applyInitFn(c.fn, t, c.kwargs, gen);
    const want = fixtureValues(c.output);
    const bad = firstMismatch(t.data, want);
    assert.equal(bad, -1, bad < 0 ? '' : `[${bad}]: ${t.data[bad]} vs PyTorch ${want[bad]}`);
    assert.equal(firstMismatch(draw(c.after.op, gen).data, fixtureValues(c.after.output)), -1, 'the draw after it');
  });
}

test('nn.init helpers: gains and fans as init.py computes them', () => {
  assert.equal(calculateGain('tanh'), 5 / 3);
  assert.equal(calculateGain('relu'), Math.SQRT2);
  assert.equal(calculateGain('leaky_relu'), Math.sqrt(2 / (1 + 0.0001)));
  assert.equal(calculateGain('selu'), 0.75);
  assert.deepEqual(fanInAndFanOut(new Tensor([6, 4, 3], 'float32')), [12, 18]);
  assert.throws(() => fanInAndFanOut(new Tensor([5], 'float32')), (e: unknown) => e instanceof TorchError && e.pythonType === 'ValueError' &&
    e.message === 'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
});

interface SeedRnnCase {
  name: string;
  module: Kwargs & { type: 'LSTM' | 'GRU' | 'RNN' };
  seed: number;
  seed_state_dict: Record<string, { shape: number[]; data: number[] }>;
}

for (const c of loadFixture<{ cases: SeedRnnCase[] }>('seed_rnn_cases.json').cases) {
  test(`RNN fixture seed case ${c.name}: defaultStateDict equals PyTorch's seed_state_dict`, () => {
    const { type, ...args } = c.module;
    if (type !== 'LSTM' || args.proj_size === 0) delete args.proj_size;
    const sd = defaultStateDict(createRnnConfig(type, args as unknown as RnnArgs), new TorchGenerator(c.seed));
    const expected = Object.fromEntries(Object.entries(c.seed_state_dict).map(([k, v]) => [k, { ...v, dtype: 'float32' }]));
    assertStateDictExact(sd, expected, c.name);
  });
}

interface PrintedCase {
  cell: number;
  module: 'LSTM' | 'GRU' | 'RNN';
  kwargs: Kwargs;
  state_dict?: Record<string, number[]>;
  draws: { op: 'randn'; shape: number[]; printed?: number[]; printed_packed?: number[]; lengths?: number[]; cell: number }[];
}

/** Rows of a batch_first (B, T, F) tensor in pack_padded_sequence order (time-major, sorted lengths). */
function packedOrder(data: ArrayLike<number>, shape: number[], lengths: number[]): number[] {
  const [B, T, F] = shape;
  const out: number[] = [];
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (lengths[b] > t) for (let f = 0; f < F; f++) out.push(data[(b * T + t) * F + f]);
    }
  }
  return out;
}

function assertPrinted(actual: ArrayLike<number>, printed: number[], where: string): void {
  assert.equal(actual.length, printed.length, `${where}: value count`);
  for (let i = 0; i < printed.length; i++) {
    // printed with 4 decimals: the true value is within 5e-5 of it
    assert.ok(Math.abs(actual[i] - printed[i]) <= 1e-4, `${where}[${i}]: ours ${actual[i]} vs printed ${printed[i]}`);
  }
}

for (const c of loadFixture<{ cases: PrintedCase[] }>('seed001_printed.json').cases) {
  test(`seed notebook 001, cell ${c.cell}: torch.manual_seed(0); nn.${c.module}(...) prints the same numbers`, () => {
    const gen = new TorchGenerator(0);
    const sd = defaultStateDict(createRnnConfig(c.module, c.kwargs as unknown as RnnArgs), gen);
    for (const [k, printed] of Object.entries(c.state_dict ?? {})) assertPrinted(sd[k].data, printed, `cell ${c.cell} ${k}`);
    for (const d of c.draws) {
      const t = randn(d.shape, gen);
      if (d.printed) assertPrinted(t.data, d.printed, `cell ${d.cell} randn(${d.shape.join(', ')})`);
      if (d.printed_packed) assertPrinted(packedOrder(t.data, d.shape, d.lengths!), d.printed_packed, `cell ${d.cell} packed randn(${d.shape.join(', ')})`);
    }
  });
}

test('constructor checks use PyTorch\'s exception types', () => {
  const g = new TorchGenerator(0);
  assert.throws(() => embeddingStateDict(5, 3, 5, g), (e: unknown) => e instanceof TorchError && e.pythonType === 'AssertionError' && e.message === 'Padding_idx must be within num_embeddings');
  assert.throws(() => embeddingStateDict(5, 3, -6, g), (e: unknown) => e instanceof TorchError && e.pythonType === 'AssertionError');
  assert.throws(() => conv1dStateDict({ in_channels: 3, out_channels: 4, kernel_size: 2, groups: 2 }, g), (e: unknown) => e instanceof TorchError && e.message === 'in_channels must be divisible by groups');
  assert.throws(() => linearStateDict(-1, 2, true, g), (e: unknown) => e instanceof TorchError && e.pythonType === 'RuntimeError');
});
