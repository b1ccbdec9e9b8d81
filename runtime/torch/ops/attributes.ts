// Attribute access on library values: module namespaces (torch, torch.nn, numpy…) resolve to canonical op names;
// tensors expose shape/dtype/T/data/…; PackedSequence exposes data/batch_sizes/sorted_indices/unsorted_indices;
// torch.nn modules expose their configuration and parameters (weight_ih_l0, …) with PyTorch's shapes.
import { ShapeError, type Dim } from '../../shape/dim';
import type { DType } from '../../tensor/tensor';
import {
  NONE,
  UNKNOWN,
  bool,
  int,
  intFromDim,
  str,
  tensor,
  tuple,
  type ClassValue,
  type NnModuleValue,
  type ObjectValue,
  type PackedValueA,
  type TensorValueA,
  type Value,
} from '../../interp/values';
import { dtypeValue, intArg, withData } from './common';

/** torch.nn.modules.<file> (nn.modules.conv.Conv2d is nn.Conv2d). */
const NN_SUBMODULES = ['conv', 'linear', 'sparse', 'batchnorm', 'dropout', 'activation', 'container', 'normalization', 'pooling', 'module', 'loss', 'flatten'];

const NAMESPACES = new Set([
  'torch', 'torch.nn', 'torch.nn.functional', 'torch.nn.utils', 'torch.nn.utils.rnn', 'torch.utils', 'torch.utils.data',
  'torch.optim', 'torch.autograd', 'torch.cuda', 'torch.nn.init', 'torch.backends', 'torch.backends.cudnn',
  'numpy', 'numpy.random', 'torch.nn.modules', 'torch.optim.lr_scheduler', 'torch.distributions', 'torch.linalg',
  'torch.utils.data.dataloader', 'torch.nn.modules.rnn', 'torch.jit', 'torch.onnx', 'torch.testing', 'torch.special',
  'torch.utils.data.dataset', 'os', 'os.path', 'sys', 'random', 'math', 'collections', 'itertools', 'functools',
  'tqdm', 'matplotlib', 'matplotlib.pyplot', 'time', 'json', 're', 'string', 'typing', 'pickle', 'logging', 'unicodedata',
  ...NN_SUBMODULES.map((m) => `torch.nn.modules.${m}`),
]);

const PREFIXES: [string, string][] = [
  ['torch.nn.functional.', 'F.'],
  ['torch.nn.utils.rnn.', 'rnn.'],
  ['torch.nn.modules.rnn.', 'nn.'],
  ...NN_SUBMODULES.map((m): [string, string] => [`torch.nn.modules.${m}.`, 'nn.']),
  ['torch.nn.modules.', 'nn.'],
  ['torch.nn.init.', 'init.'],
  ['torch.nn.', 'nn.'],
  ['torch.utils.data.dataloader.', 'data.'],
  ['torch.utils.data.dataset.', 'data.'],
  ['torch.utils.data.', 'data.'],
  ['torch.autograd.variable.', 'torch.'],
  ['torch.autograd.', 'torch.'],
  ['torch.optim.lr_scheduler.', 'optim.'],
  ['torch.optim.', 'optim.'],
  ['torch.linalg.', 'torch.linalg.'],
  ['numpy.random.', 'np.random.'],
  ['numpy.', 'np.'],
];

/** The first segments of the prefixes ('torch.', 'numpy.'): a path starting with none of them is canonical. */
const PREFIX_HEADS = [...new Set(PREFIXES.map(([p]) => p.slice(0, p.indexOf('.') + 1)))];

/** 'torch.nn.functional.relu' → 'F.relu', 'torch.nn.LSTM' → 'nn.LSTM', 'numpy.array' → 'np.array'. */
export function canonicalName(path: string): string {
  for (const h of PREFIX_HEADS) {
    if (!path.startsWith(h)) continue;
    for (const [p, r] of PREFIXES) if (path.startsWith(p)) return r + path.slice(p.length);
    return path;
  }
  return path;
}

export function isNamespace(path: string): boolean {
  return NAMESPACES.has(path);
}

/** (A Map: `name in object` would also find Object.prototype's members, and is slower.) */
const DTYPE_ATTRS = new Map<string, DType | null>(Object.entries({
  float: 'float32', float32: 'float32', double: 'float64', float64: 'float64', long: 'int64', int64: 'int64',
  int: 'int32', int32: 'int32', bool: 'bool', uint8: 'uint8', half: null, float16: null, bfloat16: null,
  int16: null, int8: null, short: null, complex64: null,
} satisfies Record<string, DType | null>));

