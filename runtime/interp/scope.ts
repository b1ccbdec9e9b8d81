// Python scopes for the interpreter: module, function, class body and comprehension scopes, with Python's lookup
// rule (class bodies are not visible from nested functions), and snapshots for joining at control flow merges.
import type { Value } from './values';

export type ScopeKind = 'module' | 'function' | 'class' | 'comprehension';

export class Scope {
  readonly vars = new Map<string, Value>();
  readonly globalNames = new Set<string>();
  constructor(
    readonly kind: ScopeKind,
    readonly parent: Scope | null,
  ) {}

  /** Python name resolution: this scope, then enclosing non-class scopes up to the module. */
  lookup(name: string): Value | undefined {
    const own = this.vars.get(name);
    if (own !== undefined) return own;
    let s = this.parent;
    while (s) {
      if (s.kind !== 'class') {
        const v = s.vars.get(name);
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
    if (this.globalNames.has(name)) this.module().vars.set(name, v);
    else this.vars.set(name, v);
  }

  snapshot(): Map<string, Value> {
    return new Map(this.vars);
  }

  restore(snap: Map<string, Value>): void {
    this.vars.clear();
    for (const [k, v] of snap) this.vars.set(k, v);
  }
}
