// The abstract interpreter: walks the lezer syntax tree of a Python program and evaluates it over abstract values
// (runtime/interp/values.ts) without executing anything. Statements run in order; user functions are called with
// their argument values; nn.Module subclasses get their __init__ attributes and `model(x)` runs `forward`; loops
// iterate when their iterable is known and small, otherwise run abstractly until the loop state is stable (join);
// an `if` whose condition is unknown runs both branches and joins. Torch ops and Python builtins are delegated to
// rules (runtime/torch/ops, runtime/interp/builtins.ts). Budgets (steps, time, call depth, iterations, expression
// depth) turn runaway analysis into unknown values with a message, never a hang or a stack overflow.
import type { SyntaxNode } from '@lezer/common';
import { ShapeError, joinShape, symbolic, type Dim } from '../shape/dim';
import type { CodeSpan } from '../steps/step';
import { Scope, type ScopeWatch } from './scope';
import { Importer, MAX_CACHED_MODULES, type ImportContext, type LoadedModule, type ModuleFile } from './imports';
import { parsePython, type ParsedPython } from '../python/parse';
import { PositionMap, changedFields, childValues, fieldsOf, isImmutable, own, sameImmutable, type BindingState, type Owners, type UseState, type ReuseInput, type ReuseState, type StatementRecord } from './reuse';
import type { InterpreterHooks, OpCall } from './hooks';
import {
  NONE,
  UNKNOWN,
  bool,
  float,
  int,
  join,
  list,
  sameValue,
  snapshotValue,
  seqElem,
  str,
  truthy,
  tuple,
  unknown,
  tensor,
  intFromDim,
  type ClassValue,
  type DataclassField,
  type FunctionValue,
  type ObjectValue,
  type SeqValue,
  type OpaqueValue,
  type TensorValueA,
  type Value,
  pyStr,
  budgetSize,
  CHARS_PER_ITEM,
  ITEM_BUDGET,
  MAX_KNOWN_ITEMS,
  MAX_KNOWN_CHARS,
} from './values';
import { OpArgs, type OpRegistry, type OpServices } from '../torch/ops/registry';
import { allOps } from '../torch/ops/index';
import { dataLoaderBatches } from '../torch/ops/data';
import { findMethod } from './builtins';
import { PLAIN_INIT, RNG_VAR, drawFrom, rngEffect, seededStream } from '../torch/ops/rng-stream';
import type { TorchGenerator } from '../torch/random';
import { canonicalName, moduleAttr, nnIsInstance, nnModuleAttr, objectModuleMethod, tensorAttr, packedAttr } from '../torch/ops/attributes';
import { binaryOp, compareOp, unaryOp } from './operators';
import { indexValue, setIndexValue } from './indexing';
import { intArith, keyText } from './pyutil';

const COMPARE_OPS = new Set(['<', '>', '<=', '>=', '==', '!=', 'in', 'not in', 'is', 'is not', '<>']);

/** Library base classes whose __init__ draws no random numbers. */
const PLAIN_INIT_BASES = new Set(['nn.Module', 'torch.nn.Module', 'data.Dataset', 'data.IterableDataset', 'object']);

export interface InterpreterOptions {
  limits?: Partial<InterpreterLimits>;
  hooks?: InterpreterHooks;
  spanOf?: (from: number, to: number) => CodeSpan;
  reuse?: ReuseInput;
  record?: boolean;
  /** The program's other files (local imports, runtime/interp/imports.ts); static analysis only (not with hooks). */
  imports?: ImportContext;
  /** Set for the interpreter of an imported module: the program's interpreter and the shared importer. */
  imported?: { root: Interpreter; importer: Importer; module: LoadedModule };
}

export interface InterpreterLimits {
  /** Evaluation steps (statements + expressions) before the analysis degrades to unknowns. */
  maxSteps: number;
  /** Wall-clock budget in ms, same effect. */
  timeMs: number;
  /** Nested user function calls. */
  maxCallDepth: number;
  /** Concrete iterations of one loop execution before the rest is joined abstractly. */
  maxLoopIterations: number;
  /** Nesting of expressions/statements evaluated recursively. */
  maxNesting: number;
}

/** A concrete loop goes on past maxLoopIterations while all its iterations together took at most this many steps,
 *  up to this many iterations. */
const CHEAP_LOOP_STEPS = 20_000;
const CHEAP_LOOP_MAX_ITERATIONS = 4096;

export const DEFAULT_LIMITS: InterpreterLimits = {
  maxSteps: 3_000_000,
  timeMs: 2000,
  maxCallDepth: 24,
  maxLoopIterations: 64,
  maxNesting: 180,
};

export interface InterpDiagnostic {
  from: number;
  to: number;
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

/** A name bound by an assignment / for target / parameter: where, and its value (joined over executions). */
export interface Binding {
  name: string;
  from: number;
  to: number;
  /** The bound value itself (joined over executions; the same object the program holds, so identity-based
   *  consumers such as the run engine can match it with op events). */
  value: Value;
  /** The value as it was when bound (lists/tuples copied), joined over executions: what records and hovers show,
   *  unaffected by later in-place mutation (append, sort, item writes). */
  snapshot: Value;
  /** true for assignment and for-loop targets (what the fixture records), false for parameters etc. */
  recorded: boolean;
  /** An assignment target in code nobody calls, analysed with symbolic parameters (analyseUncalled): not a record
   *  (recorded is false), but its shape is shown (hover, inlay hint). */
  speculative?: boolean;
  executions: number;
}

/** An op evaluated at a call site (for the run engine and the diagnostics). */
export interface OpSite {
  op: string;
  from: number;
  to: number;
  self?: Value;
  args: Value[];
  kwargs: Map<string, Value>;
  result: Value;
}

type Completion = 'normal' | 'return' | 'break' | 'continue' | 'raise';
/** See Interpreter.loopJumps. */
interface LoopJumps {
  scope: Scope;
  breaks: Map<string, Value>[];
  continues: Map<string, Value>[];
  iterUncertain: number;
  loopUncertain: number;
}

interface Frame {
  returns: Value[];
  fn?: FunctionValue;
  self?: Value;
  /** A generator function's call: what it yields, in order (run eagerly when called); `uncertain` once a yield may
   *  or may not run (then only their join is known), `base` the uncertainty level of the call. */
  yields?: { items: Value[]; uncertain: boolean; base: number };
}

/** The most values a generator call keeps one by one (more: a sequence of unknown length). */
const MAX_YIELDS = 4096;

class Abort extends Error {}

/** Op rules that change their receiver (or, for functions, their first argument) in place: Python's mutating
 *  container methods, torch's trailing-underscore in-place convention, module registration. Statement reuse must
 *  know (runtime/interp/reuse.ts); list methods also report through OpServices.mutateSeq. */
const MUTATING_OPS = new Set([
  'list.append', 'list.extend', 'list.insert', 'list.pop', 'list.reverse', 'list.sort', 'list.clear', 'list.remove',
  'dict.setdefault', 'dict.update', 'dict.pop', 'dict.popitem', 'dict.clear',
  'set.add', 'set.update', 'set.discard', 'set.remove', 'set.pop', 'set.clear',
  'Module.register', 'rnn.unpad_sequence', 'argparse.ArgumentParser.add_argument', 'argparse.ArgumentParser.set_defaults',
  'random.shuffle', 'np.random.shuffle',
]);
const MUTATING_METHODS = new Set(['append', 'extend', 'insert', 'update', 'add_module', '__setitem__', '__delitem__', '__setattr__', '__iadd__']);
function mutatesReceiver(op: string): boolean {
  if (MUTATING_OPS.has(op)) return true;
  const at = op.lastIndexOf('.') + 1;
  // a trailing-underscore method that is not a dunder (`add_`, not `__init__`); no slice on this hot path
  if (op.endsWith('_') && op.length > at && !op.startsWith('__', at)) return true;
  if (op.startsWith('register_', at)) return /^register_\w+$/.test(op.slice(at));
  return MUTATING_METHODS.has(at === 0 ? op : op.slice(at));
}

/** Reductions kept as op sites (with rnn.* and nn.LSTM/GRU/RNN/Embedding ops): see recordOps. */
const KEPT_REDUCTION_SITES = new Set(['Tensor.mean', 'Tensor.sum', 'Tensor.max', 'torch.mean', 'torch.sum', 'torch.max']);

/** Bracket tokens of list/tuple/set/dict displays. */
const BRACKETS = new Set(['(', ')', '[', ']', '{', '}']);

/** In-place methods that change the receiver's shape (the others keep it and write into it). */
const SHAPE_CHANGING_IN_PLACE = new Set([
  'Tensor.transpose_', 'Tensor.swapaxes_', 'Tensor.swapdims_', 'Tensor.t_', 'Tensor.squeeze_', 'Tensor.unsqueeze_',
  'Tensor.resize_', 'Tensor.resize_as_', 'Tensor.set_', 'Tensor.as_strided_',
]);

/** A Tensor method that changes its receiver (`fill_`, `transpose_`, `add_`…; not dunder methods). */
function isInPlaceTensorMethod(op: string): boolean {
  if (!op.startsWith('Tensor.')) return false;
  const method = op.slice('Tensor.'.length);
  return method.endsWith('_') && !method.startsWith('_') && method !== 'requires_grad_';
}

const BUILTIN_NAMES = new Set([
  'len', 'range', 'enumerate', 'zip', 'map', 'filter', 'sorted', 'reversed', 'sum', 'max', 'min', 'abs', 'round',
  'list', 'tuple', 'dict', 'set', 'frozenset', 'str', 'int', 'float', 'bool', 'print', 'isinstance', 'issubclass',
  'hasattr', 'getattr', 'setattr', 'type', 'super', 'iter', 'next', 'any', 'all', 'open', 'repr', 'id', 'hash',
  'ord', 'chr', 'divmod', 'pow', 'input', 'callable', 'vars', 'dir', 'object', 'Exception', 'ValueError',
  'TypeError', 'RuntimeError', 'KeyError', 'IndexError', 'StopIteration', 'NotImplementedError', 'AssertionError',
  'property', 'staticmethod', 'classmethod', 'slice', 'format', 'globals', 'locals', 'exec', 'eval', 'bytes',
  // (run engine) calls a run must refuse: named here so the hooks see them as ops and report them at the call
  '__import__', 'compile', 'breakpoint',
]);

export class Interpreter implements ScopeWatch {
  readonly bindings = new Map<number, Binding>();
  /** Values of Name occurrences in load position (hover on any use), joined over executions. */
  readonly uses = new Map<number, { to: number; value: Value }>();
  /** In code nobody calls (analyseUncalled, which runs after the statements and is never replayed): values of
   *  attributes of user objects read or assigned (`self.lstm`), by the attribute name's position, for hovers. */
  readonly memberUses = new Map<number, { to: number; value: Value }>();
  readonly diagnostics: InterpDiagnostic[] = [];
  readonly opSites: OpSite[] = [];
  readonly limits: InterpreterLimits;

  private readonly text: string;
  private readonly ops: OpRegistry;
  private steps = 0;
  private readonly deadline: number;
  /** The program's local modules, shared by the program's interpreter and those of the modules it imports. */
  private readonly importer: Importer | null;
  /** For an imported module's interpreter: the program's (its random stream and deadline are the program's). */
  private readonly root: Interpreter | null;
  /** For an imported module's interpreter: the module (name, package, scope). */
  private readonly module: LoadedModule | null;
  /** While another module's interpreter calls into this one: the errors raised (repeats included), for its call. */
  private raised: InterpDiagnostic[] | null = null;
  private exhausted = false;
  /** Sequence items and string characters (CHARS_PER_ITEM to an item) created so far, against ITEM_BUDGET. */
  private itemsCreated = 0;
  private budgetNoted = false;
  /** Past twice the budget: remaining statements are skipped entirely. */
  private stopped = false;
  private callDepth = 0;
  /** Calls in progress with their arguments: a call that repeats one of them exactly cannot make progress. */
  private readonly activeCalls: { fn: FunctionValue; args: Value[]; kwargs: Map<string, Value> }[] = [];
  private nesting = 0;
  /** >0 while running code that may or may not execute (unknown branch, abstract loop): mutations of shared
   *  objects become weak updates (joined with the old value). */
  private uncertain = 0;
  /** The innermost loop running in the current scope: the states of its `break` / `continue` arms that may or may
   *  not run (joined into the state after the loop / before the next iteration), and the uncertainty they add to the
   *  rest of the iteration (continue) or the rest of the loop (break). */
  private loopJumps: LoopJumps | null = null;
  /** Function definitions (by start offset) whose body yields: calling them makes a generator. */
  private readonly generatorFns = new Map<number, boolean>();
  /** The module scope (holds torch's global random stream, see runtime/torch/ops/rng-stream.ts). */
  private moduleScope: Scope | null = null;
  /** The generator each stream value leaves behind, so consecutive draws do not replay from the seed. */
  private readonly rngCache = new WeakMap<OpaqueValue, TorchGenerator>();
  /** >0 while an op rule calls back into user code (collate_fn, Sequential members, a DataLoader's first batch) or a
   *  generator body runs eagerly: what happens there is not in PyTorch's order, so it draws no exact random values. */
  private outOfOrder = 0;
  /** >0 while analysing a function nobody called (analyseUncalled): its ops are not part of the program's run. */
  private speculative = 0;
  /** Positions of bindings and uses first made by speculative analysis: only those are joined with further
   *  speculative values (a program's own binding never takes in a value of code nobody called). */
  private readonly speculativeAt = new Set<number>();
  /** The function analyseUncalled is entering: its parameters that no argument gives are open (symbolic, named
   *  after the parameter; defaults are not assumed, *args/**kwargs have unknown contents). */
  private openCall: FunctionValue | null = null;
  private frame: Frame = { returns: [] };
  private readonly called = new Set<FunctionValue>();
  private readonly defined: FunctionValue[] = [];
  private readonly instances = new Map<ClassValue, ObjectValue>();
  private readonly diagKeys = new Set<string>();
  private currentCall: SyntaxNode | null = null;

  // statement reuse (runtime/interp/reuse.ts): records of the top-level statements, for the next analysis
  /** Recording is on for static analysis (no hooks: the run engine's values and RNG streams are never reused)
   *  unless the caller says no re-analysis will use the records (opts.record false: notebooks, selections).
   *  It says nothing else: "static analysis only" behaviour tests !this.opts.hooks, not this. */
  private readonly recording: boolean;
  /** The record of the top-level statement being interpreted. */
  private rec: StatementRecord | null = null;
  private readonly written = new Set<string>();
  private createdFns: FunctionValue[] = [];
  /** Values owned by earlier statements that the statement being recorded changed in place. */
  private readonly mutatedOlder: Value[] = [];
  private readonly records: StatementRecord[] = [];
  /** By statement index: its record was replayed (its values are the previous analysis's objects). */
  private readonly replayed: boolean[] = [];
  /** The lineage of the top-level statement that first bound a value to a module variable (or created a first
   *  instance); the previous analysis's map, extended. */
  private owners: Owners = new WeakMap();
  /** Lineage → index of its statement in this analysis. */
  private readonly lineageIndex = new Map<object, number>();
  /** A replayed value was mutated: nothing after it may be replayed (and descriptions of values cannot be reused). */
  tainted = false;
  /** Nodes in this tree of functions created by replayed statements (fn.node is in an older tree). */
  private readonly fnNodes = new Map<FunctionValue, SyntaxNode>();
  /** Statements replayed / interpreted (for benchmarks and tests). */
  readonly reuseStats = { replayed: 0, interpreted: 0 };
  /** This analysis's records for the next one; null when they cannot be used (budget ran out, run engine). */
  reuseState: ReuseState | null = null;

  constructor(
    readonly parsed: ParsedPython,
    private readonly opts: InterpreterOptions = {},
  ) {
    this.text = parsed.text;
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.root = opts.imported?.root ?? null;
    this.module = opts.imported?.module ?? null;
    // a run (hooks) has an importer too, only to name the project's modules it does not run (importLocal)
    this.importer = opts.imported?.importer ?? (opts.imports ? new Importer(opts.imports, (file, mod, by) => (by as Interpreter).runImported(file, mod)) : null);
    this.deadline = this.root ? this.root.deadline : Date.now() + this.limits.timeMs;
    this.ops = allOps();
    this.recording = !opts.hooks && opts.record !== false;
  }

  /** The program's other files read (local imports), in load order. */
  get dependencies(): readonly ModuleFile[] {
    return this.importer ? this.importer.files : [];
  }

