// The run engine's concrete evaluation: interpreter hooks (runtime/interp/hooks.ts) that give the shape engine's
// abstract values real data where the program fixes them — torch.manual_seed and the random draws in program order
// (TorchGenerator, bit-exact with PyTorch's CPU generator), module construction with PyTorch's default init (or the
// weights the code assigns), Embedding/Linear forwards, packing/padding through runtime/torch/packing.ts, and
// LSTM/GRU/RNN calls through the RNN runtime. Calls the program may not make in a run (files, processes, network)
// are reported at the call. Every certain op of interest is recorded as an OpEvent for the Step recogniser.
import { Tensor, type PackedSequence } from '../tensor/tensor';
import type { InterpreterHooks, OpCall } from '../interp/hooks';
import {
  tensor as tensorV,
  tuple as tupleV,
  type NnModuleValue,
  type PackedValueA,
  type SeqValue,
  type TensorValueA,
  type Value,
} from '../interp/values';
import type { CodeSpan } from '../steps/step';
import { TorchGenerator, rand, randint, randn, randperm } from '../torch/random';
import { conv1dStateDict, defaultStateDict, embeddingStateDict, linearStateDict, rnnCellStateDict, type StateDict } from '../torch/init';
import { createRnnConfig, loadStateDict, paramSpecs, type RnnConfig, type RnnModule } from '../rnn/module';
import type { Hidden, RnnForwardResult } from '../rnn/forward';
import { packPaddedSequence, packSequence, padPackedSequence, padSequence } from '../torch/packing';
import { TorchError } from '../torch/errors';
import { rnnForwardSync } from './rnn-sync';

export interface RunLimits {
  /** Largest tensor (elements) the run computes; bigger values keep their shape only, with a message. */
  maxElements: number;
  /** Wall-clock budget of the whole run in ms (interpretation passes + RNN backend calls). */
  timeMs: number;
  /** Tensors up to this many elements keep their values in the Steps (larger: summary only). */
  valueLimit: number;
  /** Concrete iterations of one loop before the interpreter joins the rest abstractly. */
  maxLoopIterations: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = { maxElements: 1 << 22, timeMs: 20_000, valueLimit: 4096, maxLoopIterations: 64 };

export class RunLimitError extends Error {}

/** A located message of the run. */
export interface RunMessage {
  severity: 'error' | 'warning' | 'info';
  message: string;
  span?: CodeSpan;
}

/** One op the program certainly executed, with its values (interpreter values: read them at once, they may be
 *  mutated later) and, for the pipeline ops, the concrete facts the Steps need. */
export interface OpEvent {
  seq: number;
  op: string;
  /** false: the call runs in a loop/branch the interpreter followed abstractly (a DataLoader loop, an unknown
   *  condition): its values are shapes only, and the same call may be recorded once per abstract iteration */
  certain: boolean;
  span: CodeSpan;
  self?: Value;
  args: Value[];
  kwargs: Map<string, Value>;
  result: Value;
  /** For RNN calls: the forward result and the module's description. */
  rnn?: { result: RnnForwardResult; config: RnnConfig; weightsSource: string; inputPacked: boolean };
}

interface ModuleInfo {
  weightsSource: string;
  /** made after the last optimizer.step(): its weights are still the initial ones */
  afterTraining: boolean;
}

/** Calls that would read/write files, spawn processes or reach the network: never run, reported at the call. */
const FORBIDDEN = [
  /^open$/, /^os\./, /^subprocess\./, /^shutil\./, /^socket\./, /^requests\./, /^urllib/, /^http\./, /^pickle\.load/,
  /^torch\.load$/, /^torch\.save$/, /^np\.(load|save|loadtxt|savetxt|fromfile|genfromtxt)/, /^pd\.read_/, /^pandas\.read_/,
  /^exec$/, /^eval$/, /^compile$/, /^breakpoint$/, /^input$/, /^__import__$/, /^importlib\./, /^Tensor\.(numpy|tofile)$/,
  /^Module\.load_state_dict_from_url/, /^torch\.hub\./, /^(pathlib\.)?Path$/, /^glob\./, /^tempfile\./, /^ctypes\./,
  /^multiprocessing\./, /^webbrowser\./, /^(ftplib|smtplib|urllib3|wget|httpx|aiohttp)\./, /^torch\.from_file$/,
];
const FORBIDDEN_EXCEPT = new Set(['Tensor.numpy']);

export function forbiddenCall(op: string): boolean {
  return !FORBIDDEN_EXCEPT.has(op) && FORBIDDEN.some((r) => r.test(op));
}

/** What a run may take from earlier work (runtime/run/engine.ts RunEngine): RNN results of the wasm backend by the
 *  exact identity of the call's inputs (module config + weights + input + state), and one canonical RnnModule object
 *  per config + weights, so the wasm executor's per-module ONNX session is reused across passes and runs. */
export interface RnnResultCache {
  get(fingerprint: string): RnnForwardResult | undefined;
  module(key: string, make: () => RnnModule): RnnModule;
}

export interface PendingRnnCall {
  index: number;
  fingerprint: string;
  module: RnnModule;
  input: Tensor | PackedSequence;
  hx: Hidden | null;
  /** the reference kernels' result this pass used (the wasm result replaces it if they differ) */
  reference: RnnForwardResult;
}

/** Progress of the interpretation, reported every PROGRESS_EVERY ops (and the moment a run checks its budget). */
export type InterpretProgress = (ops: number) => void;
const PROGRESS_EVERY = 512;

const EVENT_OPS = /^(rnn\.|nn\.(LSTM|GRU|RNN|Embedding|Linear)(\.forward)?$|F\.embedding$|torch\.(sort|argsort|index_select|gather|cat|stack)$|Tensor\.(sort|argsort|index_select|gather|__getitem__|view|reshape|squeeze|permute|transpose|contiguous|t)$|print$|list\.index$|sorted$|torch\.(zeros|ones|full)$|Tensor\.(long|float)$|torch\.(tensor|LongTensor)$|np\.random\.\w+$|random\.\w+$)/;

export class RunContext {
  readonly events: OpEvent[] = [];
  readonly messages: RunMessage[] = [];
  readonly pending: PendingRnnCall[] = [];
  /** Values produced by RNN calls (output, h_n, c_n) and unpacking, for the final-state / unsort recognisers. */
  readonly produced = new WeakMap<object, { role: 'output' | 'h_n' | 'c_n' | 'unpacked'; event: OpEvent }>();
  private gen = new TorchGenerator(0);
  private seeded: bigint | null = null;
  private rngBroken: string | null = null;
  private trained: CodeSpan | null = null;
  private rnnCalls = 0;
  private seq = 0;
  private readonly modules = new WeakMap<NnModuleValue, ModuleInfo>();
  private readonly messageKeys = new Set<string>();

