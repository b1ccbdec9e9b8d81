// (Static analysis) torch's global random stream, followed only where it is provably PyTorch's: from a
// torch.manual_seed(n) the code itself makes on its certain path, each draw of known size is replayed on the
// bit-exact generator (runtime/torch/random.ts), so torch.randint / torch.randperm results carry their real values
// (lengths drawn with randint stay exact through sort and pack). Every other use of the stream keeps it exact only
// when its consumption is known (rand/randn of known size, default init of Linear/Embedding/LSTM/GRU/RNN/cells);
// anything that may draw an unknown amount (dropout, multinomial, init.* fills, DataLoader iterators, an op the
// engine does not model, a call of an unknown value, a draw under uncertain control flow) makes it unknown until the
// next manual_seed. The stream is a value ({seed, steps}) kept in a module variable, so statement reuse and joins at
// control-flow merges treat it like any other value.
import { Tensor } from '../../tensor/tensor';
import { TorchGenerator, normal_, randint, randperm, uniform_ } from '../random';
import { int, str, tuple, type NnModuleValue, type OpaqueValue, type Value } from '../../interp/values';
import { dtypeOf, intArg } from './common';

/** The module variable holding the stream (not a Python identifier: user code cannot touch it). */
export const RNG_VAR = '<torch global generator>';

/** Marks a `super()` object whose `__init__` is a library one that draws nothing (not a Python identifier). */
export const PLAIN_INIT = '<plain __init__>';

/** What an op does to the global stream. */
export type RngEffect =
  | { kind: 'none' }
  | { kind: 'poison' }
  | { kind: 'seed'; seed: number | null }
  | { kind: 'draw'; step: Value; attach: boolean };

const NONE_EFFECT: RngEffect = { kind: 'none' };
const POISON: RngEffect = { kind: 'poison' };

/** Module kinds whose construction draws nothing (no parameters, or constant init). */
const NO_DRAW_MODULES = new Set([
  'Dropout', 'Dropout1d', 'Dropout2d', 'Dropout3d', 'AlphaDropout', 'ReLU', 'ReLU6', 'LeakyReLU', 'ELU', 'SELU', 'GELU',
  'SiLU', 'Tanh', 'Sigmoid', 'Softmax', 'LogSoftmax', 'Softmin', 'Softplus', 'Softsign', 'Hardtanh', 'Mish',
  'Hardswish', 'LogSigmoid', 'Tanhshrink', 'Identity', 'Flatten', 'Unflatten', 'MaxPool1d', 'MaxPool2d', 'AvgPool1d',
  'AvgPool2d', 'AdaptiveAvgPool1d', 'AdaptiveAvgPool2d', 'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d', 'Sequential',
  'ModuleList', 'ModuleDict', 'BatchNorm1d', 'BatchNorm2d', 'LayerNorm', 'GroupNorm', 'InstanceNorm1d', 'Upsample',
  'CrossEntropyLoss', 'NLLLoss', 'MSELoss', 'L1Loss', 'BCELoss', 'BCEWithLogitsLoss', 'SmoothL1Loss', 'KLDivLoss',
  'CTCLoss', 'HuberLoss', 'CosineSimilarity', 'PairwiseDistance', 'ZeroPad2d', 'ConstantPad1d',
]);

/** init.* functions that fill constants (no draws). */
const CONSTANT_INITS = new Set(['init.zeros_', 'init.ones_', 'init.constant_', 'init.eye_', 'init.dirac_', 'init.calculate_gain']);

/** Op names that may draw from the global stream by an amount the engine does not follow. */
const DRAWING = /(^|\.)(rand\w*|Random\w*|normal_?|bernoulli_?|multinomial|poisson|\w*[dD]ropout\w*|uniform_|random_|exponential_|geometric_|cauchy_|log_normal_|gumbel_softmax|rrelu_?|RReLU|shuffle|random_split)(\.|$)/;

function shapeOf(v: Value): number[] | null {
  if (v.k !== 'tensor' || !v.shape || v.shape.some((d) => typeof d !== 'number')) return null;
  return v.shape as number[];
}

function step(kind: string, ...nums: number[]): Value {
  return tuple([str(kind), ...nums.map((n) => int(n))]);
}

function cfgNum(m: NnModuleValue, key: string, dflt: number | null): number | null {
  const v = m.cfg[key];
  if (v === undefined || v.k === 'none') return dflt;
  if (v.k === 'bool') return v.v === null ? null : v.v ? 1 : 0;
  return intArg(v);
}

