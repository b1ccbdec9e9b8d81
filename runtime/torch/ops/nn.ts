// torch.nn modules: construction (configuration bound like PyTorch's signatures, validated) and forward rules —
// Embedding, Linear, Dropout, LSTM/GRU/RNN (every argument: num_layers, bias, batch_first, dropout, bidirectional,
// proj_size; tensor or PackedSequence input; optional hx, batched or unbatched), LSTMCell/GRUCell/RNNCell,
// Sequential, ModuleList/ModuleDict, Conv1d, LayerNorm/BatchNorm, pooling, activations, Flatten, Identity, losses.
// Forward rules check inputs with PyTorch's messages (e.g. "input.size(-1) must be equal to input_size. Expected 4,
// got 3") and return output shapes; RNN results carry facts (layout, directions, layers) for the diagnostics.
import { ShapeError, dimAdd, dimMul, dimProduct, type Dim } from '../../shape/dim';
import {
  NONE,
  UNKNOWN,
  bool,
  float,
  int,
  list,
  str,
  tensor,
  tuple,
  type NnModuleValue,
  type PackedValueA,
  type TensorFacts,
  type TensorValueA,
  type Value,
} from '../../interp/values';
import { boolArg, dimArg, intArg, numArg } from './common';
import { linearShape } from './linalg';
import { OpArgs, type OpRegistry } from './registry';

const RNN_SIG = ['input_size', 'hidden_size', 'num_layers', 'bias', 'batch_first', 'dropout', 'bidirectional', 'proj_size'];

/** Positional parameter names of module constructors (keyword arguments are stored under their own names). */
const SIGNATURES: Record<string, string[]> = {
  Embedding: ['num_embeddings', 'embedding_dim', 'padding_idx', 'max_norm', 'norm_type', 'scale_grad_by_freq', 'sparse', '_weight'],
  Linear: ['in_features', 'out_features', 'bias'],
  Bilinear: ['in1_features', 'in2_features', 'out_features', 'bias'],
  Dropout: ['p', 'inplace'],
  Dropout2d: ['p', 'inplace'],
  LSTM: RNN_SIG,
  GRU: RNN_SIG,
  RNN: RNN_SIG,
  LSTMCell: ['input_size', 'hidden_size', 'bias'],
  GRUCell: ['input_size', 'hidden_size', 'bias'],
  RNNCell: ['input_size', 'hidden_size', 'bias', 'nonlinearity'],
  Conv1d: ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias'],
  Conv2d: ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias'],
  LayerNorm: ['normalized_shape', 'eps', 'elementwise_affine'],
  BatchNorm1d: ['num_features', 'eps', 'momentum', 'affine', 'track_running_stats'],
  BatchNorm2d: ['num_features', 'eps', 'momentum', 'affine', 'track_running_stats'],
  Softmax: ['dim'],
  LogSoftmax: ['dim'],
  Softmin: ['dim'],
  MaxPool1d: ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'],
  MaxPool2d: ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'],
  AvgPool2d: ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override'],
  AdaptiveAvgPool2d: ['output_size'],
  AdaptiveMaxPool2d: ['output_size', 'return_indices'],
  AvgPool1d: ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad'],
  AdaptiveAvgPool1d: ['output_size'],
  AdaptiveMaxPool1d: ['output_size', 'return_indices'],
  Flatten: ['start_dim', 'end_dim'],
  LeakyReLU: ['negative_slope'],
  Embedding_from_pretrained: ['embeddings', 'freeze', 'padding_idx'],
};

const IDENTITY_SHAPE = new Set([
  'Dropout', 'Dropout2d', 'AlphaDropout', 'ReLU', 'ReLU6', 'Tanh', 'Sigmoid', 'GELU', 'ELU', 'SELU', 'SiLU', 'LeakyReLU',
  'Softmax', 'LogSoftmax', 'Softmin', 'Identity', 'Hardtanh', 'Softplus', 'Mish', 'PReLU', 'LayerNorm', 'BatchNorm1d',
  'BatchNorm2d', 'Tanhshrink', 'Softsign', 'LogSigmoid', 'Hardswish', 'GroupNorm', 'InstanceNorm1d',
]);

function bindConfig(kind: string, a: OpArgs): Record<string, Value> {
  const sig = SIGNATURES[kind] ?? [];
  const cfg: Record<string, Value> = {};
  a.args.forEach((v, i) => {
    if (i < sig.length) cfg[sig[i]] = v;
  });
  for (const [k, v] of a.kwargs) cfg[k] = v;
  return cfg;
}

function cfgDim(m: NnModuleValue, key: string): Dim {
  const v = m.cfg[key];
  return v ? dimArg(v) : null;
}

function cfgBool(m: NnModuleValue, key: string, dflt: boolean): boolean | null {
  return boolArg(m.cfg[key], dflt);
}

function cfgInt(m: NnModuleValue, key: string, dflt: number): number | null {
  const v = m.cfg[key];
  return v === undefined ? dflt : intArg(v);
}