  constructor(
    readonly limits: RunLimits,
    private readonly deadline: number,
    private readonly cache: RnnResultCache | null,
    private readonly signal?: AbortSignal,
    private readonly progress?: InterpretProgress,
  ) {}

  /** ops seen by afterOp (certain or not): a long synchronous pass checks its budget and reports progress on it */
  private opsSeen = 0;

  readonly hooks: InterpreterHooks = {
    overrideOp: (call, computed) => this.override(call, computed),
    afterOp: (call, result) => this.after(call, result),
  };

  note(severity: RunMessage['severity'], message: string, span?: CodeSpan): void {
    const key = `${severity}:${message}:${span ? `${span.cell ?? ''}:${span.line}:${span.col}` : ''}`;
    if (this.messageKeys.has(key)) return;
    this.messageKeys.add(key);
    this.messages.push(span ? { severity, message, span } : { severity, message });
  }

  private checkBudget(): void {
    if (this.signal?.aborted) throw new RunLimitError('the run was cancelled');
    if (Date.now() > this.deadline) throw new RunLimitError(`the run stopped at its time limit of ${this.limits.timeMs} ms (rnnLens limits: timeMs)`);
  }

  private after(call: OpCall, result: Value): void {
    if (++this.opsSeen % PROGRESS_EVERY === 0) {
      this.progress?.(this.opsSeen);
      this.checkBudget();
    }
    if (forbiddenCall(call.op)) {
      this.note('error', `${call.op}(…) is not allowed in RNN Lens runs (no files, processes or network): its value is unknown`, call.span);
      return;
    }
    if (/^optim\.\w+\.step$/.test(call.op) && !this.trained) {
      this.trained = call.span;
      this.note('warning', 'optimizer.step() changes the weights, and RNN Lens does not train: values computed by the modules after this line are not shown', call.span);
    }
    if (!call.certain) {
      // shape-only events for the Steps of code the run follows abstractly (never for uncalled functions)
      if (!call.speculative && EVENT_OPS.test(call.op)) {
        const ev: OpEvent = { seq: this.seq++, op: call.op, certain: false, span: call.span, self: call.self, args: call.args, kwargs: call.kwargs, result };
        if (/^nn\.(LSTM|GRU|RNN)\.forward$/.test(call.op)) this.markRnnResult(result, ev);
        this.markUnpacked(call, result);
        this.events.push(ev);
      }
      return;
    }
    if (result.k === 'tensor' && !result.data) {
      const shape = knownShapeOf(result);
      if (shape) this.fits(shape, call.op, call.span); // says so when a tensor is too big to hold values
    }
    if (EVENT_OPS.test(call.op)) {
      const ev: OpEvent = { seq: this.seq++, op: call.op, certain: true, span: call.span, self: call.self, args: call.args, kwargs: call.kwargs, result };
      const rnnInfo = this.lastRnn;
      if (rnnInfo && rnnInfo.result === result) {
        ev.rnn = rnnInfo.info;
        this.lastRnn = null;
        this.markRnnResult(result, ev);
      } else if (/^nn\.(LSTM|GRU|RNN)\.forward$/.test(call.op)) {
        this.markRnnResult(result, ev); // an RNN call without values (weights or input unknown): a shape-only Step
      }
      this.markUnpacked(call, result);
      this.events.push(ev);
    }
  }