  run(): Scope {
    const stmts = this.statements(this.parsed.tree.topNode);
    if (!this.recording) {
      const module = this.module ? this.module.scope : new Scope('module', null);
      this.moduleScope = module;
      this.importer?.homes.set(module, this);
      module.vars.set('__name__', str(this.module ? this.module.name : '__main__'));
      this.execBlock(stmts, module);
      // an imported module's functions are only analysed as the program calls them
      if (!this.root) this.analyseUncalled();
      return module;
    }
    // the previous analysis's module scope object is refilled: the closures of replayed functions point at it
    const prev = this.opts.reuse && !this.opts.reuse.state.consumed ? this.opts.reuse : null;
    if (prev) prev.state.consumed = true;
    const module = prev ? prev.state.module : new Scope('module', null);
    this.moduleScope = module;
    if (prev) this.owners = prev.state.owners;
    module.vars.clear();
    module.globalNames.clear();
    module.vars.set('__name__', str('__main__'));
    module.watch = this;
    this.importer?.homes.set(module, this);
    try {
      const candidates = prev ? this.reuseCandidates(prev) : null;
      for (let i = 0; i < stmts.length; i++) {
        const s = stmts[i];
        const cand = candidates?.get(s.from);
        if (cand && prev) {
          const n = this.replay(prev.state.records, cand, stmts, i, candidates!, module);
          if (n > 0) {
            i += n - 1;
            continue;
          }
        }
        if (this.execRecorded(s, i, module) !== 'normal') break;
      }
      this.analyseUncalled();
    } finally {
      module.watch = null;
    }
    // values of the program's other modules are made again by every analysis (their files may have changed): nothing
    // that could hold one is replayed
    this.reuseState = this.exhausted || this.stopped || this.importer?.loadedAny ? null : { records: this.records, module, consumed: false, owners: this.owners };
    return module;
  }

  // ───────────────────────────── statement reuse ─────────────────────────────

  /** The previous analysis's records whose statement and recorded positions no change touches, by their start in
   *  this text, with their shift. */
  private reuseCandidates(prev: ReuseInput): Map<number, Candidate> {
    const out = new Map<number, Candidate>();
    const map = new PositionMap(prev.changes);
    prev.state.records.forEach((r, index) => {
      const d = map.shiftOf(r.lo + r.shift, r.hi + r.shift);
      if (d !== null) out.set(r.from + r.shift + d, { rec: r, shift: r.shift + d, index });
    });
    return out;
  }

  /** Interprets a top-level statement and records what it did. */
  private execRecorded(s: SyntaxNode, index: number, module: Scope): Completion {
    const rec: StatementRecord = {
      from: s.from, to: s.to, shift: 0, lo: s.from, hi: s.to,
      reads: new Map(), writes: new Map(), bindingsBefore: new Map(), bindingsAfter: new Map(), usesBefore: new Map(), usesAfter: new Map(),
      diags: [], opSites: [], called: [], defined: [], instances: [], fns: [], steps: 0, clean: true, lineage: {}, groupLength: 0, mutatesOlder: false,
    };
    const sites0 = this.opSites.length;
    const defined0 = this.defined.length;
    const steps0 = this.steps;
    this.written.clear();
    this.createdFns = [];
    this.mutatedOlder.length = 0;
    this.rec = rec;
    let c: Completion;
    try {
      c = this.execStmt(s, module);
    } finally {
      this.rec = null;
    }
    this.reuseStats.interpreted++;
    if (c !== 'normal' || this.exhausted) rec.clean = false;
    rec.steps = this.steps - steps0;
    for (const name of this.written) {
      const v = module.vars.get(name);
      if (v === undefined) rec.clean = false;
      else rec.writes.set(name, v);
    }
    let lo = s.from;
    let hi = s.to;
    for (const k of rec.bindingsBefore.keys()) {
      const b = this.bindings.get(k)!;
      rec.bindingsAfter.set(k, { ...b });
      if (k < lo) lo = k;
      if (b.to > hi) hi = b.to;
    }
    for (const k of rec.usesBefore.keys()) {
      const u = this.uses.get(k)!;
      rec.usesAfter.set(k, u);
      if (k < lo) lo = k;
      if (u.to > hi) hi = u.to;
    }
    rec.opSites = this.opSites.slice(sites0);
    rec.defined = this.defined.slice(defined0);
    for (const fn of this.createdFns) {
      const n = this.nodeOf(fn);
      rec.fns.push({ fn, from: n.from, to: n.to });
    }
    for (const xs of [rec.opSites, rec.diags, rec.fns]) {
      for (const x of xs) {
        if (x.from < lo) lo = x.from;
        if (x.to > hi) hi = x.to;
      }
    }
    rec.lo = lo;
    rec.hi = hi;
    if (rec.writes.size > 0) own(this.owners, rec.writes.values(), rec.lineage);
    if (rec.instances.length > 0) own(this.owners, rec.instances.map(([, obj]) => obj), rec.lineage);
    if (this.mutatedOlder.length > 0) {
      // what this statement attached to older values (`self.state = {...}` in a method) is its own: a later
      // statement that changes it must join the group too
      const kids: Value[] = [];
      for (const v of this.mutatedOlder) childValues(v, kids);
      own(this.owners, kids, rec.lineage);
      this.mutatedOlder.length = 0;
    }
    this.lineageIndex.set(rec.lineage, index);
    this.records.push(rec);
    this.replayed.push(false);
    return c;
  }

  /** Replays the previous analysis's record `cand` for the statement at `index` — with the records of the following
   *  statements when they form a group (statements that mutate values an earlier one created: they are replayed
   *  together or not at all, since a replayed value is in its state after the whole group) — if that gives exactly
   *  what interpreting them would (the conditions of runtime/interp/reuse.ts). Returns the number of statements
   *  replayed (0: interpret this one). */
  private replay(previous: StatementRecord[], cand: Candidate, stmts: SyntaxNode[], index: number, candidates: Map<number, Candidate>, module: Scope): number {
    if (this.tainted || this.exhausted || cand.rec.mutatesOlder) return 0;
    // the group: old records cand.index … end (closed under their group lengths)
    let end = cand.index + cand.rec.groupLength;
    for (let k = cand.index; k <= end && k < previous.length; k++) end = Math.max(end, k + previous[k].groupLength);
    if (end >= previous.length) return 0;
    const members: Candidate[] = [];
    for (let k = cand.index; k <= end; k++) {
      const s = stmts[index + k - cand.index];
      const c = s ? candidates.get(s.from) : undefined;
      if (!s || !c || c.rec !== previous[k] || c.rec.to + c.shift !== s.to) return 0;
      members.push(c);
    }
    // validate every member against the state the members before it leave (overlays), then apply them all
    const vars = new Map<string, Value>();
    const bindings = new Map<number, BindingState>();
    const uses = new Map<number, UseState>();
    const nodes: SyntaxNode[][] = [];
    let steps = this.steps;
    for (const { rec: r, shift: d } of members) {
      if (!r.clean || (steps += r.steps) > this.limits.maxSteps) return 0;
      for (const [name, v] of r.reads) {
        const cur = vars.get(name) ?? module.vars.get(name);
        if (cur !== v && !(cur && v && sameImmutable(cur, v))) return 0;
      }
      for (const [k, before] of r.bindingsBefore) if (!sameBindingState(bindings.get(k + d) ?? this.bindings.get(k + d), before, d)) return 0;
      for (const [k, before] of r.usesBefore) {
        const cur = uses.get(k + d) ?? this.uses.get(k + d);
        if (before === null ? cur !== undefined : !cur || cur.value !== before.value || cur.to !== before.to + d) return 0;
      }
      const ns: SyntaxNode[] = [];
      for (const f of r.fns) {
        const n = this.nodeAt(f.from + d, f.to + d, f.fn.isLambda ? 'LambdaExpression' : 'FunctionDefinition');
        if (!n) return 0;
        ns.push(n);
      }
      nodes.push(ns);
      if (members.length > 1) {
        for (const [name, v] of r.writes) vars.set(name, v);
        for (const [k, after] of r.bindingsAfter) bindings.set(k + d, { ...after, from: after.from + d, to: after.to + d });
        for (const [k, after] of r.usesAfter) uses.set(k + d, { to: after.to + d, value: after.value });
      }
    }
    members.forEach(({ rec: r, shift: d }, j) => {
      for (const [name, v] of r.writes) module.vars.set(name, v);
      for (const [k, after] of r.bindingsAfter) this.bindings.set(k + d, { ...after, from: after.from + d, to: after.to + d });
      for (const [k, after] of r.usesAfter) this.uses.set(k + d, d === 0 ? after : { to: after.to + d, value: after.value });
      for (const a of r.diags) this.diag(a.from + d, a.to + d, a.code, a.severity, a.message);
      for (const o of r.opSites) this.opSites.push(d === 0 ? o : { ...o, from: o.from + d, to: o.to + d });
      for (const fn of r.called) this.called.add(fn);
      for (const fn of r.defined) this.defined.push(fn);
      for (const [cls, obj] of r.instances) if (!this.instances.has(cls)) this.instances.set(cls, obj);
      r.fns.forEach((f, i) => this.fnNodes.set(f.fn, nodes[j][i]));
      this.steps += r.steps;
      // its values are owned already (the owners map is the previous analysis's)
      this.lineageIndex.set(r.lineage, index + j);
      this.records.push({ ...r, shift: d, clean: true });
      this.replayed.push(true);
      this.reuseStats.replayed++;
    });
    return members.length;
  }

  /** The node of `name` spanning exactly [from, to) in this tree. */
  private nodeAt(from: number, to: number, name: string): SyntaxNode | null {
    for (let n: SyntaxNode | null = this.parsed.tree.resolveInner(from, 1); n; n = n.parent) {
      if (n.from === from && n.to === to && n.name === name) return n;
      if (n.from < from || n.to > to) return null;
    }
    return null;
  }

  /** A function's definition / lambda node in this tree. */
  private nodeOf(fn: FunctionValue): SyntaxNode {
    return this.fnNodes.get(fn) ?? fn.node;
  }

  /** (ScopeWatch of the module scope) a module variable read by the statement being recorded. */
  read(name: string, v: Value | undefined): void {
    const r = this.rec;
    if (r && !this.written.has(name) && !r.reads.has(name)) r.reads.set(name, v);
  }

  write(name: string): void {
    if (this.rec) this.written.add(name);
  }

  wholesale(): void {
    // module variables copied/joined wholesale (a top-level branch or loop): what the statement depends on is not
    // a list of names any more
    if (this.rec) this.rec.clean = false;
  }

  /** Every in-place change of a value goes through here: a value owned by an earlier statement makes that
   *  statement's record (and the current one) unusable, and if the value was replayed, stops reuse. */
  private noteMutation(v: Value | undefined): void {
    if (!v || !this.recording) return;
    const lineage = this.owners.get(v);
    if (lineage === undefined) return;
    const owner = this.lineageIndex.get(lineage);
    if (owner === undefined) {
      // a value of a statement not in this analysis cannot be reached; if it is, reuse stops
      this.tainted = true;
      if (this.rec) this.rec.clean = false;
      return;
    }
    // replayed values are in their state after their group: a mutation outside it invalidates what follows
    if (this.replayed[owner]) this.tainted = true;
    if (!this.rec) {
      // after the statements (functions nobody called): the owner cannot be replayed
      this.records[owner].clean = false;
      return;
    }
    // the owner and the statements up to this one replay together or not at all
    this.mutatedOlder.push(v);
    const r = this.records[owner];
    r.groupLength = Math.max(r.groupLength, this.records.length - owner);
    this.rec.mutatesOlder = true;
  }

  /** A value and what it holds directly (an op may change a module's submodule list, an object's attribute). */
  private noteDeepMutation(v: Value | undefined): void {
    if (!v || !this.recording) return;
    this.noteMutation(v);
    const kids: Value[] = [];
    childValues(v, kids);
    for (const k of kids) this.noteMutation(k);
  }

  // ───────────────────────────── budgets and diagnostics ─────────────────────────────

  private tick(): void {
    ++this.steps;
    if ((this.steps & 1023) !== 0 && this.steps <= this.limits.maxSteps) return;
    const now = Date.now();
    if (!this.exhausted && (this.steps > this.limits.maxSteps || now > this.deadline)) {
      this.exhausted = true;
      this.diag(0, 0, 'RNNL-LIMIT', 'info', 'analysis budget exhausted: the rest of the file is analysed without loops or calls (values may be unknown)');
    }
    if (!this.stopped && (this.steps > 4 * this.limits.maxSteps || now > this.deadline + this.limits.timeMs)) {
      this.stopped = true;
      this.diag(0, 0, 'RNNL-LIMIT', 'info', 'analysis time limit reached: the rest of the file is not analysed');
    }
  }

  diag(from: number, to: number, code: string, severity: InterpDiagnostic['severity'], message: string): void {
    if (this.rec) this.rec.diags.push({ from, to, code, severity, message });
    if (this.raised && severity === 'error') this.raised.push({ from, to, code, severity, message });
    const key = `${from}:${code}:${message}`;
    if (this.diagKeys.has(key)) return;
    this.diagKeys.add(key);
    this.diagnostics.push({ from, to, code, severity, message });
  }

  private t(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  private statements(node: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = fc(node); c; c = nx(c)) {
      if (c.name === 'StatementGroup') out.push(...this.statements(c));
      else if (c.name !== ':' && c.name !== 'Comment' && c.name !== ';') out.push(c);
    }
    return out;
  }

  // ───────────────────────────── statements ─────────────────────────────

  private execBlock(stmts: SyntaxNode[], scope: Scope): Completion {
    for (const s of stmts) {
      const c = this.execStmt(s, scope);
      if (c !== 'normal') return c;
    }
    return 'normal';
  }

  private bodyOf(node: SyntaxNode): SyntaxNode[] {
    const body = childNamed(node, 'Body');
    return body ? this.statements(body) : [];
  }

  private execStmt(node: SyntaxNode, scope: Scope): Completion {
    this.tick();
    if (this.stopped) return 'normal';
    if (++this.nesting > this.limits.maxNesting) {
      this.nesting--;
      this.diag(node.from, node.to, 'RNNL-LIMIT', 'info', 'statement nested too deeply: not analysed');
      return 'normal';
    }
    try {
      return this.execStmtInner(node, scope);
    } catch (e) {
      if (e instanceof Abort) throw e;
      if (e instanceof RangeError && /call stack/i.test(e.message)) {
        this.diag(node.from, node.to, 'RNNL-LIMIT', 'info', 'statement too deeply nested to analyse');
        return 'normal';
      }
      throw e;
    } finally {
      this.nesting--;
    }
  }

  private execStmtInner(node: SyntaxNode, scope: Scope): Completion {
    switch (node.name) {
      case 'ExpressionStatement': {
        const e = fc(node);
        if (e) this.eval(e, scope);
        return 'normal';
      }
      case 'AssignStatement':
        this.execAssign(node, scope);
        return 'normal';
      case 'UpdateStatement':
        this.execUpdate(node, scope);
        return 'normal';
      case 'ImportStatement':
        this.execImport(node, scope);
        return 'normal';
      case 'FunctionDefinition':
        this.defineFunction(node, scope, []);
        return 'normal';
      case 'ClassDefinition':
        this.defineClass(node, scope);
        return 'normal';
      case 'DecoratedStatement': {
        const decorators = childrenNamed(node, 'Decorator');
        const inner = lc(node);
        if (inner?.name === 'FunctionDefinition') this.defineFunction(inner, scope, decorators);
        else if (inner?.name === 'ClassDefinition') this.defineClass(inner, scope, decorators);
        return 'normal';
      }
      case 'IfStatement':
        return this.execIf(node, scope);
      case 'ForStatement':
        return this.execFor(node, scope);
      case 'WhileStatement':
        return this.execWhile(node, scope);
      case 'WithStatement':
        return this.execWith(node, scope);
      case 'TryStatement':
        return this.execTry(node, scope);
      case 'ReturnStatement': {
        const e = childrenNamed(node, 'return').length ? lc(node) : null;
        const v = e && e.name !== 'return' ? this.evalExprList(node, scope, 1) : NONE;
        this.frame.returns.push(v);
        return 'return';
      }
      case 'PassStatement':
        return 'normal';
      case 'BreakStatement':
        return 'break';
      case 'ContinueStatement':
        return 'continue';
      case 'RaiseStatement':
        return 'raise';
      case 'AssertStatement': {
        const e = nx(fc(node));
        if (e) {
          this.eval(e, scope);
          this.refineByAssert(e, scope);
        }
        return 'normal';
      }
      case 'DeleteStatement':
        return 'normal';
      case 'ScopeStatement': {
        if (fc(node)?.name === 'global') for (const n of childrenNamed(node, 'VariableName')) scope.globalNames.add(this.t(n));
        if (fc(node)?.name === 'nonlocal') for (const n of childrenNamed(node, 'VariableName')) scope.nonlocalNames.add(this.t(n));
        return 'normal';
      }
      case 'StatementGroup':
        return this.execBlock(this.statements(node), scope);
      case 'MatchStatement':
      case 'PrintStatement':
        return 'normal';
      case 'YieldStatement':
        this.execYield(node, scope);
        return 'normal';
      default:
        return 'normal';
    }
  }

  /** `yield v` / `yield a, b` / `yield from it` in a generator function's body: the values join the call's yields. */
  private execYield(node: SyntaxNode, scope: Scope): void {
    const from = nx(fc(node))?.name === 'from';
    const v = this.evalExprList(node, scope, from ? 2 : 1);
    const g = this.frame.yields;
    if (!g) return;
    if (this.uncertain > g.base) g.uncertain = true;
    if (from) {
      const its = this.iterItems(v);
      if (its) for (const it of its) g.items.push(snapshotValue(it));
      else {
        g.uncertain = true;
        g.items.push(this.elemOf(v) ?? UNKNOWN);
      }
    } else g.items.push(snapshotValue(v));
    if (g.items.length > MAX_YIELDS) {
      g.uncertain = true;
      g.items = [seqElem(list(g.items.slice(0, 256))) ?? UNKNOWN];
    }
  }

