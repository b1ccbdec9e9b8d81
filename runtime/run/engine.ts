// The run engine behind `rnn-lens run` and the extension's "Run Selection": evaluates a Python file, a line range of
// it, or a notebook with concrete values (the shape engine's interpreter + the hooks of runtime/run/compute.ts) and
// returns the RunResult of runtime/steps/step.ts. RNN calls run on the reference kernels during interpretation (the
// interpreter is synchronous); with the wasm backend, each RNN call is then recomputed by onnxruntime-web and the
// program re-interpreted with those results, until every RNN call's inputs match what wasm computed (a chain of
// k dependent RNN calls needs k + 1 passes).
//
// A RunEngine keeps what later runs can reuse: the onnxruntime-web executor (wasm compiled once per process, one
// ONNX session per module config + weights), the wasm results of RNN calls by the exact identity of their inputs (a
// warm re-run of unchanged code needs one pass and no backend call), and the last parse tree (re-parsed
// incrementally). prewarm() compiles onnxruntime-web ahead of the first run; stats() counts what was built and reused. Cancellation (AbortSignal) and the time
// limit are checked every few hundred interpreter ops and between backend calls; size limits stop values with a
// clear message.
import { analyzeSource, type Analysis } from '../analysis/api';
import type { ImportContext } from '../interp/imports';
import { parsePython, type ParsedPython } from '../python/parse';
import { lineRangeSource, notebookSource, parseIpynb, pythonSource, SourceError, type NotebookCell, type SourceText } from '../python/source';
import { STEP_SCHEMA_VERSION, type CodeSpan, type RunResult, type Value } from '../steps/step';
import type { StackBackend } from '../rnn/stack';
import { rnnForward, type RnnForwardResult } from '../rnn/forward';
import { createRnnConfig, loadStateDict, type RnnModule } from '../rnn/module';
import { Tensor, type PackedSequence } from '../tensor/tensor';
import { DEFAULT_RUN_LIMITS, RunContext, RunLimitError, type RnnResultCache, type RunLimits, type RunMessage } from './compute';
import { recogniseSteps, toStepValue, type BindingInfo } from './steps';

export interface RunProgress {
  phase: 'interpret' | 'rnn-backend' | 'steps';
  /** 1-based pass of the interpreter */
  pass: number;
  /** interpret: ops evaluated so far in this pass; rnn-backend: RNN calls computed so far */
  done?: number;
  total?: number;
}

type WasmBackend = StackBackend & { dispose?: () => Promise<void> | void };

export interface RunOptions {
  backend?: 'wasm' | 'reference';
  /** caches shared across runs (ORT sessions, RNN results, parse tree); a fresh engine per run otherwise */
  engine?: RunEngine;
  /** the wasm backend to use instead of the engine's own executor (e.g. a shared, warm OrtRnnExecutor) */
  wasm?: WasmBackend;
  /** only these lines (1-based, inclusive) of a .py text */
  lines?: { start: number; end: number };
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  limits?: Partial<RunLimits>;
  /** Where the file is: the project's own modules it imports are named in a warning (a run executes this file only). */
  imports?: ImportContext;
}

/** What the program printed (print(...) arguments, in order), for comparing with a notebook's outputs. */
export interface Observation {
  span: CodeSpan;
  values: Value[];
}

export interface RunOutput extends RunResult {
  observations: Observation[];
  /** The last interpretation (values by position: analysis.valueAt). Not part of the JSON. */
  analysis: Analysis | null;
}

export interface RunEngineOptions {
  /** onnxruntime-web threads (process-wide, first executor wins; default 1) */
  threads?: number;
  /** where ort-wasm-simd-threaded.{wasm,mjs} are (default: dist/ort next to a bundle, else ORT's own folder) */
  wasmPaths?: string;
  /** reuse wasm RNN results of calls with bit-identical inputs across runs (default true) */
  reuseResults?: boolean;
}