/** `mod.name` for a module namespace `mod` (also `from mod import name`). */
export function moduleAttr(mod: string, name: string): Value {
  const path = `${mod}.${name}`;
  if (NAMESPACES.has(path)) return { k: 'ns', path };
  if ((mod === 'torch' || mod === 'numpy') && DTYPE_ATTRS.has(name)) {
    const d = DTYPE_ATTRS.get(name);
    if (mod === 'numpy') return { k: 'builtin', name: `np.${name}` };
    return d ? dtypeValue(d) : { k: 'opaque', cls: 'torch.dtype', attrs: new Map([['name', str(name)]]) };
  }
  if (mod === 'math') {
    if (name === 'pi') return { k: 'float', v: Math.PI };
    if (name === 'e') return { k: 'float', v: Math.E };
    if (name === 'inf') return { k: 'float', v: Infinity };
  }
  if (mod === 'string') {
    const lower = 'abcdefghijklmnopqrstuvwxyz';
    const upper = lower.toUpperCase();
    const consts: Record<string, string> = {
      ascii_letters: lower + upper, ascii_lowercase: lower, ascii_uppercase: upper, digits: '0123456789',
      punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~', whitespace: ' \t\n\r\x0b\x0c',
    };
    consts.printable = consts.digits + consts.ascii_letters + consts.punctuation + consts.whitespace;
    if (name in consts) return str(consts[name]);
  }
  if (mod === 'numpy' && (name === 'inf' || name === 'pi')) return { k: 'float', v: name === 'pi' ? Math.PI : Infinity };
  if (mod === 'numpy' && name === 'newaxis') return NONE;
  return { k: 'builtin', name: canonicalName(path) };
}

function sizeValue(shape: Dim[] | null): Value {
  if (shape === null) return { k: 'tuple', items: null, elem: int(null), isSize: true };
  return { k: 'tuple', items: shape.map(intFromDim), isSize: true };
}

const TENSOR_METHODS_RETURNING_SELF_SHAPE = new Set(['requires_grad_', 'retain_grad', 'share_memory_', 'pin_memory']);

/** Attributes of a tensor (methods become bound builtins 'Tensor.name'). */
export function tensorAttr(t: TensorValueA, name: string): Value {
  switch (name) {
    case 'shape':
      return sizeValue(t.shape);
    case 'dtype':
      return t.dtype ? dtypeValue(t.dtype) : UNKNOWN;
    case 'T': {
      if (t.shape === null) return tensor(null, t.dtype);
      if (t.shape.length > 2 && !t.numpy) {
        // deprecated but allowed: reverses all dims
      }
      return tensor([...t.shape].reverse(), t.dtype, { numpy: t.numpy });
    }
    case 'mT':
      if (t.shape === null || t.shape.length < 2) return tensor(null, t.dtype);
      return tensor([...t.shape.slice(0, -2), t.shape[t.shape.length - 1], t.shape[t.shape.length - 2]], t.dtype);
    case 'data':
      return t;
    case 'grad':
      return tensor(t.shape, t.dtype);
    case 'ndim':
      return t.shape ? int(t.shape.length) : int(null);
    case 'size':
      if (t.numpy) return t.shape && t.shape.every((d) => typeof d === 'number') ? int(t.shape.reduce<number>((a, d) => a * (d as number), 1)) : int(null);
      return { k: 'builtin', name: 'Tensor.size', self: t };
    case 'device':
      return { k: 'opaque', cls: 'torch.device', attrs: new Map() };
    case 'is_cuda':
      return bool(null);
    case 'requires_grad':
      return bool(null);
    case 'grad_fn':
      return UNKNOWN;
    default:
      if (TENSOR_METHODS_RETURNING_SELF_SHAPE.has(name)) return { k: 'builtin', name: 'Tensor.__self__', self: t };
      return { k: 'builtin', name: t.numpy ? `ndarray.${name}` : `Tensor.${name}`, self: t };
  }
}

function indexTensor(v: Dim[] | null | 'unknown', n: Dim): Value {
  if (v === null) return NONE;
  if (v === 'unknown' || v.some((d) => typeof d !== 'number')) return tensor([n], 'int64');
  return withData([v.length], 'int64', v as number[]);
}

export function packedAttr(p: PackedValueA, name: string): Value {
  switch (name) {
    case 'data':
      return p.data;
    case 'batch_sizes': {
      const b = p.batchSizes;
      if (b === null) return tensor([null], 'int64');
      if (b.every((d) => typeof d === 'number')) return withData([b.length], 'int64', b as number[]);
      return tensor([b.length], 'int64');
    }
    case 'sorted_indices':
      return indexTensor(p.sortedIndices, p.batchSizes?.[0] ?? null);
    case 'unsorted_indices':
      return indexTensor(p.unsortedIndices, p.batchSizes?.[0] ?? null);
    case 'to':
    case 'cuda':
    case 'cpu':
    case 'float':
    case 'double':
    case 'long':
    case 'half':
      return { k: 'builtin', name: 'Tensor.__self__', self: p };
    default:
      return UNKNOWN;
  }
}