  /** Whether a function's own body (not its nested functions/classes) contains `yield`. */
  private isGenerator(fnNode: SyntaxNode): boolean {
    const known = this.generatorFns.get(fnNode.from);
    if (known !== undefined) return known;
    let found = false;
    const body = childNamed(fnNode, 'Body');
    if (body) {
      const cur = body.cursor();
      const walk = (): void => {
        do {
          const name = cur.name;
          if (name === 'YieldStatement' || name === 'YieldExpression') {
            found = true;
            return;
          }
          if (name === 'FunctionDefinition' || name === 'ClassDefinition' || name === 'LambdaExpression') continue;
          if (cur.firstChild()) {
            walk();
            cur.parent();
            if (found) return;
          }
        } while (cur.nextSibling());
      };
      if (cur.firstChild()) walk();
    }
    this.generatorFns.set(fnNode.from, found);
    return found;
  }

  /** `a = b = expr`, `x: T = expr`, `a, (b, c) = expr`, `x[i] = v`, `self.h = v`. */
  private execAssign(node: SyntaxNode, scope: Scope): void {
    const groups: SyntaxNode[][] = [[]];
    for (let c = fc(node); c; c = nx(c)) {
      if (c.name === 'AssignOp') groups.push([]);
      else if (c.name !== 'TypeDef') groups[groups.length - 1].push(c);
    }
    if (groups.length < 2) return; // annotation without value
    const valueNodes = groups.pop()!;
    let value = this.evalCommaList(valueNodes, scope);
    if (!this.opts.hooks && groups.length === 1 && valueNodes.length === 1) value = this.refineSizes(groups[0], valueNodes[0], value, scope);
    for (const g of groups) this.assignTargetList(g, value, scope, node);
    // (not groups.flat(): V8's generic flat is slow on this hot path)
    this.recordFinalValues(groups.length === 1 ? groups[0] : ([] as SyntaxNode[]).concat(...groups), scope);
  }

  /** (Code nobody calls) the value of `obj.name` at the attribute name, joined over executions. */
  private noteMemberUse(prop: SyntaxNode, v: Value): void {
    const prev = this.memberUses.get(prop.from);
    this.memberUses.set(prop.from, { to: prop.to, value: prev && prev.value !== v ? join(prev.value, v) : v });
  }

  /** Sound refinements from how the code reads sizes (static analysis only, where the value is not known):
   *  - `B, T = x.shape` / `x.size()`: unpacking into n names proves x has rank n; an x of unknown rank becomes a
   *    tensor (B, T), and its unknown dims are named after the targets (B, T; `_` stays unknown);
   *  - `batch_size = x.size(0)` / `x.shape[0]` / `len(x)`: an unknown size gets the symbol `batch_size`, and a
   *    tensor x of known rank whose dim 0 was unknown reads (batch_size, …) from here on.
   *  Only outside uncertain control flow (a loop iteration or a branch may rebind the name to another size). */
  private refineSizes(targets: SyntaxNode[], valueNode: SyntaxNode, value: Value, scope: Scope): Value {
    if (this.uncertain > 0) return value;
    const names = targets.filter((n) => n.name !== ',');
    const source = sizeSource(valueNode, (n) => this.t(n));
    if (!source) return value;
    const x = scope.lookup(source.name);
    if (x === undefined || (x.k !== 'unknown' && x.k !== 'tensor')) return value;
    if (source.index === null) {
      // B, T = x.shape
      const list = names.length === 1 && (names[0].name === 'TupleExpression' || names[0].name === 'ParenthesizedExpression')
        ? childList(names[0]).filter((n) => n.name !== ',' && n.name !== '(' && n.name !== ')')
        : names;
      if (list.length < 1 || !list.every((n) => n.name === 'VariableName')) return value;
      const syms = list.map((n) => this.t(n)).map((t) => (t === '_' ? null : t));
      if (x.k === 'tensor' && x.shape && x.shape.length !== syms.length) return value;
      const prev: Dim[] = x.k === 'tensor' && x.shape ? x.shape : syms.map(() => null);
      const shape = prev.map((d, i) => (d === null ? syms[i] : d));
      if (x.k === 'tensor' && x.shape && shape.every((d, i) => d === x.shape![i])) return value;
      const refined = tensor(shape, x.k === 'tensor' ? x.dtype : null, x.k === 'tensor' ? { facts: x.facts, numpy: x.numpy } : {});
      scope.set(source.name, refined);
      return { k: 'tuple', items: shape.map((d) => intFromDim(d)), isSize: true };
    }
    if (names.length !== 1 || names[0].name !== 'VariableName') return value;
    const sym = this.t(names[0]);
    if (!((value.k === 'int' && value.v === null && !value.sym) || (value.k === 'unknown' && !value.name))) return value;
    if (source.index !== 'len' && x.k === 'tensor' && x.shape) {
      const r = x.shape.length;
      const i = source.index < 0 ? source.index + r : source.index;
      if (i < 0 || i >= r || x.shape[i] !== null) return value;
      const shape = [...x.shape];
      shape[i] = sym;
      scope.set(source.name, tensor(shape, x.dtype, { facts: x.facts, numpy: x.numpy }));
    }
    return value.k === 'int' ? int(null, sym) : { k: 'unknown', why: `a size, named ${sym}`, name: sym };
  }

  /** A name bound twice by one statement (`_, (h, _) = lstm(x)`) holds the last value afterwards: that is what
   *  each occurrence records (the fixture reads the variables after the statement). */
  private recordFinalValues(targets: SyntaxNode[], scope: Scope): void {
    if (targets.length === 1 && targets[0].name === 'VariableName') return; // `x = …`: one name, nothing to do
    const names: SyntaxNode[] = [];
    const collect = (n: SyntaxNode, depth: number): void => {
      if (depth > 32) return;
      if (n.name === 'VariableName') names.push(n);
      else if (n.name === 'TupleExpression' || n.name === 'ArrayExpression' || n.name === 'ParenthesizedExpression') {
        for (let c = fc(n); c; c = nx(c)) collect(c, depth + 1);
      }
    };
    for (const t of targets) collect(t, 0);
    if (names.length < 2) return;
    const counts = new Map<string, number>();
    for (const n of names) counts.set(this.t(n), (counts.get(this.t(n)) ?? 0) + 1);
    for (const n of names) {
      if ((counts.get(this.t(n)) ?? 0) < 2) continue;
      const b = this.bindings.get(n.from);
      if (b && this.rec && !this.rec.bindingsBefore.has(n.from)) this.rec.bindingsBefore.set(n.from, { ...b });
      const final = scope.lookup(this.t(n));
      if (!b || final === undefined) continue;
      if (b.executions === 1) b.snapshot = snapshotValue(final);
      else if (!sameValue(b.snapshot, final)) b.snapshot = join(b.snapshot, snapshotValue(final));
    }
  }

  /** A comma-separated list of expression nodes (with ',' tokens) → one value (a tuple if there are commas). */
  private evalCommaList(nodes: SyntaxNode[], scope: Scope): Value {
    const hasComma = nodes.some((n) => n.name === ',');
    const exprs = this.splitStarred(nodes);
    if (!hasComma && exprs.length === 1 && !exprs[0].starred) return this.eval(exprs[0].node, scope);
    const items: Value[] = [];
    for (const e of exprs) {
      const v = this.eval(e.node, scope);
      if (e.starred) {
        const its = this.iterItems(v);
        if (!its) return tuple([]) && { k: 'tuple', items: null };
        items.push(...its);
      } else items.push(v);
    }
    return tuple(items);
  }

  private splitStarred(nodes: SyntaxNode[]): { node: SyntaxNode; starred: boolean }[] {
    const out: { node: SyntaxNode; starred: boolean }[] = [];
    let star = false;
    for (const n of nodes) {
      if (n.name === ',') continue;
      if (n.name === '*') {
        star = true;
        continue;
      }
      out.push({ node: n, starred: star });
      star = false;
    }
    return out;
  }

  private evalExprList(node: SyntaxNode, scope: Scope, skip: number): Value {
    const nodes: SyntaxNode[] = [];
    let i = 0;
    for (let c = fc(node); c; c = nx(c), i++) if (i >= skip) nodes.push(c);
    return this.evalCommaList(nodes, scope);
  }

  private assignTargetList(targets: SyntaxNode[], value: Value, scope: Scope, stmt: SyntaxNode): void {
    const hasComma = targets.some((n) => n.name === ',');
    const exprs = this.splitStarred(targets);
    if (!hasComma && exprs.length === 1 && !exprs[0].starred) {
      this.assignTarget(exprs[0].node, value, scope, stmt);
      return;
    }
    this.destructure(exprs, value, scope, stmt);
  }

  private destructure(exprs: { node: SyntaxNode; starred: boolean }[], value: Value, scope: Scope, stmt: SyntaxNode): void {
    const items = this.iterItems(value);
    const starAt = exprs.findIndex((e) => e.starred);
    if (items && starAt < 0 && items.length !== exprs.length) {
      const msg = items.length > exprs.length ? `too many values to unpack (expected ${exprs.length})` : `not enough values to unpack (expected ${exprs.length}, got ${items.length})`;
      this.diag(stmt.from, stmt.to, 'RNNL-UNPACK', 'error', `ValueError: ${msg}`);
      for (const e of exprs) this.assignTarget(e.node, UNKNOWN, scope, stmt);
      return;
    }
    const elem = items ? undefined : this.elemOf(value);
    exprs.forEach((e, i) => {
      let v: Value;
      if (!items) v = e.starred ? { k: 'list', items: null, elem } : (elem ?? UNKNOWN);
      else if (starAt < 0) v = items[i];
      else if (i < starAt) v = items[i];
      else if (i === starAt) v = list(items.slice(starAt, items.length - (exprs.length - starAt - 1)));
      else v = items[items.length - (exprs.length - i)];
      this.assignTarget(e.node, v, scope, stmt);
    });
  }

  private assignTarget(target: SyntaxNode, value: Value, scope: Scope, stmt: SyntaxNode): void {
    switch (target.name) {
      case 'VariableName':
        this.bindName(target, value, scope, true);
        return;
      case 'TupleExpression':
      case 'ArrayExpression':
      case 'ParenthesizedExpression': {
        const inner: SyntaxNode[] = [];
        for (let c = fc(target); c; c = nx(c)) if (!['(', ')', '[', ']'].includes(c.name)) inner.push(c);
        if (target.name === 'ParenthesizedExpression' && !inner.some((n) => n.name === ',')) {
          if (inner[0]) this.assignTarget(inner[0], value, scope, stmt);
          return;
        }
        this.destructure(this.splitStarred(inner), value, scope, stmt);
        return;
      }
      case 'MemberExpression': {
        const obj = fc(target);
        if (!obj) return;
        const objV = this.eval(obj, scope);
        const prop = childNamed(target, 'PropertyName');
        if (prop && !childNamed(target, '[')) {
          this.setAttr(objV, this.t(prop), value, target);
          if (this.speculative > 0 && objV.k === 'object') this.noteMemberUse(prop, value);
        } else {
          const idx = this.evalSubscript(target, scope);
          this.setItem(objV, idx, value, target);
        }
        return;
      }
      default:
        return;
    }
  }

  private bindName(nameNode: SyntaxNode, value: Value, scope: Scope, recorded: boolean): void {
    const name = this.t(nameNode);
    scope.set(name, value);
    const prev = this.bindings.get(nameNode.from);
    if (this.speculative > 0) {
      if (prev && !this.speculativeAt.has(nameNode.from)) return;
      this.speculativeAt.add(nameNode.from);
    }
    if (this.rec && !this.rec.bindingsBefore.has(nameNode.from)) this.rec.bindingsBefore.set(nameNode.from, prev ? { ...prev } : null);
    if (!prev) {
      this.bindings.set(nameNode.from, { name, from: nameNode.from, to: nameNode.to, value, snapshot: snapshotValue(value), recorded, executions: 1 });
    } else {
      prev.executions++;
      if (!sameValue(prev.snapshot, value)) prev.snapshot = join(prev.snapshot, snapshotValue(value));
      if (prev.value !== value && !sameValue(prev.value, value)) prev.value = join(prev.value, value);
    }
  }

  private execUpdate(node: SyntaxNode, scope: Scope): void {
    const target = fc(node);
    const opNode = childNamed(node, 'UpdateOp');
    const valueNode = nx(opNode);
    if (!target || !opNode || !valueNode) return;
    const cur = this.eval(target, scope);
    const rhs = this.eval(valueNode, scope);
    const op = this.t(opNode).slice(0, -1);
    let result: Value;
    if (op === '+' && cur.k === 'list' && (rhs.k === 'list' || rhs.k === 'tuple')) {
      const its = this.iterItems(rhs);
      this.mutateSeq(cur, its ? (cur.items ? [...cur.items, ...its] : null) : null, rhs, node);
      result = cur;
    } else {
      result = this.guardOp(node, () => binaryOp(this.opServices(node), op, cur, rhs, true));
      if (cur.k === 'tensor' && result.k === 'tensor') {
        // in place: the same tensor object keeps its identity; its data changes
        this.noteMutation(cur);
        cur.data = result.data;
        if (!cur.data) delete cur.data;
        result = cur;
      }
    }
    this.assignTarget(target, result, scope, node);
  }

  private execImport(node: SyntaxNode, scope: Scope): void {
    const kids: SyntaxNode[] = [];
    for (let c = fc(node); c; c = nx(c)) kids.push(c);
    if (kids[0]?.name === 'from') {
      // from a.b import x as y, z   /   from ..pkg import x (relative: leading dots)
      let i = 1;
      let mod = '';
      while (i < kids.length && kids[i].name !== 'import') {
        mod += this.t(kids[i]);
        i++;
      }
      i++;
      const level = mod.length - mod.replace(/^\.+/, '').length;
      const parts = mod.length > level ? mod.slice(level).split('.') : [];
      const local = this.importLocal(parts, level, node);
      for (; i < kids.length; i++) {
        const k = kids[i];
        if (k.name !== 'VariableName') {
          if (k.name === '*' && local) this.importStarLocal(local, scope);
          else if (k.name === '*' && mod) this.importStar(mod, scope);
          continue;
        }
        let local_ = k;
        if (kids[i + 1]?.name === 'as' && kids[i + 2]) {
          local_ = kids[i + 2];
          i += 2;
        }
        const name = this.t(k);
        const v = local ? this.localMember(local, parts, level, name, node) : level > 0 ? unknown(`relative import ${mod}: not a module next to this file`) : moduleAttr(mod, name);
        this.bindName(local_, v, scope, false);
      }
      return;
    }
    // import a.b.c [as d], e
    let i = 1;
    while (i < kids.length) {
      const parts: SyntaxNode[] = [];
      while (i < kids.length && (kids[i].name === 'VariableName' || kids[i].name === '.')) {
        if (kids[i].name === 'VariableName') parts.push(kids[i]);
        i++;
      }
      if (parts.length === 0) {
        i++;
        continue;
      }
      const names = parts.map((p) => this.t(p));
      const path = names.join('.');
      const local = this.importLocal(names, 0, node);
      if (kids[i]?.name === 'as' && kids[i + 1]) {
        this.bindName(kids[i + 1], local ? local.value : { k: 'ns', path }, scope, false);
        i += 2;
      } else {
        const top = local ? this.importer?.modules.get(names[0]) : undefined;
        this.bindName(parts[0], top ? top.value : { k: 'ns', path: names[0] }, scope, false);
      }
      if (kids[i]?.name === ',') i++;
    }
  }

  /** A module of the program (next to the analysed file) for an import statement, loaded once per analysis; null
   *  for anything else (libraries). A module that is there but not analysed (too large, too many) gets a note. */
  private importLocal(parts: readonly string[], level: number, node: SyntaxNode): LoadedModule | null {
    if (!this.importer) return null;
    if (this.opts.hooks) {
      // a run executes the file's own code only: a module of the project it imports is named, not run
      const top = level === 0 ? parts[0] : undefined;
      const entry = top !== undefined ? this.importer.locate(top) : null;
      if (entry && top !== undefined) {
        const file = entry.kind === 'module' ? entry.file.path : entry.kind === 'package' ? entry.dir : entry.path;
        this.diag(node.from, node.to, 'RNNL-IMPORT', 'warning', `${top} (${this.importer.shownPath(file)}) is a module of this project: a run executes this file's code only, so what comes from it has no values here (hovers and diagnostics do follow the import)`);
      }
      return null;
    }
    const r = this.importer.load(parts, level, this.module ? this.module.pkg : null, this);
    if (typeof r === 'string') {
      this.diag(node.from, node.to, 'RNNL-LIMIT', 'info', r);
      return null;
    }
    return r;
  }

  /** `from mod import name`: the module's global `name`, else its submodule `name` (a package), else unknown. */
  private localMember(mod: LoadedModule, parts: readonly string[], level: number, name: string, node: SyntaxNode): Value {
    const v = mod.value.attrs.get(name);
    if (v !== undefined) return v;
    if (mod.dir !== null) {
      const sub = this.importLocal([...parts, name], level, node);
      if (sub) return sub.value;
    }
    return unknown(`${mod.name}.${name}: not defined where the analysis could see it`);
  }

