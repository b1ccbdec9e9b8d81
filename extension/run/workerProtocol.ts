// The messages between the extension host (run/runWorkerClient.ts) and the run worker thread (run/runWorker.ts,
// bundled as dist/run-worker.js). Everything here crosses postMessage, so it is structured-clone data only: no
// class instances, no functions. Cancellation also has a shared flag (an Int32Array on a SharedArrayBuffer) because
// the interpreter's passes are synchronous: the worker cannot read a message until a pass ends, but it reads the flag
// every few hundred ops. No `vscode` import: the worker side uses this file too.
import type { NotebookCell } from '../../runtime/python/source';
import type { Observation, RunEngineStats, RunProgress } from '../../runtime/run/engine';
import type { RunLimits } from '../../runtime/run/compute';
import type { RunResult } from '../../runtime/steps/step';

/** Given to the worker at start (workerData): process-wide ORT settings, fixed for the worker's life. */
export interface RunWorkerData {
  threads: number;
  /** ort.env.wasm.wasmPaths; undefined = the dist/ort folder next to the bundle */
  wasmPaths?: string;
  /** start loading onnxruntime-web at once (the first run overlaps with it) */
  prewarm: boolean;
}

export type RunJob =
  | { kind: 'python'; file: string; text: string; lines?: { start: number; end: number }; folder?: string }
  | { kind: 'notebook'; file: string; cells: NotebookCell[]; folder?: string };

export interface RunRequest {
  type: 'run';
  id: number;
  job: RunJob;
  backend: 'wasm' | 'reference';
  limits: Partial<RunLimits>;
  /** Int32Array(1) on a SharedArrayBuffer: the host stores 1 to cancel */
  cancelFlag: Int32Array;
}

export type HostToWorker = RunRequest | { type: 'cancel'; id: number } | { type: 'prewarm' };

/** The run's result without the engine's interpreter state (RunOutput.analysis stays in the worker). */
export interface WorkerRunOutput extends RunResult {
  observations: Observation[];
}

export type WorkerToHost =
  | { type: 'progress'; id: number; progress: RunProgress }
  | { type: 'result'; id: number; output: WorkerRunOutput; stats: RunEngineStats }
  /** the run failed with an exception the engine did not turn into a message (a bug): its one-line message */
  | { type: 'failed'; id: number; message: string; stack?: string; stats: RunEngineStats }
  | { type: 'prewarmed'; ms: number; error?: string };