/** Parameters (all filled with uniform_) of a default-initialised module, or null when its sizes are not known. */
function uniformInitCount(m: NnModuleValue): number | null {
  const bias = cfgNum(m, 'bias', 1);
  if (bias === null) return null;
  switch (m.kind) {
    case 'Linear': {
      const i = cfgNum(m, 'in_features', null);
      const o = cfgNum(m, 'out_features', null);
      return i === null || o === null ? null : o * i + (bias ? o : 0);
    }
    case 'LSTMCell':
    case 'GRUCell':
    case 'RNNCell': {
      const i = cfgNum(m, 'input_size', null);
      const h = cfgNum(m, 'hidden_size', null);
      const g = m.kind === 'LSTMCell' ? 4 : m.kind === 'GRUCell' ? 3 : 1;
      return i === null || h === null ? null : g * h * i + g * h * h + (bias ? 2 * g * h : 0);
    }
    case 'LSTM':
    case 'GRU':
    case 'RNN': {
      const i = cfgNum(m, 'input_size', null);
      const h = cfgNum(m, 'hidden_size', null);
      const layers = cfgNum(m, 'num_layers', 1);
      const bidir = cfgNum(m, 'bidirectional', 0);
      const proj = cfgNum(m, 'proj_size', 0);
      if (i === null || h === null || layers === null || bidir === null || proj === null) return null;
      const g = m.kind === 'LSTM' ? 4 : m.kind === 'GRU' ? 3 : 1;
      const dirs = bidir ? 2 : 1;
      const hOut = proj > 0 ? proj : h;
      let n = 0;
      for (let l = 0; l < layers; l++) {
        const inL = l === 0 ? i : dirs * hOut;
        n += dirs * (g * h * inL + g * h * hOut + (bias ? 2 * g * h : 0) + (proj > 0 ? proj * h : 0));
      }
      return n;
    }
    default:
      return null;
  }
}

/** The effect of op `name` (already computed: `result`) on the global stream. `known`: the engine has a rule for it. */
export function rngEffect(name: string, self: Value | undefined, args: Value[], kwargs: Map<string, Value>, result: Value, known: boolean): RngEffect {
  // super().__init__() of a class whose library base is nn.Module/Dataset/object (the interpreter marks it)
  if (name === 'super.__init__' && self?.k === 'opaque' && self.attrs.has(PLAIN_INIT)) return NONE_EFFECT;
  if (!known) return POISON;
  if (name === 'torch.manual_seed' || name === 'torch.random.manual_seed') {
    const s = args[0] ?? kwargs.get('seed');
    const n = s ? intArg(s) : null;
    return { kind: 'seed', seed: n !== null && Number.isSafeInteger(n) && n >= 0 && n < 2 ** 32 ? n : null };
  }
  // a generator of its own leaves the global stream alone
  if (kwargs.has('generator')) return NONE_EFFECT;
  if (kwargs.has('out')) return DRAWING.test(name) ? POISON : NONE_EFFECT;
  switch (name) {
    case 'torch.randint': {
      const shape = shapeOf(result);
      const ints = args.filter((v) => v.k === 'int').map((v) => intArg(v));
      const dt = kwargs.get('dtype');
      if (!shape || (dt && dtypeOf(dt) !== 'int64')) return POISON;
      const lowKw = kwargs.get('low');
      const highKw = kwargs.get('high');
      const [low, high] = highKw ? [lowKw ? intArg(lowKw) : ints.length ? ints[0] : 0, intArg(highKw)] : ints.length >= 2 ? [ints[0], ints[1]] : [lowKw ? intArg(lowKw) : 0, ints[0]];
      if (low === null || high === null || low === undefined || high === undefined || !(low < high) || high - low >= 2 ** 32) return POISON;
      return { kind: 'draw', step: step('randint', low, high, ...shape), attach: true };
    }
    case 'torch.randperm': {
      const n = args[0] ? intArg(args[0]) : null;
      if (n === null || kwargs.has('dtype') || result.k !== 'tensor') return POISON;
      return { kind: 'draw', step: step('randperm', n), attach: true };
    }
    case 'torch.rand':
    case 'torch.rand_like':
    case 'torch.randn':
    case 'torch.randn_like': {
      const shape = shapeOf(result);
      if (!shape || result.k !== 'tensor' || (result.dtype !== 'float32' && result.dtype !== 'float64')) return POISON;
      const kind = `${name.startsWith('torch.randn') ? 'normal' : 'uniform'}${result.dtype === 'float64' ? '64' : '32'}`;
      return { kind: 'draw', step: step(kind, ...shape), attach: false };
    }
    default:
      break;
  }
  if (name.startsWith('nn.') && !name.slice(3).includes('.')) {
    // module construction: PyTorch's default init
    const kind = name.slice(3);
    if (NO_DRAW_MODULES.has(kind)) return NONE_EFFECT;
    if (result.k !== 'nnmodule') return POISON;
    // float64 (or other) parameters draw 64-bit numbers: not followed
    const dtype = result.cfg.dtype;
    if (dtype !== undefined && dtype.k !== 'none' && dtypeOf(dtype) !== 'float32') return POISON;
    if (kind === 'Embedding') {
      const n = cfgNum(result, 'num_embeddings', null);
      const d = cfgNum(result, 'embedding_dim', null);
      return n === null || d === null || result.cfg._weight ? POISON : { kind: 'draw', step: step('normal32', n, d), attach: false };
    }
    const count = uniformInitCount(result);
    return count === null ? POISON : { kind: 'draw', step: step('uniform32', count), attach: false };
  }
  // an RNN with dropout between layers draws its masks in training mode
  if (/^nn\.(LSTM|GRU|RNN)\.forward$/.test(name)) {
    const m = self && self.k === 'nnmodule' ? self : null;
    const p = m ? m.cfg.dropout : undefined;
    return p === undefined || ((p.k === 'int' || p.k === 'float') && p.v === 0) ? NONE_EFFECT : POISON;
  }
  // model.apply(fn) / reset_parameters(): code (or init) the engine does not run here
  if (name === 'Module.__none__') return POISON;
  if (name.startsWith('init.')) return CONSTANT_INITS.has(name) ? NONE_EFFECT : POISON;
  if (name === 'data.DataLoader' || name === 'data.random_split') return POISON;
  return DRAWING.test(name) ? POISON : NONE_EFFECT;
}