  /** `from mod import *`: its names listed in `__all__` when that is a known list of strings, else every name not
   *  starting with an underscore. */
  private importStarLocal(mod: LoadedModule, scope: Scope): void {
    const all = mod.value.attrs.get('__all__');
    const listed = all && (all.k === 'list' || all.k === 'tuple') && all.items && all.items.every((x) => x.k === 'str' && x.v !== null) ? all.items.map((x) => (x as { v: string }).v) : null;
    for (const [k, v] of mod.value.attrs) if (listed ? listed.includes(k) : !k.startsWith('_')) scope.set(k, v);
  }

  /** Interprets an imported module's file with its own interpreter (its nodes are in its own tree), with the
   *  certainty of the importing code (an import in a branch that may not run). */
  private runImported(file: ModuleFile, mod: LoadedModule): void {
    const importer = this.importer;
    if (!importer) return;
    const root = this.root ?? this;
    const interp = new Interpreter(this.parsedModule(file), { limits: this.limits, record: false, imported: { root, importer, module: mod } });
    importer.homes.set(mod.scope, interp);
    interp.enterFrom(this, () => interp.run());
  }

  /** A module file's parse tree: the cached one while its text is the same (trees are never changed), else parsed. */
  private parsedModule(file: ModuleFile): ParsedPython {
    const cache = this.importer?.ctx.parsed;
    const hit = cache?.get(file.path);
    if (hit && hit.text === file.text) return hit.parsed;
    const parsed = parsePython(file.text);
    if (cache) {
      cache.delete(file.path);
      if (cache.size >= MAX_CACHED_MODULES) cache.delete(cache.keys().next().value as string);
      cache.set(file.path, { text: file.text, parsed });
    }
    return parsed;
  }

  /** A call from another module's interpreter of a function defined in this one. Errors the call raises here are
   *  the caller's too (its arguments caused them): they are also reported at its call, naming where they happened. */
  private callFrom(caller: Interpreter, fn: FunctionValue, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    const saved = this.raised;
    const raised: InterpDiagnostic[] = [];
    this.raised = raised;
    try {
      return this.enterFrom(caller, () => this.callFunction(fn, args, kwargs, node));
    } finally {
      this.raised = saved;
      for (const d of raised) {
        const file = this.module?.file?.path;
        const where = d.from === node.from && d.to === node.to ? '' : ` (in ${file && this.importer ? this.importer.shownPath(file) : 'an imported module'}, line ${this.parsed.lines.position(d.from).line})`;
        caller.diag(node.from, node.to, d.code, d.severity, `${d.message}${where}`);
      }
    }
  }

  /** Runs `f` with the caller's state of certainty (branches that may not run, code out of PyTorch's order,
   *  speculative analysis) and call depth added to this interpreter's. */
  private enterFrom<T>(caller: Interpreter, f: () => T): T {
    const add = { uncertain: caller.uncertain, outOfOrder: caller.outOfOrder, speculative: caller.speculative, depth: caller.callDepth };
    this.uncertain += add.uncertain;
    this.outOfOrder += add.outOfOrder;
    this.speculative += add.speculative;
    this.callDepth += add.depth;
    try {
      return f();
    } finally {
      this.uncertain -= add.uncertain;
      this.outOfOrder -= add.outOfOrder;
      this.speculative -= add.speculative;
      this.callDepth -= add.depth;
    }
  }

  private importStar(mod: string, scope: Scope): void {
    if (mod === 'torch.nn.utils.rnn') {
      for (const n of ['pack_padded_sequence', 'pad_packed_sequence', 'pad_sequence', 'pack_sequence', 'PackedSequence']) {
        scope.set(n, moduleAttr(mod, n));
      }
    }
  }

  private defineFunction(node: SyntaxNode, scope: Scope, decorators: SyntaxNode[]): void {
    const nameNode = childNamed(node, 'VariableName');
    if (!nameNode) return;
    const fn: FunctionValue = {
      k: 'func',
      name: this.t(nameNode),
      node,
      closure: scope.kind === 'class' ? scope.parent : scope,
      isLambda: false,
      defaults: this.evalDefaults(childNamed(node, 'ParamList'), scope),
    };
    if (this.rec) this.createdFns.push(fn);
    let v: Value = fn;
    // decorators apply bottom-up; a plain `@name` naming a user function is called with the function (a wrapper
    // that forwards *args/**kwargs keeps working); other unknown decorators (torch.no_grad(), lru_cache…) are
    // taken as not changing the call
    for (const d of [...decorators].reverse()) {
      const dn = this.t(d).replace(/^@/, '').trim();
      if (dn === 'property') v = { k: 'opaque', cls: 'property', attrs: new Map([['fget', fn]]) };
      else if (dn === 'staticmethod') v = { k: 'opaque', cls: 'staticmethod', attrs: new Map([['f', fn]]) };
      else if (dn === 'classmethod') v = { k: 'opaque', cls: 'classmethod', attrs: new Map([['f', fn]]) };
      else if (/^[A-Za-z_]\w*$/.test(dn)) {
        const dec = scope.lookup(dn);
        if (dec && dec.k === 'func') {
          const wrapped = this.callFunction(dec, [v], new Map(), d);
          if (wrapped.k === 'func') {
            v = wrapped;
          }
        }
      }
    }
    this.bindName(nameNode, v, scope, false);
    this.defined.push(fn);
  }

  private evalDefaults(params: SyntaxNode | null, scope: Scope): Map<string, Value> {
    const out = new Map<string, Value>();
    if (!params) return out;
    let last: string | null = null;
    for (let c = fc(params); c; c = nx(c)) {
      if (c.name === 'VariableName') last = this.t(c);
      else if (c.name === 'AssignOp' && last && nx(c)) {
        out.set(last, this.eval(nx(c)!, scope));
        c = nx(c);
      }
    }
    return out;
  }

  private defineClass(node: SyntaxNode, scope: Scope, decorators: SyntaxNode[] = []): void {
    const nameNode = childNamed(node, 'VariableName');
    if (!nameNode) return;
    const bases: Value[] = [];
    const argList = childNamed(node, 'ArgList');
    if (argList) for (const a of this.argNodes(argList)) if (!a.keyword) bases.push(this.eval(a.node, scope));
    const cls: ClassValue = { k: 'class', name: this.t(nameNode), bases, members: new Map() };
    for (const b of bases) {
      if (b.k === 'builtin' && (b.name === 'nn.Module' || b.name === 'torch.nn.Module')) cls.torchBase = 'Module';
      else if (b.k === 'builtin' && (b.name === 'data.Dataset' || b.name === 'data.IterableDataset')) cls.torchBase = 'Dataset';
      else if (b.k === 'class' && b.torchBase) cls.torchBase = b.torchBase;
    }
    const body = new Scope('class', scope);
    this.execBlock(this.bodyOf(node), body);
    for (const [k, v] of body.vars) {
      if (v.k === 'func') {
        this.noteMutation(v);
        v.ownerClass = cls;
      }
      if (v.k === 'opaque' && (v.cls === 'property' || v.cls === 'staticmethod' || v.cls === 'classmethod')) {
        const f = v.attrs.get(v.cls === 'property' ? 'fget' : 'f');
        if (f && f.k === 'func') {
          this.noteMutation(f);
          f.ownerClass = cls;
        }
      }
      cls.members.set(k, v);
    }
    if (decorators.some((d) => /^@\s*(dataclasses\.)?dataclass\b/.test(this.t(d)))) cls.dataclassFields = this.dataclassFields(node, body, cls);
    this.bindName(nameNode, cls, scope, false);
  }

  /** The annotated class-body names of a @dataclass in order, with their defaults: a plain value, or
   *  field(default=…) / field(default_factory=…) (re-evaluated here: the class attribute of a factory field does
   *  not exist in Python, so it is removed). ClassVar annotations are not fields. */
  private dataclassFields(node: SyntaxNode, body: Scope, cls: ClassValue): DataclassField[] {
    const fields: DataclassField[] = [];
    for (const st of this.bodyOf(node)) {
      if (st.name !== 'AssignStatement') continue;
      const target = fc(st);
      const typeDef = target ? nx(target) : null;
      if (!target || target.name !== 'VariableName' || !typeDef || typeDef.name !== 'TypeDef') continue;
      if (/\bClassVar\b/.test(this.t(typeDef))) continue;
      const name = this.t(target);
      const valueNode = childNamed(st, 'AssignOp') ? lc(st) : null;
      const f: DataclassField = { name };
      if (valueNode && valueNode.name === 'CallExpression' && /^(dataclasses\.)?field$/.test(this.t(fc(valueNode)!))) {
        const argList = childNamed(valueNode, 'ArgList');
        for (const a of argList ? this.argNodes(argList) : []) {
          if (a.keyword === 'default') f.default = this.eval(a.node, body);
          else if (a.keyword === 'default_factory') f.factory = this.eval(a.node, body);
        }
        cls.members.delete(name);
        if (f.default !== undefined) cls.members.set(name, f.default);
      } else if (valueNode) {
        f.default = body.vars.get(name) ?? UNKNOWN;
      }
      fields.push(f);
    }
    return fields;
  }

  /** All fields of a dataclass including its dataclass bases' (base fields first, redefinitions keep their place). */
  private allDataclassFields(cls: ClassValue, depth = 0): DataclassField[] | null {
    if (depth > 20) return null;
    let out: DataclassField[] | null = null;
    for (let i = cls.bases.length - 1; i >= 0; i--) {
      const b = cls.bases[i];
      const bf = b.k === 'class' ? this.allDataclassFields(b, depth + 1) : null;
      if (bf) out = [...(out ?? []), ...bf.filter((f) => !(out ?? []).some((o) => o.name === f.name))];
    }
    if (!cls.dataclassFields) return out;
    const merged = [...(out ?? [])];
    for (const f of cls.dataclassFields) {
      const i = merged.findIndex((m) => m.name === f.name);
      if (i >= 0) merged[i] = f;
      else merged.push(f);
    }
    return merged;
  }

  /** The generated __init__ of a dataclass: positional then keyword arguments, else the default / factory; an
   *  argument that cannot be matched makes the field unknown (never a default guessed in its place). */
  private initDataclass(obj: ObjectValue, fields: DataclassField[], args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): void {
    fields.forEach((f, i) => {
      let v: Value | undefined;
      if (i < args.length) v = args[i];
      else if (kwargs.has(f.name)) v = kwargs.get(f.name);
      else if (f.factory !== undefined) v = this.callValue(f.factory, [], new Map(), node);
      else if (f.default !== undefined) v = f.default;
      obj.attrs.set(f.name, v ?? UNKNOWN);
    });
    const post = this.classMember(obj.cls, '__post_init__');
    if (post && post.k === 'func') this.callFunction(post, [obj], new Map(), node);
  }

  private execIf(node: SyntaxNode, scope: Scope): Completion {
    // children: if cond Body (elif cond Body)* (else Body)?
    const arms: { cond: SyntaxNode | null; body: SyntaxNode }[] = [];
    let pendingCond: SyntaxNode | null = null;
    let isElse = false;
    for (let c = fc(node); c; c = nx(c)) {
      if (c.name === 'if' || c.name === 'elif') {
        pendingCond = nx(c);
        isElse = false;
      } else if (c.name === 'else') {
        isElse = true;
        pendingCond = null;
      } else if (c.name === 'Body') {
        arms.push({ cond: isElse ? null : pendingCond, body: c });
      }
    }
    return this.execArms(arms, 0, scope);
  }

  private execArms(arms: { cond: SyntaxNode | null; body: SyntaxNode }[], i: number, scope: Scope): Completion {
    if (i >= arms.length) return 'normal';
    const arm = arms[i];
    const runBody = (): Completion => this.execBlock(this.statements(arm.body), scope);
    if (arm.cond === null) return runBody();
    const cv = truthy(this.eval(arm.cond, scope));
    if (cv === true) return runBody();
    if (cv === false) return this.execArms(arms, i + 1, scope);
    return this.branch(scope, runBody, () => this.execArms(arms, i + 1, scope));
  }

  /** Runs two alternatives from the same state and joins their variables (only the ones that complete normally
   *  flow on). */
  private branch(scope: Scope, a: () => Completion, b: () => Completion): Completion {
    const pre = scope.snapshot();
    this.uncertain++;
    let ca: Completion;
    let cb: Completion;
    let snapA: Map<string, Value>;
    try {
      ca = a();
      snapA = scope.snapshot();
      scope.restore(pre);
      cb = b();
    } finally {
      this.uncertain--;
    }
    const snapB = scope.snapshot();
    if (ca === 'normal' && cb !== 'normal') {
      this.noteJump(scope, cb, snapB);
      scope.restore(snapA);
      return 'normal';
    }
    if (cb === 'normal' && ca !== 'normal') {
      this.noteJump(scope, ca, snapA);
      return 'normal';
    }
    if (ca !== cb) {
      // two different jumps: a raise or return arm leaves the loop's code; break beside continue is a possible exit
      const rank = (c: Completion): number => (c === 'continue' ? 3 : c === 'break' ? 2 : c === 'return' ? 1 : 0);
      const keepA = rank(ca) > rank(cb);
      if (keepA) this.noteJump(scope, cb, snapB);
      else this.noteJump(scope, ca, snapA);
      if (keepA) scope.restore(snapA);
      return keepA ? ca : cb;
    }
    scope.restore(this.joinSnapshots(snapA, snapB));
    return ca;
  }

  /** An arm that may or may not run ended with break/continue: its state is kept for the loop, and what follows in
   *  the iteration (continue) or the loop (break) may or may not run. */
  private noteJump(scope: Scope, c: Completion, snap: Map<string, Value>): void {
    // in a generator, the yields after a return that may or may not run may or may not happen
    if (c === 'return' && this.frame.yields) this.frame.yields.uncertain = true;
    const jumps = this.loopJumps;
    if (!jumps || jumps.scope !== scope || (c !== 'break' && c !== 'continue')) return;
    this.uncertain++;
    if (c === 'break') {
      jumps.breaks.push(snap);
      jumps.loopUncertain++;
    } else {
      jumps.continues.push(snap);
      jumps.iterUncertain++;
    }
  }

  /** Runs a loop with its own jump record; after it, the states of its possible breaks are joined in. */
  private withLoopJumps(scope: Scope, run: (jumps: LoopJumps) => Completion): Completion {
    const outer = this.loopJumps;
    const jumps: LoopJumps = { scope, breaks: [], continues: [], iterUncertain: 0, loopUncertain: 0 };
    this.loopJumps = jumps;
    let comp: Completion;
    try {
      comp = run(jumps);
    } finally {
      this.loopJumps = outer;
      this.uncertain -= jumps.iterUncertain + jumps.loopUncertain;
    }
    if (jumps.breaks.length && (comp === 'normal' || comp === 'break')) {
      let s = scope.snapshot();
      for (const b of jumps.breaks) s = this.joinSnapshots(s, b);
      scope.restore(s);
    }
    return comp;
  }

  /** The end of one iteration: the states of its possible continues join the state the next iteration starts from. */
  private endIteration(scope: Scope, jumps: LoopJumps): void {
    if (jumps.continues.length) {
      let s = scope.snapshot();
      for (const c of jumps.continues) s = this.joinSnapshots(s, c);
      scope.restore(s);
      jumps.continues = [];
    }
    this.uncertain -= jumps.iterUncertain;
    jumps.iterUncertain = 0;
  }

  private joinSnapshots(a: Map<string, Value>, b: Map<string, Value>): Map<string, Value> {
    const out = new Map<string, Value>();
    for (const [k, v] of a) {
      const w = b.get(k);
      out.set(k, w === undefined ? v : v === w ? v : join(v, w));
    }
    for (const [k, v] of b) if (!a.has(k)) out.set(k, v);
    return out;
  }

  private execFor(node: SyntaxNode, scope: Scope): Completion {
    // for TARGETS in ITER Body [else Body]
    const targets: SyntaxNode[] = [];
    let c = nx(fc(node)) ?? null;
    while (c && c.name !== 'in') {
      targets.push(c);
      c = nx(c);
    }
    const iterNodes: SyntaxNode[] = [];
    c = nx(c) ?? null;
    while (c && c.name !== 'Body') {
      iterNodes.push(c);
      c = nx(c);
    }
    const bodyNode = c;
    if (!bodyNode) return 'normal';
    const body = this.statements(bodyNode);
    const iterable = this.iterSource(this.evalCommaList(iterNodes, scope));
    const items = this.iterItems(iterable);
    return this.withLoopJumps(scope, (jumps) => {
      const step = (v: Value): Completion => {
        this.assignTargetList(targets, v, scope, node);
        const comp = this.execBlock(body, scope);
        this.endIteration(scope, jumps);
        return comp;
      };
      if (items) return this.loopConcrete(items, step, scope);
      const elem = this.elemOf(iterable);
      return this.loopAbstract(() => step(elem ?? UNKNOWN), scope);
    });
  }

  private loopConcrete(items: Value[], step: (v: Value) => Completion, scope: Scope): Completion {
    const cap = this.exhausted ? 1 : this.limits.maxLoopIterations;
    const steps0 = this.steps;
    for (let i = 0; i < items.length; i++) {
      // past the cap, a cheap body (data preparation: windows, vocabularies) keeps running concretely while the
      // whole loop stays within a small step budget; an expensive one is joined from there
      if (i >= cap && (this.exhausted || i >= CHEAP_LOOP_MAX_ITERATIONS || this.steps - steps0 > CHEAP_LOOP_STEPS)) {
        let rest = items[i];
        for (let j = i + 1; j < items.length && j < i + 256; j++) rest = join(rest, items[j]);
        if (items.length > i + 256) rest = join(rest, UNKNOWN);
        return this.loopAbstract(() => step(rest), scope);
      }
      const comp = step(items[i]);
      if (comp === 'break') return 'normal';
      if (comp === 'return' || comp === 'raise') return comp;
    }
    return 'normal';
  }