  /** pad_packed_sequence of an RNN's packed output: the padded tensor is that RNN call's output too (final-state
   *  reads such as output[:, -1] or output.gather(1, lengths - 1) refer back to the RNN call). */
  private markUnpacked(call: OpCall, result: Value): void {
    if (call.op !== 'rnn.pad_packed_sequence' || result.k !== 'tuple' || !result.items?.[0]) return;
    const packed = arg(call, 0, 'sequence');
    const src = packed ? this.produced.get(packed) : undefined;
    if (src && src.role === 'output') this.produced.set(result.items[0], { role: 'unpacked', event: src.event });
  }

  private lastRnn: { result: Value; info: NonNullable<OpEvent['rnn']> } | null = null;

  private markRnnResult(result: Value, ev: OpEvent): void {
    if (result.k !== 'tuple' || !result.items) return;
    const [out, state] = result.items;
    if (out) this.produced.set(out, { role: 'output', event: ev });
    if (state?.k === 'tuple' && state.items) {
      if (state.items[0]) this.produced.set(state.items[0], { role: 'h_n', event: ev });
      if (state.items[1]) this.produced.set(state.items[1], { role: 'c_n', event: ev });
    } else if (state) {
      this.produced.set(state, { role: 'h_n', event: ev });
    }
  }

  private override(call: OpCall, computed: Value): Value | undefined {
    if (!call.certain) {
      if (/^(torch\.(randn|rand|randint|randperm|\w+_like)|nn\.(LSTM|GRU|RNN|Linear|Embedding|LSTMCell|GRUCell|RNNCell|Conv1d))$/.test(call.op) && !this.rngBroken) {
        this.rngBroken = `${call.op} runs under a condition or loop RNN Lens cannot follow exactly`;
        this.note('warning', `random numbers: ${this.rngBroken}; later random values may differ from PyTorch's`, call.span);
      }
      return undefined;
    }
    this.checkBudget();
    try {
      return this.compute(call, computed);
    } catch (e) {
      if (e instanceof RunLimitError) throw e;
      if (e instanceof TorchError) {
        this.note('error', `${e.pythonType}: ${e.message}`, call.span);
        return undefined;
      }
      if (e instanceof RangeError || e instanceof TypeError) {
        this.note('info', `${call.op}: not computed (${e.message})`, call.span);
        return undefined;
      }
      throw e;
    }
  }

