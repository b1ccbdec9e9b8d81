// The run engine behind `rnn-lens run` and the extension's "Run Selection": evaluates a Python file, a line range of
// it, or a notebook with concrete values (the shape engine's interpreter + the hooks of runtime/run/compute.ts) and
// returns the RunResult of runtime/steps/step.ts. RNN calls run on the reference kernels during interpretation (the
// interpreter is synchronous); with the wasm backend, each RNN call is then recomputed by onnxruntime-web and the
// program re-interpreted with those results, until every RNN call's inputs match what wasm computed (a chain of
// k dependent RNN calls needs k + 1 passes). Cancellation (AbortSignal) is checked between passes and backend calls;
// time and size limits stop a run with a clear message.
import { analyzeNotebook, analyzePython, type Analysis } from '../analysis/api';
import { parseIpynb, SourceError, type NotebookCell } from '../python/source';
import { STEP_SCHEMA_VERSION, type CodeSpan, type RunResult, type Value } from '../steps/step';
import type { StackBackend } from '../rnn/stack';
import { rnnForward, type RnnForwardResult } from '../rnn/forward';
import { DEFAULT_RUN_LIMITS, RunContext, RunLimitError, type RunLimits, type RunMessage } from './compute';
import { recogniseSteps, toStepValue, type BindingInfo } from './steps';

export interface RunProgress {
  phase: 'interpret' | 'rnn-backend' | 'steps';
  /** 1-based pass of the interpreter */
  pass: number;
  done?: number;
  total?: number;
}

export interface RunOptions {
  backend?: 'wasm' | 'reference';
  /** the wasm backend to use (e.g. a shared OrtRnnExecutor, warm); created (and disposed) per run otherwise */
  wasm?: StackBackend & { dispose?: () => Promise<void> | void };
  /** only these lines (1-based, inclusive) of a .py text */
  lines?: { start: number; end: number };
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  limits?: Partial<RunLimits>;
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

const MAX_PASSES = 8;

export async function runPythonText(text: string, file: string, opts: RunOptions = {}): Promise<RunOutput> {
  return runSource({ kind: 'python', text }, file, opts);
}

export async function runNotebookText(ipynb: string | readonly NotebookCell[], file: string, opts: RunOptions = {}): Promise<RunOutput> {
  return runSource({ kind: 'notebook', cells: typeof ipynb === 'string' ? parseIpynb(ipynb) : ipynb }, file, opts);
}

type Src = { kind: 'python'; text: string } | { kind: 'notebook'; cells: readonly NotebookCell[] };

class WasmCache {
  private readonly byIndex = new Map<number, { fingerprint: string; result: RnnForwardResult }>();
  get(index: number, fingerprint: string): RnnForwardResult | undefined {
    const e = this.byIndex.get(index);
    return e && e.fingerprint === fingerprint ? e.result : undefined;
  }
  set(index: number, fingerprint: string, result: RnnForwardResult): void {
    this.byIndex.set(index, { fingerprint, result });
  }
}

async function runSource(src: Src, file: string, opts: RunOptions): Promise<RunOutput> {
  const limits: RunLimits = { ...DEFAULT_RUN_LIMITS, ...opts.limits };
  const backendName = opts.backend ?? 'wasm';
  const t0 = performance.now();
  const deadline = Date.now() + limits.timeMs;
  const timings: Record<string, number> = {};
  const result: RunOutput = { version: STEP_SCHEMA_VERSION, file, backend: backendName, steps: [], messages: [], observations: [], analysis: null, timingsMs: timings };
  const cache = backendName === 'wasm' ? new WasmCache() : null;
  let ownWasm: (StackBackend & { dispose?: () => Promise<void> | void }) | null = null;
  let ctx: RunContext | null = null;
  let analysis: Analysis | null = null;
  try {
    for (let pass = 1; pass <= MAX_PASSES; pass++) {
      if (opts.signal?.aborted) throw new RunLimitError('the run was cancelled');
      opts.onProgress?.({ phase: 'interpret', pass });
      const ti = performance.now();
      ctx = new RunContext(limits, deadline, cache, opts.signal);
      analysis = interpret(src, opts, ctx, limits, deadline);
      timings[`interpret${pass}`] = performance.now() - ti;
      if (!cache || ctx.pending.length === 0) break;
      if (pass === MAX_PASSES) {
        ctx.note('warning', `some RNN results come from the reference kernels: the wasm backend did not converge in ${MAX_PASSES} passes`);
        break;
      }
      if (!ownWasm && !opts.wasm) {
        const { OrtRnnExecutor } = await import('../onnx/executor');
        ownWasm = new OrtRnnExecutor({ threads: 1 });
      }
      const wasm = opts.wasm ?? ownWasm!;
      const tw = performance.now();
      for (const [i, call] of ctx.pending.entries()) {
        if (opts.signal?.aborted) throw new RunLimitError('the run was cancelled');
        if (Date.now() > deadline) throw new RunLimitError(`the run stopped at its time limit of ${limits.timeMs} ms (rnnLens limits: timeMs)`);
        opts.onProgress?.({ phase: 'rnn-backend', pass, done: i, total: ctx.pending.length });
        cache.set(call.index, call.fingerprint, await rnnForward(call.module, call.input, call.hx, { backend: wasm, intermediates: true }));
      }
      timings[`wasm${pass}`] = performance.now() - tw;
    }
  } catch (e) {
    if (e instanceof RunLimitError) {
      result.messages.push({ severity: 'error', message: e.message });
    } else if (e instanceof SourceError) {
      result.messages.push({ severity: 'error', message: e.message });
      return result;
    } else {
      throw e;
    }
  } finally {
    if (ownWasm?.dispose) await ownWasm.dispose();
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
  bindings.sort((p, q) => (p.span.cell ?? 0) - (q.span.cell ?? 0) || p.span.line - q.span.line || p.span.col - q.span.col);
  result.steps = recogniseSteps({ ctx, bindings, codeOf, valueLimit: limits.valueLimit });
  for (const e of ctx.events) {
    if (e.op === 'print') result.observations.push({ span: e.span, values: e.args.map((v) => toStepValue(v, limits.valueLimit)) });
  }
  result.messages.push(...located(a), ...ctx.messages);
  result.analysis = analysis;
  timings.steps = performance.now() - ts;
  timings.total = performance.now() - t0;
  return result;
}

function interpret(src: Src, opts: RunOptions, ctx: RunContext, limits: RunLimits, deadline: number): Analysis {
  const interpLimits = { timeMs: Math.max(1, deadline - Date.now()), maxLoopIterations: limits.maxLoopIterations };
  return src.kind === 'python'
    ? analyzePython(src.text, { lines: opts.lines, hooks: ctx.hooks, limits: interpLimits })
    : analyzeNotebook(src.cells, { hooks: ctx.hooks, limits: interpLimits });
}

/** Shape errors and syntax errors of the program, as run messages. */
function located(a: Analysis): RunMessage[] {
  const out: RunMessage[] = [];
  for (const d of [...a.parseErrors, ...a.diagnostics]) {
    if (d.code === 'RNNL-SHAPE' || d.code === 'RNNL-SYNTAX' || d.severity === 'error') out.push({ severity: d.severity, message: `${d.code}: ${d.message}`, span: d.span });
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
