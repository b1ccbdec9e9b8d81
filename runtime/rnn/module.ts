// The configuration and weights of a torch.nn.LSTM / GRU / RNN: constructor checks with PyTorch's messages, the
// state_dict names and shapes PyTorch uses (weight_ih_l{k}{_reverse}, weight_hh, bias_ih, bias_hh, weight_hr), and
// load_state_dict with PyTorch's strict-mode report. Dropout is accepted and ignored: RNN Lens runs modules in eval
// mode (model.eval() / torch.no_grad()), where PyTorch applies no dropout either.
import { Tensor, numel } from '../tensor/tensor';
import { TorchError, runtimeError, valueError } from '../torch/errors';

export type RnnMode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';

export interface RnnConfig {
  readonly mode: RnnMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  /** Kept for display only: eval-mode semantics, never applied. */
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** LSTM only; 0 = no projection. */
  readonly projSize: number;
}

/** A module with its weights loaded, ready for rnnForward. Treat as immutable: backends cache compiled graphs per
 *  module object (weights identity). */
export interface RnnModule {
  readonly config: RnnConfig;
  /** Parameters in PyTorch's order (paramSpecs), float32. */
  readonly weights: ReadonlyMap<string, Tensor>;
}

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly layer: number;
  readonly direction: number;
  readonly kind: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh' | 'weight_hr';
}

/** Gates per mode: LSTM i,f,g,o; GRU r,z,n; RNN one. */
export function gateCount(mode: RnnMode): number {
  switch (mode) {
    case 'LSTM': return 4;
    case 'GRU': return 3;
    case 'RNN_TANH':
    case 'RNN_RELU':
      return 1;
  }
}

export function numDirections(c: RnnConfig): number {
  return c.bidirectional ? 2 : 1;
}

/** Size of h (and of each output direction): proj_size when projecting, else hidden_size. */
export function realHiddenSize(c: RnnConfig): number {
  return c.projSize > 0 ? c.projSize : c.hiddenSize;
}

export function moduleTypeName(mode: RnnMode): 'LSTM' | 'GRU' | 'RNN' {
  return mode === 'RNN_TANH' || mode === 'RNN_RELU' ? 'RNN' : mode;
}

/** PyTorch's parameter list: names, shapes, in state_dict order. */
export function paramSpecs(c: RnnConfig): ParamSpec[] {
  const G = gateCount(c.mode) * c.hiddenSize;
  const R = realHiddenSize(c);
  const D = numDirections(c);
  const out: ParamSpec[] = [];
  for (let layer = 0; layer < c.numLayers; layer++) {
    for (let direction = 0; direction < D; direction++) {
      const sfx = `l${layer}${direction === 1 ? '_reverse' : ''}`;
      const inSize = layer === 0 ? c.inputSize : R * D;
      out.push({ name: `weight_ih_${sfx}`, shape: [G, inSize], layer, direction, kind: 'weight_ih' });
      out.push({ name: `weight_hh_${sfx}`, shape: [G, R], layer, direction, kind: 'weight_hh' });
      if (c.bias) {
        out.push({ name: `bias_ih_${sfx}`, shape: [G], layer, direction, kind: 'bias_ih' });
        out.push({ name: `bias_hh_${sfx}`, shape: [G], layer, direction, kind: 'bias_hh' });
      }
      if (c.projSize > 0) out.push({ name: `weight_hr_${sfx}`, shape: [c.projSize, c.hiddenSize], layer, direction, kind: 'weight_hr' });
    }
  }
  return out;
}

export interface RnnArgs {
  input_size: number;
  hidden_size: number;
  num_layers?: number;
  bias?: boolean;
  batch_first?: boolean;
  dropout?: number;
  bidirectional?: boolean;
  /** RNN only */
  nonlinearity?: string;
  /** LSTM only. PyTorch's RNN/GRU reject the keyword even when 0: pass undefined for them. */
  proj_size?: number;
}

