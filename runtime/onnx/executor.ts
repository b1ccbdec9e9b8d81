// The `wasm` backend: runs the ONNX graph of rnn-graph.ts on onnxruntime-web. ORT is imported lazily (first run,
// never at import or activation time); one InferenceSession per module object (its weights), created on first use
// and reused. ort.env (threads, log level, wasm file location) is process-wide and read once by ORT: the first
// executor to run configures it. LSTM proj_size has no ONNX equivalent: those modules run on the reference kernels
// and the result says so in a note.
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-web';
import { numDirections, type RnnModule } from '../rnn/module';
import type { StackBackend, StackInput, StackLayerOutput, StackOutput } from '../rnn/stack';
import { runReferenceStack } from '../reference/rnn-stack';
import { buildRnnModel, io } from './rnn-graph';

type Ort = typeof import('onnxruntime-web');

export interface OrtExecutorOptions {
  /** ort.env.wasm.numThreads (default 1) */
  threads?: number;
  /** ort.env.wasm.wasmPaths: folder (URL, ending in /) holding ort-wasm-simd-threaded.{wasm,mjs}; see node-paths.ts */
  wasmPaths?: string;
}

export class OrtRnnExecutor implements StackBackend {
  readonly name = 'wasm' as const;
  private ortPromise: Promise<Ort> | null = null;
  private readonly sessions = new WeakMap<RnnModule, Promise<InferenceSession>>();
  private readonly live = new Set<Promise<InferenceSession>>();

  constructor(private readonly options: OrtExecutorOptions = {}) {}

  private loadOrt(): Promise<Ort> {
    this.ortPromise ??= import('onnxruntime-web').then((ort) => {
      const threads = this.options.threads ?? 1;
      // Process-wide settings: only take effect before the first session of the process.
      ort.env.wasm.numThreads = threads;
      ort.env.logLevel = 'error';
      if (this.options.wasmPaths) ort.env.wasm.wasmPaths = this.options.wasmPaths;
      return ort;
    });
    return this.ortPromise;
  }

  private session(module: RnnModule): Promise<InferenceSession> {
    let s = this.sessions.get(module);
    if (!s) {
      s = this.loadOrt().then((ort) => ort.InferenceSession.create(buildRnnModel(module), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }));
      this.sessions.set(module, s);
      this.live.add(s);
    }
    return s;
  }

  /** Threads ORT actually uses (it keeps the first value set in the process). */
  async threadsInUse(): Promise<number> {
    const ort = await this.loadOrt();
    return Number(ort.env.wasm.numThreads);
  }

  async runStack(module: RnnModule, input: StackInput): Promise<StackOutput> {
    const c = module.config;
    if (c.projSize > 0) {
      const out = runReferenceStack(module, input);
      out.notes.push('proj_size > 0: onnxruntime has no LSTM projection, so this module ran on the reference TypeScript kernels');
      return out;
    }
    if (c.inputSize === 0) {
      const out = runReferenceStack(module, input);
      out.notes.push('input_size 0: onnxruntime cannot run an empty input projection, so this module ran on the reference TypeScript kernels');
      return out;
    }
    const ort = await this.loadOrt();
    const session = await this.session(module);
    const { T, B } = input;
    const D = numDirections(c);
    const H = c.hiddenSize;
    const L = c.numLayers;
    const feeds: Record<string, OrtTensor> = {
      [io.x]: new ort.Tensor('float32', input.x, [T, B, c.inputSize]),
      [io.sequenceLens]: new ort.Tensor('int32', input.lengths, [B]),
    };
    for (let layer = 0; layer < L; layer++) {
      feeds[io.h0(layer)] = new ort.Tensor('float32', input.h0.subarray(layer * D * B * H, (layer + 1) * D * B * H), [D, B, H]);
      if (input.c0) feeds[io.c0(layer)] = new ort.Tensor('float32', input.c0.subarray(layer * D * B * H, (layer + 1) * D * B * H), [D, B, H]);
    }
    const fetches = [io.y];
    for (let layer = 0; layer < L; layer++) {
      fetches.push(io.hN(layer));
      if (c.mode === 'LSTM') fetches.push(io.cN(layer));
      if (input.wantLayers) fetches.push(io.layerY(layer));
    }
    const res = await session.run(feeds, fetches);
    const hN = new Float32Array(L * D * B * H);
    const cN = c.mode === 'LSTM' ? new Float32Array(L * D * B * H) : null;
    const layers: StackLayerOutput[] = [];
    for (let layer = 0; layer < L; layer++) {
      hN.set(res[io.hN(layer)].data as Float32Array, layer * D * B * H);
      if (cN) cN.set(res[io.cN(layer)].data as Float32Array, layer * D * B * H);
      if (input.wantLayers) {
        const y = res[io.layerY(layer)].data as Float32Array; // [T, D, B, H]
        for (let d = 0; d < D; d++) {
          const yd = new Float32Array(T * B * H);
          for (let t = 0; t < T; t++) yd.set(y.subarray((t * D + d) * B * H, (t * D + d + 1) * B * H), t * B * H);
          layers.push({ layer, direction: d, y: yd });
        }
      }
    }
    const y = (res[io.y].data as Float32Array).slice();
    for (const t of Object.values(res)) t.dispose();
    return { y, hN, cN, layers: input.wantLayers ? layers : null, notes: [] };
  }

  /** Releases every session this executor created. */
  async dispose(): Promise<void> {
    const all = [...this.live];
    this.live.clear();
    for (const s of all) await (await s).release();
  }
}
