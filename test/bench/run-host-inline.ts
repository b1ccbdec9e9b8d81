// Benchmark helper for test/bench/run-host.ts: the way Run Selection ran before the run worker — the run engine and
// one shared OrtRnnExecutor in the calling (extension host) thread, runPythonText per run. Bundled by the benchmark
// with esbuild like the extension, so that module loading costs what it cost in the extension.
import { runPythonText, type RunOutput } from '../../runtime/run/engine';
import { OrtRnnExecutor } from '../../runtime/onnx/executor';

export function inlineRunner(wasmPaths: string): (text: string, file: string) => Promise<RunOutput> {
  const executor = new OrtRnnExecutor({ threads: 1, wasmPaths });
  return (text, file) => runPythonText(text, file, { backend: 'wasm', wasm: executor, limits: { timeMs: 60_000 } });
}