  private compute(call: OpCall, computed: Value): Value | undefined {
    const { op } = call;
    switch (op) {
      case 'torch.manual_seed':
      case 'torch.random.manual_seed': {
        const s = intOf(arg(call, 0, 'seed'));
        if (s === null) {
          this.note('warning', 'torch.manual_seed with a seed RNN Lens cannot know: random values are not the notebook\'s', call.span);
          return undefined;
        }
        this.gen = new TorchGenerator(s);
        this.seeded = BigInt(s);
        this.rngBroken = null;
        return undefined;
      }
      case 'torch.randn':
      case 'torch.rand':
      case 'torch.randn_like':
      case 'torch.rand_like': {
        const shape = knownShapeOf(computed);
        if (!shape) return this.streamLost(`${op} of a size RNN Lens does not know`, call.span);
        if (computed.k !== 'tensor' || (computed.dtype !== 'float32' && computed.dtype !== 'float64')) return undefined;
        if (!this.fits(shape, op, call.span)) {
          if (!this.rngBroken) {
            this.rngBroken = `${op} of ${shape.reduce((a, b) => a * b, 1)} values was not drawn (above maxElements)`;
            this.note('warning', `random numbers: ${this.rngBroken}; later random values differ from PyTorch's`, call.span);
          }
          return undefined;
        }
        const t = op.startsWith('torch.randn') ? randn(shape, this.gen, computed.dtype) : rand(shape, this.gen, computed.dtype);
        return withData(computed, t);
      }
      case 'torch.randint': {
        const shape = knownShapeOf(computed);
        if (!shape) return this.streamLost(`${op} of a size RNN Lens does not know`, call.span);
        if (computed.k !== 'tensor') return undefined;
        const ints = call.args.filter((a) => a.k === 'int').map((a) => (a as { v: number | null }).v);
        const low = ints.length >= 2 ? ints[0] : 0;
        const high = ints.length >= 2 ? ints[1] : ints[0];
        if (low === null || high === null || high === undefined || !this.fits(shape, op, call.span)) return undefined;
        return withData(computed, randint(low, high, shape, this.gen));
      }
      case 'torch.randperm': {
        const n = intOf(arg(call, 0, 'n'));
        if (n === null || computed.k !== 'tensor' || !this.fits([n], op, call.span)) return undefined;
        return withData(computed, randperm(n, this.gen));
      }
      case 'nn.LSTM':
      case 'nn.GRU':
      case 'nn.RNN':
        return this.construct(call, computed, (m) => {
          const config = rnnConfigOf(m);
          return config ? defaultStateDict(config, this.gen) : null;
        });
      case 'nn.Linear':
        return this.construct(call, computed, (m) => {
          const i = cfgInt(m, 'in_features');
          const o = cfgInt(m, 'out_features');
          return i === null || o === null ? null : linearStateDict(i, o, cfgBool(m, 'bias', true), this.gen);
        });
      case 'nn.Embedding':
        return this.construct(call, computed, (m) => {
          const n = cfgInt(m, 'num_embeddings');
          const d = cfgInt(m, 'embedding_dim');
          const pad = m.cfg.padding_idx && m.cfg.padding_idx.k === 'int' ? m.cfg.padding_idx.v : null;
          return n === null || d === null ? null : embeddingStateDict(n, d, pad, this.gen);
        });
      case 'nn.LSTMCell':
      case 'nn.GRUCell':
      case 'nn.RNNCell':
        return this.construct(call, computed, (m) => {
          const i = cfgInt(m, 'input_size');
          const h = cfgInt(m, 'hidden_size');
          return i === null || h === null ? null : rnnCellStateDict(op.slice(3) as 'LSTMCell', i, h, cfgBool(m, 'bias', true), this.gen);
        });
      case 'nn.Conv1d':
        return this.construct(call, computed, (m) => {
          const [ic, oc, k] = ['in_channels', 'out_channels', 'kernel_size'].map((n) => cfgInt(m, n));
          const groups = cfgInt(m, 'groups') ?? 1;
          return ic === null || oc === null || k === null ? null : conv1dStateDict({ in_channels: ic, out_channels: oc, kernel_size: k, groups, bias: cfgBool(m, 'bias', true) }, this.gen);
        });
      case 'nn.Embedding.forward':
      case 'F.embedding':
        return this.embedding(call, computed);
      case 'nn.Linear.forward':
        return this.linear(call, computed);
      case 'nn.LSTM.forward':
      case 'nn.GRU.forward':
      case 'nn.RNN.forward':
        return this.rnn(call, computed);
      case 'F.log_softmax':
      case 'F.softmax':
      case 'torch.log_softmax':
      case 'torch.softmax':
      case 'Tensor.log_softmax':
      case 'Tensor.softmax':
        return softmax(call, computed, op.includes('log_'));
      case 'rnn.pack_padded_sequence':
        return this.pack(call, computed);
      case 'rnn.pad_packed_sequence':
        return this.unpack(call, computed);
      case 'Tensor.expand':
        return expandData(call, computed);
      case 'Tensor.gather':
      case 'torch.gather':
        return gatherData(call, computed);
      case 'rnn.pad_sequence': {
        const seqs = itemsOf(arg(call, 0, 'sequences'));
        const ts = seqs?.map(dataOf);
        if (!ts || ts.some((t) => !t) || ts.length === 0 || computed.k !== 'tensor') return undefined;
        const padded = padSequence(ts as Tensor[], boolOf(arg(call, 1, 'batch_first')) ?? false, numOf(arg(call, 2, 'padding_value')) ?? 0);
        return withData(computed, padded);
      }
      case 'rnn.pack_sequence': {
        const ts = itemsOf(arg(call, 0, 'sequences'))?.map(dataOf);
        if (!ts || ts.some((t) => !t) || computed.k !== 'packed') return undefined;
        return packedWithData(computed, packSequence(ts as Tensor[], boolOf(arg(call, 1, 'enforce_sorted')) ?? true));
      }
      default:
        return undefined;
    }
  }