function mod(kind: string, cfg: Record<string, Value>, attrs?: Map<string, Value>): NnModuleValue {
  return { k: 'nnmodule', kind, cfg, attrs: attrs ?? new Map() };
}

function validateRnnConfig(kind: string, m: NnModuleValue): void {
  const H = cfgDim(m, 'hidden_size');
  const L = cfgInt(m, 'num_layers', 1);
  const P = cfgInt(m, 'proj_size', 0);
  const dropout = numArg(m.cfg.dropout);
  if (typeof H === 'number' && H <= 0) throw new ShapeError('hidden_size must be greater than zero');
  if (L !== null && L <= 0) throw new ShapeError('num_layers must be greater than zero');
  if (dropout !== null && (dropout < 0 || dropout > 1)) throw new ShapeError(`dropout should be a number in range [0, 1] representing the probability of an element being zeroed`);
  if (P !== null && P !== 0) {
    if (kind !== 'LSTM') throw new ShapeError('proj_size argument is only supported for LSTM, not RNN or GRU');
    if (P < 0) throw new ShapeError('proj_size should be a positive integer or zero to disable projections');
    if (typeof H === 'number' && P >= H) throw new ShapeError('proj_size has to be smaller than hidden_size');
  }
}

function fmtDims(ds: readonly Dim[]): string {
  return ds.map((d) => (d === null ? '?' : String(d))).join(', ');
}

function clash(a: Dim, b: Dim): boolean {
  return typeof a === 'number' && typeof b === 'number' && a !== b;
}

/** Validates one hidden-state tensor against its expected shape (PyTorch's check_hidden_size). */
function checkHidden(h: Value | undefined, expected: Dim[] | null, msgPrefix: string): void {
  if (!h || h.k !== 'tensor' || !h.shape || !expected) return;
  if (h.shape.length !== expected.length || h.shape.some((d, i) => clash(d, expected[i]))) {
    throw new ShapeError(`${msgPrefix} (${fmtDims(expected)}), got [${fmtDims(h.shape)}]`);
  }
}

