// Runs a RunTarget with the run engine (runtime/run/engine.ts): the engine module and onnxruntime-web load on the
// first run, never at activation; one warm wasm executor (threads from rnnLens.run.threads, wasm files from the
// packaged dist/ort) is kept for the session so later runs skip ORT's start-up.
import type * as vscode from 'vscode';
import type { RunOutput, RunProgress } from '../../runtime/run/engine';
import type { OrtRnnExecutor } from '../../runtime/onnx/executor';
import type { RnnLensConfig } from '../config';
import type { RunTarget } from './target';

export class RunService implements vscode.Disposable {
  private wasm: { threads: number; executor: Promise<OrtRnnExecutor> } | undefined;

  /** The engine's backend for a setting: webgpu runs in the visualizer page, so the host run uses wasm. */
  static hostBackend(config: RnnLensConfig): 'wasm' | 'reference' {
    return config.backend === 'reference' ? 'reference' : 'wasm';
  }

  async run(target: RunTarget, config: RnnLensConfig, signal: AbortSignal, onProgress: (p: RunProgress) => void): Promise<RunOutput> {
    const engine = await import('../../runtime/run/engine');
    const backend = RunService.hostBackend(config);
    const opts = {
      backend,
      wasm: backend === 'wasm' ? await this.executor(config.threads) : undefined,
      signal,
      onProgress,
      limits: { maxElements: config.runMaxElements, timeMs: config.runTimeoutMs },
    };
    const file = target.uri.path.split('/').pop() ?? target.uri.path;
    if (target.kind === 'python') return engine.runPythonText(target.text, file, { ...opts, lines: target.lines });
    return engine.runNotebookText(target.cells.map((c) => ({ kind: c.kind, source: c.source, language: c.language })), file, opts);
  }

  /** The session's wasm executor. ORT's thread count is process-wide and fixed by its first session, so a changed
   *  rnnLens.run.threads applies after a window reload. */
  private executor(threads: number): Promise<OrtRnnExecutor> {
    this.wasm ??= {
      threads,
      executor: (async () => {
        const [{ OrtRnnExecutor }, { nodeOrtWasmPaths }] = await Promise.all([import('../../runtime/onnx/executor'), import('../../runtime/onnx/node-paths')]);
        return new OrtRnnExecutor({ threads, wasmPaths: nodeOrtWasmPaths() });
      })(),
    };
    return this.wasm.executor;
  }

  dispose(): void {
    const wasm = this.wasm;
    this.wasm = undefined;
    void wasm?.executor.then((e) => e.dispose());
  }
}