  /** A loop whose iteration count is unknown: run the body, join the state with the state before, repeat until the
   *  variables are stable (at most a few rounds); records keep the first round and join the others. */
  private loopAbstract(step: () => Completion, scope: Scope): Completion {
    const pre = scope.snapshot();
    this.uncertain++;
    try {
      let prev = pre;
      const rounds = this.exhausted ? 1 : 3;
      for (let r = 0; r < rounds; r++) {
        const comp = step();
        if (comp === 'return' || comp === 'raise') {
          if (r === 0) return comp;
          break;
        }
        const post = scope.snapshot();
        if (comp === 'break') break;
        const merged = this.joinSnapshots(prev, post);
        let stable = true;
        for (const [k, v] of merged) {
          const p = post.get(k);
          if (!p || !sameValue(p, v)) {
            stable = false;
            break;
          }
        }
        scope.restore(merged);
        if (stable) break;
        prev = merged;
      }
      const post = scope.snapshot();
      scope.restore(this.joinSnapshots(post, new Map([...post].map(([k, v]) => [k, pre.has(k) ? join(pre.get(k)!, v) : v]))));
    } finally {
      this.uncertain--;
    }
    return 'normal';
  }

  private execWhile(node: SyntaxNode, scope: Scope): Completion {
    const cond = nx(fc(node));
    const bodyNode = childNamed(node, 'Body');
    if (!cond || !bodyNode) return 'normal';
    const body = this.statements(bodyNode);
    const cap = this.exhausted ? 1 : this.limits.maxLoopIterations;
    const filling = this.fillLoop(cond, bodyNode, body, scope);
    const comp = this.withLoopJumps(scope, (jumps) => {
      const step = (): Completion => {
        const comp = this.execBlock(body, scope);
        this.endIteration(scope, jumps);
        return comp;
      };
      for (let i = 0; i < cap; i++) {
        const cv = truthy(this.eval(cond, scope));
        if (cv === false) return 'normal';
        if (cv === null) break;
        const comp = step();
        if (comp === 'break') return 'normal';
        if (comp === 'return' || comp === 'raise') return comp;
        if (i === cap - 1) break;
      }
      return this.loopAbstract(() => {
        this.eval(cond, scope);
        return step();
      }, scope);
    });
    if (filling && comp === 'normal') this.finishFillLoop(filling, cond, scope);
    return comp;
  }

  /** `assert len(x) == n` (or `n == len(x)`, x.size(0) / x.shape[0]): past it, x's first dim (a tensor's, a list's
   *  length) is n — the program would have stopped otherwise. */
  private refineByAssert(e: SyntaxNode, scope: Scope): void {
    if (e.name !== 'BinaryExpression') return;
    const kids = childList(e);
    if (kids.length !== 3 || this.t(kids[1]) !== '==') return;
    for (const [sideNode, otherNode] of [[kids[0], kids[2]], [kids[2], kids[0]]]) {
      const m = /^(?:len\((\w+)\)|(\w+)\.size\(0\)|(\w+)\.shape\[0\])$/.exec(this.t(sideNode).replace(/\s+/g, ''));
      if (!m) continue;
      const name = m[1] ?? m[2] ?? m[3];
      const other = this.eval(otherNode, scope);
      const n = other.k === 'int' ? other.v : null;
      const v = scope.lookup(name);
      if (n === null || n < 0 || !v) return;
      if (v.k === 'tensor' && v.shape && v.shape.length > 0 && v.shape[0] === null) {
        this.noteMutation(v);
        v.shape = [n, ...v.shape.slice(1)];
      } else if (m[1] && v.k === 'list' && v.items === null && (v.len === null || v.len === undefined)) {
        this.noteMutation(v);
        v.len = n;
      }
      return;
    }
  }

