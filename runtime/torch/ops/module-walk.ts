// Walks over a module tree as torch.nn.Module does: parameters / named_parameters (a module's own parameters
// first, then each child's, depth first, shared parameters once), modules / named_modules (pre-order, shared
// modules once) and children / named_children. The lists are exact only when the whole tree is known: built-in
// modules whose parameter set the engine knows, user nn.Module objects whose attributes are all known values, and
// containers (Sequential, ModuleList, ModuleDict). Anything else makes the list one of unknown length.
import { list, str, tensor, tuple, type NnModuleValue, type ObjectValue, type Value } from '../../interp/values';
import { nnModuleParameter } from './attributes';
import { intArg } from './common';
import type { OpArgs, OpRegistry } from './registry';

type Module = NnModuleValue | ObjectValue;

/** Built-in modules without parameters. */
const PARAMETERLESS = new Set([
  'Dropout', 'Dropout2d', 'AlphaDropout', 'ReLU', 'ReLU6', 'LeakyReLU', 'ELU', 'SELU', 'GELU', 'SiLU', 'Tanh', 'Sigmoid',
  'Softmax', 'LogSoftmax', 'Softplus', 'Identity', 'Flatten', 'MaxPool1d', 'MaxPool2d', 'AvgPool1d', 'AvgPool2d',
  'AdaptiveAvgPool1d', 'AdaptiveAvgPool2d', 'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d', 'Hardtanh', 'Softsign', 'Softmin',
  'Mish', 'Hardswish', 'LogSigmoid', 'Tanhshrink', 'Dropout1d', 'Dropout3d', 'Upsample',
]);

function isModule(v: Value): v is Module {
  return v.k === 'nnmodule' || (v.k === 'object' && v.cls.torchBase === 'Module');
}

/** Names of a built-in module's own parameters in registration order, or null when the engine does not know them. */
function builtinParamNames(m: NnModuleValue): string[] | null {
  if (PARAMETERLESS.has(m.kind) || m.kind === 'Sequential' || m.kind === 'ModuleList' || m.kind === 'ModuleDict') return [];
  const bias = m.cfg.bias;
  const hasBias = bias === undefined ? true : bias.k === 'bool' ? bias.v : null;
  if (hasBias === null) return null;
  switch (m.kind) {
    case 'Linear':
    case 'Conv1d':
    case 'Conv2d':
      return hasBias ? ['weight', 'bias'] : ['weight'];
    case 'Embedding':
      return ['weight'];
    case 'BatchNorm1d':
    case 'BatchNorm2d':
    case 'LayerNorm': {
      const flag = m.cfg[m.kind === 'LayerNorm' ? 'elementwise_affine' : 'affine'];
      const affine = flag === undefined ? true : flag.k === 'bool' ? flag.v : null;
      return affine === null ? null : affine ? ['weight', 'bias'] : [];
    }
    case 'LSTMCell':
    case 'GRUCell':
    case 'RNNCell':
      return hasBias ? ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'] : ['weight_ih', 'weight_hh'];
    case 'LSTM':
    case 'GRU':
    case 'RNN': {
      const layers = m.cfg.num_layers === undefined ? 1 : intArg(m.cfg.num_layers);
      const bidir = m.cfg.bidirectional === undefined ? false : m.cfg.bidirectional.k === 'bool' ? m.cfg.bidirectional.v : null;
      const proj = m.cfg.proj_size === undefined ? 0 : intArg(m.cfg.proj_size);
      if (layers === null || bidir === null || proj === null) return null;
      const names: string[] = [];
      for (let l = 0; l < layers; l++) {
        for (const sfx of bidir ? ['', '_reverse'] : ['']) {
          names.push(`weight_ih_l${l}${sfx}`, `weight_hh_l${l}${sfx}`);
          if (hasBias) names.push(`bias_ih_l${l}${sfx}`, `bias_hh_l${l}${sfx}`);
          if (proj > 0) names.push(`weight_hr_l${l}${sfx}`);
        }
      }
      return names;
    }
    default:
      return null;
  }
}

interface Tree {
  params: [string, Value][];
  children: [string, Module][];
}

