// Runs a RunTarget in the run worker thread (run/runWorker.ts → dist/run-worker.js, driven by run/runWorkerClient.ts):
// the extension host never loads onnxruntime-web nor interprets a run itself, so hovers and other extensions stay
// responsive during a run, and Cancel can stop even a long synchronous pass. The worker starts with the first run
// (never at activation) and begins loading onnxruntime-web at once; it keeps ONE RunEngine (ORT compiled once, one
// ONNX session per module + weights, wasm results reused) for the session. rnnLens.run.threads or a memory limit
// that changes restarts the worker after the runs in progress (ORT's thread count is fixed per worker).
import type * as vscode from 'vscode';
import { dirname, join } from 'node:path';
import type { RunProgress } from '../../runtime/run/engine';
import type { RnnLensConfig } from '../config';
import { RunWorkerClient, type WorkerRunReply } from './runWorkerClient';
import type { RunTarget } from './target';

export type { WorkerRunReply } from './runWorkerClient';
export { RunWorkerError } from './runWorkerClient';

export class RunService implements vscode.Disposable {
  private client: RunWorkerClient | null = null;

  /** `workerPath`: the bundled worker; the extension bundle lives in dist/ next to it. */
  constructor(
    private readonly log: (line: string) => void = () => undefined,
    private readonly workerPath: string = join(__dirname, 'run-worker.js'),
  ) {}

  /** The engine's backend for a setting: webgpu runs in the visualizer page, so the host run uses wasm. */
  static hostBackend(config: RnnLensConfig): 'wasm' | 'reference' {
    return config.backend === 'reference' ? 'reference' : 'wasm';
  }

  /** The worker's V8 heap limit: room for the interpreter's boxed Python values next to tensors of
   *  rnnLens.run.maxElements (tensor data itself lives in ArrayBuffers and ORT's wasm memory, outside this heap).
   *  At least 1 GB: growth past the limit stops only the worker, but one single allocation close to the limit (a
   *  string of hundreds of millions of characters) makes V8 end the whole process; a generous floor makes that rare. */
  static workerMemoryMb(config: RnnLensConfig): number {
    return Math.min(16_384, 1024 + Math.ceil((config.runMaxElements * 32) / 2 ** 20));
  }

  async run(target: RunTarget, config: RnnLensConfig, signal: AbortSignal, onProgress: (p: RunProgress) => void): Promise<WorkerRunReply> {
    const file = target.uri.path.split('/').pop() ?? target.uri.path;
    const limits = { maxElements: config.runMaxElements, timeMs: config.runTimeoutMs };
    const backend = RunService.hostBackend(config);
    const client = this.clientFor(config);
    const folder = target.uri.scheme === 'file' ? dirname(target.uri.fsPath) : undefined;
    if (target.kind === 'python') return client.run({ job: { kind: 'python', file, text: target.text, lines: target.lines, folder }, backend, limits, signal, onProgress });
    const cells = target.cells.map((c) => ({ kind: c.kind, source: c.source, language: c.language }));
    return client.run({ job: { kind: 'notebook', file, cells, folder }, backend, limits, signal, onProgress });
  }

  /** Starts the worker for these settings (and its onnxruntime-web load) ahead of the first run; nothing when it is
   *  running already. */
  prewarm(config: RnnLensConfig): void {
    this.clientFor(config).prewarm();
  }

  /** The worker that would take a run with these settings: none yet, started and loading onnxruntime-web, or ready. */
  workerState(config: RnnLensConfig): 'none' | 'starting' | 'ready' {
    const client = this.client;
    if (!client || !client.running || !this.fits(client, config)) return 'none';
    return client.ortReady ? 'ready' : 'starting';
  }

  private fits(client: RunWorkerClient, config: RnnLensConfig): boolean {
    return client.options.threads === config.threads && client.options.memoryMb === RunService.workerMemoryMb(config);
  }

  /** The client for these settings; a client with other process-wide settings is retired when its runs end. */
  private clientFor(config: RnnLensConfig): RunWorkerClient {
    const memoryMb = RunService.workerMemoryMb(config);
    const old = this.client;
    if (old && this.fits(old, config)) return old;
    if (old) {
      this.log(`run worker settings changed (threads ${config.threads}, heap ${memoryMb} MB): a new worker takes the next runs`);
      void old.disposeWhenIdle('its settings changed');
    }
    this.client = new RunWorkerClient({
      workerPath: this.workerPath,
      threads: config.threads,
      memoryMb,
      prewarm: RunService.hostBackend(config) === 'wasm',
      firstWorkerNumber: (old?.workersStarted ?? 0) + 1,
      log: this.log,
    });
    return this.client;
  }

  dispose(): void {
    const client = this.client;
    this.client = null;
    void client?.dispose();
  }
}
