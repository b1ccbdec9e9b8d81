// The run worker thread (bundled as dist/run-worker.js): holds ONE RunEngine for its whole life — onnxruntime-web
// loaded and compiled once, one ONNX session per module + weights, wasm results reused by input identity, the last
// parse — and runs the jobs the extension host posts, one at a time, so that neither ORT's start-up nor a long
// synchronous interpreter pass ever blocks the extension host. Progress is posted at most every PROGRESS_MS; the
// host's shared cancel flag is read on every interpreter progress tick (a synchronous pass cannot read messages).
// No `vscode` import here: this runs in a plain Node worker.
import { parentPort, workerData } from 'node:worker_threads';
import { RunEngine, type RunOptions, type RunOutput, type RunProgress } from '../../runtime/run/engine';
import { assertNever } from '../../runtime/interp/values';
import { diskModuleHost } from '../../runtime/python/module-files';
import type { HostToWorker, RunRequest, RunWorkerData, WorkerToHost } from './workerProtocol';

const PROGRESS_MS = 100;

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('run-worker.js is a worker thread entry: start it with new Worker(...)');
  const data = workerData as RunWorkerData;
  const engine = new RunEngine({ threads: data.threads, wasmPaths: data.wasmPaths });
  const controllers = new Map<number, AbortController>();
  const post = (m: WorkerToHost): void => port.postMessage(m);
  let queue: Promise<void> = Promise.resolve();

  const prewarm = (): void => {
    const t0 = performance.now();
    engine.prewarm().then(
      () => post({ type: 'prewarmed', ms: performance.now() - t0 }),
      (e: unknown) => post({ type: 'prewarmed', ms: performance.now() - t0, error: firstLine(e) }),
    );
  };

  const runOne = async (req: RunRequest, abort: AbortController): Promise<void> => {
    const cancelled = (): boolean => {
      if (!abort.signal.aborted && Atomics.load(req.cancelFlag, 0) !== 0) abort.abort();
      return abort.signal.aborted;
    };
    let lastPost = 0;
    let lastPhase = '';
    const onProgress = (p: RunProgress): void => {
      if (cancelled()) return;
      const now = performance.now();
      if (p.phase === lastPhase && now - lastPost < PROGRESS_MS) return;
      lastPhase = p.phase;
      lastPost = now;
      post({ type: 'progress', id: req.id, progress: p });
    };
    cancelled();
    // the file's folder: the project's own modules it imports are named in a warning (a run executes this file only)
    const imports = req.job.folder ? { host: diskModuleHost(), dir: req.job.folder } : undefined;
    const opts: RunOptions = { backend: req.backend, signal: abort.signal, onProgress, limits: req.limits, imports };
    try {
      const job = req.job;
      let out: RunOutput;
      switch (job.kind) {
        case 'python':
          out = await engine.runPython(job.text, job.file, { ...opts, lines: job.lines });
          break;
        case 'notebook':
          out = await engine.runNotebook(job.cells, job.file, opts);
          break;
        default:
          assertNever(job);
      }
      // The interpreter state stays here; the rest is plain data.
      const { analysis: _analysis, ...output } = out;
      post({ type: 'result', id: req.id, output, stats: engine.stats() });
    } catch (e) {
      post({ type: 'failed', id: req.id, message: firstLine(e), stack: e instanceof Error ? e.stack : undefined, stats: engine.stats() });
    } finally {
      controllers.delete(req.id);
    }
  };

  port.on('message', (msg: HostToWorker) => {
    switch (msg.type) {
      case 'run': {
        const abort = new AbortController();
        controllers.set(msg.id, abort);
        queue = queue.then(() => runOne(msg, abort));
        break;
      }
      case 'cancel':
        controllers.get(msg.id)?.abort();
        break;
      case 'prewarm':
        prewarm();
        break;
      default:
        assertNever(msg);
    }
  });
  if (data.prewarm) prewarm();
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

main();