function rnnForward(kind: 'LSTM' | 'GRU' | 'RNN', a: OpArgs): Value {
  const m = a.self as NnModuleValue;
  const input = a.get(0, 'input');
  const hx = a.get(1, 'hx');
  const I = cfgDim(m, 'input_size');
  const H = cfgDim(m, 'hidden_size');
  const L = cfgInt(m, 'num_layers', 1);
  const bf = cfgBool(m, 'batch_first', false);
  const bidir = cfgBool(m, 'bidirectional', false);
  const P = cfgInt(m, 'proj_size', 0);
  const D: Dim = bidir === null ? null : bidir ? 2 : 1;
  const Hout: Dim = P === null ? null : P > 0 ? P : H;
  // num_layers the code names (an open parameter `n_layers`) stays symbolic: h_n is (D*n_layers, N, H_out)
  const DL: Dim = dimMul(D, L === null ? cfgDim(m, 'num_layers') : L);
  const DHout: Dim = dimMul(D, Hout);
  const facts: TensorFacts = {
    origin: `${kind}.h_n`,
    rnn:
      L !== null && bidir !== null && bf !== null
        ? { kind, numLayers: L, bidirectional: bidir, batchFirst: bf, ...(typeof H === 'number' ? { hiddenSize: H } : {}), ...(P !== null && P > 0 ? { projSize: P } : {}) }
        : undefined,
  };
  let N: Dim = null;
  let batched = true;
  let output: Value;
  if (input && input.k === 'packed') {
    const data = input.data;
    if (data.shape) {
      if (data.shape.length !== 2) throw new ShapeError(`input must have 2 dimensions, got ${data.shape.length}`);
      if (clash(data.shape[1], I)) throw new ShapeError(`input.size(-1) must be equal to input_size. Expected ${I}, got ${data.shape[1]}`);
    }
    N = input.batchSizes && input.batchSizes.length > 0 ? input.batchSizes[0] : (input.batchSize ?? null);
    const outData = tensor(data.shape ? [data.shape[0], DHout] : [null, DHout], data.dtype);
    const p: PackedValueA = { ...input, data: outData, facts: { origin: `${kind}.output`, ...(input.facts.sourceT !== undefined ? { sourceT: input.facts.sourceT } : {}) } };
    output = p;
  } else if (input && input.k === 'tensor') {
    const s = input.shape;
    if (input.dtype && input.dtype !== 'float32' && input.dtype !== 'float64') throw new ShapeError('mat1 and mat2 must have the same dtype');
    if (s) {
      if (s.length !== 2 && s.length !== 3) throw new ShapeError(`${kind}: Expected input to be 2-D or 3-D but received ${s.length}-D tensor`);
      if (clash(s[s.length - 1], I)) throw new ShapeError(`input.size(-1) must be equal to input_size. Expected ${I}, got ${s[s.length - 1]}`);
      batched = s.length === 3;
      if (batched) {
        N = bf === null ? null : bf ? s[0] : s[1];
        const T = bf === null ? null : bf ? s[1] : s[0];
        output = tensor(bf ? [N, T, DHout] : [T, N, DHout], input.dtype, { facts: { origin: `${kind}.output`, timeDim: bf ? 1 : 0 } });
      } else {
        output = tensor([s[0], DHout], input.dtype, { facts: { origin: `${kind}.output` } });
      }
    } else output = tensor(null, input.dtype);
  } else {
    output = tensor(null, 'float32');
  }
  // a tensor input of unknown rank may be batched (3-D) or not (2-D): h_n/c_n have unknown rank too
  const rankKnown = !(input && input.k === 'tensor' && !input.shape) && !(input === undefined || (input.k !== 'tensor' && input.k !== 'packed'));
  const hShape: Dim[] | null = !rankKnown ? null : batched ? [DL, N, Hout] : [DL, Hout];
  const cShape: Dim[] | null = !rankKnown ? null : batched ? [DL, N, H] : [DL, H];
  if (hx && hx.k !== 'none') {
    if (kind === 'LSTM') {
      const items = a.services.items(hx);
      if (items && items.length === 2) {
        const [h0, c0] = items;
        if (batched && h0.k === 'tensor' && c0.k === 'tensor' && h0.shape && c0.shape && (h0.shape.length !== 3 || c0.shape.length !== 3)) {
          throw new ShapeError(`For batched 3-D input, hx and cx should also be 3-D but got (${h0.shape.length}-D, ${c0.shape.length}-D) tensors`);
        }
        if (!batched && h0.k === 'tensor' && c0.k === 'tensor' && h0.shape && c0.shape && (h0.shape.length !== 2 || c0.shape.length !== 2)) {
          throw new ShapeError(`For unbatched 2-D input, hx and cx should also be 2-D but got (${h0.shape.length}-D, ${c0.shape.length}-D) tensors`);
        }
        checkHidden(h0, hShape, 'Expected hidden[0] size');
        checkHidden(c0, cShape, 'Expected hidden[1] size');
      } else if (hx.k === 'tensor') {
        throw new ShapeError('LSTM expects hx to be a tuple (h_0, c_0), got a Tensor');
      }
    } else if (hx.k === 'tensor' && hx.shape) {
      if (batched && hx.shape.length !== 3) throw new ShapeError(`For batched 3-D input, hx should also be 3-D but got ${hx.shape.length}-D tensor`);
      if (!batched && hx.shape.length !== 2) throw new ShapeError(`For unbatched 2-D input, hx should also be 2-D but got ${hx.shape.length}-D tensor`);
      checkHidden(hx, hShape, 'Expected hidden size');
    }
  }
  const dtype = input && input.k === 'tensor' ? input.dtype : input && input.k === 'packed' ? input.data.dtype : 'float32';
  const hN = tensor(hShape, dtype, { facts });
  if (kind === 'LSTM') {
    const cN = tensor(cShape, dtype, { facts: { ...facts, origin: 'LSTM.c_n' } });
    return tuple([output, tuple([hN, cN])]);
  }
  return tuple([output, hN]);
}

function cellForward(kind: 'LSTMCell' | 'GRUCell' | 'RNNCell', a: OpArgs): Value {
  const m = a.self as NnModuleValue;
  const input = a.get(0, 'input');
  const hx = a.get(1, 'hx');
  const I = cfgDim(m, 'input_size');
  const H = cfgDim(m, 'hidden_size');
  if (!input || input.k !== 'tensor') return kind === 'LSTMCell' ? tuple([tensor(null, 'float32'), tensor(null, 'float32')]) : tensor(null, 'float32');
  const s = input.shape;
  let N: Dim = null;
  let batched = true;
  if (s) {
    if (s.length !== 1 && s.length !== 2) throw new ShapeError(`${kind}: Expected input to be 1-D or 2-D but received ${s.length}-D tensor`);
    batched = s.length === 2;
    if (clash(s[s.length - 1], I)) throw new ShapeError(`input has inconsistent input_size: got ${s[s.length - 1]} expected ${I}`);
    N = batched ? s[0] : null;
  }
  const check = (h: Value | undefined, which: number): void => {
    if (!h || h.k !== 'tensor' || !h.shape) return;
    if (batched && h.shape.length === 2 && clash(h.shape[0], N)) throw new ShapeError(`Input batch size ${N} doesn't match hidden${which} batch size ${h.shape[0]}`);
    if (clash(h.shape[h.shape.length - 1], H)) throw new ShapeError(`hidden${which} has inconsistent hidden_size: got ${h.shape[h.shape.length - 1]}, expected ${H}`);
  };
  if (hx && hx.k !== 'none') {
    if (kind === 'LSTMCell') {
      const items = a.services.items(hx);
      if (items && items.length === 2) {
        check(items[0], 0);
        check(items[1], 1);
      }
    } else check(hx, 0);
  }
  const shape: Dim[] = batched ? [N, H] : [H];
  if (kind === 'LSTMCell') return tuple([tensor(shape, input.dtype), tensor(shape, input.dtype)]);
  return tensor(shape, input.dtype);
}

