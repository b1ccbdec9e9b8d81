// The registry of op rules: one rule per op, looked up by canonical name ('torch.zeros', 'Tensor.view', 'F.relu',
// 'nn.LSTM' for construction, 'nn.LSTM.forward' for a module call, 'np.array'…). A rule validates its inputs like
// PyTorch (throwing ShapeError with PyTorch's message) and computes the result value (shape, dtype, and data when
// known and small). Arguments are reached through OpArgs, which resolves positional-or-keyword parameters.
import type { SeqValue, Value } from '../../interp/values';

/** What a rule may ask of the interpreter (calling user callables, e.g. nn.Sequential members or collate_fn). */
export interface OpServices {
  call(fn: Value, args: Value[], kwargs?: Map<string, Value>): Value;
  /** Elements of an iterable when known (list, tuple, Size…), else null. */
  items(v: Value): Value[] | null;
  /** A located warning/info attached to the current call. */
  note(message: string): void;
  /** Replaces a list's items in place (append/extend/…); under uncertain control flow the list becomes one of
   *  unknown length instead. `added` is the value (or element) being added. */
  mutateSeq(seq: SeqValue, items: Value[] | null, added?: Value): void;
  /** Charges `items` new sequence items (or CHARS_PER_ITEM characters each) to the analysis's budget; false when the
   *  budget is spent or one value would pass its cap: the caller then makes the result's contents unknown. */
  allow(items: number): boolean;
  /** Static analysis (no run): values may be made earlier than PyTorch makes them (e.g. a DataLoader's batches when
   *  it is built), since no random stream has to stay in PyTorch's order. */
  eager?: boolean;
}

export class OpArgs {
  constructor(
    readonly op: string,
    readonly args: Value[],
    readonly kwargs: Map<string, Value>,
    readonly services: OpServices,
    readonly self?: Value,
  ) {}

  /** The argument at position `index` or keyword `name` (undefined when not given). */
  get(index: number, name?: string): Value | undefined {
    if (name !== undefined && this.kwargs.has(name)) return this.kwargs.get(name);
    return index >= 0 && index < this.args.length ? this.args[index] : undefined;
  }

  has(index: number, name?: string): boolean {
    return this.get(index, name) !== undefined;
  }

  /** Positional arguments from `index` on (for varargs like `zeros(*sizes)`). */
  rest(index: number): Value[] {
    return this.args.slice(index);
  }
}

export type OpRule = (a: OpArgs) => Value;

export class OpRegistry {
  private readonly rules = new Map<string, OpRule>();

  def(names: string | string[], rule: OpRule): void {
    for (const n of Array.isArray(names) ? names : [names]) this.rules.set(n, rule);
  }

  /** A torch function that is also a Tensor method: `torch.name(input, …)` and `input.name(…)`. */
  fnAndMethod(names: string | string[], rule: OpRule): void {
    for (const n of Array.isArray(names) ? names : [names]) {
      this.rules.set(`torch.${n}`, rule);
      this.rules.set(`Tensor.${n}`, (a) =>
        rule(new OpArgs(a.op, a.self ? [a.self, ...a.args] : a.args, a.kwargs, a.services, a.self)),
      );
    }
  }

  get(name: string): OpRule | undefined {
    return this.rules.get(name);
  }

  has(name: string): boolean {
    return this.rules.has(name);
  }
}
