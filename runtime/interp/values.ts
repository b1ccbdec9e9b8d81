// The abstract values of the interpreter. A value is as concrete as the code makes it: Python numbers/strings/
// containers with their contents when known, tensors with shape + dtype (and their data as a runtime Tensor when
// small and known), PackedSequences with batch_sizes/sorted_indices, torch.nn modules with their configuration,
// user classes/objects/functions, and `unknown` where the engine cannot know. join() merges two values at a control
// flow merge point (the lattice: equal parts stay, differing parts become symbolic-free unknowns).
import type { DType, Tensor } from '../tensor/tensor';
import { joinDim, joinShape, type Dim, type Shape } from '../shape/dim';
import type { SyntaxNode } from '@lezer/common';

/** Facts the gotcha detectors use; carried by tensors and packed sequences and propagated by op rules. */
export interface TensorFacts {
  /** The op that produced the value (e.g. 'pad_packed_sequence', 'pad_sequence', 'LSTM.output'). */
  origin?: string;
  /** The value has padding positions along its time dim (output of pad_packed_sequence / pad_sequence). */
  padded?: boolean;
  /** For padded outputs: which dim is time (1 when batch_first). */
  timeDim?: number;
  /** Made by nn.Parameter(...): registered by a Module it is assigned to (parameters()/named_parameters()). */
  parameter?: boolean;
  /** For RNN h_n/c_n: the producing module's configuration. */
  rnn?: { kind: string; numLayers: number; bidirectional: boolean; batchFirst: boolean; hiddenSize?: number; projSize?: number };
  /** pad_sequence: the padding value (RNNL011's padding_idx quick fix). */
  padValue?: number;
  /** PackedSequences (and what unpacks them): the time length T of the padded tensor that was packed. */
  sourceT?: Dim;
  /** pad_packed_sequence called without total_length: its T is max(lengths), not sourceT (RNNL008). */
  untrimmed?: boolean;
}

