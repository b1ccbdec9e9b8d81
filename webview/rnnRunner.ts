// Runs an RNN inside the visualizer page with onnxruntime-web's WebGPU build (dist/ort/ort.webgpu.min.mjs, loaded
// on first use from the bundle folder the host names in <meta name="rnn-lens-ort-base">): the 'webgpu' execution
// provider when navigator.gpu gives an adapter, otherwise 'wasm' (same ORT build), and says which one ran. The ONNX
// graph is the runtime's own (runtime/onnx/rnn-graph.ts), the weights checked by the runtime's load_state_dict.
import type * as OrtModule from 'onnxruntime-web';
import { createRnnConfig, loadStateDict, numDirections, type RnnModule } from '../runtime/rnn/module';
import { buildRnnModel, io } from '../runtime/onnx/rnn-graph';
import { Tensor } from '../runtime/tensor/tensor';
import type { RnnRunRequest, RnnRunResponse } from './protocol';

type Ort = typeof OrtModule;

/** Minimal WebGPU typing (lib.dom of this TypeScript has no navigator.gpu). */
interface GpuAdapterLike { info?: { vendor?: string; architecture?: string; description?: string } }
interface GpuLike { requestAdapter(options?: object): Promise<GpuAdapterLike | null> }

let ortPromise: Promise<Ort> | null = null;

function ortBase(): string {
  const base = document.querySelector<HTMLMetaElement>('meta[name="rnn-lens-ort-base"]')?.content;
  if (!base) throw new Error('this page was loaded without the onnxruntime location (rnn-lens-ort-base)');
  return base.endsWith('/') ? base : `${base}/`;
}

function loadOrt(): Promise<Ort> {
  ortPromise ??= (async () => {
    const base = ortBase();
    const ort = (await import(/* webpackIgnore: true */ `${base}ort.webgpu.min.mjs`)) as Ort;
    ort.env.wasm.numThreads = 1; // a webview is not cross-origin isolated: no SharedArrayBuffer threads
    ort.env.wasm.wasmPaths = base;
    ort.env.logLevel = 'error';
    return ort;
  })();
  return ortPromise;
}

/** The module the request describes, through the runtime's constructor and load_state_dict checks. */
export function moduleFromRequest(r: RnnRunRequest): RnnModule {
  const type = r.mode === 'LSTM' ? 'LSTM' : r.mode === 'GRU' ? 'GRU' : 'RNN';
  const config = createRnnConfig(type, {
    input_size: r.inputSize, hidden_size: r.hiddenSize, num_layers: r.numLayers, bidirectional: r.bidirectional,
    bias: 'bias_ih_l0' in r.weights, ...(type === 'RNN' ? { nonlinearity: r.mode === 'RNN_RELU' ? 'relu' : 'tanh' } : {}),
  });
  const stateDict = new Map<string, Tensor>();
  for (const [name, v] of Object.entries(r.weights)) {
    if (!v.data) throw new Error(`weight ${name} has no values`);
    stateDict.set(name, new Tensor(v.shape, 'float32', Float32Array.from(v.data)));
  }
  return loadStateDict(config, stateDict);
}

async function pickProvider(backend: 'webgpu' | 'wasm'): Promise<{ ep: 'webgpu' | 'wasm'; adapter: string | null; fallbackReason?: string }> {
  if (backend === 'wasm') return { ep: 'wasm', adapter: null };
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return { ep: 'wasm', adapter: null, fallbackReason: 'navigator.gpu is not available in this page' };
  const adapter = await gpu.requestAdapter();
  if (!adapter) return { ep: 'wasm', adapter: null, fallbackReason: 'navigator.gpu gave no adapter' };
  const info = adapter.info;
  return { ep: 'webgpu', adapter: info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed adapter' : 'adapter' };
}

export async function runRnnInPage(r: RnnRunRequest, backend: 'webgpu' | 'wasm', status: (text: string) => void): Promise<RnnRunResponse> {
  const module = moduleFromRequest(r);
  const [T, B, F] = r.input.shape;
  if (r.input.shape.length !== 3 || F !== r.inputSize || !r.input.data) throw new Error(`input must be (T, B, ${r.inputSize}) with values, got (${r.input.shape.join(', ')})`);
  if (r.lengths.length !== B || r.lengths.some((l) => !Number.isInteger(l) || l < 1 || l > T)) throw new Error(`lengths must be ${B} integers in 1…${T}`);
  const ort = await loadOrt();
  const picked = await pickProvider(backend);
  status(`running ${r.mode} on ${picked.ep}${picked.adapter ? ` (${picked.adapter})` : ''}…`);
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(buildRnnModel(module), { executionProviders: [picked.ep] });
  try {
    const D = numDirections(module.config);
    const H = r.hiddenSize;
    const feeds: Record<string, OrtModule.Tensor> = {
      [io.x]: new ort.Tensor('float32', Float32Array.from(r.input.data), [T, B, F]),
      [io.sequenceLens]: new ort.Tensor('int32', Int32Array.from(r.lengths), [B]),
    };
    const fetches = [io.y];
    for (let l = 0; l < r.numLayers; l++) {
      feeds[io.h0(l)] = new ort.Tensor('float32', new Float32Array(D * B * H), [D, B, H]);
      fetches.push(io.hN(l));
      if (r.mode === 'LSTM') {
        feeds[io.c0(l)] = new ort.Tensor('float32', new Float32Array(D * B * H), [D, B, H]);
        fetches.push(io.cN(l));
      }
    }
    const res = await session.run(feeds, fetches);
    const stack = (name: (l: number) => string): number[] => {
      const out: number[] = [];
      for (let l = 0; l < r.numLayers; l++) out.push(...(res[name(l)].data as Float32Array));
      return out;
    };
    const response: RnnRunResponse = {
      backend: picked.ep,
      ...(picked.fallbackReason ? { fallbackReason: picked.fallbackReason } : {}),
      output: { kind: 'tensor', shape: [T, B, D * H], dtype: 'float32', data: Array.from(res[io.y].data as Float32Array) },
      hN: { kind: 'tensor', shape: [r.numLayers * D, B, H], dtype: 'float32', data: stack(io.hN) },
      ...(r.mode === 'LSTM' ? { cN: { kind: 'tensor' as const, shape: [r.numLayers * D, B, H], dtype: 'float32', data: stack(io.cN) } } : {}),
      ms: performance.now() - t0,
    };
    for (const t of Object.values(res)) t.dispose();
    status(`${r.mode} ran on ${picked.ep}${picked.adapter ? ` (${picked.adapter})` : ''}${picked.fallbackReason ? ` — WebGPU not used: ${picked.fallbackReason}` : ''} in ${response.ms.toFixed(0)} ms`);
    return response;
  } finally {
    await session.release();
  }
}