/** Counters of what a RunEngine built and reused since it was created (for the extension's run worker and tests). */
export interface RunEngineStats {
  runs: number;
  /** onnxruntime-web executors created (wasm compiled and loaded; a recycled executor makes a new one) */
  executorsCreated: number;
  /** canonical RNN modules built (module config + weights) and looked up again (also within a run, pass 2+) */
  modulesBuilt: number;
  modulesReused: number;
  /** distinct modules handed to the wasm backend: one ONNX session each */
  onnxSessions: number;
  /** RNN calls the wasm backend computed */
  backendCalls: number;
  /** wasm RNN results taken from an earlier run (inputs bit-identical), instead of calling the backend */
  resultsReused: number;
  /** runs whose text equalled the last parsed text (parse tree reused as is) / re-parsed incrementally */
  parsesReused: number;
  parsesIncremental: number;
}

const MAX_PASSES = 8;
/** canonical modules (each with its ONNX session) kept before the executor is recycled */
const MAX_MODULES = 32;
/** remembered wasm RNN results, and the float32 values they may hold in all */
const MAX_RESULTS = 64;
const MAX_RESULT_VALUES = 1 << 24;

export async function runPythonText(text: string, file: string, opts: RunOptions = {}): Promise<RunOutput> {
  return withEngine(opts, (e) => e.runPython(text, file, opts));
}

export async function runNotebookText(ipynb: string | readonly NotebookCell[], file: string, opts: RunOptions = {}): Promise<RunOutput> {
  return withEngine(opts, (e) => e.runNotebook(ipynb, file, opts));
}

async function withEngine(opts: RunOptions, f: (e: RunEngine) => Promise<RunOutput>): Promise<RunOutput> {
  if (opts.engine) return f(opts.engine);
  const engine = new RunEngine();
  try {
    return await f(engine);
  } finally {
    await engine.dispose();
  }
}

type Src = { kind: 'python'; text: string; lines?: { start: number; end: number } } | { kind: 'notebook'; cells: readonly NotebookCell[] };

export class RunEngine {
  private executor: Promise<WasmBackend> | null = null;
  private warming: Promise<void> | null = null;
  /** insertion-ordered = least recently used first */
  private readonly modules = new Map<string, RnnModule>();
  private readonly results = new Map<string, RnnForwardResult>();
  private resultValues = 0;
  private lastParse: ParsedPython | null = null;
  /** modules the current executor has a session for */
  private sessionModules = new WeakSet<RnnModule>();
  private readonly counters: RunEngineStats = {
    runs: 0,
    executorsCreated: 0,
    modulesBuilt: 0,
    modulesReused: 0,
    onnxSessions: 0,
    backendCalls: 0,
    resultsReused: 0,
    parsesReused: 0,
    parsesIncremental: 0,
  };

  constructor(private readonly options: RunEngineOptions = {}) {}

  runPython(text: string, file: string, opts: RunOptions = {}): Promise<RunOutput> {
    return this.run({ kind: 'python', text, lines: opts.lines }, file, opts);
  }

  /** Malformed .ipynb JSON rejects with SourceError (a one-line message). */
  async runNotebook(ipynb: string | readonly NotebookCell[], file: string, opts: RunOptions = {}): Promise<RunOutput> {
    return this.run({ kind: 'notebook', cells: typeof ipynb === 'string' ? parseIpynb(ipynb) : ipynb }, file, opts);
  }

  /** Loads onnxruntime-web, compiles its wasm and runs a 1-unit LSTM once (ORT's kernel registry, the LSTM kernel),
   *  so that the first real run only builds its own sessions. Idempotent; the returned promise may be ignored. */
  prewarm(): Promise<void> {
    this.warming ??= this.wasmBackend().then(async (backend) => {
      const config = createRnnConfig('LSTM', { input_size: 1, hidden_size: 1 });
      const weights = new Map<string, Tensor>([
        ['weight_ih_l0', new Tensor([4, 1], 'float32')],
        ['weight_hh_l0', new Tensor([4, 1], 'float32')],
        ['bias_ih_l0', new Tensor([4], 'float32')],
        ['bias_hh_l0', new Tensor([4], 'float32')],
      ]);
      await rnnForward(loadStateDict(config, weights), new Tensor([1, 1, 1], 'float32'), null, { backend });
    });
    return this.warming;
  }

