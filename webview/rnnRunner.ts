// Runs an RNN inside the page with onnxruntime-web: the WebGPU execution provider when navigator.gpu gives an
// adapter, otherwise wasm; reports which one ran. The ONNX graph comes from runtime/onnx (the runtime's builder).
import type { RnnRunRequest, RnnRunResponse } from './protocol';

export async function runRnnInPage(_request: RnnRunRequest, _backend: 'webgpu' | 'wasm', _status: (text: string) => void): Promise<RnnRunResponse> {
  throw new Error('running an RNN in the visualizer needs the runtime ONNX graph builder (runtime/onnx), not built into this page yet');
}