export interface UnknownValue {
  k: 'unknown';
  /** Why it is unknown (shown on hover), e.g. "unknown op torch.foo". */
  why?: string;
  /** A name for it when used as a size (an unknown function parameter `batch_size` → the symbolic dim
   *  "batch_size"). */
  name?: string;
}
export interface NoneValue {
  k: 'none';
}
export interface BoolValue {
  k: 'bool';
  v: boolean | null;
}
export interface IntValue {
  k: 'int';
  v: number | null;
  /** Symbolic name when v is unknown but the value is a named size ("B", "len(batch)"). */
  sym?: string;
}
export interface FloatValue {
  k: 'float';
  v: number | null;
}
export interface StrValue {
  k: 'str';
  v: string | null;
}
export interface SeqValue {
  k: 'list' | 'tuple';
  /** null: length unknown; then `elem` (if any) describes every element. */
  items: Value[] | null;
  elem?: Value;
  /** Symbolic/known length when items is null. */
  len?: Dim;
  /** torch.Size (a tuple of ints) */
  isSize?: boolean;
  /** Field names of a namedtuple (torch.return_types.sort → values, indices). */
  fields?: string[];
  /** The interpreter's uncertainty level when a list literal/comprehension created it: mutations at that same level
   *  (e.g. a list built inside a function called from an abstract loop) are certain and stay exact. */
  birth?: number;
}
export interface DictValue {
  k: 'dict';
  /** key text (repr of a str/int/bool/None/tuple key) → [key, value]; null: contents unknown. */
  entries: Map<string, [Value, Value]> | null;
  /** for unknown contents: the joined value type */
  elem?: Value;
  /** collections.defaultdict's default_factory / Counter's 0: called for a missing key on `d[k]` (and stored). */
  missing?: Value;
  /** A collections.Counter: a missing key reads 0 and is not stored; most_common/update count. */
  counter?: boolean;
}
export interface SetValue {
  k: 'set';
  items: Value[] | null;
}
export interface TensorValueA {
  k: 'tensor';
  shape: Shape;
  dtype: DType | null;
  /** Concrete data when small and known (a runtime Tensor of the same shape/dtype). Mutable: in-place ops on an
   *  alias must see it, so writes replace or clear this field. */
  data?: Tensor;
  /** A numpy ndarray rather than a torch.Tensor (not recorded, but tracked for its values). */
  numpy?: boolean;
  facts: TensorFacts;
}
export interface PackedValueA {
  k: 'packed';
  data: TensorValueA;
  batchSizes: Dim[] | null;
  /** The number of sequences (batch_sizes[0]) when batch_sizes themselves are unknown. */
  batchSize?: Dim;
  /** The number of time steps (len(batch_sizes) = max(lengths)) when batch_sizes are unknown: symbolic
   *  `max(lengths)` for lengths named by the code. */
  steps?: Dim;
  /** null = None (enforce_sorted=True); 'unknown' when it cannot be known. */
  sortedIndices: Dim[] | null | 'unknown';
  unsortedIndices: Dim[] | null | 'unknown';
  facts: TensorFacts;
}
/** A torch.nn module built in (LSTM, Linear, …): its kind, configuration and parameters/attributes. */
export interface NnModuleValue {
  k: 'nnmodule';
  kind: string;
  cfg: Record<string, Value>;
  attrs: Map<string, Value>;
}
export interface ClassValue {
  k: 'class';
  name: string;
  bases: Value[];
  members: Map<string, Value>;
  /** Subclass of torch.nn.Module / Dataset (directly or through user bases). */
  torchBase?: 'Module' | 'Dataset';
  /** A @dataclass: its own annotated fields in order (bases' fields come first when instantiated). */
  dataclassFields?: DataclassField[];
}
/** One dataclass field: `name: T = default` or `name: T = field(default=…/default_factory=…)`. */
export interface DataclassField {
  name: string;
  default?: Value;
  factory?: Value;
}
export interface ObjectValue {
  k: 'object';
  cls: ClassValue;
  attrs: Map<string, Value>;
  /** Made by analyseUncalled from __init__ with symbolic parameters (the file never creates one). */
  speculative?: boolean;
}
export interface FunctionValue {
  k: 'func';
  name: string;
  node: SyntaxNode;
  /** the enclosing scope (closures) */
  closure: unknown;
  isLambda: boolean;
  /** Default values evaluated at definition time, by parameter name. */
  defaults: Map<string, Value>;
  /** The class it is defined in (for super()). */
  ownerClass?: ClassValue;
}
export interface BoundMethodValue {
  k: 'bound';
  fn: FunctionValue;
  self: Value;
}
/** A built-in callable: Python builtins ("len"), torch functions ("torch.zeros"), methods ("Tensor.view" with self). */
export interface BuiltinValue {
  k: 'builtin';
  name: string;
  self?: Value;
}
/** A Python module namespace (torch, torch.nn, numpy, …). */
export interface NamespaceValue {
  k: 'ns';
  path: string;
}
/** Library objects the engine knows a little about: DataLoader, TensorDataset, optimizers, dtype, device, … */
export interface OpaqueValue {
  k: 'opaque';
  cls: string;
  attrs: Map<string, Value>;
}

export type Value =
  | UnknownValue
  | NoneValue
  | BoolValue
  | IntValue
  | FloatValue
  | StrValue
  | SeqValue
  | DictValue
  | SetValue
  | TensorValueA
  | PackedValueA
  | NnModuleValue
  | ClassValue
  | ObjectValue
  | FunctionValue
  | BoundMethodValue
  | BuiltinValue
  | NamespaceValue
  | OpaqueValue;

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}

export const UNKNOWN: UnknownValue = { k: 'unknown' };
export const NONE: NoneValue = { k: 'none' };
export const unknown = (why?: string): UnknownValue => (why ? { k: 'unknown', why } : UNKNOWN);
export const int = (v: number | null, sym?: string): IntValue => (sym && v === null ? { k: 'int', v, sym } : { k: 'int', v });
export const float = (v: number | null): FloatValue => ({ k: 'float', v });
export const bool = (v: boolean | null): BoolValue => ({ k: 'bool', v });
/** The largest list/tuple whose items the engine keeps (longer ones become sequences of unknown length), the largest
 *  string it keeps (longer ones become a str of unknown value), and how many items and string characters (16 to an
 *  item) one analysis may create in all: hostile code such as `'ab' * 268000000`, `l = l + l` in a loop or
 *  `[[0] * 100000 for _ in range(100000)]` otherwise exhausts the memory of the process (the extension host). */