  /** A copy of the counters. */
  stats(): RunEngineStats {
    return { ...this.counters };
  }

  /** Releases the executor's ONNX sessions and forgets cached results. The engine can still run afterwards. */
  async dispose(): Promise<void> {
    this.modules.clear();
    this.results.clear();
    this.resultValues = 0;
    this.lastParse = null;
    this.sessionModules = new WeakSet();
    const ex = this.executor;
    this.executor = null;
    this.warming = null;
    if (ex) await (await ex.catch(() => null))?.dispose?.();
  }

  private wasmBackend(): Promise<WasmBackend> {
    this.executor ??= (async () => {
      this.counters.executorsCreated++;
      const { OrtRnnExecutor } = await import('../onnx/executor');
      const { nodeOrtWasmPaths } = await import('../onnx/node-paths');
      return new OrtRnnExecutor({ threads: this.options.threads ?? 1, wasmPaths: this.options.wasmPaths ?? nodeOrtWasmPaths() });
    })();
    return this.executor;
  }

  /** The cache a run's RunContext sees: this run's wasm results first, then the engine's remembered ones. */
  private cacheFor(runResults: Map<string, RnnForwardResult>): RnnResultCache {
    return {
      get: (fp) => {
        const r = runResults.get(fp) ?? (this.options.reuseResults === false ? undefined : this.results.get(fp));
        if (!r) return undefined;
        if (!runResults.has(fp)) this.counters.resultsReused++;
        if (this.results.has(fp)) this.touch(this.results, fp);
        return cloneResult(r);
      },
      module: (key, make) => {
        let m = this.modules.get(key);
        if (m) {
          this.touch(this.modules, key);
          this.counters.modulesReused++;
        } else {
          m = make();
          this.counters.modulesBuilt++;
          this.modules.set(key, m);
        }
        return m;
      },
    };
  }

  private touch<V>(map: Map<string, V>, key: string): void {
    const v = map.get(key)!;
    map.delete(key);
    map.set(key, v);
  }

  private remember(fp: string, r: RnnForwardResult): void {
    const n = resultValues(r);
    if (n > MAX_RESULT_VALUES / 4) return;
    this.results.set(fp, cloneResult(r));
    this.resultValues += n;
    for (const [k, old] of this.results) {
      if (this.results.size <= MAX_RESULTS && this.resultValues <= MAX_RESULT_VALUES) break;
      this.results.delete(k);
      this.resultValues -= resultValues(old);
    }
  }

  /** Between runs: too many canonical modules → drop them and recycle the executor (releases their sessions). */
  private async trim(): Promise<void> {
    if (this.modules.size <= MAX_MODULES) return;
    this.modules.clear();
    this.sessionModules = new WeakSet();
    const ex = this.executor;
    this.executor = null;
    this.warming = null;
    if (ex) await (await ex.catch(() => null))?.dispose?.();
  }

  /** The parse tree of a text: the last one when the text is unchanged, else an incremental re-parse of it. */
  private parse(text: string): ParsedPython {
    const prev = this.lastParse;
    if (prev && prev.text === text) {
      this.counters.parsesReused++;
      return prev;
    }
    let parsed: ParsedPython;
    if (prev) {
      const a = prev.text;
      let p = 0;
      const max = Math.min(a.length, text.length);
      while (p < max && a.charCodeAt(p) === text.charCodeAt(p)) p++;
      let q = 0;
      while (q < max - p && a.charCodeAt(a.length - 1 - q) === text.charCodeAt(text.length - 1 - q)) q++;
      this.counters.parsesIncremental++;
      parsed = parsePython(text, prev, [{ fromA: p, toA: a.length - q, fromB: p, toB: text.length - q }]);
    } else {
      parsed = parsePython(text);
    }
    this.lastParse = parsed;
    return parsed;
  }