const MODULE_SELF_METHODS = new Set(['to', 'cuda', 'cpu', 'train', 'eval', 'float', 'double', 'half', 'requires_grad_', 'share_memory', 'zero_grad_']);
const MODULE_WALK_METHODS = new Set(['parameters', 'named_parameters', 'state_dict', 'modules', 'named_modules', 'children', 'named_children']);
const MODULE_NONE_METHODS = new Set(['zero_grad', 'flatten_parameters', 'register_buffer', 'register_parameter', 'reset_parameters', 'load_state_dict', 'apply']);

/** Attributes of a built-in torch.nn module: its configuration, its parameters (by PyTorch's shapes), methods. */
/** Conv modules store their geometry as tuples of one size per spatial dim (_single/_pair): conv.padding is (1, 1)
 *  for padding=1, and the defaults are there too. */
const CONV_DIMS: Record<string, number> = { Conv1d: 1, Conv2d: 2, Conv3d: 3, ConvTranspose1d: 1, ConvTranspose2d: 2 };
const CONV_GEOMETRY: Record<string, number> = { kernel_size: -1, stride: 1, padding: 0, dilation: 1 };

function convGeometry(m: NnModuleValue, name: string): Value | undefined {
  const n = CONV_DIMS[m.kind];
  const dflt = CONV_GEOMETRY[name];
  if (n === undefined || dflt === undefined) return undefined;
  const v = m.cfg[name];
  if (v === undefined || v.k === 'none') return dflt < 0 ? UNKNOWN : tuple(Array.from({ length: n }, () => int(dflt)));
  if (v.k === 'int') return tuple(Array.from({ length: n }, () => v));
  if (v.k === 'tuple' || v.k === 'list') return v.items ? tuple([...v.items]) : UNKNOWN;
  return v.k === 'str' ? v : UNKNOWN;
}

export function nnModuleAttr(m: NnModuleValue, name: string): Value {
  const own = m.attrs.get(name);
  if (own !== undefined) return own;
  const geometry = convGeometry(m, name);
  if (geometry !== undefined) return geometry;
  const cfg = m.cfg[name];
  if (cfg !== undefined) return cfg;
  const p = parameterOf(m, name);
  if (p) {
    m.attrs.set(name, p);
    return p;
  }
  if (MODULE_SELF_METHODS.has(name)) return { k: 'builtin', name: 'Module.__self__', self: m };
  if (MODULE_NONE_METHODS.has(name)) return { k: 'builtin', name: 'Module.__none__', self: m };
  if (MODULE_WALK_METHODS.has(name)) {
    return { k: 'builtin', name: `Module.${name}`, self: m };
  }
  if (name === 'forward') return { k: 'builtin', name: `nn.${m.kind}.forward`, self: m };
  if (name === 'training') return bool(null);
  return { k: 'builtin', name: `nn.${m.kind}.${name}`, self: m };
}

/** A built-in module's parameter as attribute access would give it, without caching it on the module (walks over
 *  the module tree must not change it). */
export function nnModuleParameter(m: NnModuleValue, name: string): Value {
  return m.attrs.get(name) ?? parameterOf(m, name) ?? UNKNOWN;
}

/** Methods torch.nn.Module gives user subclasses (model.to(device), model.eval(), …). */
export function objectModuleMethod(o: ObjectValue, name: string): Value {
  if (name === 'train' || name === 'eval') return { k: 'builtin', name: `Module.${name}`, self: o };
  if (MODULE_SELF_METHODS.has(name)) return { k: 'builtin', name: 'Module.__self__', self: o };
  if (MODULE_NONE_METHODS.has(name)) {
    if (name === 'register_buffer' || name === 'register_parameter') return { k: 'builtin', name: 'Module.register', self: o };
    return { k: 'builtin', name: 'Module.__none__', self: o };
  }
  if (MODULE_WALK_METHODS.has(name)) {
    return { k: 'builtin', name: `Module.${name}`, self: o };
  }
  if (name === 'training') return bool(null);
  return UNKNOWN;
}

function cfgInt(m: NnModuleValue, key: string): Dim {
  const v = m.cfg[key];
  if (!v) return null;
  return v.k === 'int' ? (v.v ?? v.sym ?? null) : v.k === 'unknown' ? (v.name ?? null) : null;
}

function cfgBool(m: NnModuleValue, key: string): boolean | null {
  const v = m.cfg[key];
  if (!v) return null;
  return v.k === 'bool' ? v.v : v.k === 'int' ? (v.v === null ? null : v.v !== 0) : null;
}

const GATES: Record<string, number> = { LSTM: 4, GRU: 3, RNN: 1, LSTMCell: 4, GRUCell: 3, RNNCell: 1 };