  /** A draw the run cannot make (its size is unknown): PyTorch's stream moves on by an unknown amount, so later
   *  random values (and default-init weights) are no longer PyTorch's — said once, at this call. */
  private streamLost(why: string, span: CodeSpan): undefined {
    if (!this.rngBroken) {
      this.rngBroken = why;
      this.note('warning', `random numbers: ${why}; later random values differ from PyTorch's`, span);
    }
    return undefined;
  }

  private fits(shape: readonly number[], what: string, span: CodeSpan): boolean {
    const n = shape.reduce((a, b) => a * b, 1);
    if (n <= this.limits.maxElements) return true;
    this.note('warning', `${what}: ${n} elements is above the run's limit of ${this.limits.maxElements} (rnnLens limits: maxElements); only its shape is known`, span);
    return false;
  }

  private weightsNote(): string {
    if (this.rngBroken) return `PyTorch default init, but the random stream could not be followed (${this.rngBroken})`;
    return this.seeded !== null
      ? `PyTorch default init after torch.manual_seed(${this.seeded}) (bit-exact random stream)`
      : 'PyTorch default init with seed 0: the code sets no torch.manual_seed, so the numbers differ from an unseeded notebook run';
  }

  private construct(call: OpCall, computed: Value, init: (m: NnModuleValue) => StateDict | null): Value | undefined {
    if (computed.k !== 'nnmodule') return undefined;
    const sd = init(computed);
    if (!sd) {
      this.note('info', `${call.op}: its configuration is not fully known, so its weights are unknown`, call.span);
      return undefined;
    }
    for (const [name, t] of Object.entries(sd)) computed.attrs.set(name, tensorV([...t.shape], 'float32', { data: t }));
    this.modules.set(computed, { weightsSource: this.weightsNote(), afterTraining: this.trained !== null });
    return computed;
  }

  private weightsOf(m: NnModuleValue, names: readonly string[], span: CodeSpan): Map<string, Tensor> | null {
    if (this.trained && !this.modules.get(m)?.afterTraining) return null; // ops run in execution order: the step already ran
    const out = new Map<string, Tensor>();
    for (const n of names) {
      const v = m.attrs.get(n);
      const t = v ? dataOf(v) : undefined;
      if (!t) {
        this.note('info', `the weight ${n} is not known here, so this module's output has no values`, span);
        return null;
      }
      out.set(n, t);
    }
    return out;
  }

  private sourceOf(m: NnModuleValue): string {
    return this.modules.get(m)?.weightsSource ?? 'weights assigned by the code';
  }

  private embedding(call: OpCall, computed: Value): Value | undefined {
    if (computed.k !== 'tensor') return undefined;
    let weight: Tensor | undefined;
    let input: Tensor | undefined;
    if (call.op === 'F.embedding') {
      input = dataOf(arg(call, 0, 'input'));
      weight = dataOf(arg(call, 1, 'weight'));
    } else {
      const m = call.self as NnModuleValue;
      weight = this.weightsOf(m, ['weight'], call.span)?.get('weight');
      input = dataOf(arg(call, 0, 'input'));
    }
    if (!weight || !input) return undefined;
    const [V, E] = weight.shape;
    if (!this.fits([input.numel, E], 'embedding', call.span)) return undefined;
    const out = new Tensor([...input.shape, E], 'float32');
    for (let i = 0; i < input.numel; i++) {
      const ix = input.data[i];
      if (ix < 0 || ix >= V) throw new TorchError('IndexError', 'index out of range in self');
      out.data.set(weight.data.subarray(ix * E, (ix + 1) * E), i * E);
    }
    return withData(computed, out);
  }