  private async run(src: Src, file: string, opts: RunOptions): Promise<RunOutput> {
    const limits: RunLimits = { ...DEFAULT_RUN_LIMITS, ...opts.limits };
    const backendName = opts.backend ?? 'wasm';
    const t0 = performance.now();
    const deadline = Date.now() + limits.timeMs;
    const timings: Record<string, number> = {};
    const result: RunOutput = { version: STEP_SCHEMA_VERSION, file, backend: backendName, steps: [], messages: [], observations: [], analysis: null, timingsMs: timings };
    this.counters.runs++;
    await this.trim();
    const runResults = new Map<string, RnnForwardResult>();
    const cache = backendName === 'wasm' ? this.cacheFor(runResults) : null;
    let ctx: RunContext | null = null;
    let analysis: Analysis | null = null;
    try {
      const source = sourceOf(src);
      for (let pass = 1; pass <= MAX_PASSES; pass++) {
        if (opts.signal?.aborted) throw new RunLimitError('the run was cancelled');
        opts.onProgress?.({ phase: 'interpret', pass });
        const ti = performance.now();
        ctx = new RunContext(limits, deadline, cache, opts.signal, (ops) => opts.onProgress?.({ phase: 'interpret', pass, done: ops }));
        analysis = this.interpret(source, ctx, limits, deadline, opts.imports);
        timings[`interpret${pass}`] = performance.now() - ti;
        if (!cache || ctx.pending.length === 0) break;
        if (pass === MAX_PASSES) {
          ctx.note('warning', `some RNN results come from the reference kernels: the wasm backend did not converge in ${MAX_PASSES} passes`);
          break;
        }
        const tw = performance.now();
        const wasm = opts.wasm ?? (await this.wasmBackend());
        for (const [i, call] of ctx.pending.entries()) {
          if (opts.signal?.aborted) throw new RunLimitError('the run was cancelled');
          if (Date.now() > deadline) throw new RunLimitError(`the run stopped at its time limit of ${limits.timeMs} ms (rnnLens limits: timeMs)`);
          opts.onProgress?.({ phase: 'rnn-backend', pass, done: i, total: ctx.pending.length });
          if (!this.sessionModules.has(call.module)) {
            this.sessionModules.add(call.module);
            this.counters.onnxSessions++;
          }
          this.counters.backendCalls++;
          const r = await rnnForward(call.module, call.input, call.hx, { backend: wasm, intermediates: true });
          runResults.set(call.fingerprint, r);
          if (this.options.reuseResults !== false) this.remember(call.fingerprint, r);
        }
        timings[`wasm${pass}`] = performance.now() - tw;
      }
    } catch (e) {
      if (e instanceof RunLimitError || e instanceof SourceError) {
        result.messages.push({ severity: 'error', message: e.message });
        if (e instanceof SourceError) return result;
      } else {
        throw e;
      }
    }
    if (!ctx || !analysis) return result;
    opts.onProgress?.({ phase: 'steps', pass: 0 });
    const ts = performance.now();
    const a = analysis;
    const codeOf = (span: CodeSpan): string => codeText(a, span);
    const bindings: BindingInfo[] = [];
    for (const b of a.interpreter.bindings.values()) {
      if (b.recorded) bindings.push({ name: b.name, span: a.span(b.from, b.to), value: b.value });
    }
    const uses: BindingInfo[] = [];
    const text = a.interpreter.parsed.text;
    for (const [from, u] of a.interpreter.uses) uses.push({ name: text.slice(from, u.to), span: a.span(from, u.to), value: u.value });
    const byPosition = (p: BindingInfo, q: BindingInfo): number => (p.span.cell ?? 0) - (q.span.cell ?? 0) || p.span.line - q.span.line || p.span.col - q.span.col;
    bindings.sort(byPosition);
    uses.sort(byPosition);
    result.steps = recogniseSteps({ ctx, bindings, uses, codeOf, valueLimit: limits.valueLimit });
    for (const e of ctx.events) {
      if (e.op === 'print' && e.certain) result.observations.push({ span: e.span, values: e.args.map((v) => toStepValue(v, limits.valueLimit)) });
    }
    result.messages.push(...located(a), ...ctx.messages);
    result.analysis = analysis;
    timings.steps = performance.now() - ts;
    timings.total = performance.now() - t0;
    return result;
  }