  /** `while len(xs) < N:` whose body appends to xs (and maybe to other lists) exactly once per iteration that gets
   *  that far, with no break, no continue after the first append and no other use of those lists than len() / in:
   *  the loop ends with len(xs) == N however many iterations it took (the generate-until-enough loop of data
   *  scripts), and every list appended alongside grew by as much. The lists and their lengths before the loop. */
  private fillLoop(cond: SyntaxNode, bodyNode: SyntaxNode, body: SyntaxNode[], scope: Scope): { lists: Map<string, { len0: number }>; target: string } | null {
    const m = /^len\((\w+)\)\s*<\s*(\w+)$/.exec(this.t(cond).trim());
    if (!m) return null;
    const [, target, bound] = m;
    const text = this.t(bodyNode);
    if (/\bbreak\b|\byield\b|\bnonlocal\b|\bglobal\b/.test(text) || new RegExp(`\\b${bound}\\s*(=[^=]|[-+*/]=)`).test(text)) return null;
    const appended: { name: string; at: number }[] = [];
    for (const st of body) {
      const am = /^(\w+)\.append\(/.exec(this.t(st));
      if (am) appended.push({ name: am[1], at: st.from });
    }
    if (!appended.some((a) => a.name === target)) return null;
    const firstAppend = Math.min(...appended.map((a) => a.at)) - bodyNode.from;
    for (const cm of text.matchAll(/\bcontinue\b/g)) if ((cm.index ?? 0) > firstAppend) return null;
    const lists = new Map<string, { len0: number }>();
    for (const { name } of appended) {
      if (lists.has(name) || [...text.matchAll(new RegExp(`\\b${name}\\.append\\(`, 'g'))].length !== 1) return null;
      // every other mention of the list only reads its length or membership
      for (const om of text.matchAll(new RegExp(`\\b${name}\\b`, 'g'))) {
        const before = text.slice(0, om.index);
        const after = text.slice((om.index ?? 0) + name.length);
        if (after.startsWith('.append(') || (/len\(\s*$/.test(before) && /^\s*\)/.test(after)) || /\bin\s+$/.test(before)) continue;
        return null;
      }
      const v = scope.lookup(name);
      if (!v || v.k !== 'list' || !v.items) return null;
      lists.set(name, { len0: v.items.length });
    }
    return { lists, target };
  }

  private finishFillLoop(filling: { lists: Map<string, { len0: number }>; target: string }, cond: SyntaxNode, scope: Scope): void {
    const t = filling.lists.get(filling.target)!;
    const boundNode = lc(cond);
    const bound = boundNode ? this.eval(boundNode, scope) : UNKNOWN;
    const n = bound.k === 'int' ? bound.v : null;
    if (n === null || t.len0 > n) return;
    for (const [name, { len0 }] of filling.lists) {
      // the list after the loop (joins at the loop head made it one of unknown length)
      const cur = scope.lookup(name);
      if (!cur || cur.k !== 'list' || cur.items !== null) continue;
      this.noteMutation(cur);
      cur.len = len0 + (n - t.len0);
    }
  }

  private execWith(node: SyntaxNode, scope: Scope): Completion {
    // with EXPR [as TARGET], ... Body
    let c = nx(fc(node)) ?? null;
    while (c && c.name !== 'Body') {
      if (c.name === ',' ) {
        c = nx(c);
        continue;
      }
      const ctx = this.eval(c, scope);
      if (nx(c)?.name === 'as' && nx(nx(c))) {
        const target = nx(nx(c))!;
        const entered = ctx.k === 'unknown' || ctx.k === 'opaque' ? UNKNOWN : ctx;
        this.assignTarget(target, entered, scope, node);
        c = nx(target);
      } else c = nx(c);
    }
    return c ? this.execBlock(this.statements(c), scope) : 'normal';
  }

  private execTry(node: SyntaxNode, scope: Scope): Completion {
    const bodies = childrenNamed(node, 'Body');
    if (bodies.length === 0) return 'normal';
    const comp = this.execBlock(this.statements(bodies[0]), scope);
    // except handlers are not analysed (they run only on errors); `else`/`finally` bodies run
    let c: SyntaxNode | null = nx(bodies[0]);
    let result = comp;
    while (c) {
      if ((c.name === 'else' || c.name === 'finally') && nx(c)?.name === 'Body') {
        const r = this.execBlock(this.statements(nx(c)!), scope);
        if (r !== 'normal') result = r;
      }
      c = nx(c);
    }
    return result;
  }

  // ───────────────────────────── expressions ─────────────────────────────

  eval(node: SyntaxNode, scope: Scope): Value {
    this.tick();
    if (++this.nesting > this.limits.maxNesting) {
      this.nesting--;
      this.diag(node.from, node.to, 'RNNL-LIMIT', 'info', 'expression nested too deeply: its value is unknown');
      return unknown('expression nested too deeply');
    }
    try {
      return this.evalInner(node, scope);
    } finally {
      this.nesting--;
    }
  }

  private evalInner(node: SyntaxNode, scope: Scope): Value {
    switch (node.name) {
      case 'Number':
        return this.number(this.t(node));
      case 'String':
        return str(this.stringValue(this.t(node)));
      case 'ContinuedString': {
        let s: string | null = '';
        for (let c = fc(node); c; c = nx(c)) {
          const v = this.eval(c, scope);
          s = s !== null && v.k === 'str' && v.v !== null ? s + v.v : null;
        }
        return str(s);
      }
      case 'FormatString':
        return this.formatString(node, scope);
      case 'Boolean':
        return bool(this.t(node) === 'True');
      case 'None':
        return NONE;
      case 'Ellipsis':
        return { k: 'opaque', cls: 'ellipsis', attrs: new Map() };
      case 'VariableName': {
        const name = this.t(node);
        const v = this.lookup(name, scope);
        const prev = this.uses.get(node.from);
        if (this.speculative > 0) {
          if (prev && !this.speculativeAt.has(node.from)) return v;
          this.speculativeAt.add(node.from);
        }
        if (this.rec && !this.rec.usesBefore.has(node.from)) this.rec.usesBefore.set(node.from, prev ?? null);
        this.uses.set(node.from, { to: node.to, value: prev && prev.value !== v ? join(prev.value, v) : v });
        return v;
      }
      case 'self':
        return this.lookup('self', scope);
      case 'ParenthesizedExpression': {
        const inner = nx(fc(node));
        return inner && inner.name !== ')' ? this.eval(inner, scope) : tuple([]);
      }
      case 'TupleExpression':
        return this.evalSequence(node, scope, 'tuple');
      case 'ArrayExpression': {
        const l = this.evalSequence(node, scope, 'list');
        if (l.k === 'list' && this.uncertain > 0) l.birth = this.uncertain;
        return l;
      }
      case 'SetExpression': {
        const s = this.evalSequence(node, scope, 'list');
        return { k: 'set', items: s.k === 'list' ? dedupe(s.items) : null };
      }
      case 'DictionaryExpression':
        return this.evalDict(node, scope);
      case 'ArrayComprehensionExpression':
      case 'ComprehensionExpression':
        return this.evalComprehension(node, scope, 'list');
      case 'SetComprehensionExpression': {
        const l = this.evalComprehension(node, scope, 'list');
        return { k: 'set', items: l.k === 'list' ? dedupe(l.items) : null };
      }
      case 'DictionaryComprehensionExpression':
        return this.evalComprehension(node, scope, 'dict');
      case 'MemberExpression':
        return this.evalMember(node, scope);
      case 'CallExpression':
        return this.evalCall(node, scope);
      case 'BinaryExpression':
        return this.evalBinary(node, scope);
      case 'UnaryExpression': {
        const op = fc(node);
        const arg = lc(node);
        if (!op || !arg || op === arg) return UNKNOWN;
        const v = this.eval(arg, scope);
        const o = this.t(op);
        if (o === 'not') {
          const tv = truthy(v);
          if (v.k === 'tensor') return this.guardOp(node, () => unaryOp(this.opServices(node), 'not', v));
          return bool(tv === null ? null : !tv);
        }
        return this.guardOp(node, () => unaryOp(this.opServices(node), o, v));
      }
      case 'ConditionalExpression': {
        // a if c else b
        const kids = childList(node);
        const a = kids[0];
        const cond = kids[2];
        const b = kids[4];
        if (!a || !cond || !b) return UNKNOWN;
        const cv = truthy(this.eval(cond, scope));
        if (cv === true) return this.eval(a, scope);
        if (cv === false) return this.eval(b, scope);
        this.uncertain++;
        try {
          return join(this.eval(a, scope), this.eval(b, scope));
        } finally {
          this.uncertain--;
        }
      }
      case 'LambdaExpression': {
        const fn: FunctionValue = {
          k: 'func',
          name: '<lambda>',
          node,
          closure: scope,
          isLambda: true,
          defaults: this.evalDefaults(childNamed(node, 'ParamList'), scope),
        };
        if (this.rec) this.createdFns.push(fn);
        return fn;
      }
      case 'NamedExpression': {
        const target = fc(node);
        const value = lc(node);
        if (!target || !value || target === value) return UNKNOWN;
        const v = this.eval(value, scope);
        this.assignTarget(target, v, scope, node);
        return v;
      }
      case 'AwaitExpression':
      case 'YieldExpression':
        return UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private lookup(name: string, scope: Scope): Value {
    const v = scope.lookup(name);
    if (v !== undefined) return v;
    if (BUILTIN_NAMES.has(name)) return { k: 'builtin', name };
    return unknown(`'${name}' is not defined here`);
  }

  private number(text: string): Value {
    if (isDecimalDigits(text)) return int(Number(text)); // the common case, without the regexes below
    const t = text.replace(/_/g, '').toLowerCase();
    if (t.endsWith('j')) return UNKNOWN;
    if (/^0x/.test(t)) return int(parseInt(t.slice(2), 16));
    if (/^0o/.test(t)) return int(parseInt(t.slice(2), 8));
    if (/^0b/.test(t)) return int(parseInt(t.slice(2), 2));
    if (/[.e]/.test(t) && !/^0x/.test(t)) return float(Number(t));
    return int(Number(t));
  }

  private stringValue(text: string): string | null {
    const m = /^([rRbBuUfF]*)('''|"""|'|")([\s\S]*)\2$/.exec(text);
    if (!m) return null;
    const prefix = m[1].toLowerCase();
    const body = m[3];
    if (prefix.includes('b')) return null;
    if (prefix.includes('r')) return body;
    return body.replace(/\\(n|t|r|\\|'|"|\n|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})/g, (_, e: string) => {
      switch (e[0]) {
        case 'n':
          return '\n';
        case 't':
          return '\t';
        case 'r':
          return '\r';
        case '\n':
          return '';
        case 'x':
        case 'u':
          return String.fromCharCode(parseInt(e.slice(1), 16));
        default:
          return e;
      }
    });
  }

  private formatString(node: SyntaxNode, scope: Scope): Value {
    const text = this.t(node);
    const m = /^([rRfF]*)('''|"""|'|")/.exec(text);
    if (!m) return str(null);
    const open = m[0].length;
    const close = m[2].length;
    let out = '';
    let pos = node.from + open;
    let known = true;
    for (let c = fc(node); c; c = nx(c)) {
      if (c.name !== 'FormatReplacement') continue;
      out += this.text.slice(pos, c.from).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
      pos = c.to;
      const expr = nx(fc(c));
      const hasSpec = !!childNamed(c, 'FormatSpec') || !!childNamed(c, 'FormatConversion');
      const v = expr ? this.eval(expr, scope) : UNKNOWN;
      const s = pyStr(v);
      if (s === null || hasSpec) known = false;
      else out += s;
    }
    out += this.text.slice(pos, node.to - close).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
    return str(known ? out : null);
  }

  private evalSequence(node: SyntaxNode, scope: Scope, kind: 'list' | 'tuple'): Value {
    const inner: SyntaxNode[] = [];
    for (let c = fc(node); c; c = nx(c)) if (!BRACKETS.has(c.name)) inner.push(c);
    const items: Value[] = [];
    for (const e of this.splitStarred(inner)) {
      const v = this.eval(e.node, scope);
      if (e.starred) {
        const its = this.iterItems(v);
        if (!its) return { k: kind, items: null, elem: this.elemOf(v) };
        items.push(...its);
      } else items.push(v);
    }
    return { k: kind, items };
  }

  private evalDict(node: SyntaxNode, scope: Scope): Value {
    const entries = new Map<string, [Value, Value]>();
    let known = true;
    let c = nx(fc(node)) ?? null;
    while (c && c.name !== '}') {
      if (c.name === ',') {
        c = nx(c);
        continue;
      }
      if (c.name === '**') {
        const v = nx(c) ? this.eval(nx(c)!, scope) : UNKNOWN;
        if (v.k === 'dict' && v.entries) for (const [k, e] of v.entries) entries.set(k, e);
        else known = false;
        c = nx(nx(c)) ?? null;
        continue;
      }
      const key = this.eval(c, scope);
      const colon = nx(c);
      const valNode = nx(colon);
      const val = valNode ? this.eval(valNode, scope) : UNKNOWN;
      const kt = keyText(key);
      if (kt === null) known = false;
      else entries.set(kt, [key, val]);
      c = nx(valNode) ?? null;
    }
    return { k: 'dict', entries: known ? entries : null };
  }

  /** [expr for t in it (if c)* (for …)*] and {k: v for …}. */
  private evalComprehension(node: SyntaxNode, scope: Scope, kind: 'list' | 'dict'): Value {
    const kids = childList(node).filter((k) => !['[', ']', '{', '}', '(', ')'].includes(k.name));
    // element part: up to the first `for`
    const firstFor = kids.findIndex((k) => k.name === 'for');
    if (firstFor < 0) return UNKNOWN;
    const elemNodes = kids.slice(0, firstFor);
    type Clause = { kind: 'for'; targets: SyntaxNode[]; iter: SyntaxNode } | { kind: 'if'; cond: SyntaxNode };
    const clauses: Clause[] = [];
    let i = firstFor;
    while (i < kids.length) {
      if (kids[i].name === 'for' || kids[i].name === 'async') {
        if (kids[i].name === 'async') i++;
        const targets: SyntaxNode[] = [];
        i++;
        while (i < kids.length && kids[i].name !== 'in') targets.push(kids[i++]);
        i++;
        const iter = kids[i++];
        if (!iter) return UNKNOWN;
        clauses.push({ kind: 'for', targets, iter });
      } else if (kids[i].name === 'if') {
        const cond = kids[i + 1];
        if (!cond) return UNKNOWN;
        clauses.push({ kind: 'if', cond });
        i += 2;
      } else i++;
    }
    const inner = new Scope('comprehension', scope);
    const results: Value[] = [];
    const dictEntries = new Map<string, [Value, Value]>();
    let exact = true;
    let elemJoin: Value | undefined;
    let lenOfUnknown: Dim = null;
    let count = 0;
    const maxItems = this.exhausted ? 16 : 20000;
    const emit = (): void => {
      if (kind === 'dict') {
        const k = elemNodes[0] ? this.eval(elemNodes[0], inner) : UNKNOWN;
        const v = elemNodes[2] ? this.eval(elemNodes[2], inner) : UNKNOWN;
        const kt = keyText(k);
        if (kt === null) exact = false;
        else dictEntries.set(kt, [k, v]);
      } else {
        const v = elemNodes.length === 1 ? this.eval(elemNodes[0], inner) : UNKNOWN;
        if (exact && !this.allowItems(budgetSize(v), node)) {
          exact = false;
          count = maxItems + 1;
        }
        if (exact) results.push(v);
        elemJoin = elemJoin === undefined ? v : join(elemJoin, v);
      }
    };
    const run = (ci: number): void => {
      if (ci >= clauses.length) {
        if (++count > maxItems) {
          exact = false;
          return;
        }
        emit();
        return;
      }
      const cl = clauses[ci];
      if (cl.kind === 'if') {
        const cv = truthy(this.eval(cl.cond, inner));
        if (cv === false) return;
        if (cv === null) exact = false;
        run(ci + 1);
        return;
      }
      const it = this.eval(cl.iter, inner);
      const items = this.iterItems(it);
      if (!items) {
        exact = false;
        // one `for` and no `if`: as many results as the sequence has items, when that is known
        if (clauses.length === 1 && (it.k === 'list' || it.k === 'tuple')) lenOfUnknown = it.len ?? null;
        this.assignTargetList(cl.targets, this.elemOf(it) ?? UNKNOWN, inner, node);
        this.uncertain++;
        try {
          run(ci + 1);
        } finally {
          this.uncertain--;
        }
        return;
      }
      for (const item of items) {
        if (count > maxItems) {
          exact = false;
          return;
        }
        this.assignTargetList(cl.targets, item, inner, node);
        run(ci + 1);
      }
    };
    run(0);
    if (kind === 'dict') return { k: 'dict', entries: exact ? dictEntries : null };
    if (exact) {
      const l = list(results);
      if (this.uncertain > 0) l.birth = this.uncertain;
      return l;
    }
    return { k: 'list', items: null, elem: elemJoin, len: lenOfUnknown };
  }

  private evalBinary(node: SyntaxNode, scope: Scope): Value {
    const kids = childList(node);
    const left = kids[0];
    const right = kids[kids.length - 1];
    if (!left || !right || left === right) return UNKNOWN;
    // one operator token (`a + b`) or two (`not in`, `is not`)
    const opText = kids.length === 3 ? this.t(kids[1]) : kids
      .slice(1, -1)
      .map((k) => this.t(k))
      .join(' ');
    if (opText === 'and' || opText === 'or') {
      const l = this.eval(left, scope);
      const tl = truthy(l);
      if (opText === 'and') {
        if (tl === false) return l;
        if (tl === true) return this.eval(right, scope);
      } else {
        if (tl === true) return l;
        if (tl === false) return this.eval(right, scope);
      }
      const r = this.eval(right, scope);
      if (l.k === 'bool' && r.k === 'bool') return bool(null);
      return join(l, r);
    }
    if (COMPARE_OPS.has(opText) && left.name === 'BinaryExpression' && COMPARE_OPS.has(this.binaryOpText(left))) {
      return this.evalCompareChain(node, scope);
    }
    const l = this.eval(left, scope);
    const r = this.eval(right, scope);
    if (COMPARE_OPS.has(opText)) {
      return this.guardOp(node, () => compareOp(this.opServices(node), opText, l, r));
    }
    return this.guardOp(node, () => binaryOp(this.opServices(node), opText, l, r, false));
  }

  private binaryOpText(node: SyntaxNode): string {
    const kids = childList(node);
    return kids
      .slice(1, -1)
      .map((k) => this.t(k))
      .join(' ');
  }

  /** `a < b <= c` (lezer nests it as ((a < b) <= c)): Python's chain `a < b and b <= c`, each operand evaluated
   *  once, stopping at the first comparison known to be false. */
  private evalCompareChain(node: SyntaxNode, scope: Scope): Value {
    const operands: SyntaxNode[] = [];
    const ops: string[] = [];
    let cur: SyntaxNode = node;
    while (cur.name === 'BinaryExpression' && COMPARE_OPS.has(this.binaryOpText(cur))) {
      const kids = childList(cur);
      operands.unshift(kids[kids.length - 1]);
      ops.unshift(this.binaryOpText(cur));
      cur = kids[0];
    }
    operands.unshift(cur);
    let l = this.eval(operands[0], scope);
    let result: Value = bool(true);
    for (let i = 0; i < ops.length; i++) {
      const r = this.eval(operands[i + 1], scope);
      const c = this.guardOp(node, () => compareOp(this.opServices(node), ops[i], l, r));
      const tc = truthy(c);
      if (tc === false) return c;
      if (tc === null) result = c.k === 'bool' && result.k === 'bool' ? bool(null) : UNKNOWN;
      l = r;
    }
    return result;
  }

  /** Attribute access or subscript. */
  private evalMember(node: SyntaxNode, scope: Scope): Value {
    const objNode = fc(node);
    if (!objNode) return UNKNOWN;
    const obj = this.eval(objNode, scope);
    // one scan of the children (those before objNode are comments): a subscript `[`, else the first PropertyName
    let bracket = false;
    let prop: SyntaxNode | null = null;
    for (let c: SyntaxNode | null = objNode; c; c = c.nextSibling) {
      if (c.name === '[') {
        bracket = true;
        break;
      }
      if (!prop && c.name === 'PropertyName') prop = c;
    }
    if (bracket) {
      const idx = this.evalSubscript(node, scope);
      const indexed = this.guardOp(node, () => indexValue(this.opServices(node), obj, idx, this));
      // (Run engine) a subscript of a tensor is an op too: `seq_tensor[perm_idx]`, `h_n[-1]`, `output[:, -1]`
      if (obj.k === 'tensor' && this.opts.hooks?.afterOp) this.opts.hooks.afterOp(this.opCall('Tensor.__getitem__', obj, [idx], new Map(), node), indexed);
      return indexed;
    }
    if (!prop) return UNKNOWN;
    const v = this.getAttr(obj, this.t(prop), node);
    if (this.speculative > 0 && obj.k === 'object') this.noteMemberUse(prop, v);
    return v;
  }

  /** The index inside `x[...]`: one value, or a tuple of values; slices become opaque 'slice' values. */
  evalSubscript(node: SyntaxNode, scope: Scope): Value {
    const kids = childList(node);
    const open = kids.findIndex((k) => k.name === '[');
    const inner = kids.slice(open + 1, kids[kids.length - 1]?.name === ']' ? -1 : undefined);
    const parts: SyntaxNode[][] = [[]];
    for (const k of inner) {
      if (k.name === ',') parts.push([]);
      else parts[parts.length - 1].push(k);
    }
    if (parts[parts.length - 1].length === 0 && parts.length > 1) parts.pop();
    const vals = parts.map((p) => this.evalIndexPart(p, scope));
    return parts.length === 1 && !inner.some((k) => k.name === ',') ? vals[0] : tuple(vals);
  }

  private evalIndexPart(nodes: SyntaxNode[], scope: Scope): Value {
    if (!nodes.some((n) => n.name === ':')) {
      if (nodes.length === 1) return this.eval(nodes[0], scope);
      if (nodes.length === 2 && nodes[0].name === '*') return this.eval(nodes[1], scope);
      return UNKNOWN;
    }
    const slots: Value[] = [NONE, NONE, NONE];
    let slot = 0;
    for (const n of nodes) {
      if (n.name === ':') slot++;
      else if (slot < 3) slots[slot] = this.eval(n, scope);
    }
    return { k: 'opaque', cls: 'slice', attrs: new Map([['start', slots[0]], ['stop', slots[1]], ['step', slots[2]]]) };
  }

  // ───────────────────────────── attributes ─────────────────────────────

  getAttr(obj: Value, name: string, node: SyntaxNode): Value {
    switch (obj.k) {
      case 'ns':
        return moduleAttr(obj.path, name);
      case 'tensor':
        return this.guardOp(node, () => tensorAttr(obj, name));
      case 'packed':
        return packedAttr(obj, name);
      case 'nnmodule': {
        // a parameter read the first time is kept in the module's attributes: that changes the module
        const before = obj.attrs.size;
        const v = nnModuleAttr(obj, name);
        if (obj.attrs.size !== before) this.noteMutation(obj);
        return v;
      }
      case 'object': {
        const own = obj.attrs.get(name);
        if (own !== undefined) return own;
        const m = this.classMember(obj.cls, name);
        if (m !== undefined) {
          if (m.k === 'func') return { k: 'bound', fn: m, self: obj };
          if (m.k === 'opaque' && m.cls === 'property') {
            const f = m.attrs.get('fget');
            return f && f.k === 'func' ? this.callFunction(f, [obj], new Map(), node) : UNKNOWN;
          }
          if (m.k === 'opaque' && m.cls === 'staticmethod') return m.attrs.get('f') ?? UNKNOWN;
          if (m.k === 'opaque' && m.cls === 'classmethod') {
            const f = m.attrs.get('f');
            return f && f.k === 'func' ? { k: 'bound', fn: f, self: obj.cls } : UNKNOWN;
          }
          return m;
        }
        if (this.isModuleClass(obj.cls)) return objectModuleMethod(obj, name);
        return unknown(`${obj.cls.name} has no attribute '${name}' that the analysis knows`);
      }
      case 'class': {
        const m = this.classMember(obj, name);
        if (m && m.k === 'opaque' && m.cls === 'classmethod') {
          const f = m.attrs.get('f');
          return f && f.k === 'func' ? { k: 'bound', fn: f, self: obj } : UNKNOWN;
        }
        if (m && m.k === 'opaque' && m.cls === 'staticmethod') return m.attrs.get('f') ?? UNKNOWN;
        return m ?? UNKNOWN;
      }
      case 'opaque': {
        const a = obj.attrs.get(name);
        if (a !== undefined) return a;
        return { k: 'builtin', name: `${obj.cls}.${name}`, self: obj };
      }
      case 'list':
      case 'tuple':
      case 'dict':
      case 'set':
      case 'str':
      case 'int':
      case 'float':
      case 'bool':
        if (obj.k === 'tuple' && obj.fields && obj.items) {
          const i = obj.fields.indexOf(name);
          if (i >= 0 && i < obj.items.length) return obj.items[i];
        }
        return { k: 'builtin', name: `${obj.k}.${name}`, self: obj };
      case 'unknown': {
        // an attribute of a named unknown (`config.hidden` of an open parameter `config`) is named after it: used
        // as a size, it is that attribute's value
        const sym = obj.name !== undefined && /^[A-Za-z_][\w.]*$/.test(obj.name) && !NOT_SIZE_ATTRS.has(name) ? symbolic(`${obj.name}.${name}`) : null;
        return typeof sym === 'string' ? { k: 'unknown', why: `attribute ${sym}`, name: sym } : UNKNOWN;
      }
      case 'builtin':
        // sys.path.append / sys.path.insert: folders the program's own imports are looked up in
        if (obj.name === 'sys.path' && (name === 'append' || name === 'insert')) return { k: 'builtin', name: `sys.path.${name}` };
        // a function's own attributes the registry knows (itertools.chain.from_iterable)
        return !obj.self && this.ops.get(`${obj.name}.${name}`) ? { k: 'builtin', name: `${obj.name}.${name}` } : UNKNOWN;
      case 'func':
      case 'bound':
      case 'none':
        return UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private classMember(cls: ClassValue, name: string, depth = 0): Value | undefined {
    if (depth > 20) return undefined;
    const m = cls.members.get(name);
    if (m !== undefined) return m;
    for (const b of cls.bases) if (b.k === 'class') {
      const r = this.classMember(b, name, depth + 1);
      if (r !== undefined) return r;
    }
    return undefined;
  }

  /** Whether `name` is defined by a class that is not a dataclass above the nearest dataclass (a dataclass keeps
   *  an __init__ its own body defines; an inherited plain __init__ is replaced by the generated one). */
  private ownsMember(cls: ClassValue, name: string, depth = 0): boolean {
    if (depth > 20) return false;
    if (cls.members.has(name)) return true;
    if (cls.dataclassFields) return false;
    return cls.bases.some((b) => b.k === 'class' && this.ownsMember(b, name, depth + 1));
  }

  private isModuleClass(cls: ClassValue): boolean {
    return cls.torchBase === 'Module';
  }

  private setAttr(obj: Value, name: string, value: Value, node: SyntaxNode): void {
    let map: Map<string, Value> | null = null;
    this.noteMutation(obj);
    if (obj.k === 'object' || obj.k === 'nnmodule' || obj.k === 'opaque') map = obj.attrs;
    else if (obj.k === 'class') map = obj.members;
    else if (obj.k === 'tensor') {
      if (name === 'data' && value.k === 'tensor') {
        obj.data = value.data;
        if (!obj.data) delete obj.data;
      }
      return;
    }
    if (!map) return;
    const old = map.get(name);
    // nn.Module registers a submodule/Parameter when first assigned as one: a name that held a plain value before
    // moves to the end (named_parameters()/modules() order follows registration)
    if (obj.k === 'object' && old !== undefined && this.uncertain === 0 && this.registersAsModulePart(value) && !this.registersAsModulePart(old)) map.delete(name);
    map.set(name, this.uncertain > 0 && old !== undefined && old !== value ? join(old, value) : value);
    void node;
  }

  private registersAsModulePart(v: Value): boolean {
    return v.k === 'nnmodule' || (v.k === 'object' && this.isModuleClass(v.cls)) || (v.k === 'tensor' && v.facts.parameter === true);
  }

  private setItem(obj: Value, idx: Value, value: Value, node: SyntaxNode): void {
    this.noteMutation(obj);
    this.guardOp(node, () => {
      setIndexValue(this.opServices(node), obj, idx, value, this.uncertain > 0, (seq, items, added) => this.mutateSeq(seq, items, added, node));
      return NONE;
    });
  }

  /** Replaces a list's items (append/extend/…); under uncertainty the list becomes one of unknown length. */
  mutateSeq(seq: SeqValue, items: Value[] | null, added: Value | undefined, node: SyntaxNode): void {
    this.noteMutation(seq);
    const grown = items === null ? 0 : items.length - (seq.items?.length ?? 0);
    if (this.uncertain > (seq.birth ?? 0) || items === null || (grown > 0 && !this.allowItems(items.length > MAX_KNOWN_ITEMS ? items.length : grown, node))) {
      const e0 = seqElem(seq);
      const addElem = added && (added.k === 'list' || added.k === 'tuple') && items !== null ? seqElem(added) : added;
      const elem = e0 && addElem ? join(e0, addElem) : (e0 ?? addElem);
      seq.items = null;
      seq.elem = elem;
      seq.len = null;
      return;
    }
    seq.items = items;
  }

  /** Static analysis (no run hooks): see OpServices.eager. */
  eagerData(): boolean {
    return !this.opts.hooks;
  }

  isUncertain(): boolean {
    return this.uncertain > 0;
  }

  // ───────────────────────────── calls ─────────────────────────────

  /** `kids`: the ArgList's children (childList) when the caller has them already. */
  private argNodes(argList: SyntaxNode, children: SyntaxNode[] = childList(argList)): { node: SyntaxNode; keyword?: string; star?: '*' | '**' }[] {
    const out: { node: SyntaxNode; keyword?: string; star?: '*' | '**' }[] = [];
    const kids = children.filter((k) => k.name !== '(' && k.name !== ')');
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      if (k.name === ',') continue;
      if (k.name === '*' || k.name === '**') {
        if (kids[i + 1]) out.push({ node: kids[i + 1], star: k.name });
        i++;
        continue;
      }
      if (k.name === 'VariableName' && kids[i + 1]?.name === 'AssignOp' && kids[i + 2]) {
        out.push({ node: kids[i + 2], keyword: this.t(k) });
        i += 2;
        continue;
      }
      out.push({ node: k });
    }
    return out;
  }

  private evalCall(node: SyntaxNode, scope: Scope): Value {
    const calleeNode = fc(node);
    const argList = childNamed(node, 'ArgList');
    if (!calleeNode || !argList) return UNKNOWN;
    const callee = this.eval(calleeNode, scope);
    const args: Value[] = [];
    const kwargs = new Map<string, Value>();
    const argKids = childList(argList);
    if (argKids.some((k) => k.name === 'for')) {
      // f(x for x in y): a generator argument
      args.push(this.evalComprehension(argList, scope, 'list'));
    } else {
      for (const a of this.argNodes(argList, argKids)) {
        const v = this.eval(a.node, scope);
        if (a.star === '*') {
          const its = this.iterItems(v);
          if (!its) return unknown('call with *args of unknown length');
          args.push(...its);
        } else if (a.star === '**') {
          if (v.k === 'dict' && v.entries) {
            for (const [, [kv, vv]] of v.entries) if (kv.k === 'str' && kv.v !== null) kwargs.set(kv.v, vv);
          } else return unknown('call with **kwargs of unknown contents');
        } else if (a.keyword) kwargs.set(a.keyword, v);
        else args.push(v);
      }
    }
    const prevCall = this.currentCall;
    this.currentCall = node;
    try {
      return this.callValue(callee, args, kwargs, node);
    } finally {
      this.currentCall = prevCall;
    }
  }

  callValue(callee: Value, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    switch (callee.k) {
      case 'func':
        return this.callFunction(callee, args, kwargs, node);
      case 'bound':
        return this.callFunction(callee.fn, [callee.self, ...args], kwargs, node);
      case 'class':
        return this.instantiate(callee, args, kwargs, node);
      case 'builtin':
        return this.callBuiltin(callee.name, callee.self, args, kwargs, node);
      case 'ns':
        return this.callBuiltin(canonicalName(callee.path), undefined, args, kwargs, node);
      case 'nnmodule':
        return this.callBuiltin(`nn.${callee.kind}.forward`, callee, args, kwargs, node);
      case 'object': {
        if (this.isModuleClass(callee.cls)) {
          const fwd = this.classMember(callee.cls, 'forward');
          if (fwd && fwd.k === 'func') return this.callFunction(fwd, [callee, ...args], kwargs, node);
        }
        const call = this.classMember(callee.cls, '__call__');
        if (call && call.k === 'func') return this.callFunction(call, [callee, ...args], kwargs, node);
        this.followRng('<call of an unknown value>', undefined, args, kwargs, UNKNOWN, false);
        return unknown(`calling a ${callee.cls.name} object`);
      }
      case 'opaque':
        if (callee.cls === 'staticmethod') {
          const f = callee.attrs.get('f');
          if (f) return this.callValue(f, args, kwargs, node);
        }
        return this.callBuiltin(`${callee.cls}.__call__`, callee, args, kwargs, node);
      default:
        this.followRng('<call of an unknown value>', undefined, args, kwargs, UNKNOWN, false);
        return unknown('call of an unknown value');
    }
  }

  /** `model.train(mode)` / `model.eval()`: the `training` flag of the module and of every user submodule (held
   *  directly or in a ModuleList/ModuleDict/Sequential); null when the call may or may not run. */
  private setTraining(v: Value, mode: boolean | null, seen: Set<Value>, depth = 0): void {
    if (seen.has(v) || depth > 20) return;
    seen.add(v);
    if (v.k === 'object' && this.isModuleClass(v.cls)) {
      this.noteMutation(v);
      v.attrs.set('training', bool(mode));
      for (const a of v.attrs.values()) this.setTraining(a, mode, seen, depth + 1);
    } else if (v.k === 'nnmodule') {
      const mods = v.attrs.get('_modules');
      const dict = v.attrs.get('_dict');
      for (const m of mods && (mods.k === 'list' || mods.k === 'tuple') && mods.items ? mods.items : []) this.setTraining(m, mode, seen, depth + 1);
      for (const [, m] of dict && dict.k === 'dict' && dict.entries ? dict.entries.values() : []) this.setTraining(m, mode, seen, depth + 1);
    }
  }

  private instantiate(cls: ClassValue, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    const obj: ObjectValue = { k: 'object', cls, attrs: new Map() };
    // a new nn.Module is in training mode
    if (this.isModuleClass(cls)) obj.attrs.set('training', bool(true));
    const init = this.classMember(cls, '__init__');
    const fields = this.allDataclassFields(cls);
    if (fields && !(init && init.k === 'func' && this.ownsMember(cls, '__init__'))) this.initDataclass(obj, fields, args, kwargs, node);
    else if (init && init.k === 'func') this.callFunction(init, [obj, ...args], kwargs, node);
    if (!this.instances.has(cls)) {
      this.instances.set(cls, obj);
      if (this.rec) this.rec.instances.push([cls, obj]);
    }
    return obj;
  }

  /** Runs a builtin/torch rule with validation errors located at the call and the run-engine hooks. */
  private callBuiltin(name: string, self: Value | undefined, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    if (name === 'super') return this.superObject(args);
    if ((name === 'Module.eval' || name === 'Module.train') && self && self.k === 'object') {
      const modeV = args[0] ?? kwargs.get('mode');
      const mode = name === 'Module.eval' ? false : modeV === undefined ? true : truthy(modeV);
      this.setTraining(self, this.uncertain > 0 ? null : mode, new Set());
      return self;
    }
    if (name === 'isinstance') return this.isInstance(args);
    if (name === 'sys.path.append' || name === 'sys.path.insert') {
      const dir = args[name === 'sys.path.append' ? 0 : 1];
      const at = name === 'sys.path.append' ? null : args[0]?.k === 'int' ? args[0].v : undefined;
      if (dir?.k === 'str' && dir.v !== null && at !== undefined) this.importer?.addRoot(dir.v, at);
      return NONE;
    }
    if (name === 'getattr' && args.length >= 2 && args[1].k === 'str' && args[1].v !== null) {
      return this.getAttr(args[0], args[1].v, node);
    }
    if (name === 'hasattr' && args.length >= 2 && args[0].k === 'object' && args[1].k === 'str' && args[1].v !== null) {
      return bool(args[0].attrs.has(args[1].v) || this.classMember(args[0].cls, args[1].v) !== undefined ? true : null);
    }
    if (name === 'setattr' && args.length >= 3 && args[1].k === 'str' && args[1].v !== null) {
      this.setAttr(args[0], args[1].v, args[2], node);
      return NONE;
    }
    // values owned by earlier statements that this op may change: by name (in-place ops, container methods), and
    // whatever the name, a change of their fields one level deep (see afterOp)
    let watched: { v: Value; fields: unknown[] }[] | undefined;
    if (this.recording) {
      if (mutatesReceiver(name)) this.noteDeepMutation(self ?? args[0]);
      const out = kwargs.get('out');
      if (out) this.noteDeepMutation(out);
      if (self && !isImmutable(self) && this.owners.has(self)) (watched ??= []).push({ v: self, fields: fieldsOf(self) });
      for (const v of args) if (!isImmutable(v) && this.owners.has(v)) (watched ??= []).push({ v, fields: fieldsOf(v) });
      for (const v of kwargs.values()) if (!isImmutable(v) && this.owners.has(v)) (watched ??= []).push({ v, fields: fieldsOf(v) });
    }
    try {
      return this.callRule(name, self, args, kwargs, node);
    } finally {
      if (watched) for (const w of watched) if (changedFields(w.v, w.fields)) this.noteMutation(w.v);
    }
  }

  /** The rule of a builtin/torch op (validation errors located at the call, run-engine hooks, op sites). */
  private callRule(name: string, self: Value | undefined, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    const rule = this.ops.get(name);
    if (!rule) {
      const hooks = this.opts.hooks;
      const result = unknown(`${name.replace(/^Tensor\./, 'Tensor.')} is not modelled`);
      this.followRng(name, self, args, kwargs, result, false);
      if (hooks?.afterOp) hooks.afterOp(this.opCall(name, self, args, kwargs, node), result);
      return result;
    }
    let result: Value;
    const inPlaceOn = self && self.k === 'tensor' && isInPlaceTensorMethod(name) ? { op: name, t: self, shape: self.shape, data: self.data } : null;
    this.outOfOrder++;
    try {
      result = rule(new OpArgs(name, args, kwargs, this.opServices(node), self));
    } catch (e) {
      if (e instanceof ShapeError) {
        this.diag(node.from, node.to, e.code, 'error', e.message);
        return unknown(`error: ${e.message}`);
      }
      if (e instanceof Abort) throw e;
      if (e instanceof RangeError || e instanceof TypeError) {
        this.diag(node.from, node.to, 'RNNL-INTERNAL', 'info', `${name}: could not be analysed (${e.message})`);
        return unknown(`${name} could not be analysed`);
      }
      throw e;
    } finally {
      this.outOfOrder--;
    }
    result = this.followRng(name, self, args, kwargs, result, true);
    const hooks = this.opts.hooks;
    const keepSite = this.recordOps(name);
    if (hooks?.overrideOp || hooks?.afterOp) {
      const call = this.opCall(name, self, args, kwargs, node);
      if (hooks?.overrideOp) result = hooks.overrideOp(call, result) ?? result;
      if (hooks?.afterOp) hooks.afterOp(call, result);
    }
    if (keepSite) this.opSites.push({ op: name, from: node.from, to: node.to, self, args, kwargs, result });
    const outArg = kwargs.get('out');
    if (outArg && outArg.k === 'tensor' && outArg.data) {
      // out=: written by the op, whose values land there unmodelled
      this.noteMutation(outArg);
      delete outArg.data;
    }
    if (inPlaceOn) return this.applyInPlace(inPlaceOn, result);
    return result;
  }

  /** (Static analysis) torch's global random stream through op `name` (runtime/torch/ops/rng-stream.ts): seeded by
   *  a certain manual_seed, advanced by draws of known size on the certain path (randint/randperm get their values),
   *  unknown after anything else that may draw. Returns the result, with values when the draw is exact. */
  private followRng(name: string, self: Value | undefined, args: Value[], kwargs: Map<string, Value>, result: Value, known: boolean): Value {
    // one stream for the whole program: an imported module draws from the program's
    const module = this.root ? this.root.moduleScope : this.moduleScope;
    if (this.opts.hooks || this.speculative > 0 || !module) return result;
    const eff = rngEffect(name, self, args, kwargs, result, known);
    if (eff.kind === 'none') return result;
    const certain = this.uncertain === 0 && !this.exhausted && this.outOfOrder === 0;
    if (eff.kind === 'seed') {
      module.vars.set(RNG_VAR, eff.seed !== null && certain ? seededStream(eff.seed) : UNKNOWN);
      if (module.watch) module.watch.write(RNG_VAR);
      return result;
    }
    const cur = module.lookup(RNG_VAR);
    if (!cur || cur.k === 'unknown') return result;
    const drawn = eff.kind === 'draw' && certain ? drawFrom(cur, eff.step, this.rngCache) : null;
    module.vars.set(RNG_VAR, drawn ? drawn.stream : UNKNOWN);
    if (module.watch) module.watch.write(RNG_VAR);
    if (!drawn || eff.kind !== 'draw' || !eff.attach || result.k !== 'tensor' || drawn.out.dtype !== result.dtype) return result;
    const shape = result.shape;
    if (!shape || shape.length !== drawn.out.shape.length || shape.some((d, i) => d !== drawn.out.shape[i])) return result;
    return { ...result, data: drawn.out };
  }

  /** `x.fill_(…)`, `x.transpose_(…)`, `x.add_(…)`: the receiver becomes the result (shape and data, its own dtype)
   *  and is what the call returns; where the call may or may not run, the receiver is the join of before and after. */
  private applyInPlace(before: { op: string; t: TensorValueA; shape: TensorValueA['shape']; data: TensorValueA['data'] }, result: Value): Value {
    const t = before.t;
    const next = result.k === 'tensor' ? result : null;
    // only the view-changing in-place methods change the receiver's shape; the others write into it
    const shape = SHAPE_CHANGING_IN_PLACE.has(before.op) ? (next ? next.shape : null) : before.shape;
    const data = next && next.data && next.data.dtype === t.dtype ? next.data : undefined;
    if (this.uncertain > 0) {
      t.shape = joinShape(before.shape, shape);
      const keep = before.data && data && before.data === data ? data : undefined;
      if (keep) t.data = keep;
      else delete t.data;
    } else {
      t.shape = shape;
      if (data) t.data = data;
      else delete t.data;
    }
    return t;
  }

  /** Ops kept as OpSites for the diagnostics (the rest are not stored, to keep memory flat on big files). */
  private recordOps(name: string): boolean {
    if (name.startsWith('rnn.')) return true;
    if (name.startsWith('nn.')) return /^nn\.(LSTM|GRU|RNN|Embedding)/.test(name);
    return KEPT_REDUCTION_SITES.has(name);
  }

  private opCall(op: string, self: Value | undefined, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): OpCall {
    const span = this.opts.spanOf ? this.opts.spanOf(node.from, node.to) : { line: 0, col: 0, endLine: 0, endCol: 0 };
    return { op, span, self, args, kwargs, certain: this.uncertain === 0 && this.speculative === 0 && !this.exhausted, speculative: this.speculative > 0 };
  }

  opServices(node: SyntaxNode): OpServices {
    return new NodeServices(this, node);
  }

  /** Charges `items` to the item budget (see ITEM_BUDGET); false, with one located note per analysis, when a single
   *  value would pass MAX_KNOWN_ITEMS or the budget is spent. */
  allowItems(items: number, node: SyntaxNode): boolean {
    if (items <= MAX_KNOWN_ITEMS && this.itemsCreated + items <= ITEM_BUDGET) {
      this.itemsCreated += items;
      return true;
    }
    if (!this.budgetNoted) {
      this.budgetNoted = true;
      const n = (x: number): string => x.toLocaleString('en-US');
      const what = items > MAX_KNOWN_ITEMS
        ? `this value would hold ${n(items)} list items (or ${n(items * CHARS_PER_ITEM)} string characters), more than the ${n(MAX_KNOWN_ITEMS)} items / ${n(MAX_KNOWN_CHARS)} characters RNN Lens keeps`
        : `the file builds more than ${n(ITEM_BUDGET)} list items (or ${n(ITEM_BUDGET * CHARS_PER_ITEM)} string characters) in all, more than RNN Lens keeps`;
      this.diag(node.from, node.to, 'RNNL-LIMIT', 'info', `${what}: such values are analysed with unknown contents`);
    }
    return false;
  }

  private guardOp(node: SyntaxNode, f: () => Value): Value {
    try {
      return f();
    } catch (e) {
      if (e instanceof ShapeError) {
        this.diag(node.from, node.to, e.code, 'error', e.message);
        return unknown(`error: ${e.message}`);
      }
      throw e;
    }
  }

  private superObject(args: Value[]): Value {
    const self = args.length >= 2 ? args[1] : this.frame.self;
    const owner = args.length >= 1 && args[0].k === 'class' ? args[0] : this.frame.fn?.ownerClass;
    if (!self || self.k !== 'object' || !owner) return { k: 'opaque', cls: 'super', attrs: new Map() };
    // methods of the first user base class; torch.nn.Module's own methods are no-ops
    const attrs = new Map<string, Value>();
    for (const b of owner.bases) {
      if (b.k !== 'class') continue;
      for (const [k, v] of b.members) if (v.k === 'func' && !attrs.has(k)) attrs.set(k, { k: 'bound', fn: v, self });
      let bb: ClassValue | undefined = b;
      let guard = 0;
      while (bb && guard++ < 20) {
        for (const [k, v] of bb.members) if (v.k === 'func' && !attrs.has(k)) attrs.set(k, { k: 'bound', fn: v, self });
        const next: Value | undefined = bb.bases.find((x) => x.k === 'class');
        bb = next && next.k === 'class' ? next : undefined;
      }
    }
    // the library base's __init__ (no user base defines one): nn.Module's, Dataset's and object's draw no random
    // numbers (an nn.LSTM base's would)
    if (!attrs.has('__init__') && this.libraryBases(owner).every((b) => b.k === 'builtin' && PLAIN_INIT_BASES.has(b.name))) attrs.set(PLAIN_INIT, bool(true));
    return { k: 'opaque', cls: 'super', attrs };
  }

  /** The bases of `cls` and of its user base classes that are not user classes (torch's, Python's). */
  private libraryBases(cls: ClassValue): Value[] {
    const out: Value[] = [];
    const seen = new Set<ClassValue>();
    const walk = (c: ClassValue): void => {
      if (seen.has(c) || seen.size > 50) return;
      seen.add(c);
      for (const b of c.bases) if (b.k === 'class') walk(b); else out.push(b);
    };
    walk(cls);
    return out;
  }

  private isInstance(args: Value[]): Value {
    if (args.length < 2) return bool(null);
    const [v, t] = args;
    const types = t.k === 'tuple' && t.items ? t.items : [t];
    let any: boolean | null = false;
    for (const ty of types) {
      const r = this.isInstanceOf(v, ty);
      if (r === true) return bool(true);
      if (r === null) any = null;
    }
    return bool(any);
  }

  private isInstanceOf(v: Value, ty: Value): boolean | null {
    if (v.k === 'unknown') return null;
    if (ty.k === 'builtin' && ty.name.startsWith('nn.') && (v.k === 'nnmodule' || v.k === 'object')) return nnIsInstance(v, ty.name, (c) => this.isModuleClass(c));
    if (ty.k === 'builtin') {
      const map: Record<string, Value['k'][]> = {
        int: ['int', 'bool'], float: ['float'], str: ['str'], list: ['list'], tuple: ['tuple'], dict: ['dict'], set: ['set'], bool: ['bool'],
        'torch.Tensor': ['tensor'], 'rnn.PackedSequence': ['packed'],
      };
      const ks = map[ty.name];
      if (ks) return ks.includes(v.k) || (ty.name === 'tuple' && v.k === 'packed');
      return null;
    }
    if (ty.k === 'class' && v.k === 'object') {
      let c: ClassValue | undefined = v.cls;
      let guard = 0;
      while (c && guard++ < 20) {
        if (c === ty) return true;
        const b: Value | undefined = c.bases.find((x) => x.k === 'class');
        c = b && b.k === 'class' ? b : undefined;
      }
      return false;
    }
    return null;
  }

  callFunction(fn: FunctionValue, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    if (this.importer?.loadedAny) {
      const home = this.importer.homes.get((fn.closure as Scope).module()) as Interpreter | undefined;
      if (home && home !== this) return home.callFrom(this, fn, args, kwargs, node);
    }
    if (!this.called.has(fn)) {
      this.called.add(fn);
      if (this.rec) this.rec.called.push(fn);
    }
    if (this.exhausted) return unknown('analysis budget exhausted');
    if (this.callDepth >= this.limits.maxCallDepth) {
      this.diag(node.from, node.to, 'RNNL-LIMIT', 'info', `call depth limit (${this.limits.maxCallDepth}) reached in ${fn.name}(): result unknown (recursion?)`);
      this.followRng('<skipped call>', undefined, args, kwargs, UNKNOWN, false);
      return unknown('call depth limit reached');
    }
    // recursion on the same abstract arguments (e.g. repackage_hidden(h) over the items of an unknown h) can only
    // repeat itself: its result is unknown, and no limit was hit
    if (this.activeCalls.some((c) => c.fn === fn && sameArgs(c.args, args) && sameKwargs(c.kwargs, kwargs))) {
      this.followRng('<skipped call>', undefined, args, kwargs, UNKNOWN, false);
      return unknown(`recursive call of ${fn.name}() with the same unknown arguments`);
    }
    const scope = new Scope('function', fn.closure as Scope);
    this.bindParams(fn, args, kwargs, scope, node);
    const saved = this.frame;
    this.frame = { returns: [], fn, self: args[0] };
    this.callDepth++;
    this.activeCalls.push({ fn, args, kwargs });
    try {
      const fnNode = this.nodeOf(fn);
      if (fn.isLambda) {
        const bodyExpr = lc(fnNode);
        return bodyExpr ? this.eval(bodyExpr, scope) : UNKNOWN;
      }
      if (this.isGenerator(fnNode)) this.frame.yields = { items: [], uncertain: false, base: this.uncertain };
      if (this.frame.yields) this.outOfOrder++;
      let comp: Completion;
      try {
        comp = this.execBlock(this.bodyOf(fnNode), scope);
      } finally {
        if (this.frame.yields) this.outOfOrder--;
      }
      const g = this.frame.yields;
      if (g) {
        // a generator: its values, made eagerly (the order of side effects between it and its consumer is lost)
        const seq: SeqValue = g.uncertain || comp === 'raise' ? { k: 'list', items: null, elem: g.items.length ? seqElem(list(g.items.slice(0, 256))) : undefined, len: null } : list(g.items);
        return { k: 'opaque', cls: 'generator', attrs: new Map<string, Value>([['_items', seq]]) };
      }
      if (comp === 'normal' || comp === 'break' || comp === 'continue') this.frame.returns.push(NONE);
      const rets = this.frame.returns;
      if (rets.length === 0) return unknown('the function always raises');
      let r = rets[0];
      for (let i = 1; i < rets.length; i++) r = join(r, rets[i]);
      return r;
    } finally {
      this.callDepth--;
      this.activeCalls.pop();
      this.frame = saved;
    }
  }

  private bindParams(fn: FunctionValue, args: Value[], kwargs: Map<string, Value>, scope: Scope, node: SyntaxNode): void {
    const params = childNamed(this.nodeOf(fn), 'ParamList');
    const kw = new Map(kwargs);
    let pos = 0;
    const open = this.openCall === fn;
    this.openCall = null;
    if (!params) return;
    const kids = childList(params);
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      if (k.name === '*' || k.name === '**') {
        const nameNode = kids[i + 1]?.name === 'VariableName' ? kids[i + 1] : null;
        if (nameNode) {
          i++;
          if (open) {
            this.bindName(nameNode, k.name === '*' ? { k: 'tuple', items: null } : { k: 'dict', entries: null }, scope, false);
            if (k.name === '*') pos = args.length;
          } else if (k.name === '*') {
            this.bindName(nameNode, tuple(args.slice(pos)), scope, false);
            pos = args.length;
          } else {
            const entries = new Map<string, [Value, Value]>();
            for (const [name, v] of kw) entries.set(JSON.stringify(name), [str(name), v]);
            kw.clear();
            this.bindName(nameNode, { k: 'dict', entries }, scope, false);
          }
        } else if (k.name === '*') pos = Math.max(pos, args.length);
        continue;
      }
      // `= default`: the default expression (a bare name such as PAD_token is a VariableName too) is no parameter
      if (k.name === 'AssignOp') {
        i++;
        continue;
      }
      if (k.name !== 'VariableName') continue;
      const name = this.t(k);
      let v: Value | undefined;
      if (kw.has(name)) {
        v = kw.get(name);
        kw.delete(name);
      } else if (pos < args.length) v = args[pos++];
      else if (fn.defaults.has(name) && !open) v = fn.defaults.get(name);
      else v = openParameter(name);
      this.bindName(k, v!, scope, false);
    }
    void node;
  }

  /** Functions never called by the program are analysed once with open parameters (symbolic, named after the
   *  parameter: `hid` used as a size is the dim `hid`). A method gets an instance of its class as `self`: the
   *  program's first instance when there is one, else a speculative instance made by running `__init__` with open
   *  parameters (so an nn.Module subclass nobody instantiates still knows its submodules). Their bindings are not
   *  fixture records, and they never change the program's own bindings. */
  private analyseUncalled(): void {
    const made = new Set<ClassValue>();
    for (const fn of this.defined) {
      if (this.called.has(fn) || this.exhausted) continue;
      const owner = fn.ownerClass;
      const method = owner !== undefined && owner.members.get(fn.name) === fn;
      let inst: Value | undefined = owner ? this.instances.get(owner) : undefined;
      if (owner && method && !inst && !made.has(owner)) {
        made.add(owner);
        inst = this.speculativeInstance(owner);
        // __init__ ran to make it
        if (this.called.has(fn)) continue;
      }
      const args: Value[] = method && inst ? [inst] : [];
      this.speculative++;
      this.openCall = fn;
      try {
        this.callFunction(fn, args, new Map(), this.nodeOf(fn));
      } finally {
        this.openCall = null;
        this.speculative--;
      }
    }
    for (const k of this.speculativeAt) {
      const b = this.bindings.get(k);
      if (b && b.recorded) {
        b.recorded = false;
        b.speculative = true;
      }
    }
  }

  /** An instance of a class the program never instantiates, from `__init__` run with open parameters (undefined
   *  for dataclasses, whose generated __init__ would assume the fields' defaults). */
  private speculativeInstance(cls: ClassValue): ObjectValue | undefined {
    if (this.allDataclassFields(cls)) return undefined;
    const obj: ObjectValue = { k: 'object', cls, attrs: new Map(), speculative: true };
    if (this.isModuleClass(cls)) obj.attrs.set('training', bool(null));
    const init = this.classMember(cls, '__init__');
    if (init && init.k === 'func') {
      this.speculative++;
      this.openCall = init;
      try {
        this.callFunction(init, [obj], new Map(), this.nodeOf(init));
      } finally {
        this.openCall = null;
        this.speculative--;
      }
    }
    this.instances.set(cls, obj);
    return obj;
  }

  // ───────────────────────────── iteration ─────────────────────────────

  /** Elements of an iterable when they are known (and not too many), else null. */
  iterItems(v: Value): Value[] | null {
    switch (v.k) {
      case 'list':
      case 'tuple':
        return v.items;
      case 'set':
        return v.items;
      case 'str':
        return v.v === null ? null : [...v.v].map((ch) => str(ch));
      case 'dict':
        return v.entries ? [...v.entries.values()].map(([k]) => k) : null;
      case 'tensor': {
        if (!v.shape || v.shape.length === 0 || typeof v.shape[0] !== 'number' || v.shape[0] > 4096) return null;
        const n = v.shape[0];
        const out: Value[] = [];
        for (let i = 0; i < n; i++) out.push(indexValue(this.opServices(this.currentCall ?? this.parsed.tree.topNode), v, int(i), this));
        return out;
      }
      case 'packed':
        return [v.data, this.packedField(v, 'batch_sizes'), this.packedField(v, 'sorted_indices'), this.packedField(v, 'unsorted_indices')];
      case 'nnmodule': {
        const mods = v.attrs.get('_modules');
        const dict = v.attrs.get('_dict');
        if (dict && dict.k === 'dict') return dict.entries ? [...dict.entries.values()].map(([k]) => k) : null;
        return mods && (mods.k === 'list' || mods.k === 'tuple') ? mods.items : null;
      }
      case 'object': {
        // a user iterable: the items of what its __iter__ gives (a generator, a list, …)
        const m = findMethod(v, '__iter__');
        if (!m) return null;
        const r = this.callValue(m, [], new Map(), this.currentCall ?? this.parsed.tree.topNode);
        return r !== v && r.k !== 'object' ? this.iterItems(r) : null;
      }
      case 'opaque': {
        const its = v.attrs.get('_items');
        if (its && its.k === 'list') return its.items;
        // (run engine only) a DataLoader over literal data: its real batches, made when the loop starts
        if (v.cls === 'data.DataLoader') return dataLoaderBatches(this.opServices(this.currentCall ?? this.parsed.tree.topNode), v);
        return null;
      }
      default:
        return null;
    }
  }

  /** What a for loop iterates: a user object's __iter__() result (called once), else the value itself. */
  private iterSource(v: Value): Value {
    if (v.k !== 'object') return v;
    const m = findMethod(v, '__iter__');
    if (!m) return v;
    const r = this.callValue(m, [], new Map(), this.currentCall ?? this.parsed.tree.topNode);
    return r === v || r.k === 'object' ? UNKNOWN : r;
  }

  private packedField(p: Value, name: string): Value {
    return p.k === 'packed' ? packedAttr(p, name) : UNKNOWN;
  }

  /** One value standing for every element of an iterable whose elements are not individually known. */
  elemOf(v: Value): Value | undefined {
    switch (v.k) {
      case 'list':
      case 'tuple':
        return seqElem(v);
      case 'set':
        return v.items ? (v.items.length ? v.items.reduce((a, b) => join(a, b)) : undefined) : UNKNOWN;
      case 'str':
        return str(null);
      case 'dict':
        return v.entries ? undefined : UNKNOWN;
      case 'tensor':
        // iterating a 0-d tensor is a TypeError in PyTorch: nothing to say about its elements
        if (v.shape !== null && v.shape.length === 0) return UNKNOWN;
        return indexValue(this.opServices(this.currentCall ?? this.parsed.tree.topNode), v, int(0), this);
      case 'opaque': {
        const e = v.attrs.get('_elem');
        if (e) return e;
        const its = v.attrs.get('_items');
        if (its && its.k === 'list') return seqElem(its);
        return UNKNOWN;
      }
      default:
        return UNKNOWN;
    }
  }
}

/** Whether a literal is only the digits 0-9 (a plain decimal integer). */
function isDecimalDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** The interpreter's services for the op rules of one call site (a class, not closures: one small object per op). */
class NodeServices implements OpServices {
  constructor(
    private readonly interp: Interpreter,
    private readonly node: SyntaxNode,
  ) {}
  call(fn: Value, args: Value[], kwargs?: Map<string, Value>): Value {
    return this.interp.callValue(fn, args, kwargs ?? new Map(), this.node);
  }
  items(v: Value): Value[] | null {
    return this.interp.iterItems(v);
  }
  note(message: string): void {
    this.interp.diag(this.node.from, this.node.to, 'RNNL-NOTE', 'info', message);
  }
  mutateSeq(seq: SeqValue, items: Value[] | null, added?: Value): void {
    this.interp.mutateSeq(seq, items, added, this.node);
  }
  allow(items: number): boolean {
    return this.interp.allowItems(items, this.node);
  }
  get eager(): boolean {
    return this.interp.eagerData();
  }
}

/** Syntax-tree navigation that skips comment nodes (lezer keeps comments inside expressions). */
function skipComments(n: SyntaxNode | null | undefined): SyntaxNode | null {
  let c = n ?? null;
  while (c && c.name === 'Comment') c = c.nextSibling;
  return c;
}
function nx(n: SyntaxNode | null | undefined): SyntaxNode | null {
  return n ? skipComments(n.nextSibling) : null;
}
function fc(n: SyntaxNode | null | undefined): SyntaxNode | null {
  return n ? skipComments(n.firstChild) : null;
}
function lc(n: SyntaxNode | null | undefined): SyntaxNode | null {
  let c = n ? n.lastChild : null;
  while (c && c.name === 'Comment') c = c.prevSibling;
  return c;
}

/** The first child named `name` (SyntaxNode.getChild without the TreeCursor it allocates on every call). */
function childNamed(node: SyntaxNode, name: string): SyntaxNode | null {
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name === name) return c;
  return null;
}

/** All children named `name`, in order (SyntaxNode.getChildren without a TreeCursor). */
function childrenNamed(node: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name === name) out.push(c);
  return out;
}

function childList(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = fc(node); c; c = nx(c)) if (c.name !== 'Comment') out.push(c);
  return out;
}

/** A previous record whose statement is unchanged, with its shift to this text and its index in the previous
 *  analysis's records. */
interface Candidate {
  rec: StatementRecord;
  shift: number;
  index: number;
}

/** Whether the interpreter's binding is the recorded state (positions of the record shifted by d). */
function sameBindingState(cur: Binding | undefined, before: BindingState | null, d: number): boolean {
  if (before === null) return cur === undefined;
  return !!cur && cur.value === before.value && cur.snapshot === before.snapshot && cur.executions === before.executions && cur.recorded === before.recorded && cur.to === before.to + d && cur.name === before.name;
}

function dedupe(items: Value[] | null): Value[] | null {
  if (!items) return null;
  const seen = new Map<string, Value>();
  for (const it of items) {
    const k = keyText(it);
    if (k === null) return null;
    if (!seen.has(k)) seen.set(k, it);
  }
  return [...seen.values()];
}

export { keyText, intArith };
export type { TensorValueA };

/** Two argument values the interpreter cannot tell apart: the same object, or both unknown. */
function sameArg(a: Value, b: Value): boolean {
  return a === b || (a.k === 'unknown' && b.k === 'unknown');
}

/** `x.shape` / `x.size()` (index null), `x.shape[k]` / `x.size(k)` / `x.size()[k]` (index k) or `len(x)` of a plain
 *  name x, read from the source text of an assigned expression. */
function sizeSource(node: SyntaxNode, text: (n: SyntaxNode) => string): { name: string; index: number | 'len' | null } | null {
  const m = /^([A-Za-z_]\w*)\s*\.\s*(?:shape|size\s*\(\s*\))\s*(?:\[\s*(-?\d+)\s*\])?$|^([A-Za-z_]\w*)\s*\.\s*size\s*\(\s*(-?\d+)\s*\)$|^len\s*\(\s*([A-Za-z_]\w*)\s*\)$/.exec(
    node.to - node.from > 80 ? '' : text(node),
  );
  if (!m) return null;
  if (m[1] !== undefined) return { name: m[1], index: m[2] === undefined ? null : Number(m[2]) };
  if (m[3] !== undefined) return { name: m[3], index: Number(m[4]) };
  return { name: m[5], index: 'len' };
}

/** Attributes that are never a size (a tensor's shape, data, dtype…): not named after an unknown's name. */
const NOT_SIZE_ATTRS = new Set(['shape', 'data', 'T', 'mT', 'device', 'dtype', 'weight', 'bias', 'grad', 'batch_sizes', 'sorted_indices', 'unsorted_indices']);

/** An open parameter: an unknown value named after the parameter (used as a size, it is the symbolic dim `name`). */
function openParameter(name: string): Value {
  return { k: 'unknown', why: `parameter ${name}`, name };
}

function sameArgs(a: Value[], b: Value[]): boolean {
  return a.length === b.length && a.every((x, i) => sameArg(x, b[i]));
}

function sameKwargs(a: Map<string, Value>, b: Map<string, Value>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || !sameArg(v, w)) return false;
  }
  return true;
}