  private linear(call: OpCall, computed: Value): Value | undefined {
    if (computed.k !== 'tensor') return undefined;
    const m = call.self as NnModuleValue;
    const hasBias = m.attrs.has('bias') || cfgBool(m, 'bias', true);
    const w = this.weightsOf(m, hasBias ? ['weight', 'bias'] : ['weight'], call.span);
    const x = dataOf(arg(call, 0, 'input'));
    if (!w || !x) return undefined;
    const W = w.get('weight')!;
    const b = w.get('bias');
    const [O, I] = W.shape;
    const rows = x.numel / I;
    if (!this.fits([rows, O], 'linear', call.span)) return undefined;
    const out = new Tensor([...x.shape.slice(0, -1), O], 'float32');
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < O; o++) {
        let s = 0;
        for (let i = 0; i < I; i++) s += x.data[r * I + i] * W.data[o * I + i];
        out.data[r * O + o] = s + (b ? b.data[o] : 0);
      }
    }
    return withData(computed, out);
  }

  private rnn(call: OpCall, computed: Value): Value | undefined {
    const m = call.self as NnModuleValue;
    const config = rnnConfigOf(m);
    if (!config || computed.k !== 'tuple' || !computed.items) return undefined;
    const weights = this.weightsOf(m, paramSpecs(config).map((p) => p.name), call.span);
    if (!weights) return undefined;
    const moduleKey = moduleKeyOf(config, weights);
    const module = this.cache ? this.cache.module(moduleKey, () => loadStateDict(config, weights)) : loadStateDict(config, weights);
    const inV = arg(call, 0, 'input');
    let input: Tensor | PackedSequence | undefined;
    if (inV?.k === 'packed') input = packedOf(inV);
    else input = dataOf(inV);
    if (!input) return undefined;
    const hxV = arg(call, 1, 'hx');
    let hx: Hidden | null = null;
    if (hxV && hxV.k !== 'none') {
      if (config.mode === 'LSTM') {
        const items = itemsOf(hxV);
        const h = items?.[0] ? dataOf(items[0]) : undefined;
        const c = items?.[1] ? dataOf(items[1]) : undefined;
        if (!h || !c) return undefined;
        hx = [h, c];
      } else {
        const h = dataOf(hxV);
        if (!h) return undefined;
        hx = h;
      }
    }
    const index = this.rnnCalls++;
    const fingerprint = this.cache ? `${moduleKey}|${callKeyOf(input, hx)}` : '';
    const cached = this.cache?.get(fingerprint);
    const result = cached ?? rnnForwardSync(module, input, hx, { intermediates: true });
    if (!cached && this.cache) this.pending.push({ index, fingerprint, module, input, hx, reference: result });
    const [outV, stateV] = computed.items;
    const outNew: Value = result.output instanceof Tensor
      ? (outV.k === 'tensor' ? withData(outV, result.output) : tensorV([...result.output.shape], 'float32', { data: result.output }))
      : outV.k === 'packed' ? packedWithData(outV, result.output) : outV;
    let stateNew: Value;
    if (config.mode === 'LSTM' && stateV.k === 'tuple' && stateV.items) {
      stateNew = tupleV([withData(stateV.items[0] as TensorValueA, result.hN), withData(stateV.items[1] as TensorValueA, result.cN!)]);
    } else {
      stateNew = stateV.k === 'tensor' ? withData(stateV, result.hN) : stateV;
    }
    const out = tupleV([outNew, stateNew]);
    this.lastRnn = { result: out, info: { result, config, weightsSource: this.sourceOf(m), inputPacked: !(input instanceof Tensor) } };
    return out;
  }

  private pack(call: OpCall, computed: Value): Value | undefined {
    if (computed.k !== 'packed') return undefined;
    const input = dataOf(arg(call, 0, 'input'));
    const lengths = lengthsOf(arg(call, 1, 'lengths'));
    if (!input || !lengths) return undefined;
    const p = packPaddedSequence(input, lengths, boolOf(arg(call, 2, 'batch_first')) ?? false, boolOf(arg(call, 3, 'enforce_sorted')) ?? true);
    return packedWithData(computed, p);
  }

  private unpack(call: OpCall, computed: Value): Value | undefined {
    const pv = arg(call, 0, 'sequence');
    if (pv?.k !== 'packed' || computed.k !== 'tuple' || !computed.items) return undefined;
    const p = packedOf(pv);
    if (!p) return undefined;
    const total = arg(call, 3, 'total_length');
    const [padded, lengths] = padPackedSequence(p, boolOf(arg(call, 1, 'batch_first')) ?? false, numOf(arg(call, 2, 'padding_value')) ?? 0, total && total.k === 'int' ? total.v : null);
    const [a, b] = computed.items;
    return tupleV([a.k === 'tensor' ? withData(a, padded) : a, b.k === 'tensor' ? withData(b, lengths) : b]);
  }
}

/** Row-major strides of a shape. */
function stridesOf(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) st[i] = st[i + 1] * shape[i + 1];
  return st;
}

/** x.expand(*sizes) with values (the rule gave the shape): size-1 (or missing leading) dims repeat. */
function expandData(call: OpCall, computed: Value): Value | undefined {
  const x = dataOf(call.self);
  const shape = knownShapeOf(computed);
  if (!x || !shape || computed.k !== 'tensor' || shape.length < x.ndim) return undefined;
  const out = new Tensor(shape, x.dtype);
  const lead = shape.length - x.ndim;
  const xs = stridesOf(x.shape);
  const os = stridesOf(shape);
  for (let i = 0; i < out.numel; i++) {
    let src = 0;
    for (let d = lead; d < shape.length; d++) {
      const k = Math.floor(i / os[d]) % shape[d];
      src += (x.shape[d - lead] === 1 ? 0 : k) * xs[d - lead];
    }
    out.data[i] = x.data[src];
  }
  return withData(computed, out);
}