/** Parameter tensors of built-in modules, by name. */
function parameterOf(m: NnModuleValue, name: string): TensorValueA | null {
  const f = (shape: Dim[]): TensorValueA => tensor(shape, 'float32');
  switch (m.kind) {
    case 'Linear':
      if (name === 'weight') return f([cfgInt(m, 'out_features'), cfgInt(m, 'in_features')]);
      if (name === 'bias' && cfgBool(m, 'bias') !== false) return f([cfgInt(m, 'out_features')]);
      return null;
    case 'Embedding':
      if (name === 'weight') return f([cfgInt(m, 'num_embeddings'), cfgInt(m, 'embedding_dim')]);
      return null;
    case 'Conv1d':
    case 'Conv2d': {
      // weight (out, in / groups, *kernel), bias (out)
      const out = cfgInt(m, 'out_channels');
      const cin = cfgInt(m, 'in_channels');
      const groups = m.cfg.groups === undefined ? 1 : intArg(m.cfg.groups);
      const k = convGeometry(m, 'kernel_size');
      if (name === 'weight') {
        const ks = k && k.k === 'tuple' && k.items ? k.items.map((v) => (v.k === 'int' ? v.v : null)) : [null];
        return f([out, typeof cin === 'number' && groups ? cin / groups : groups === 1 ? cin : null, ...(ks.length === CONV_DIMS[m.kind] ? ks : Array.from({ length: CONV_DIMS[m.kind] }, () => null))]);
      }
      if (name === 'bias' && cfgBool(m, 'bias') !== false) return f([out]);
      return null;
    }
    case 'BatchNorm1d':
    case 'BatchNorm2d':
      if ((name === 'weight' || name === 'bias') && cfgBool(m, 'affine') !== false) return f([cfgInt(m, 'num_features')]);
      return null;
    case 'LSTM':
    case 'GRU':
    case 'RNN': {
      const mm = /^(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l(\d+)(_reverse)?$/.exec(name);
      if (!mm) return null;
      const layer = Number(mm[2]);
      const numLayers = intArg(m.cfg.num_layers) ?? 1;
      const bidir = cfgBool(m, 'bidirectional');
      if (layer >= numLayers || (mm[3] && bidir !== true)) return null;
      const H = cfgInt(m, 'hidden_size');
      const proj = intArg(m.cfg.proj_size) ?? 0;
      const hOut: Dim = proj > 0 ? proj : H;
      const D = bidir ? 2 : 1;
      const G = GATES[m.kind];
      const gH: Dim = typeof H === 'number' ? G * H : G === 1 ? H : null;
      const inSize: Dim = layer === 0 ? cfgInt(m, 'input_size') : typeof hOut === 'number' ? D * hOut : D === 1 ? hOut : null;
      if (mm[1] === 'weight_ih') return f([gH, inSize]);
      if (mm[1] === 'weight_hh') return f([gH, hOut]);
      if (mm[1] === 'weight_hr') return proj > 0 ? f([proj, H]) : null;
      if (cfgBool(m, 'bias') === false) return null;
      return f([gH]);
    }
    case 'LSTMCell':
    case 'GRUCell':
    case 'RNNCell': {
      const H = cfgInt(m, 'hidden_size');
      const G = GATES[m.kind];
      const gH: Dim = typeof H === 'number' ? G * H : null;
      if (name === 'weight_ih') return f([gH, cfgInt(m, 'input_size')]);
      if (name === 'weight_hh') return f([gH, H]);
      if ((name === 'bias_ih' || name === 'bias_hh') && cfgBool(m, 'bias') !== false) return f([gH]);
      return null;
    }
    default:
      return null;
  }
}

const RNN_BASE_KINDS = new Set(['LSTM', 'GRU', 'RNN']);

/** isinstance(v, nn.X) for a built-in torch.nn module or a user nn.Module object; null when the engine cannot tell
 *  (a user class deriving from a built-in module, a base class the engine does not model). */
export function nnIsInstance(v: NnModuleValue | ObjectValue, name: string, isModuleClass: (c: ClassValue) => boolean): boolean | null {
  if (v.k === 'nnmodule') {
    if (name === 'nn.Module') return true;
    if (name === 'nn.RNNBase') return RNN_BASE_KINDS.has(v.kind);
    return name === `nn.${v.kind}`;
  }
  if (!isModuleClass(v.cls)) return false;
  if (name === 'nn.Module') return true;
  // a user Module: only classes all of whose bases are user classes or nn.Module itself are certainly not nn.X
  const plain = (c: ClassValue, depth: number): boolean =>
    depth < 20 && c.bases.every((b) => (b.k === 'class' ? plain(b, depth + 1) : b.k === 'builtin' && (b.name === 'nn.Module' || b.name === 'torch.nn.Module')));
  return plain(v.cls, 0) ? false : null;
}

export function tupleOf(items: Value[]): Value {
  return tuple(items);
}

export { ShapeError };
