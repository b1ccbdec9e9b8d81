// PyTorch's default parameter initialisation (torch 1.13 reset_parameters) drawn from a TorchGenerator, so that
// `torch.manual_seed(n)` followed by module construction gives the very weights the user's notebook printed:
// nn.LSTM / GRU / RNN and their Cell versions, nn.Linear, nn.Embedding, nn.Conv1d. Each returns a state_dict-like
// record in PyTorch's parameter order (the order the draws happen in). Also the torch.nn.init functions code calls
// explicitly (xavier_*, kaiming_*, constant_). Fixtures: test/fixtures/rng/inits.json.
import { Tensor } from '../tensor/tensor';
import { paramSpecs, type RnnConfig } from '../rnn/module';
import { TorchError, runtimeError } from './errors';
import { normal_, uniform_, type FillOptions, type TorchGenerator } from './random';

export type StateDict = Record<string, Tensor>;

/** 1/sqrt(hidden_size), or 0 for an empty hidden state (RNNBase / RNNCellBase.reset_parameters). */
function rnnBound(hiddenSize: number): number {
  return hiddenSize > 0 ? 1 / Math.sqrt(hiddenSize) : 0;
}

/**
 * nn.LSTM / nn.GRU / nn.RNN default weights: every parameter in registration order (per layer, per direction:
 * weight_ih, weight_hh, bias_ih, bias_hh, weight_hr) filled with uniform_(-1/sqrt(H), 1/sqrt(H)).
 * This is what the RNN runtime calls for a spec that gives a seed instead of a state_dict.
 */
export function defaultStateDict(config: RnnConfig, gen: TorchGenerator, opts: FillOptions = {}): StateDict {
  const bound = rnnBound(config.hiddenSize);
  const out: StateDict = {};
  for (const p of paramSpecs(config)) {
    out[p.name] = uniform_(new Tensor(p.shape, 'float32'), -bound, bound, gen, opts);
  }
  return out;
}

export type RnnCellKind = 'LSTMCell' | 'GRUCell' | 'RNNCell';

function cellGates(kind: RnnCellKind): number {
  switch (kind) {
    case 'LSTMCell': return 4;
    case 'GRUCell': return 3;
    case 'RNNCell': return 1;
  }
}

/** nn.LSTMCell / GRUCell / RNNCell: weight_ih, weight_hh, bias_ih, bias_hh, each uniform_(-1/sqrt(H), 1/sqrt(H)). */
export function rnnCellStateDict(kind: RnnCellKind, inputSize: number, hiddenSize: number, bias: boolean, gen: TorchGenerator, opts: FillOptions = {}): StateDict {
  checkSizes(kind, { input_size: inputSize, hidden_size: hiddenSize });
  const G = cellGates(kind) * hiddenSize;
  const bound = rnnBound(hiddenSize);
  const shapes: [string, number[]][] = [
    ['weight_ih', [G, inputSize]],
    ['weight_hh', [G, hiddenSize]],
  ];
  if (bias) shapes.push(['bias_ih', [G]], ['bias_hh', [G]]);
  const out: StateDict = {};
  for (const [name, shape] of shapes) out[name] = uniform_(new Tensor(shape, 'float32'), -bound, bound, gen, opts);
  return out;
}

function checkSizes(what: string, sizes: Record<string, number>): void {
  for (const [k, v] of Object.entries(sizes)) {
    if (!Number.isInteger(v)) throw new TorchError('TypeError', `${what}: ${k} must be an integer, got ${v}`);
    if (v < 0) throw runtimeError(`Trying to create tensor with negative dimension ${v}: ${what} ${k}=${v}`);
  }
}

/** The bias bound of nn.Linear / nn.Conv*: 1/sqrt(fan_in) of the weight. */
function biasBound(fanIn: number): number {
  return fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
}

/** nn.Linear(in_features, out_features, bias): weight (out, in) by kaiming_uniform_(a=sqrt(5)), then bias. */
export function linearStateDict(inFeatures: number, outFeatures: number, bias: boolean, gen: TorchGenerator, opts: FillOptions = {}): StateDict {
  checkSizes('Linear', { in_features: inFeatures, out_features: outFeatures });
  const weight = new Tensor([outFeatures, inFeatures], 'float32');
  kaimingUniform_(weight, gen, { a: Math.sqrt(5) }, opts);
  const out: StateDict = { weight };
  if (bias) {
    const b = biasBound(inFeatures);
    out.bias = uniform_(new Tensor([outFeatures], 'float32'), -b, b, gen, opts);
  }
  return out;
}

/** nn.Embedding(num_embeddings, embedding_dim, padding_idx): weight by normal_(0, 1), then the padding row zeroed. */
export function embeddingStateDict(numEmbeddings: number, embeddingDim: number, paddingIdx: number | null, gen: TorchGenerator, opts: FillOptions = {}): StateDict {
  checkSizes('Embedding', { num_embeddings: numEmbeddings, embedding_dim: embeddingDim });
  let pad: number | null = null;
  if (paddingIdx !== null) {
    if (!Number.isInteger(paddingIdx)) throw new TorchError('TypeError', `Embedding: padding_idx must be an integer, got ${paddingIdx}`);
    if (paddingIdx >= numEmbeddings) throw new TorchError('AssertionError', 'Padding_idx must be within num_embeddings');
    if (paddingIdx < -numEmbeddings) throw new TorchError('AssertionError', 'Padding_idx must be within num_embeddings');
    pad = paddingIdx < 0 ? numEmbeddings + paddingIdx : paddingIdx;
  }
  const weight = normal_(new Tensor([numEmbeddings, embeddingDim], 'float32'), 0, 1, gen, opts);
  if (pad !== null) weight.data.fill(0, pad * embeddingDim, (pad + 1) * embeddingDim);
  return { weight };
}