/** torch.gather(input, dim, index) / input.gather(dim, index) with values: out[..i_dim..] = input[..index[..]..]. */
function gatherData(call: OpCall, computed: Value): Value | undefined {
  const isMethod = call.op.startsWith('Tensor.');
  const x = dataOf(isMethod ? call.self : arg(call, 0, 'input'));
  const d0 = intOf(isMethod ? arg(call, 0, 'dim') : arg(call, 1, 'dim'));
  const index = dataOf(isMethod ? arg(call, 1, 'index') : arg(call, 2, 'index'));
  if (!x || d0 === null || !index || computed.k !== 'tensor' || index.ndim !== x.ndim) return undefined;
  const dim = d0 < 0 ? d0 + x.ndim : d0;
  const xs = stridesOf(x.shape);
  const is = stridesOf(index.shape);
  const out = new Tensor(index.shape, x.dtype);
  for (let i = 0; i < index.numel; i++) {
    let src = 0;
    for (let d = 0; d < index.ndim; d++) {
      const k = Math.floor(i / is[d]) % index.shape[d];
      const j = d === dim ? index.data[i] : k;
      if (j < 0 || j >= x.shape[d]) throw new TorchError('RuntimeError', `index ${j} is out of bounds for dimension ${d} with size ${x.shape[d]}`);
      src += j * xs[d];
    }
    out.data[i] = x.data[src];
  }
  return withData(computed, out);
}

/** softmax / log_softmax along `dim` (float32 like PyTorch: max-shifted, in double then rounded). */
function softmax(call: OpCall, computed: Value, log: boolean): Value | undefined {
  const isMethod = call.op.startsWith('Tensor.');
  const x = dataOf(isMethod ? call.self : arg(call, 0, 'input'));
  const dimV = isMethod ? arg(call, 0, 'dim') : arg(call, 1, 'dim');
  const d0 = intOf(dimV);
  if (!x || d0 === null || computed.k !== 'tensor' || x.ndim === 0) return undefined;
  const dim = d0 < 0 ? d0 + x.ndim : d0;
  const n = x.shape[dim];
  const inner = x.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const outer = x.numel / (n * inner);
  const out = new Tensor(x.shape, 'float32');
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number): number => (o * n + k) * inner + i;
      let m = -Infinity;
      for (let k = 0; k < n; k++) m = Math.max(m, x.data[at(k)]);
      let sum = 0;
      for (let k = 0; k < n; k++) sum += Math.exp(x.data[at(k)] - m);
      for (let k = 0; k < n; k++) out.data[at(k)] = log ? x.data[at(k)] - m - Math.log(sum) : Math.exp(x.data[at(k)] - m) / sum;
    }
  }
  return withData(computed, out);
}

// ───────────────────────────── value helpers ─────────────────────────────


export function arg(call: OpCall, index: number, name: string): Value | undefined {
  if (call.kwargs.has(name)) return call.kwargs.get(name);
  return call.args[index];
}

export function dataOf(v: Value | undefined): Tensor | undefined {
  return v && v.k === 'tensor' ? v.data : undefined;
}

export function itemsOf(v: Value | undefined): Value[] | null {
  return v && (v.k === 'list' || v.k === 'tuple') ? (v as SeqValue).items : null;
}

function intOf(v: Value | undefined): number | null {
  if (!v) return null;
  if (v.k === 'int') return v.v;
  if (v.k === 'tensor' && v.data && v.data.numel === 1) return v.data.data[0];
  return null;
}

function numOf(v: Value | undefined): number | null {
  if (!v) return null;
  if (v.k === 'int' || v.k === 'float') return v.v;
  return null;
}

function boolOf(v: Value | undefined): boolean | null {
  if (!v) return null;
  if (v.k === 'bool') return v.v;
  if (v.k === 'int') return v.v === null ? null : v.v !== 0;
  return null;
}

function lengthsOf(v: Value | undefined): number[] | null {
  if (!v) return null;
  const t = dataOf(v);
  if (t) return Array.from(t.data);
  const items = itemsOf(v);
  if (!items) return null;
  const out: number[] = [];
  for (const it of items) {
    const n = intOf(it);
    if (n === null) return null;
    out.push(n);
  }
  return out;
}

function knownShapeOf(v: Value): number[] | null {
  if (v.k !== 'tensor' || !v.shape) return null;
  return v.shape.every((d) => typeof d === 'number') ? (v.shape as number[]) : null;
}

function withData(v: TensorValueA, t: Tensor): TensorValueA {
  const out = tensorV([...t.shape], v.dtype ?? t.dtype, { data: t, facts: v.facts });
  if (v.numpy) out.numpy = true;
  return out;
}