function convOut(L: Dim, k: number | null, s: number, p: number, d: number): Dim {
  // a symbolic length with stride 1: L + 2p - d(k-1) (T itself for 'same'-style padding)
  if (typeof L === 'string' && k !== null && s === 1) return dimAdd(L, 2 * p - d * (k - 1));
  if (typeof L !== 'number' || k === null) return null;
  return Math.floor((L + 2 * p - d * (k - 1) - 1) / s + 1);
}

/** A pooling window's output length (PyTorch's pooling_output_shape): ceil_mode rounds up, but the last window
 *  must start inside the input or its left padding. */
function poolOut(L: Dim, k: number | null, s: number | null, p: number | null, d: number | null, ceil: boolean | null): Dim {
  if (ceil === null || s === null || p === null || d === null) return null;
  if (!ceil || s === 1) return convOut(L, k, s, p, d);
  if (typeof L !== 'number' || k === null) return null;
  let out = Math.floor((L + 2 * p - d * (k - 1) - 1 + (s - 1)) / s) + 1;
  if ((out - 1) * s >= L + p) out--;
  return out;
}

/** A max pool's result: the pooled tensor, or (pooled, int64 indices) with return_indices=True. */
function withIndices(m: NnModuleValue, out: TensorValueA): Value {
  const ri = cfgBool(m, 'return_indices', false);
  if (ri === null) return UNKNOWN;
  return ri ? tuple([out, tensor(out.shape, 'int64')]) : out;
}

function firstInt(v: Value | undefined, dflt: number): number | null {
  if (v === undefined) return dflt;
  if (v.k === 'tuple' || v.k === 'list') return v.items && v.items[0] ? intArg(v.items[0]) : null;
  return intArg(v);
}

