// Statement reuse for re-analysis after an edit: what one top-level statement did in the previous analysis (the
// module variables it read and wrote, its bindings, uses, diagnostics, op sites, the functions it created), and
// the rules under which the next analysis may replay that instead of interpreting the statement again.
//
// A statement's record is replayed only when the result is exactly what interpreting it would give:
//   - its text is unchanged (its whole range lies outside the edit) and so is every position it recorded
//     (bindings and uses inside the functions it called may lie elsewhere in the file);
//   - every module variable it read holds the very same value object as in the previous analysis (values created
//     by a statement that is interpreted again are new objects, so a change flows on to every reader), or an equal
//     value without mutable state (a module namespace, a number, a string, a library function);
//   - it was "clean" in the previous analysis (normal completion, no wholesale copy/join of the module variables
//     by a top-level branch or loop); a statement that mutates values an earlier statement created (objects are
//     owned by the statement that first bound them to a module variable) forms a group with it and everything in
//     between: a replayed value is in its state after the group, so the group replays as a whole (each member
//     checked against the state the members before it leave) or not at all. Mutations are seen at every mutation
//     site of the interpreter, by op name (in-place `_` ops, container methods, `out=`), and for any op whatever its
//     name by comparing the fields of the owned values it was given before and after it (fieldsOf);
//   - the bindings and uses it touched are in the same state as before it ran in the previous analysis (they are
//     joined over executions: a function called from several statements);
//   - nothing reused has been mutated so far in this analysis (else reuse stops for the rest of the module), the
//     step budget cannot run out inside it, and the previous analysis never ran out of budget.
// test/unit/shape-reanalyze*.test.ts compare reanalysis with a fresh analysis after random and targeted edits.
import type { TextChange } from '../python/parse';
import type { Scope } from './scope';
import type { ClassValue, FunctionValue, ObjectValue, Value } from './values';

/** A Binding as the interpreter keeps it (copied: records never share the interpreter's mutable objects). */
export interface BindingState {
  name: string;
  from: number;
  to: number;
  value: Value;
  snapshot: Value;
  recorded: boolean;
  executions: number;
}

export interface UseState {
  to: number;
  value: Value;
}

export interface DiagAttempt {
  from: number;
  to: number;
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

export interface OpSiteState {
  op: string;
  from: number;
  to: number;
  self?: Value;
  args: Value[];
  kwargs: Map<string, Value>;
  result: Value;
}

/** What one top-level statement did. Positions are `base` positions: add `shift` for the text of the analysis
 *  that holds the record. */
export interface StatementRecord {
  from: number;
  to: number;
  shift: number;
  /** Smallest and largest position of anything recorded (the statement itself included). */
  lo: number;
  hi: number;
  /** Module variables read before the statement wrote them, with the value seen (undefined: not defined). */
  reads: Map<string, Value | undefined>;
  /** Module variables written, with their value after the statement. */
  writes: Map<string, Value>;
  /** Binding / use states (by base position) before and after the statement. */
  bindingsBefore: Map<number, BindingState | null>;
  bindingsAfter: Map<number, BindingState>;
  usesBefore: Map<number, UseState | null>;
  usesAfter: Map<number, UseState>;
  diags: DiagAttempt[];
  opSites: OpSiteState[];
  called: FunctionValue[];
  defined: FunctionValue[];
  instances: [ClassValue, ObjectValue][];
  /** Functions created by the statement, with the base range of their definition / lambda node. */
  fns: { fn: FunctionValue; from: number; to: number }[];
  steps: number;
  clean: boolean;
  /** Stays the same through replays: what owns this statement's values (see Owners). */
  lineage: object;
  /** Later statements (up to this many after it) mutate values this one created: they replay together or not at
   *  all. */
  groupLength: number;
  /** It mutates values an earlier statement created: it replays only with that statement's group. */
  mutatesOlder: boolean;
}

/** Which statement's lineage owns a value (first bound it to a module variable / created a first instance).
 *  Carried from analysis to analysis: replayed values keep their owner without walking them again. */
export type Owners = WeakMap<Value, object>;

/** The records of one analysis, handed to the next (once). */
export interface ReuseState {
  records: StatementRecord[];
  /** The module scope object: functions' closures point at it, so the next analysis refills the same object. */
  module: Scope;
  /** Taken by a re-analysis (it refills the module scope): a second re-analysis from the same one starts afresh. */
  consumed: boolean;
  owners: Owners;
}

/** The previous analysis's records and the edit between its text and this one. */
export interface ReuseInput {
  state: ReuseState;
  changes: readonly TextChange[];
}

/** Maps positions of the previous text to this one, for ranges that no change touches. */
export class PositionMap {
  /** Sorted changes (previous-text coordinates) with the cumulative shift after each. */
  private readonly spans: { fromA: number; toA: number; after: number }[] = [];
  constructor(changes: readonly TextChange[]) {
    const sorted = [...changes].sort((a, b) => a.fromA - b.fromA);
    let shift = 0;
    for (const c of sorted) {
      shift += c.toB - c.fromB - (c.toA - c.fromA);
      this.spans.push({ fromA: c.fromA, toA: c.toA, after: shift });
    }
  }

