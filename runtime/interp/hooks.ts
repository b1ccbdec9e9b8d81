// Hooks that let a caller (the run engine of `rnn-lens run`) take part in op evaluation: see every op the
// interpreter evaluates with its code span, and replace an op's result (e.g. an LSTM call on concrete data computed
// by a real RNN backend). The shape engine itself never needs them.
import type { CodeSpan } from '../steps/step';
import type { Value } from './values';

export interface OpCall {
  /** Canonical op name: 'torch.zeros', 'Tensor.view', 'F.relu', 'rnn.pack_padded_sequence', 'nn.LSTM' (module
   *  construction), 'nn.LSTM.forward' (module call). */
  op: string;
  span: CodeSpan;
  /** The tensor/module a method or module call is applied to. */
  self?: Value;
  args: Value[];
  kwargs: Map<string, Value>;
  /** (Run engine) true when this call certainly executes exactly as the program would run it: not inside an `if`
   *  with an unknown condition, an abstractly joined loop, a function analysed without a call, or after the budget
   *  ran out. Only certain calls may draw random numbers or compute concrete results. */
  certain?: boolean;
  /** (Run engine) true inside a function analysed although nothing called it: the program never runs this call. */
  speculative?: boolean;
}

export interface InterpreterHooks {
  /** Called before the engine's own rule; a returned value replaces the rule's result (the rule still validates
   *  its inputs first: a shape error is reported either way). */
  overrideOp?(call: OpCall, computed: Value): Value | undefined;
  /** Called after every op with its final result, in evaluation order. */
  afterOp?(call: OpCall, result: Value): void;
}
