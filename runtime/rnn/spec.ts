// The RNN SPEC / RESULT json of `rnn-lens rnn` (schema: test/fixtures/rnn/README.md): parses an untrusted spec with
// located one-line messages and bounded memory, then runs it the way the fixture generator runs PyTorch
// (pack_padded_sequence → module → pad_packed_sequence) and builds the RESULT object.
import { Tensor, numel, type PackedSequence } from '../tensor/tensor';
import { TorchError } from '../torch/errors';
import { defaultStateDict } from '../torch/init';
import { TorchGenerator } from '../torch/random';
import { packPaddedSequence, padPackedSequence } from '../torch/packing';
import { rnnForward, type RnnForwardResult } from './forward';
import { DEFAULT_LIMITS, checkElements, type RnnLimits } from './limits';
import { checkFinite, createRnnConfig, loadStateDict, parameterCount, type RnnModule } from './module';
import type { StackBackend } from './stack';

/** A malformed spec (not a PyTorch error): wrong types, missing fields, sizes over the limits. */
export class SpecError extends Error {}

export interface TensorJson {
  shape: number[];
  data: number[];
}

export interface RnnSpec {
  name: string;
  module: RnnModule;
  /** present instead of weights: PyTorch's default init after torch.manual_seed(seed) (runtime/torch/init.ts) */
  seed: number | null;
  input: Tensor;
  lengths: number[] | null;
  enforceSorted: boolean;
  totalLength: number | null;
  h0: Tensor | null;
  c0: Tensor | null;
}

export interface RnnResultJson {
  output: TensorJson;
  h_n: TensorJson;
  c_n?: TensorJson;
  batch_sizes: number[] | null;
  sorted_indices: number[] | null;
  unsorted_indices: number[] | null;
  output_lengths: number[] | null;
  packed_data_shape: number[] | null;
  backend: string;
  notes: string[];
}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(obj: Record<string, Json>, key: string, where: string): Json {
  if (!(key in obj)) throw new SpecError(`${where}: missing "${key}"`);
  return obj[key];
}

function int(v: Json, where: string, min = -Infinity): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new SpecError(`${where}: expected an integer, got ${describe(v)}`);
  if (v < min) throw new SpecError(`${where}: must be at least ${min}, got ${v}`);
  return v;
}

function bool(v: Json, where: string): boolean {
  if (typeof v !== 'boolean') throw new SpecError(`${where}: expected true or false, got ${describe(v)}`);
  return v;
}

