// The Step model: what `rnn-lens run` produces and what the extension and the visualizer display.
// A run of the user's code is a list of Steps (vocabulary → indexing → padding → sorting → embedding → packing →
// RNN → unpacking → un-sorting → final state), each tied to a code span, with its inputs/outputs as plain JSON
// values. This file is the contract between runtime/, extension/ and webview/: change it with a version bump.

export const STEP_SCHEMA_VERSION = 1;

/** 1-based lines, 0-based columns, as in the shapes fixtures. `cell` is the 0-based notebook cell index when the
 *  source is a notebook (lines are then relative to that cell). */
export interface CodeSpan {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  cell?: number;
}

/** A tensor as data. `data` is flat row-major; it is omitted (null) when the tensor is larger than the run's
 *  value limit, in which case `summary` still gives min/max/mean. */
export interface TensorValue {
  kind: 'tensor';
  shape: number[];
  dtype: string;
  data: number[] | null;
  summary?: { min: number; max: number; mean: number };
}

export interface PackedValue {
  kind: 'packed';
  data: TensorValue;
  batchSizes: number[];
  sortedIndices: number[] | null;
  unsortedIndices: number[] | null;
}

export interface TupleValue {
  kind: 'tuple';
  items: Value[];
}

/** A plain Python value (strings, numbers, lists of tokens, dicts) rendered as JSON, plus its repr. */
export interface PythonValue {
  kind: 'python';
  repr: string;
  json: unknown;
}

export type Value = TensorValue | PackedValue | TupleValue | PythonValue;

export interface NamedValue {
  /** The expression or variable name as written in the code (e.g. `seq_tensor`, `h_n[-1]`). */
  name: string;
  value: Value;
}

export type StepKind =
  | 'vocab'
  | 'index'
  | 'pad'
  | 'sort'
  | 'embed'
  | 'pack'
  | 'rnn'
  | 'unpack'
  | 'unsort'
  | 'final-state'
  | 'other';

/** Kind-specific facts the visualizer draws from; every field is derived from the run's data. */
export type StepDetails =
  | { kind: 'vocab'; tokens: string[] }
  | { kind: 'index'; sequences: { tokens: (string | number)[]; indices: number[] }[] }
  | { kind: 'pad'; lengths: number[]; paddingValue: number; batchFirst: boolean }
  | { kind: 'sort'; permutation: number[]; lengthsBefore: number[]; lengthsAfter: number[]; descending: boolean }
  | { kind: 'embed'; numEmbeddings: number; embeddingDim: number; paddingIdx: number | null }
  | {
      kind: 'pack';
      lengths: number[];
      batchSizes: number[];
      sortedIndices: number[] | null;
      unsortedIndices: number[] | null;
      batchFirst: boolean;
      /** For each row of packed data: [time step, batch row in the ORIGINAL (caller's) order]. */
      rowOrigin: [number, number][];
    }
  | {
      kind: 'rnn';
      mode: 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';
      inputSize: number;
      hiddenSize: number;
      projSize: number;
      numLayers: number;
      bidirectional: boolean;
      batchFirst: boolean;
      packed: boolean;
      /** lengths per batch row in the caller's order (all equal to T when not packed) */
      lengths: number[];
      backend: string;
      weightsSource: string;
    }
  | { kind: 'unpack'; lengths: number[]; totalLength: number; paddingValue: number; batchFirst: boolean }
  | { kind: 'unsort'; permutation: number[] }
  | {
      kind: 'final-state';
      numLayers: number;
      numDirections: number;
      /** Which slice of h_n was taken, e.g. `h_n[-1]` = last layer, backward direction when bidirectional. */
      selection: string;
      /** For each batch row: the output time step the selected state equals (null when it equals none, e.g. a
       *  padded step picked by output[:, -1]). */
      equalsOutputStep: (number | null)[];
      /** Optional, for drawing the whole h_n: [layer][direction][batch row] → the (batch-first) output time step
       *  whose direction half that slice of h_n equals; null when it equals none (every layer below the last). */
      sliceEqualsOutputStep?: (number | null)[][][];
    }
  | { kind: 'other' };

export interface Step {
  id: number;
  kind: StepKind;
  /** Short human title: "Pack", "LSTM layer 0", ... */
  title: string;
  span: CodeSpan;
  /** The source text of the span. */
  code: string;
  inputs: NamedValue[];
  outputs: NamedValue[];
  /** One-line shape transformation, e.g. "(3, 8) → (3, 8, 4)". */
  transform: string;
  /** Plain words tied to the data, e.g. "'tiny' has 4 characters, so from time step 4 on only 2 sequences remain". */
  explanation: string;
  details: StepDetails;
  /** Which sequence each batch row of this step is, so a sequence keeps one colour and name across steps. Optional
   *  (schema 1, additive); absent when the run could not follow the rows. See {@link StepRow}. */
  rows?: StepRow[];
  /** Problems seen at this step (gotchas), with a code like "RNNL001". */
  warnings?: { code: string; message: string }[];
}

/** One batch row of a step, in the order of the batch AS IT ENTERS the step (the step's input; for steps without a
 *  batched input — index, pad — its output). Steps that do not reorder (pad, embed, pack, rnn, unpack, final-state)
 *  keep that order in their outputs; a sort's or un-sort's output row k is `rows[details.permutation[k]]`. For a
 *  pack, `details.rowOrigin[r][1]` indexes these rows (the caller's order), and so do the RNN's lengths and h_n
 *  batch dim. An un-sort inside pad_packed_sequence enters in the sorted (packed) order.
 *  `sequence`: the row's index in the caller's original batch (the first batched step of the pipeline: the index
 *  lists, pad_sequence's list, the hand-padded tensor). `label`: the sequence's text when the run knows it from the
 *  code's data (the source string or the space-joined token list of the indexing step), e.g. "tiny". */
export interface StepRow {
  sequence: number;
  label?: string;
}

export interface RunResult {
  version: typeof STEP_SCHEMA_VERSION;
  file: string;
  /** Which RNN backend computed the numbers ('pytorch': a fixture generated by real PyTorch). */
  backend: 'wasm' | 'reference' | 'webgpu' | 'pytorch';
  steps: Step[];
  /** Errors that stopped the run or made parts of it unknown, located in the source. */
  messages: { severity: 'error' | 'warning' | 'info'; message: string; span?: CodeSpan }[];
  timingsMs?: Record<string, number>;
}