export function register(reg: OpRegistry): void {
  const KINDS = [
    'Embedding', 'Linear', 'Bilinear', 'Dropout', 'Dropout2d', 'AlphaDropout', 'LSTM', 'GRU', 'RNN', 'LSTMCell', 'GRUCell', 'RNNCell',
    'Conv1d', 'Conv2d', 'LayerNorm', 'BatchNorm1d', 'BatchNorm2d', 'GroupNorm', 'InstanceNorm1d', 'Softmax', 'LogSoftmax', 'Softmin',
    'ReLU', 'ReLU6', 'Tanh', 'Sigmoid', 'GELU', 'ELU', 'SELU', 'SiLU', 'LeakyReLU', 'PReLU', 'Identity', 'Hardtanh', 'Softplus',
    'Mish', 'Tanhshrink', 'Softsign', 'LogSigmoid', 'Hardswish', 'MaxPool1d', 'AvgPool1d', 'AdaptiveAvgPool1d', 'MaxPool2d', 'AvgPool2d', 'AdaptiveAvgPool2d', 'AdaptiveMaxPool2d',
    'AdaptiveMaxPool1d', 'Flatten', 'CrossEntropyLoss', 'NLLLoss', 'MSELoss', 'L1Loss', 'BCELoss', 'BCEWithLogitsLoss',
    'SmoothL1Loss', 'KLDivLoss', 'CTCLoss', 'HuberLoss',
  ];
  for (const kind of KINDS) {
    reg.def(`nn.${kind}`, (a) => {
      const cfg = bindConfig(kind, a);
      const m = mod(kind, cfg);
      if (kind === 'LSTM' || kind === 'GRU' || kind === 'RNN') validateRnnConfig(kind, m);
      if (kind === 'Embedding') {
        const n = cfgDim(m, 'num_embeddings');
        const pad = intArg(cfg.padding_idx);
        if (pad !== null && typeof n === 'number' && (pad >= n || pad < -n)) throw new ShapeError('Padding_idx must be within num_embeddings');
      }
      return m;
    });
  }
  reg.def('nn.Embedding.from_pretrained', (a) => {
    const w = a.get(0, 'embeddings');
    const cfg: Record<string, Value> = {};
    if (w && w.k === 'tensor' && w.shape && w.shape.length === 2) {
      cfg.num_embeddings = w.shape[0] === null ? int(null) : typeof w.shape[0] === 'number' ? int(w.shape[0]) : int(null, w.shape[0]);
      cfg.embedding_dim = typeof w.shape[1] === 'number' ? int(w.shape[1]) : int(null);
    }
    const pad = a.get(2, 'padding_idx');
    if (pad) cfg.padding_idx = pad;
    return mod('Embedding', cfg);
  });
  reg.def('nn.Embedding.forward', (a) => {
    const m = a.self as NnModuleValue;
    const x = a.get(0, 'input');
    const D = cfgDim(m, 'embedding_dim');
    if (!x || x.k !== 'tensor') return tensor(null, 'float32');
    if (x.dtype && x.dtype !== 'int64' && x.dtype !== 'int32') {
      const name = { float32: 'FloatTensor', float64: 'DoubleTensor', bool: 'BoolTensor', uint8: 'ByteTensor' }[x.dtype as string] ?? 'Tensor';
      throw new ShapeError(`Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.${name} instead (while checking arguments for embedding)`);
    }
    const n = cfgDim(m, 'num_embeddings');
    if (x.data && typeof n === 'number') {
      for (const v of x.data.data) if (v >= n || v < -n) throw new ShapeError('IndexError: index out of range in self');
    }
    return tensor(x.shape ? [...x.shape, D] : null, 'float32', {
      facts: { origin: 'embedding', padded: x.facts.padded, timeDim: x.facts.timeDim, ...(x.facts.padValue !== undefined ? { padValue: x.facts.padValue } : {}) },
    });
  });
  reg.def('F.embedding', (a) => {
    const x = a.get(0, 'input');
    const w = a.get(1, 'weight');
    if (!x || x.k !== 'tensor' || !w || w.k !== 'tensor' || !w.shape) return tensor(null, 'float32');
    return tensor(x.shape ? [...x.shape, w.shape[w.shape.length - 1]] : null, w.dtype);
  });
  // F.one_hot(int64 indices, num_classes=-1): a new last dim of num_classes (max + 1 when -1: known only from data)
  reg.def('F.one_hot', (a) => {
    const x = a.get(0, 'input') ?? a.get(0, 'tensor');
    if (!x || x.k !== 'tensor') return tensor(null, 'int64');
    if (x.dtype !== null && x.dtype !== 'int64') throw new ShapeError('one_hot is only applicable to index tensor.');
    const nV = a.get(1, 'num_classes');
    let n: Dim = nV === undefined ? -1 : dimArg(nV);
    const vals = x.data ? Array.from(x.data.data) : null;
    if (vals && vals.some((v) => v < 0)) throw new ShapeError('Class values must be non-negative.');
    if (n === -1) n = vals ? (vals.length ? Math.max(...vals) + 1 : null) : null;
    else if (vals && typeof n === 'number') {
      const classes = n;
      if (vals.some((v) => v >= classes)) throw new ShapeError('Class values must be smaller than num_classes.');
    }
    return tensor(x.shape ? [...x.shape, n] : null, 'int64');
  });
  // F.pad(input, (left, right, top, bottom, …)): pairs pad the last dim first; negative pads crop
  reg.def('F.pad', (a) => {
    const x = a.get(0, 'input');
    const padV = a.get(1, 'pad');
    if (!x || x.k !== 'tensor') return tensor(null, null);
    const pads = padV ? a.services.items(padV) : null;
    if (!x.shape || !pads) return tensor(null, x.dtype);
    if (pads.length % 2 !== 0) throw new ShapeError('Padding length must be divisible by 2');
    if (pads.length / 2 > x.shape.length) throw new ShapeError('Padding length too large');
    const out: Dim[] = [...x.shape];
    for (let i = 0; i < pads.length / 2; i++) {
      const d = out.length - 1 - i;
      const lo = pads[2 * i];
      const hi = pads[2 * i + 1];
      const cur = out[d];
      out[d] = lo.k === 'int' && hi.k === 'int' && lo.v !== null && hi.v !== null && typeof cur === 'number' ? cur + lo.v + hi.v : null;
    }
    return tensor(out, x.dtype);
  });
  reg.def('nn.Linear.forward', (a) => {
    const m = a.self as NnModuleValue;
    const x = a.get(0, 'input');
    if (!x || x.k !== 'tensor') return tensor(null, 'float32');
    return linearShape(x, cfgDim(m, 'in_features'), cfgDim(m, 'out_features'));
  });
  reg.def('nn.Bilinear.forward', (a) => {
    const m = a.self as NnModuleValue;
    const x = a.get(0, 'input1');
    if (!x || x.k !== 'tensor' || !x.shape) return tensor(null, 'float32');
    return tensor([...x.shape.slice(0, -1), cfgDim(m, 'out_features')], x.dtype);
  });
  for (const kind of IDENTITY_SHAPE) {
    reg.def(`nn.${kind}.forward`, (a) => {
      const x = a.get(0, 'input');
      if (!x || x.k !== 'tensor') return x && x.k === 'packed' && kind.startsWith('Dropout') ? x : tensor(null, null);
      const m = a.self as NnModuleValue;
      if (kind === 'LayerNorm' && x.shape) {
        const ns = m.cfg.normalized_shape;
        const want = ns ? (ns.k === 'list' || ns.k === 'tuple' ? (ns.items ?? []).map(dimArg) : [dimArg(ns)]) : [];
        const got = x.shape.slice(-want.length);
        if (want.length && got.some((d, i) => clash(d, want[i]))) {
          throw new ShapeError(`Given normalized_shape=[${fmtDims(want)}], expected input with shape [*, ${fmtDims(want)}], but got input of size[${fmtDims(x.shape)}]`);
        }
      }
      if (kind === 'BatchNorm1d' && x.shape && x.shape.length >= 2) {
        const C = cfgDim(m, 'num_features');
        if (clash(x.shape[1], C)) throw new ShapeError(`running_mean should contain ${x.shape[1]} elements not ${C}`);
      }
      const r = tensor(x.shape, x.dtype);
      if (x.facts.padded) r.facts = { ...x.facts };
      return r;
    });
  }
  for (const kind of ['LSTM', 'GRU', 'RNN'] as const) reg.def(`nn.${kind}.forward`, (a) => rnnForward(kind, a));
  for (const kind of ['LSTMCell', 'GRUCell', 'RNNCell'] as const) reg.def(`nn.${kind}.forward`, (a) => cellForward(kind, a));
  for (const kind of ['Conv1d'] as const) {
    reg.def(`nn.${kind}.forward`, (a) => {
      const m = a.self as NnModuleValue;
      const x = a.get(0, 'input');
      if (!x || x.k !== 'tensor' || !x.shape) return tensor(null, 'float32');
      const Cin = cfgDim(m, 'in_channels');
      const Cout = cfgDim(m, 'out_channels');
      const k = firstInt(m.cfg.kernel_size, 1);
      const s = firstInt(m.cfg.stride, 1) ?? 1;
      const padV = m.cfg.padding;
      const p = padV && padV.k === 'str' ? null : firstInt(padV, 0);
      const d = firstInt(m.cfg.dilation, 1) ?? 1;
      const batched = x.shape.length === 3;
      if (x.shape.length !== 2 && x.shape.length !== 3) throw new ShapeError(`Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [${fmtDims(x.shape)}]`);
      const C = x.shape[batched ? 1 : 0];
      if (clash(C, Cin)) {
        throw new ShapeError(`Given groups=1, weight of size [${Cout}, ${Cin}, ${k}], expected input[${fmtDims(x.shape)}] to have ${Cin} channels, but got ${C} channels instead`);
      }
      const Lin = x.shape[x.shape.length - 1];
      const Lout = p === null ? (padV && padV.k === 'str' && padV.v === 'same' ? Lin : null) : convOut(Lin, k, s, p, d);
      return tensor(batched ? [x.shape[0], Cout, Lout] : [Cout, Lout], x.dtype);
    });
  }
  // 2-D convolution and pooling (image encoders in captioning models)
  const pair = (v: Value | undefined, dflt: number): [number | null, number | null] => {
    if (v === undefined || v.k === 'none') return [dflt, dflt];
    if (v.k === 'tuple' || v.k === 'list') return v.items && v.items.length === 2 ? [intArg(v.items[0]), intArg(v.items[1])] : [null, null];
    const n = intArg(v);
    return [n, n];
  };
  const out2d = (L: Dim, k: number | null, st: number | null, p: number | null, d: number | null): Dim =>
    k === null || st === null || p === null || d === null ? null : convOut(L, k, st, p, d);
  reg.def('nn.Conv2d.forward', (a) => {
    const m = a.self as NnModuleValue;
    const x = a.get(0, 'input');
    if (!x || x.k !== 'tensor' || !x.shape) return tensor(null, 'float32');
    if (x.shape.length !== 3 && x.shape.length !== 4) throw new ShapeError(`Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [${fmtDims(x.shape)}]`);
    const batched = x.shape.length === 4;
    const C = x.shape[batched ? 1 : 0];
    const Cin = cfgDim(m, 'in_channels');
    const Cout = cfgDim(m, 'out_channels');
    const k = pair(m.cfg.kernel_size, 1);
    if (clash(C, Cin)) {
      throw new ShapeError(`Given groups=1, weight of size [${Cout}, ${Cin}, ${k[0]}, ${k[1]}], expected input[${fmtDims(x.shape)}] to have ${Cin} channels, but got ${C} channels instead`);
    }
    if (m.cfg.padding && m.cfg.padding.k === 'str') return tensor(null, x.dtype);
    const st = pair(m.cfg.stride, 1);
    const p = pair(m.cfg.padding, 0);
    const d = pair(m.cfg.dilation, 1);
    const H = x.shape[x.shape.length - 2];
    const W = x.shape[x.shape.length - 1];
    const hw: Dim[] = [out2d(H, k[0], st[0], p[0], d[0]), out2d(W, k[1], st[1], p[1], d[1])];
    return tensor(batched ? [x.shape[0], Cout, ...hw] : [Cout, ...hw], x.dtype);
  });
  for (const kind of ['MaxPool2d', 'AvgPool2d']) {
    reg.def(`nn.${kind}.forward`, (a) => {
      const m = a.self as NnModuleValue;
      const x = a.get(0, 'input');
      if (!x || x.k !== 'tensor' || !x.shape || x.shape.length < 3) return tensor(null, 'float32');
      const k = pair(m.cfg.kernel_size, 1);
      const st = m.cfg.stride === undefined || m.cfg.stride.k === 'none' ? k : pair(m.cfg.stride, 1);
      const p = pair(m.cfg.padding, 0);
      const d = kind === 'MaxPool2d' ? pair(m.cfg.dilation, 1) : [1, 1];
      const ceil = cfgBool(m, 'ceil_mode', false);
      const H = x.shape[x.shape.length - 2];
      const W = x.shape[x.shape.length - 1];
      const out = tensor([...x.shape.slice(0, -2), poolOut(H, k[0], st[0], p[0], d[0], ceil), poolOut(W, k[1], st[1], p[1], d[1], ceil)], x.dtype);
      return kind === 'MaxPool2d' ? withIndices(m, out) : out;
    });
  }
  for (const kind of ['AdaptiveAvgPool2d', 'AdaptiveMaxPool2d']) {
    reg.def(`nn.${kind}.forward`, (a) => {
      const m = a.self as NnModuleValue;
      const x = a.get(0, 'input');
      if (!x || x.k !== 'tensor' || !x.shape || x.shape.length < 3) return tensor(null, 'float32');
      // output_size: an int, or a pair whose None items keep the input's size
      const os = m.cfg.output_size;
      const items = os && (os.k === 'tuple' || os.k === 'list') ? os.items : os ? [os, os] : null;
      const H = x.shape[x.shape.length - 2];
      const W = x.shape[x.shape.length - 1];
      const size = (v: Value | undefined, keep: Dim): Dim => (!v ? null : v.k === 'none' ? keep : intArg(v));
      const out = tensor([...x.shape.slice(0, -2), size(items?.[0], H), size(items?.[1], W)], x.dtype);
      return kind === 'AdaptiveMaxPool2d' ? withIndices(m, out) : out;
    });
  }
  for (const kind of ['MaxPool1d', 'AvgPool1d']) {
    reg.def(`nn.${kind}.forward`, (a) => {
      const m = a.self as NnModuleValue;
      const x = a.get(0, 'input');
      if (!x || x.k !== 'tensor' || !x.shape) return tensor(null, 'float32');
      const k = firstInt(m.cfg.kernel_size, 1);
      const sV = m.cfg.stride;
      const s = sV === undefined || sV.k === 'none' ? k : firstInt(sV, 1);
      const p = firstInt(m.cfg.padding, 0);
      const d = kind === 'MaxPool1d' ? firstInt(m.cfg.dilation, 1) : 1;
      const L = x.shape[x.shape.length - 1];
      const out = tensor([...x.shape.slice(0, -1), poolOut(L, k, s, p, d, cfgBool(m, 'ceil_mode', false))], x.dtype);
      return kind === 'MaxPool1d' ? withIndices(m, out) : out;
    });
  }
  for (const kind of ['AdaptiveAvgPool1d', 'AdaptiveMaxPool1d']) {
    reg.def(`nn.${kind}.forward`, (a) => {
      const m = a.self as NnModuleValue;
      const x = a.get(0, 'input');
      if (!x || x.k !== 'tensor' || !x.shape) return tensor(null, 'float32');
      const out = tensor([...x.shape.slice(0, -1), cfgDim(m, 'output_size')], x.dtype);
      return kind === 'AdaptiveMaxPool1d' ? withIndices(m, out) : out;
    });
  }
  reg.def('nn.Flatten.forward', (a) => {
    const m = a.self as NnModuleValue;
    const x = a.get(0, 'input');
    if (!x || x.k !== 'tensor' || !x.shape) return tensor(null, null);
    const s0 = cfgInt(m, 'start_dim', 1);
    const e0 = cfgInt(m, 'end_dim', -1);
    if (s0 === null || e0 === null) return tensor(null, x.dtype);
    const r = x.shape.length;
    const s = s0 < 0 ? s0 + r : s0;
    const e = e0 < 0 ? e0 + r : e0;
    return tensor([...x.shape.slice(0, s), dimProduct(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)], x.dtype);
  });
  // containers
  // nn.Sequential(*modules) or nn.Sequential(OrderedDict([(name, module), …])): the named members are attributes
  reg.def('nn.Sequential', (a) => {
    const only = a.args.length === 1 ? a.args[0] : undefined;
    if (only && only.k === 'dict') {
      if (!only.entries) return mod('Sequential', {}, new Map<string, Value>([['_modules', { k: 'list', items: null }]]));
      const attrs = new Map<string, Value>([['_modules', list([...only.entries.values()].map(([, m]) => m))], ['_names', list([...only.entries.values()].map(([k]) => k))]]);
      for (const [k, m] of only.entries.values()) if (k.k === 'str' && k.v !== null) attrs.set(k.v, m);
      return mod('Sequential', {}, attrs);
    }
    return mod('Sequential', {}, new Map<string, Value>([['_modules', list([...a.args])]]));
  });
  reg.def('nn.ModuleList', (a) => {
    const its = a.get(0, 'modules');
    const items = its ? a.services.items(its) : [];
    return mod('ModuleList', {}, new Map<string, Value>([['_modules', items ? list([...items]) : { k: 'list', items: null }]]));
  });
  reg.def('nn.ModuleDict', (a) => {
    const d = a.get(0, 'modules');
    return mod('ModuleDict', {}, new Map<string, Value>([['_dict', d ?? { k: 'dict', entries: new Map() }]]));
  });
  // ModuleDict's mapping methods are the dict's (keys/values/items/get/…)
  for (const m of ['keys', 'values', 'items', 'get']) {
    reg.def(`nn.ModuleDict.${m}`, (a) => {
      const d = (a.self as NnModuleValue).attrs.get('_dict');
      const rule = reg.get(`dict.${m}`);
      return d && rule ? rule(new OpArgs(`dict.${m}`, a.args, a.kwargs, a.services, d)) : UNKNOWN;
    });
  }
  reg.def('nn.Sequential.forward', (a) => {
    const m = a.self as NnModuleValue;
    const mods = m.attrs.get('_modules');
    const items = mods ? a.services.items(mods) : null;
    let x: Value = a.get(0, 'input') ?? NONE;
    if (!items) return tensor(null, null);
    for (const sub of items) x = a.services.call(sub, [x]);
    return x;
  });
  reg.def(['nn.ModuleList.append', 'nn.Sequential.append'], (a) => {
    const m = a.self as NnModuleValue;
    const mods = m.attrs.get('_modules');
    const v = a.get(0);
    if (mods && mods.k === 'list' && v) mods.items = mods.items ? [...mods.items, v] : null;
    return m;
  });
  reg.def(['nn.ModuleList.extend'], (a) => {
    const m = a.self as NnModuleValue;
    const mods = m.attrs.get('_modules');
    const v = a.get(0);
    const more = v ? a.services.items(v) : null;
    if (mods && mods.k === 'list') mods.items = mods.items && more ? [...mods.items, ...more] : null;
    return m;
  });
  reg.def(['nn.ModuleList.__len__', 'nn.Sequential.__len__'], (a) => {
    const m = a.self as NnModuleValue;
    const mods = m.attrs.get('_modules');
    return int(mods && mods.k === 'list' && mods.items ? mods.items.length : null);
  });
  // generic module methods
  // (the interpreter sets the `training` flags itself: it knows whether the call runs for certain)
  reg.def(['Module.__self__', 'Module.train', 'Module.eval'], (a) => a.self ?? NONE);
  reg.def('Module.__none__', () => NONE);
  reg.def('Module.register', (a) => {
    const o = a.self;
    const name = a.get(0, 'name');
    const v = a.get(1, 'tensor');
    if (o && (o.k === 'object' || o.k === 'nnmodule') && name && name.k === 'str' && name.v !== null && v) o.attrs.set(name.v, v);
    return NONE;
  });
  // parameters()/named_parameters()/modules()/children(): module-walk.ts
  reg.def('Module.state_dict', () => ({ k: 'dict', entries: null }));
  // optimizers and schedulers: opaque objects whose methods return None
  for (const o of ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta', 'StepLR', 'ReduceLROnPlateau', 'ExponentialLR', 'LambdaLR', 'CosineAnnealingLR']) {
    reg.def(`optim.${o}`, () => ({ k: 'opaque', cls: `optim.${o}`, attrs: new Map() }));
    for (const m of ['step', 'zero_grad', 'load_state_dict']) reg.def(`optim.${o}.${m}`, () => NONE);
  }
  reg.def(['Tensor.backward', 'torch.manual_seed', 'torch.cuda.manual_seed', 'torch.cuda.manual_seed_all', 'torch.set_grad_enabled', 'torch.set_printoptions', 'init.xavier_uniform_', 'init.xavier_normal_', 'init.kaiming_uniform_', 'init.kaiming_normal_', 'init.uniform_', 'init.normal_', 'init.zeros_', 'init.ones_', 'init.constant_', 'init.orthogonal_'], () => NONE);
  reg.def(['torch.cuda.is_available', 'torch.backends.cudnn.is_available'], () => bool(null));
  reg.def('torch.device', (a) => ({ k: 'opaque', cls: 'torch.device', attrs: new Map([['type', a.get(0) ?? str(null)]]) }));
  reg.def(['torch.no_grad', 'torch.enable_grad', 'torch.inference_mode'], () => ({ k: 'opaque', cls: 'context', attrs: new Map() }));
  reg.def(['torch.is_tensor'], (a) => bool(a.get(0)?.k === 'tensor' ? true : a.get(0)?.k === 'unknown' ? null : false));
  reg.def('torch.get_default_dtype', () => ({ k: 'opaque', cls: 'torch.dtype', attrs: new Map([['name', str('float32')]]) }));
  void float;
}

export type { TensorValueA };