export const MAX_KNOWN_ITEMS = 100_000;
export const MAX_KNOWN_CHARS = 1_000_000;
export const ITEM_BUDGET = 4_000_000;
export const CHARS_PER_ITEM = 16;
/** A string value; one longer than MAX_KNOWN_CHARS is kept as a str of unknown value. */
export const str = (v: string | null): StrValue => ({ k: 'str', v: v !== null && v.length > MAX_KNOWN_CHARS ? null : v });
/** How many budget items a value holds at its top level (items of a known sequence, characters of a known string). */
export function budgetSize(v: Value): number {
  if ((v.k === 'list' || v.k === 'tuple') && v.items) return v.items.length;
  if (v.k === 'str' && v.v !== null) return Math.ceil(v.v.length / CHARS_PER_ITEM);
  return 1;
}
export const list = (items: Value[]): SeqValue => ({ k: 'list', items });
export const tuple = (items: Value[]): SeqValue => ({ k: 'tuple', items });
export function tensor(shape: Shape, dtype: DType | null, opts: { data?: Tensor; facts?: TensorFacts; numpy?: boolean } = {}): TensorValueA {
  const t: TensorValueA = { k: 'tensor', shape, dtype, facts: opts.facts ?? {} };
  if (opts.data) t.data = opts.data;
  if (opts.numpy) t.numpy = true;
  return t;
}

/** The dim an int value stands for: known number, symbolic name, or unknown. */
export function dimOf(v: Value): Dim {
  if (v.k === 'int') return v.v ?? v.sym ?? null;
  if (v.k === 'unknown') return v.name ?? null;
  if (v.k === 'bool' && v.v !== null) return v.v ? 1 : 0;
  if (v.k === 'tensor' && v.shape !== null && v.shape.length === 0 && v.data && v.dtype !== 'float32' && v.dtype !== 'float64') {
    return v.data.data[0];
  }
  return null;
}

export function intFromDim(d: Dim): IntValue {
  return typeof d === 'number' ? int(d) : typeof d === 'string' ? int(null, d) : int(null);
}

/** Python truthiness when known, else null. */
export function truthy(v: Value): boolean | null {
  switch (v.k) {
    case 'none':
      return false;
    case 'bool':
      return v.v;
    case 'int':
    case 'float':
      return v.v === null ? null : v.v !== 0;
    case 'str':
      return v.v === null ? null : v.v.length > 0;
    case 'list':
    case 'tuple':
      return v.items === null ? (typeof v.len === 'number' ? v.len > 0 : null) : v.items.length > 0;
    case 'dict':
      return v.entries === null ? null : v.entries.size > 0;
    case 'set':
      return v.items === null ? null : v.items.length > 0;
    case 'tensor':
      if (v.data && v.data.numel === 1) return v.data.data[0] !== 0;
      return null;
    case 'nnmodule':
    case 'class':
    case 'object':
    case 'func':
    case 'bound':
    case 'builtin':
    case 'ns':
    case 'opaque':
    case 'packed':
      return true;
    case 'unknown':
      return null;
    default:
      return assertNever(v);
  }
}

function joinFacts(a: TensorFacts, b: TensorFacts): TensorFacts {
  if (a === b) return a;
  const out: TensorFacts = {};
  if (a.origin === b.origin) out.origin = a.origin;
  if (a.padded && b.padded) out.padded = true;
  if (a.timeDim === b.timeDim) out.timeDim = a.timeDim;
  if (a.rnn && b.rnn && JSON.stringify(a.rnn) === JSON.stringify(b.rnn)) out.rnn = a.rnn;
  if (a.padValue === b.padValue && a.padValue !== undefined) out.padValue = a.padValue;
  if (a.sourceT === b.sourceT && a.sourceT !== undefined) out.sourceT = a.sourceT;
  if (a.untrimmed && b.untrimmed) out.untrimmed = true;
  return out;
}