  /** The shift (new − old) of the range [lo, hi] of the previous text, or null when a change touches it (a change
   *  that ends at lo or starts at hi touches it too: text inserted right before or after a statement joins it). */
  shiftOf(lo: number, hi: number): number | null {
    let shift = 0;
    for (const s of this.spans) {
      if (s.toA < lo) {
        shift = s.after;
        continue;
      }
      if (s.fromA > hi) break;
      return null;
    }
    return shift;
  }
}

/** The values directly held by a value (what a mutation of it can reach one level down). */
export function childValues(v: Value, out: Value[]): void {
  switch (v.k) {
    case 'list':
    case 'tuple':
      if (v.items) out.push(...v.items);
      if (v.elem) out.push(v.elem);
      return;
    case 'set':
      if (v.items) out.push(...v.items);
      return;
    case 'dict':
      if (v.entries) for (const [key, val] of v.entries.values()) out.push(key, val);
      if (v.elem) out.push(v.elem);
      return;
    case 'packed':
      out.push(v.data);
      return;
    case 'nnmodule':
      for (const c of Object.values(v.cfg)) out.push(c);
      for (const a of v.attrs.values()) out.push(a);
      return;
    case 'class':
      out.push(...v.bases);
      for (const m of v.members.values()) out.push(m);
      for (const f of v.dataclassFields ?? []) {
        if (f.default) out.push(f.default);
        if (f.factory) out.push(f.factory);
      }
      return;
    case 'object':
      out.push(v.cls);
      for (const a of v.attrs.values()) out.push(a);
      return;
    case 'func': {
      for (const d of v.defaults.values()) out.push(d);
      if (v.ownerClass) out.push(v.ownerClass);
      // a closure of a call that has returned: its variables are fixed, their values may be mutable
      const closure = v.closure as Scope | null;
      if (closure && closure.kind !== 'module') for (const c of closure.vars.values()) out.push(c);
      return;
    }
    case 'bound':
      out.push(v.fn, v.self);
      return;
    case 'opaque':
      for (const a of v.attrs.values()) out.push(a);
      return;
    case 'builtin':
      if (v.self) out.push(v.self);
      return;
    case 'tensor':
    case 'unknown':
    case 'none':
    case 'bool':
    case 'int':
    case 'float':
    case 'str':
    case 'ns':
      return;
    default:
      return;
  }
}

/** Values that have no mutable state (never owned, never mutated). */
export function isImmutable(v: Value): boolean {
  switch (v.k) {
    case 'unknown':
    case 'none':
    case 'bool':
    case 'int':
    case 'float':
    case 'str':
    case 'ns':
      return true;
    default:
      return false;
  }
}

/** Whether two values that have no mutable state are the same value (an import or constant statement interpreted
 *  again makes new but equal objects: readers of them may still be replayed). */
export function sameImmutable(a: Value, b: Value): boolean {
  switch (a.k) {
    case 'ns':
      return b.k === 'ns' && a.path === b.path;
    case 'int':
      return b.k === 'int' && a.v === b.v && a.sym === b.sym;
    case 'float':
    case 'str':
    case 'bool':
      return b.k === a.k && a.v === (b as typeof a).v;
    case 'none':
      return b.k === 'none';
    case 'builtin':
      // a library function (`from torch.nn.utils.rnn import pad_sequence`), not a bound method
      return b.k === 'builtin' && a.self === undefined && b.self === undefined && a.name === b.name;
    default:
      return false;
  }
}

/** The mutable fields of a value, one level deep (their identities; container sizes): an op rule that changes
 *  any of them changed the value, whatever its name says (see changedFields). */
export function fieldsOf(v: Value): unknown[] {
  switch (v.k) {
    case 'tensor':
      return [v.shape, v.data, v.dtype, v.numpy];
    case 'list':
    case 'tuple':
      return [v.items, v.items?.length, v.elem, v.len];
    case 'dict':
      return [v.entries, v.entries?.size, v.elem];
    case 'set':
      return [v.items, v.items?.length];
    case 'packed':
      return [v.data, v.batchSizes, v.sortedIndices, v.unsortedIndices];
    case 'nnmodule':
    case 'object':
    case 'opaque':
      return [v.attrs.size];
    case 'class':
      return [v.members.size];
    default:
      return [];
  }
}

export function changedFields(v: Value, before: unknown[]): boolean {
  const now = fieldsOf(v);
  for (let i = 0; i < now.length; i++) if (now[i] !== before[i]) return true;
  return false;
}

/** Owns every not yet owned value reachable from `roots` for a statement's lineage (iterative: deep graphs). */
export function own(owners: Owners, roots: Iterable<Value>, lineage: object): void {
  const stack: Value[] = [];
  for (const r of roots) stack.push(r);
  const kids: Value[] = [];
  while (stack.length) {
    const v = stack.pop()!;
    if (isImmutable(v) || owners.has(v)) continue;
    owners.set(v, lineage);
    kids.length = 0;
    childValues(v, kids);
    for (const k of kids) stack.push(k);
  }
}