  private interpret(source: SourceText, ctx: RunContext, limits: RunLimits, deadline: number, imports: ImportContext | undefined): Analysis {
    const interpLimits = { timeMs: Math.max(1, deadline - Date.now()), maxLoopIterations: limits.maxLoopIterations };
    const parsed = this.parse(source.text);
    return analyzeSource(source, { hooks: ctx.hooks, limits: interpLimits, imports }, parsed, []);
  }
}

function sourceOf(src: Src): SourceText {
  if (src.kind === 'notebook') return notebookSource(src.cells);
  return src.lines ? lineRangeSource(src.text, src.lines.start, src.lines.end) : pythonSource(src.text);
}

function cloneTensor(t: Tensor): Tensor {
  return new Tensor(t.shape, t.dtype, t.data);
}

function clonePacked(p: PackedSequence): PackedSequence {
  return { data: cloneTensor(p.data), batchSizes: [...p.batchSizes], sortedIndices: p.sortedIndices && [...p.sortedIndices], unsortedIndices: p.unsortedIndices && [...p.unsortedIndices] };
}

/** A deep copy: the program may write into the tensors a run hands it (t[i] = v), a remembered result must not change. */
function cloneResult(r: RnnForwardResult): RnnForwardResult {
  const out: RnnForwardResult = {
    ...r,
    output: r.output instanceof Tensor ? cloneTensor(r.output) : clonePacked(r.output),
    hN: cloneTensor(r.hN),
    stepsPerSequence: [...r.stepsPerSequence],
    notes: [...r.notes],
  };
  if (r.cN) out.cN = cloneTensor(r.cN);
  if (r.layers) out.layers = r.layers.map((l) => ({ ...l, output: cloneTensor(l.output) }));
  return out;
}

function resultValues(r: RnnForwardResult): number {
  const o = r.output instanceof Tensor ? r.output.numel : r.output.data.numel;
  return o + r.hN.numel + (r.cN?.numel ?? 0) + (r.layers ?? []).reduce((a, l) => a + l.output.numel, 0);
}

/** Shape errors and syntax errors of the program, as run messages. */
function located(a: Analysis): RunMessage[] {
  const out: RunMessage[] = [];
  for (const d of [...a.parseErrors, ...a.diagnostics]) {
    if (d.code === 'RNNL-SHAPE' || d.code === 'RNNL-SYNTAX' || d.code === 'RNNL-IMPORT' || d.severity === 'error') out.push({ severity: d.severity, message: `${d.code}: ${d.message}`, span: d.span });
  }
  return out;
}

/** The user's source text of a span (cell-relative lines in notebooks). */
function codeText(a: Analysis, span: CodeSpan): string {
  const lines = a.source.text.split('\n');
  const first = a.source.unmapLine(span.line, span.cell);
  const last = a.source.unmapLine(span.endLine, span.cell);
  if (first === null || last === null) return '';
  const chunk = lines.slice(first - 1, last);
  if (chunk.length === 0) return '';
  chunk[chunk.length - 1] = chunk[chunk.length - 1].slice(0, span.endCol);
  chunk[0] = chunk[0].slice(span.col);
  return chunk.join('\n');
}