function joinIndexList(a: Dim[] | null | 'unknown', b: Dim[] | null | 'unknown'): Dim[] | null | 'unknown' {
  if (a === null && b === null) return null;
  if (a === null || b === null || a === 'unknown' || b === 'unknown') return 'unknown';
  if (a.length !== b.length) return 'unknown';
  return a.map((d, i) => joinDim(d, b[i]));
}

function joinDimList(a: Dim[] | null, b: Dim[] | null): Dim[] | null {
  if (a === null || b === null || a.length !== b.length) return null;
  return a.map((d, i) => joinDim(d, b[i]));
}

/** Least upper bound of two values (at if/else merges and loop heads). Depth-limited. */
export function join(a: Value, b: Value, depth = 0): Value {
  if (a === b) return a;
  if (depth > 8) return UNKNOWN;
  switch (a.k) {
    case 'unknown':
      return a;
    case 'none':
      return b.k === 'none' ? a : UNKNOWN;
    case 'bool':
      return b.k === 'bool' ? bool(a.v === b.v ? a.v : null) : UNKNOWN;
    case 'int':
      if (b.k !== 'int') return b.k === 'float' ? float(null) : UNKNOWN;
      if (a.v === b.v && a.sym === b.sym) return a;
      return int(null);
    case 'float':
      return b.k === 'float' || b.k === 'int' ? float(a.v === b.v ? a.v : null) : UNKNOWN;
    case 'str':
      return b.k === 'str' ? str(a.v === b.v ? a.v : null) : UNKNOWN;
    case 'list':
    case 'tuple': {
      if (b.k !== a.k) return UNKNOWN;
      if (a.items && b.items && a.items.length === b.items.length) {
        return { k: a.k, items: a.items.map((x, i) => join(x, b.items![i], depth + 1)), isSize: a.isSize && b.isSize };
      }
      const ea = seqElem(a);
      const eb = seqElem(b);
      const elem = ea && eb ? join(ea, eb, depth + 1) : (ea ?? eb);
      const la = a.items ? a.items.length : (a.len ?? null);
      const lb = b.items ? b.items.length : (b.len ?? null);
      return { k: a.k, items: null, elem, len: joinDim(la, lb) };
    }
    case 'dict':
      if (b.k !== 'dict') return UNKNOWN;
      if (a.entries && b.entries && a.entries.size === b.entries.size && [...a.entries.keys()].every((k) => b.entries!.has(k))) {
        const m = new Map<string, [Value, Value]>();
        for (const [k, [kv, v]] of a.entries) m.set(k, [kv, join(v, b.entries.get(k)![1], depth + 1)]);
        return { k: 'dict', entries: m, ...sameDictKind(a, b) };
      }
      return { k: 'dict', entries: null, ...sameDictKind(a, b) };
    case 'set':
      return b.k === 'set' ? { k: 'set', items: null } : UNKNOWN;
    case 'tensor': {
      if (b.k !== 'tensor') return UNKNOWN;
      if (!!a.numpy !== !!b.numpy) return UNKNOWN;
      const t = tensor(joinShape(a.shape, b.shape), a.dtype === b.dtype ? a.dtype : null, {
        facts: joinFacts(a.facts, b.facts),
        numpy: a.numpy,
      });
      if (a.data && b.data && sameData(a.data, b.data)) t.data = a.data;
      return t;
    }
    case 'packed': {
      if (b.k !== 'packed') return UNKNOWN;
      const data = join(a.data, b.data, depth + 1) as TensorValueA;
      return {
        k: 'packed',
        data,
        batchSizes: joinDimList(a.batchSizes, b.batchSizes),
        batchSize: joinDim(a.batchSize ?? null, b.batchSize ?? null),
        steps: joinDim(a.steps ?? null, b.steps ?? null),
        sortedIndices: joinIndexList(a.sortedIndices, b.sortedIndices),
        unsortedIndices: joinIndexList(a.unsortedIndices, b.unsortedIndices),
        facts: joinFacts(a.facts, b.facts),
      };
    }
    case 'nnmodule':
    case 'class':
    case 'object':
    case 'func':
    case 'bound':
    case 'builtin':
    case 'ns':
    case 'opaque':
      if (b.k === a.k && sameCallable(a, b)) return a;
      return UNKNOWN;
    default:
      return assertNever(a);
  }
}

