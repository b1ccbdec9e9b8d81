// Python scopes for the interpreter: module, function, class body and comprehension scopes, with Python's lookup
// rule (class bodies are not visible from nested functions), and snapshots for joining at control flow merges.
import type { Value } from './values';

export type ScopeKind = 'module' | 'function' | 'class' | 'comprehension';

/** Told about the reads and writes of a (module) scope's variables: statement reuse (runtime/interp/reuse.ts). */
export interface ScopeWatch {
  /** `name` was looked up in this scope (v: its value there, undefined when not defined). */
  read(name: string, v: Value | undefined): void;
  write(name: string): void;
  /** The variables were copied or replaced wholesale (joins at control flow merges). */
  wholesale(): void;
}

export class Scope {
  readonly vars = new Map<string, Value>();
  readonly globalNames = new Set<string>();
  /** `nonlocal x`: assignments go to the nearest enclosing function scope that has x. */
  readonly nonlocalNames = new Set<string>();
  watch: ScopeWatch | null = null;
  constructor(
    readonly kind: ScopeKind,
    readonly parent: Scope | null,
  ) {}

  /** Python name resolution: this scope, then enclosing non-class scopes up to the module. */
  lookup(name: string): Value | undefined {
    const own = this.vars.get(name);
    if (this.watch) this.watch.read(name, own);
    if (own !== undefined) return own;
    let s = this.parent;
    while (s) {
      if (s.kind !== 'class') {
        const v = s.vars.get(name);
        if (s.watch) s.watch.read(name, v);
        if (v !== undefined) return v;
      }
      s = s.parent;
    }
    return undefined;
  }

  module(): Scope {
    return this.parent ? this.parent.module() : this;
  }

  set(name: string, v: Value): void {
    const target = this.globalNames.has(name) ? this.module() : this.nonlocalNames.has(name) ? this.enclosingWith(name) : this;
    target.vars.set(name, v);
    if (target.watch) target.watch.write(name);
  }

  /** The nearest enclosing function scope holding `name` (this scope when none does). */
  private enclosingWith(name: string): Scope {
    for (let s = this.parent; s; s = s.parent) if (s.kind === 'function' && s.vars.has(name)) return s;
    return this;
  }

  snapshot(): Map<string, Value> {
    if (this.watch) this.watch.wholesale();
    return new Map(this.vars);
  }

  restore(snap: Map<string, Value>): void {
    if (this.watch) {
      this.watch.wholesale();
      for (const k of this.vars.keys()) this.watch.write(k);
      for (const k of snap.keys()) this.watch.write(k);
    }
    this.vars.clear();
    for (const [k, v] of snap) this.vars.set(k, v);
  }
}