export interface Conv1dArgs {
  in_channels: number;
  out_channels: number;
  kernel_size: number;
  groups?: number;
  bias?: boolean;
}

/** nn.Conv1d: weight (out, in/groups, k) by kaiming_uniform_(a=sqrt(5)), then bias with 1/sqrt(in/groups·k). */
export function conv1dStateDict(args: Conv1dArgs, gen: TorchGenerator, opts: FillOptions = {}): StateDict {
  const groups = args.groups ?? 1;
  checkSizes('Conv1d', { in_channels: args.in_channels, out_channels: args.out_channels, kernel_size: args.kernel_size, groups });
  if (groups <= 0) throw valueErrorMsg('groups must be a positive integer');
  if (args.in_channels % groups !== 0) throw valueErrorMsg('in_channels must be divisible by groups');
  if (args.out_channels % groups !== 0) throw valueErrorMsg('out_channels must be divisible by groups');
  const perGroup = args.in_channels / groups;
  const fanIn = perGroup * args.kernel_size;
  const weight = new Tensor([args.out_channels, perGroup, args.kernel_size], 'float32');
  kaimingUniform_(weight, gen, { a: Math.sqrt(5) }, opts);
  const out: StateDict = { weight };
  if (args.bias ?? true) {
    const bias = new Tensor([args.out_channels], 'float32');
    if (fanIn !== 0) {
      const b = 1 / Math.sqrt(fanIn);
      uniform_(bias, -b, b, gen, opts);
    }
    out.bias = bias;
  }
  return out;
}

function valueErrorMsg(message: string): TorchError {
  return new TorchError('ValueError', message);
}

// ---------------------------------------------------------------------------------------------------------------
// torch.nn.init functions user code calls explicitly (after construction, in the order written). Same Python float
// arithmetic as init.py; fills through uniform_ / normal_ so they continue the generator's stream.

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** torch.nn.init.calculate_gain(nonlinearity, param). */
export function calculateGain(nonlinearity: Nonlinearity, param: number | null = null): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5.0 / 3;
    case 'relu':
      return Math.sqrt(2.0);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2.0 / (1 + slope * slope));
    }
    case 'selu':
      return 3.0 / 4;
  }
}

/** init._calculate_fan_in_and_fan_out: (size(1), size(0)) times the receptive field (product of dims 2+). */
export function fanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) throw valueErrorMsg('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function fanOf(t: Tensor, mode: 'fan_in' | 'fan_out'): number {
  const [fanIn, fanOut] = fanInAndFanOut(t);
  return mode === 'fan_in' ? fanIn : fanOut;
}

/** torch.nn.init.xavier_uniform_(t, gain): uniform_(±sqrt(3)·gain·sqrt(2/(fan_in+fan_out))). */
export function xavierUniform_(t: Tensor, gen: TorchGenerator, gain = 1.0, opts: FillOptions = {}): Tensor {
  const [fanIn, fanOut] = fanInAndFanOut(t);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(t, -a, a, gen, opts);
}

/** torch.nn.init.xavier_normal_(t, gain): normal_(0, gain·sqrt(2/(fan_in+fan_out))). */
export function xavierNormal_(t: Tensor, gen: TorchGenerator, gain = 1.0, opts: FillOptions = {}): Tensor {
  const [fanIn, fanOut] = fanInAndFanOut(t);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal_(t, 0, std, gen, opts);
}

export interface KaimingArgs {
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
}

/** torch.nn.init.kaiming_uniform_(t, a=0, mode='fan_in', nonlinearity='leaky_relu'). */
export function kaimingUniform_(t: Tensor, gen: TorchGenerator, args: KaimingArgs = {}, opts: FillOptions = {}): Tensor {
  if (t.numel === 0) return t;
  const gain = calculateGain(args.nonlinearity ?? 'leaky_relu', args.a ?? 0);
  const std = gain / Math.sqrt(fanOf(t, args.mode ?? 'fan_in'));
  const bound = Math.sqrt(3.0) * std;
  return uniform_(t, -bound, bound, gen, opts);
}

/** torch.nn.init.kaiming_normal_(t, a=0, mode='fan_in', nonlinearity='leaky_relu'). */
export function kaimingNormal_(t: Tensor, gen: TorchGenerator, args: KaimingArgs = {}, opts: FillOptions = {}): Tensor {
  if (t.numel === 0) return t;
  const gain = calculateGain(args.nonlinearity ?? 'leaky_relu', args.a ?? 0);
  const std = gain / Math.sqrt(fanOf(t, args.mode ?? 'fan_in'));
  return normal_(t, 0, std, gen, opts);
}

/** torch.nn.init.constant_ / zeros_ / ones_: no draws. */
export function constant_(t: Tensor, value: number): Tensor {
  t.data.fill(t.dtype === 'float32' ? Math.fround(value) : value);
  return t;
}
