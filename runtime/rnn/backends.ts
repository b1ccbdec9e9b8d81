// Picks a StackBackend by name for rnnForward. Keep the returned backend and reuse it: the wasm one caches one
// onnxruntime session per module object (creating a session costs 0.2–0.7 s). No Node-only imports (the webview
// passes its own wasmPaths; Node callers use onnx/node-paths.ts).
import { OrtRnnExecutor, type OrtExecutorOptions } from '../onnx/executor';
import { referenceBackend } from '../reference/rnn-stack';
import type { BackendName } from './forward';
import type { StackBackend } from './stack';

export function createRnnBackend(name: BackendName, options: OrtExecutorOptions = {}): StackBackend & { dispose?: () => Promise<void> } {
  switch (name) {
    case 'reference':
      return referenceBackend;
    case 'wasm':
      return new OrtRnnExecutor(options);
  }
}