function packedOf(v: PackedValueA): PackedSequence | undefined {
  const data = v.data.data;
  const bs = v.batchSizes;
  if (!data || !bs || bs.some((d) => typeof d !== 'number')) return undefined;
  const idx = (x: PackedValueA['sortedIndices']): number[] | null | undefined =>
    x === null ? null : x === 'unknown' || x.some((d) => typeof d !== 'number') ? undefined : (x as number[]);
  const s = idx(v.sortedIndices);
  const u = idx(v.unsortedIndices);
  if (s === undefined || u === undefined) return undefined;
  return { data, batchSizes: bs as number[], sortedIndices: s, unsortedIndices: u };
}

function packedWithData(v: PackedValueA, p: PackedSequence): PackedValueA {
  return {
    k: 'packed',
    data: withData(v.data, p.data),
    batchSizes: [...p.batchSizes],
    sortedIndices: p.sortedIndices ? [...p.sortedIndices] : null,
    unsortedIndices: p.unsortedIndices ? [...p.unsortedIndices] : null,
    facts: v.facts,
  };
}

function cfgInt(m: NnModuleValue, key: string): number | null {
  const v = m.cfg[key];
  return v && v.k === 'int' ? v.v : null;
}

function cfgBool(m: NnModuleValue, key: string, dflt: boolean): boolean {
  const v = m.cfg[key];
  if (!v) return dflt;
  return boolOf(v) ?? dflt;
}

export function rnnConfigOf(m: NnModuleValue): RnnConfig | null {
  const type = m.kind as 'LSTM' | 'GRU' | 'RNN';
  const inputSize = cfgInt(m, 'input_size');
  const hiddenSize = cfgInt(m, 'hidden_size');
  if (inputSize === null || hiddenSize === null) return null;
  const nl = m.cfg.nonlinearity;
  const dropout = m.cfg.dropout;
  return createRnnConfig(type, {
    input_size: inputSize,
    hidden_size: hiddenSize,
    num_layers: m.cfg.num_layers ? (cfgInt(m, 'num_layers') ?? 1) : 1,
    bias: cfgBool(m, 'bias', true),
    batch_first: cfgBool(m, 'batch_first', false),
    dropout: dropout && (dropout.k === 'float' || dropout.k === 'int') ? (dropout.v ?? 0) : 0,
    bidirectional: cfgBool(m, 'bidirectional', false),
    nonlinearity: nl && nl.k === 'str' && nl.v ? nl.v : undefined,
    proj_size: type === 'LSTM' ? (cfgInt(m, 'proj_size') ?? 0) : undefined,
  });
}

/** 64-bit FNV-1a style hash (two 32-bit lanes with different offsets/primes) over float32 bit patterns. */
class BitsHash {
  private a = 0x811c9dc5;
  private b = 0x01234567;
  mix(arr: ArrayLike<number>): this {
    const bytes = ArrayBuffer.isView(arr) ? arr : Float64Array.from(arr);
    const u = bytes.byteLength % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) : Uint32Array.from(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    let { a, b } = this;
    for (let i = 0; i < u.length; i++) {
      a = Math.imul(a ^ u[i], 0x01000193) >>> 0;
      b = Math.imul(b ^ u[i], 0x5bd1e995) >>> 0;
      b ^= b >>> 15;
    }
    this.a = Math.imul(a ^ u.length, 0x01000193) >>> 0;
    this.b = Math.imul(b ^ u.length, 0x5bd1e995) >>> 0;
    return this;
  }
  text(): string {
    return `${this.a.toString(16)}${this.b.toString(16).padStart(8, '0')}`;
  }
}

/** An exact identity of an RNN module (config + weights): the key of its canonical RnnModule object. */
function moduleKeyOf(config: RnnConfig, weights: ReadonlyMap<string, Tensor>): string {
  const h = new BitsHash();
  for (const p of paramSpecs(config)) {
    const w = weights.get(p.name);
    if (w) h.mix(w.data);
  }
  return `${JSON.stringify(config)}#${h.text()}`;
}

/** An exact identity of an RNN call's input and initial state. */
function callKeyOf(input: Tensor | PackedSequence, hx: Hidden | null): string {
  const h = new BitsHash();
  if (input instanceof Tensor) h.mix(input.data).mix(input.shape);
  else h.mix(input.data.data).mix(input.data.shape).mix(input.batchSizes).mix(input.sortedIndices ?? []);
  if (hx instanceof Tensor) h.mix(hx.data).mix(hx.shape);
  else if (hx) h.mix(hx[0].data).mix(hx[0].shape).mix(hx[1].data);
  return h.text();
}