/** A module's own parameters and direct children, or null when either is not exactly known. */
function ownTree(m: Module, a: OpArgs): Tree | null {
  if (m.k === 'nnmodule') {
    const names = builtinParamNames(m);
    if (names === null) return null;
    const params: [string, Value][] = names.map((n) => [n, nnModuleParameter(m, n)]);
    const children: [string, Module][] = [];
    if (m.kind === 'Sequential' || m.kind === 'ModuleList') {
      const items = a.services.items(m.attrs.get('_modules') ?? { k: 'unknown' });
      if (!items) return null;
      const names = m.attrs.get('_names');
      for (let i = 0; i < items.length; i++) {
        const it = items[i];
        if (!isModule(it)) return null;
        const named = names && names.k === 'list' && names.items ? names.items[i] : undefined;
        children.push([named && named.k === 'str' && named.v !== null ? named.v : String(i), it]);
      }
    } else if (m.kind === 'ModuleDict') {
      const d = m.attrs.get('_dict');
      if (!d || d.k !== 'dict' || !d.entries) return null;
      for (const [, [k, v]] of d.entries) {
        if (k.k !== 'str' || k.v === null || !isModule(v)) return null;
        children.push([k.v, v]);
      }
    } else {
      // attributes assigned onto a built-in module (e.g. a tied decoder.weight) must be parameters it already has
      for (const k of m.attrs.keys()) if (!names.includes(k) && !k.startsWith('_') && k !== 'training') return null;
    }
    return { params, children };
  }
  const params: [string, Value][] = [];
  const children: [string, Module][] = [];
  for (const [k, v] of m.attrs) {
    if (isModule(v)) children.push([k, v]);
    else if (v.k === 'tensor') {
      if (v.facts.parameter) params.push([k, v]);
    } else if (v.k === 'unknown' || v.k === 'packed') return null;
  }
  return { params, children };
}

/** named_modules() order: pre-order, each module once; null when some part of the tree is unknown. */
function namedModules(root: Module, a: OpArgs): { name: string; m: Module; tree: Tree }[] | null {
  const out: { name: string; m: Module; tree: Tree }[] = [];
  const seen = new Set<Module>();
  let ok = true;
  const visit = (m: Module, name: string, depth: number): void => {
    if (!ok || seen.has(m)) return;
    if (depth > 32) {
      ok = false;
      return;
    }
    seen.add(m);
    const tree = ownTree(m, a);
    if (!tree) {
      ok = false;
      return;
    }
    out.push({ name, m, tree });
    for (const [k, c] of tree.children) visit(c, name ? `${name}.${k}` : k, depth + 1);
  };
  visit(root, '', 0);
  return ok ? out : null;
}

function namedParameters(root: Module, a: OpArgs): [string, Value][] | null {
  const mods = namedModules(root, a);
  if (!mods) return null;
  const out: [string, Value][] = [];
  const seen = new Set<Value>();
  for (const { name, tree } of mods) {
    for (const [k, p] of tree.params) {
      if (p.k !== 'tensor') return null;
      if (seen.has(p)) continue;
      seen.add(p);
      out.push([name ? `${name}.${k}` : k, p]);
    }
  }
  return out;
}

const unknownList = (elem?: Value): Value => ({ k: 'list', items: null, ...(elem ? { elem } : {}) });

/** children()/named_children() yield a module held under two names once. */
function distinctChildren(t: Tree): [string, Module][] {
  const seen = new Set<Module>();
  return t.children.filter(([, c]) => (seen.has(c) ? false : (seen.add(c), true)));
}

function rootOf(a: OpArgs): Module | null {
  const s = a.self;
  return s && isModule(s) ? s : null;
}

export function register(reg: OpRegistry): void {
  reg.def('Module.parameters', (a) => {
    const root = rootOf(a);
    const ps = root ? namedParameters(root, a) : null;
    return ps ? list(ps.map(([, p]) => p)) : unknownList(tensor(null, 'float32'));
  });
  reg.def('Module.named_parameters', (a) => {
    const root = rootOf(a);
    const ps = root ? namedParameters(root, a) : null;
    return ps ? list(ps.map(([n, p]) => tuple([str(n), p]))) : unknownList(tuple([str(null), tensor(null, 'float32')]));
  });
  reg.def('Module.modules', (a) => {
    const root = rootOf(a);
    const ms = root ? namedModules(root, a) : null;
    return ms ? list(ms.map(({ m }) => m)) : unknownList();
  });
  reg.def('Module.named_modules', (a) => {
    const root = rootOf(a);
    const ms = root ? namedModules(root, a) : null;
    return ms ? list(ms.map(({ name, m }) => tuple([str(name), m]))) : unknownList();
  });
  reg.def('Module.children', (a) => {
    const root = rootOf(a);
    const t = root ? ownTree(root, a) : null;
    return t ? list(distinctChildren(t).map(([, c]) => c)) : unknownList();
  });
  reg.def('Module.named_children', (a) => {
    const root = rootOf(a);
    const t = root ? ownTree(root, a) : null;
    return t ? list(distinctChildren(t).map(([n, c]) => tuple([str(n), c]))) : unknownList();
  });
}