/** nn.LSTM(...) / nn.GRU(...) / nn.RNN(...) constructor checks, in PyTorch's order and wording. */
export function createRnnConfig(type: 'LSTM' | 'GRU' | 'RNN', args: RnnArgs): RnnConfig {
  if (type !== 'LSTM' && args.proj_size !== undefined) throw valueError('proj_size argument is only supported for LSTM, not RNN or GRU');
  let mode: RnnMode;
  if (type === 'RNN') {
    const nl = args.nonlinearity ?? 'tanh';
    if (nl === 'tanh') mode = 'RNN_TANH';
    else if (nl === 'relu') mode = 'RNN_RELU';
    else throw valueError(`Unknown nonlinearity '${nl}'`);
  } else {
    mode = type;
  }
  const dropout = args.dropout ?? 0;
  const projSize = args.proj_size ?? 0;
  const numLayers = args.num_layers ?? 1;
  if (!Number.isFinite(dropout) || dropout < 0 || dropout > 1) {
    throw valueError('dropout should be a number in range [0, 1] representing the probability of an element being zeroed');
  }
  if (projSize < 0) throw valueError('proj_size should be a positive integer or zero to disable projections');
  if (projSize >= args.hidden_size) throw valueError('proj_size has to be smaller than hidden_size');
  for (const [name, v] of [['input_size', args.input_size], ['hidden_size', args.hidden_size], ['num_layers', numLayers], ['proj_size', projSize]] as const) {
    if (!Number.isInteger(v)) throw new TorchError('TypeError', `${name} must be an integer, got ${v}`);
  }
  if (args.input_size < 0) {
    throw runtimeError(`Trying to create tensor with negative dimension ${args.input_size}: [${gateCount(mode) * args.hidden_size}, ${args.input_size}]`);
  }
  // PyTorch fails in flatten_parameters with a bare IndexError; we add what it means.
  if (numLayers <= 0) throw new TorchError('IndexError', `list index out of range (num_layers must be at least 1, got ${numLayers})`);
  return {
    mode,
    inputSize: args.input_size,
    hiddenSize: args.hidden_size,
    numLayers,
    bias: args.bias ?? true,
    batchFirst: args.batch_first ?? false,
    dropout,
    bidirectional: args.bidirectional ?? false,
    projSize,
  };
}

/** What load_state_dict(strict=True) checks, with its report format (all problems in one message). */
export function loadStateDict(config: RnnConfig, stateDict: ReadonlyMap<string, Tensor>): RnnModule {
  const specs = paramSpecs(config);
  const expected = new Map(specs.map((p) => [p.name, p]));
  const missing = specs.filter((p) => !stateDict.has(p.name)).map((p) => p.name);
  const unexpected = [...stateDict.keys()].filter((k) => !expected.has(k));
  const mismatched: string[] = [];
  for (const p of specs) {
    const name = p.name;
    const t = stateDict.get(name);
    if (t && (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i]))) {
      mismatched.push(
        `size mismatch for ${name}: copying a param with shape torch.Size([${t.shape.join(', ')}]) from checkpoint, the shape in current model is torch.Size([${p.shape.join(', ')}]).`,
      );
    }
  }
  const errors: string[] = [];
  if (unexpected.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(', ')}. `);
  if (missing.length) errors.unshift(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(', ')}. `);
  errors.push(...mismatched);
  if (errors.length) {
    throw runtimeError(`Error(s) in loading state_dict for ${moduleTypeName(config.mode)}:\n\t${errors.join('\n\t')}`);
  }
  const weights = new Map<string, Tensor>();
  for (const p of specs) {
    const t = stateDict.get(p.name)!;
    weights.set(p.name, t.dtype === 'float32' ? t : new Tensor(t.shape, 'float32', t.data));
    checkFinite(weights.get(p.name)!, p.name);
  }
  return { config, weights };
}

/** Rejects NaN/Inf: PyTorch would propagate them silently; for RNN Lens they are always a data mistake. */
export function checkFinite(t: Tensor, what: string): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw valueError(`${what} contains a non-finite value (${d[i]}) at flat index ${i}; RNN Lens only runs finite inputs`);
    }
  }
}

export function describeConfig(c: RnnConfig): string {
  const type = moduleTypeName(c.mode);
  const extra: string[] = [];
  if (c.numLayers !== 1) extra.push(`num_layers=${c.numLayers}`);
  if (!c.bias) extra.push('bias=False');
  if (c.batchFirst) extra.push('batch_first=True');
  if (c.dropout) extra.push(`dropout=${c.dropout}`);
  if (c.bidirectional) extra.push('bidirectional=True');
  if (c.mode === 'RNN_RELU') extra.push("nonlinearity='relu'");
  if (c.projSize) extra.push(`proj_size=${c.projSize}`);
  return `${type}(${[c.inputSize, c.hiddenSize, ...extra].join(', ')})`;
}

/** Total parameter count (for limits and display). */
export function parameterCount(c: RnnConfig): number {
  return paramSpecs(c).reduce((n, p) => n + numel(p.shape), 0);
}