function describe(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'string') return `"${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/** {"shape": [...], "data": flat or nested numbers} → float32 Tensor; checks the size before allocating. */
export function parseTensor(v: Json, where: string, limits: RnnLimits): Tensor {
  if (!isObject(v)) throw new SpecError(`${where}: expected {"shape": [...], "data": [...]}, got ${describe(v)}`);
  const shapeJson = field(v, 'shape', where);
  if (!Array.isArray(shapeJson) || shapeJson.length > 8) throw new SpecError(`${where}.shape: expected a list of at most 8 sizes, got ${describe(shapeJson)}`);
  const shape = shapeJson.map((d, i) => int(d, `${where}.shape[${i}]`, 0));
  const n = numel(shape);
  if (n > limits.maxTensorElements) {
    throw new SpecError(`${where}: shape [${shape.join(', ')}] has ${n.toExponential(2)} elements, above the limit of ${limits.maxTensorElements.toExponential(2)}`);
  }
  const dataJson = field(v, 'data', where);
  const out = new Float32Array(n);
  let count = 0;
  // iterative flatten with a depth bound (shape.length), so hostile nesting cannot blow the stack
  const stack: { arr: Json[]; i: number }[] = [];
  if (!Array.isArray(dataJson)) throw new SpecError(`${where}.data: expected a list of numbers, got ${describe(dataJson)}`);
  stack.push({ arr: dataJson, i: 0 });
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.i >= top.arr.length) {
      stack.pop();
      continue;
    }
    const item = top.arr[top.i++];
    if (Array.isArray(item)) {
      if (stack.length >= Math.max(shape.length, 1)) throw new SpecError(`${where}.data: nested deeper than its shape [${shape.join(', ')}]`);
      stack.push({ arr: item, i: 0 });
    } else if (typeof item === 'number') {
      if (count >= n) throw new SpecError(`${where}.data: more than the ${n} values its shape [${shape.join(', ')}] needs`);
      out[count++] = item;
    } else {
      throw new SpecError(`${where}.data: expected numbers, got ${describe(item)} at value ${count}`);
    }
  }
  if (count !== n) throw new SpecError(`${where}.data: shape [${shape.join(', ')}] needs ${n} values, got ${count}`);
  return new Tensor(shape, 'float32', out);
}

function optional(obj: Record<string, Json>, key: string): Json {
  return obj[key] === undefined ? null : obj[key];
}

/**
 * Parses a SPEC object. PyTorch's own constructor / load_state_dict checks throw TorchError (they are results, not
 * spec mistakes); everything structural throws SpecError.
 */
export function parseSpec(json: Json, limits: RnnLimits = DEFAULT_LIMITS): RnnSpec {
  if (!isObject(json)) throw new SpecError(`spec: expected a JSON object, got ${describe(json)}`);
  const name = typeof json.name === 'string' ? json.name : 'spec';
  const m = field(json, 'module', 'spec');
  if (!isObject(m)) throw new SpecError(`module: expected an object, got ${describe(m)}`);
  const type = field(m, 'type', 'module');
  if (type !== 'LSTM' && type !== 'GRU' && type !== 'RNN') throw new SpecError(`module.type: expected "LSTM", "GRU" or "RNN", got ${describe(type)}`);
  const inputSize = int(field(m, 'input_size', 'module'), 'module.input_size');
  const hiddenSize = int(field(m, 'hidden_size', 'module'), 'module.hidden_size');
  const numLayers = m.num_layers === undefined ? 1 : int(m.num_layers, 'module.num_layers');
  for (const [k, v] of [['input_size', inputSize], ['hidden_size', hiddenSize], ['num_layers', numLayers]] as const) {
    if (Math.abs(v) > 1e7) throw new SpecError(`module.${k}: ${v} is beyond any size RNN Lens can run`);
  }
  const dropout = m.dropout === undefined ? 0 : m.dropout;
  if (typeof dropout !== 'number') throw new SpecError(`module.dropout: expected a number, got ${describe(dropout)}`);
  let projSize: number | undefined;
  if (m.proj_size !== undefined && m.proj_size !== null) {
    projSize = int(m.proj_size, 'module.proj_size');
    // the fixture generator only passes proj_size to GRU/RNN when it is non-zero
    if (type !== 'LSTM' && projSize === 0) projSize = undefined;
  }
  let nonlinearity: string | undefined;
  if (m.nonlinearity !== undefined && m.nonlinearity !== null) {
    if (typeof m.nonlinearity !== 'string') throw new SpecError(`module.nonlinearity: expected "tanh" or "relu", got ${describe(m.nonlinearity)}`);
    if (type === 'RNN') nonlinearity = m.nonlinearity;
  }
  const config = createRnnConfig(type, {
    input_size: inputSize,
    hidden_size: hiddenSize,
    num_layers: numLayers,
    bias: m.bias === undefined ? true : bool(m.bias, 'module.bias'),
    batch_first: m.batch_first === undefined ? false : bool(m.batch_first, 'module.batch_first'),
    dropout,
    bidirectional: m.bidirectional === undefined ? false : bool(m.bidirectional, 'module.bidirectional'),
    nonlinearity,
    proj_size: projSize,
  });
  const seed = optional(json, 'seed');
  let module: RnnModule;
  if (seed !== null && optional(json, 'state_dict') === null) {
    // torch.manual_seed(seed); nn.<type>(...): PyTorch's default init from its CPU mt19937 stream
    const seedValue = int(seed, 'seed');
    checkElements('parameters', [parameterCount(config)], limits);
    const sd = defaultStateDict(config, new TorchGenerator(seedValue));
    module = loadStateDict(config, new Map(Object.entries(sd)));
  } else {
    const sd = field(json, 'state_dict', 'spec');
    if (!isObject(sd)) throw new SpecError(`state_dict: expected an object of {"shape", "data"} tensors, got ${describe(sd)}`);
    const weights = new Map<string, Tensor>();
    for (const [k, v] of Object.entries(sd)) weights.set(k, parseTensor(v, `state_dict.${k}`, limits));
    module = loadStateDict(config, weights);
  }
  const input = parseTensor(field(json, 'input', 'spec'), 'input', limits);
  const lengthsJson = optional(json, 'lengths');
  let lengths: number[] | null = null;
  if (lengthsJson !== null) {
    if (!Array.isArray(lengthsJson)) throw new SpecError(`lengths: expected a list of integers or null, got ${describe(lengthsJson)}`);
    if (lengthsJson.length > limits.maxTensorElements) throw new SpecError(`lengths: ${lengthsJson.length} entries is above the limit`);
    lengths = lengthsJson.map((v, i) => int(v, `lengths[${i}]`));
  }
  const es = optional(json, 'enforce_sorted');
  const enforceSorted = es === null ? true : bool(es, 'enforce_sorted');
  const tl = optional(json, 'total_length');
  const totalLength = tl === null ? null : int(tl, 'total_length');
  const hx = optional(json, 'hx');
  let h0: Tensor | null = null;
  let c0: Tensor | null = null;
  if (hx !== null && hx !== false) {
    if (!isObject(hx)) throw new SpecError(`hx: expected {"h0": ..., "c0": ...} or null, got ${describe(hx)}`);
    h0 = parseTensor(field(hx, 'h0', 'hx'), 'hx.h0', limits);
    if (type === 'LSTM') c0 = parseTensor(field(hx, 'c0', 'hx'), 'hx.c0', limits);
  }
  return { name, module, seed: seed === null ? null : int(seed, 'seed'), input, lengths, enforceSorted, totalLength, h0, c0 };
}

function tensorJson(t: Tensor): TensorJson {
  return { shape: [...t.shape], data: Array.from(t.data) };
}

/** Runs a spec like the fixture generator runs PyTorch; PyTorch-rejected inputs throw TorchError. */
export async function runSpec(spec: RnnSpec, backend: StackBackend, limits: RnnLimits = DEFAULT_LIMITS): Promise<RnnResultJson> {
  const { module, input } = spec;
  const isLstm = module.config.mode === 'LSTM';
  const hx = spec.h0 ? (isLstm ? ([spec.h0, spec.c0!] as const) : spec.h0) : null;
  // located on the caller's tensors (rnnForward checks again, but on packed rows)
  checkFinite(input, 'input');
  if (spec.h0) checkFinite(spec.h0, 'hx.h0');
  if (spec.c0) checkFinite(spec.c0, 'hx.c0');
  let packed: PackedSequence | null = null;
  let res: RnnForwardResult;
  let output: Tensor;
  let outputLengths: number[] | null = null;
  if (spec.lengths !== null) {
    packed = packPaddedSequence(input, spec.lengths, module.config.batchFirst, spec.enforceSorted);
    res = await rnnForward(module, packed, hx, { backend, limits });
    const [padded, lens] = padPackedSequence(res.output as PackedSequence, module.config.batchFirst, 0, spec.totalLength);
    output = padded;
    outputLengths = Array.from(lens.data);
  } else {
    res = await rnnForward(module, input, hx, { backend, limits });
    output = res.output as Tensor;
  }
  const result: RnnResultJson = {
    output: tensorJson(output),
    h_n: tensorJson(res.hN),
    batch_sizes: packed ? [...packed.batchSizes] : null,
    sorted_indices: packed?.sortedIndices ? [...packed.sortedIndices] : null,
    unsorted_indices: packed?.unsortedIndices ? [...packed.unsortedIndices] : null,
    output_lengths: outputLengths,
    packed_data_shape: packed ? [...packed.data.shape] : null,
    backend: res.backend,
    notes: res.notes,
  };
  if (res.cN) result.c_n = tensorJson(res.cN);
  return result;
}

export function isTorchError(e: unknown): e is TorchError {
  return e instanceof TorchError;
}