/** A freshly seeded stream. */
export function seededStream(seed: number): OpaqueValue {
  return { k: 'opaque', cls: 'torch.Generator.state', attrs: new Map<string, Value>([['seed', int(seed)], ['steps', tuple([])]]) };
}

/** Draws followed after a seed, at most: each costs the bit-exact float emulation (about 0.2 µs per normal value), and a
 *  full analysis runs on every edit of a file whose statements cannot be replayed: 200,000 bounds that to ~40 ms. Past
 *  it the stream is unknown (honest: values of later draws are not shown). */
const MAX_REPLAYED_DRAWS = 200_000;

/** Replays the stream's steps on PyTorch's generator (or continues the generator `cache` kept for this stream), then
 *  `next`: the stream after it and what it drew (null when the stream is not one this module made, or too long). */
export function drawFrom(stream: Value, next: Value, cache: WeakMap<OpaqueValue, TorchGenerator>): { stream: OpaqueValue; out: Tensor } | null {
  if (stream.k !== 'opaque' || stream.cls !== 'torch.Generator.state') return null;
  const seedV = stream.attrs.get('seed');
  const stepsV = stream.attrs.get('steps');
  if (!seedV || seedV.k !== 'int' || seedV.v === null || !stepsV || stepsV.k !== 'tuple' || !stepsV.items) return null;
  const steps = [...stepsV.items, next];
  let budget = 0;
  for (const s of steps) budget += stepSize(s) ?? Infinity;
  if (!(budget <= MAX_REPLAYED_DRAWS)) return null;
  // the generator left by the previous draw (the usual case: draws one after another) or a replay from the seed
  let g = cache.get(stream);
  cache.delete(stream);
  const todo = g ? [next] : steps;
  if (!g) g = new TorchGenerator(seedV.v);
  let out: Tensor | null = null;
  for (const s of todo) {
    out = runStep(s, g);
    if (!out) return null;
  }
  if (!out) return null;
  const after: OpaqueValue = { k: 'opaque', cls: stream.cls, attrs: new Map<string, Value>([['seed', seedV], ['steps', tuple(steps)]]) };
  cache.set(after, g);
  return { stream: after, out };
}

function stepParts(s: Value): { kind: string; nums: number[] } | null {
  if (s.k !== 'tuple' || !s.items || s.items.length === 0) return null;
  const k = s.items[0];
  if (k.k !== 'str' || k.v === null) return null;
  const nums = s.items.slice(1).map((v) => (v.k === 'int' ? v.v : null));
  return nums.some((n) => n === null) ? null : { kind: k.v, nums: nums as number[] };
}

function stepSize(s: Value): number | null {
  const p = stepParts(s);
  if (!p) return null;
  if (p.kind === 'randint') return p.nums.slice(2).reduce((a, b) => a * b, 1);
  if (p.kind === 'uniform32') return p.nums[0];
  return p.nums.reduce((a, b) => a * b, 1);
}

function runStep(s: Value, g: TorchGenerator): Tensor | null {
  const p = stepParts(s);
  if (!p) return null;
  switch (p.kind) {
    case 'randint':
      return randint(p.nums[0], p.nums[1], p.nums.slice(2), g);
    case 'randperm':
      return randperm(p.nums[0], g);
    case 'uniform32':
      // default init: every parameter's uniform_ draws one 32-bit number per value (bounds do not change that)
      return uniform_(new Tensor(p.nums.length === 1 ? [p.nums[0]] : p.nums, 'float32'), 0, 1, g);
    case 'uniform64':
      return uniform_(new Tensor(p.nums, 'float64'), 0, 1, g);
    case 'normal32':
      return normal_(new Tensor(p.nums, 'float32'), 0, 1, g);
    case 'normal64':
      return normal_(new Tensor(p.nums, 'float64'), 0, 1, g);
    default:
      return null;
  }
}