/** The defaultdict factory / Counter flag two joined dicts share. */
function sameDictKind(a: DictValue, b: DictValue): Partial<DictValue> {
  const out: Partial<DictValue> = {};
  if (a.missing && a.missing === b.missing) out.missing = a.missing;
  if (a.counter && b.counter) out.counter = true;
  return out;
}

function sameCallable(a: Value, b: Value): boolean {
  if (a.k === 'bound' && b.k === 'bound') return a.fn === b.fn && a.self === b.self;
  if (a.k === 'builtin' && b.k === 'builtin') return a.name === b.name && a.self === b.self;
  if (a.k === 'ns' && b.k === 'ns') return a.path === b.path;
  return a === b;
}

function sameData(a: Tensor, b: Tensor): boolean {
  if (a === b) return true;
  if (a.dtype !== b.dtype || a.numel !== b.numel || a.shape.length !== b.shape.length) return false;
  for (let i = 0; i < a.shape.length; i++) if (a.shape[i] !== b.shape[i]) return false;
  for (let i = 0; i < a.numel; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/** One value describing every element of a sequence (joined), or undefined for an empty/unknown one. */
export function seqElem(s: SeqValue): Value | undefined {
  if (s.items === null) return s.elem;
  if (s.items.length === 0) return undefined;
  let e = s.items[0];
  for (let i = 1; i < s.items.length && i < 256; i++) e = join(e, s.items[i]);
  return e;
}

/** A copy of a value as it is now, for a binding's record: lists/tuples are mutable (append, sort, item writes),
 *  so the containers are copied (recursively, depth-bounded) and tensors shallowly (their shape/dtype at this
 *  point); everything else is shared. */
export function snapshotValue(v: Value, depth = 0): Value {
  if (depth > 8) return v;
  if (v.k === 'tensor') return { ...v };
  if ((v.k === 'list' || v.k === 'tuple') && v.items !== null && v.items.length <= 256) {
    return { ...v, items: v.items.map((it) => snapshotValue(it, depth + 1)) };
  }
  return v;
}

function sameDims(a: readonly Dim[] | null, b: readonly Dim[] | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Value equality used to decide whether a loop reached a fixpoint (structural, shallow on objects). */
export function sameValue(a: Value, b: Value, depth = 0): boolean {
  if (a === b) return true;
  if (a.k !== b.k || depth > 8) return false;
  switch (a.k) {
    case 'tensor': {
      // known data is part of the value (a loop target's 0-d length tensor is 8, then 4, then 6)
      const t = b as TensorValueA;
      if (!!a.data !== !!t.data || (a.data && t.data && !sameData(a.data, t.data))) return false;
      return a.dtype === t.dtype && sameDims(a.shape, t.shape) && !!a.numpy === !!t.numpy;
    }
    case 'packed': {
      const p = b as PackedValueA;
      return sameValue(a.data, p.data, depth + 1) && sameDims(a.batchSizes, p.batchSizes);
    }
    case 'int':
    case 'float':
    case 'bool':
    case 'str':
      return a.v === (b as IntValue).v && (a as IntValue).sym === (b as IntValue).sym;
    case 'list':
    case 'tuple': {
      const s = b as SeqValue;
      if (a.items === null || s.items === null) return a.items === s.items && a.len === s.len;
      return a.items.length === s.items.length && a.items.every((x, i) => sameValue(x, s.items![i], depth + 1));
    }
    default:
      return false;
  }
}

/** Python str() of a known value, or null. */
export function pyStr(v: Value): string | null {
  switch (v.k) {
    case 'str':
      return v.v;
    case 'int':
      return v.v === null ? null : String(v.v);
    case 'float':
      return v.v === null ? null : Number.isInteger(v.v) ? `${v.v}.0` : String(v.v);
    case 'bool':
      return v.v === null ? null : v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    default:
      return null;
  }
}
