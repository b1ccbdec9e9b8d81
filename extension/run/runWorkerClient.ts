// The extension host's side of the run worker (run/runWorker.ts, bundled as dist/run-worker.js): starts the worker
// thread on demand (never at activation), posts one job at a time, forwards progress, and keeps the host safe from
// whatever happens in there. Cancel sets the shared flag and posts a cancel message; a worker that has not answered
// within the grace period (a long RNN kernel call) is terminated. A run that outlives its time limit by the grace
// period is terminated too. A crash or an out-of-memory stop (resourceLimits) fails the run with a one-line
// RunWorkerError; the next run starts a fresh worker. No `vscode` import, so the unit tests drive it directly.
import { Worker } from 'node:worker_threads';
import type { RunEngineStats, RunProgress } from '../../runtime/run/engine';
import type { RunLimits } from '../../runtime/run/compute';
import type { HostToWorker, RunJob, RunWorkerData, WorkerRunOutput, WorkerToHost } from './workerProtocol';

/** A run ended without a result because its worker stopped (cancel not answered, time limit, crash, memory). The
 *  message is one line, meant for the user. */
export class RunWorkerError extends Error {}

export interface RunWorkerClientOptions {
  /** the bundled worker entry, dist/run-worker.js */
  workerPath: string;
  /** onnxruntime-web threads (process-wide in the worker: a change needs a new client) */
  threads: number;
  /** ort.env.wasm.wasmPaths; default: dist/ort next to the worker bundle */
  wasmPaths?: string;
  /** V8 heap limit of the worker (resourceLimits.maxOldGenerationSizeMb) */
  memoryMb: number;
  /** load onnxruntime-web as soon as the worker starts (default true) */
  prewarm?: boolean;
  /** how long a cancelled run may take to answer before its worker is terminated (default 2000 ms) */
  cancelGraceMs?: number;
  /** time over the run's own limit before an unanswered run's worker is terminated (default 5000 ms) */
  timeoutGraceMs?: number;
  /** number of this client's first worker in the logs and replies (default 1; a service with several clients in
   *  turn keeps counting) */
  firstWorkerNumber?: number;
  /** where worker life-cycle lines go (the output channel in the extension) */
  log?: (line: string) => void;
}

export interface WorkerRunRequest {
  job: RunJob;
  backend: 'wasm' | 'reference';
  limits: Partial<RunLimits> & { timeMs: number };
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
}

export interface WorkerRunReply {
  output: WorkerRunOutput;
  /** the worker's RunEngine counters after this run */
  stats: RunEngineStats;
  /** the worker this run used: how many workers this client started so far, and its run number on that worker */
  worker: {
    generation: number;
    runOnWorker: number;
    /** ms from starting the worker to its first line of code running, and to onnxruntime-web loaded (prewarm) */
    onlineMs?: number;
    ortReadyMs?: number;
  };
}

interface Pending {
  id: number;
  resolve: (r: WorkerRunReply) => void;
  reject: (e: Error) => void;
  onProgress?: (p: RunProgress) => void;
  timers: ReturnType<typeof setTimeout>[];
  runOnWorker: number;
}

interface LiveWorker {
  worker: Worker;
  generation: number;
  runs: number;
  /** why the host is stopping it (set before terminate(), so 'exit' knows it was intended) */
  stopping: string | null;
  onlineMs?: number;
  ortReadyMs?: number;
}

const DEFAULT_CANCEL_GRACE_MS = 2000;
const DEFAULT_TIMEOUT_GRACE_MS = 5000;

export class RunWorkerClient {
  private live: LiveWorker | null = null;
  private generation: number;
  private nextId = 1;
  private current: Pending | null = null;
  /** runs go to the worker one after another */
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(readonly options: RunWorkerClientOptions) {
    this.generation = (options.firstWorkerNumber ?? 1) - 1;
  }

  /** Number of the last worker started (firstWorkerNumber - 1 before any); a crash, a terminate or a dispose means
   *  the next run starts another. */
  get workersStarted(): number {
    return this.generation;
  }

  get running(): boolean {
    return this.live !== null;
  }

  /** The running worker has loaded onnxruntime-web. */
  get ortReady(): boolean {
    return this.live?.ortReadyMs !== undefined;
  }

  /** Starts the worker (and with it onnxruntime-web's loading) ahead of the first run. */
  prewarm(): void {
    this.ensureWorker();
  }

  run(req: WorkerRunRequest): Promise<WorkerRunReply> {
    const next = this.queue.then(() => this.runNow(req));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Stops the worker now; a run in progress fails with `reason`. The next run starts a fresh worker. */
  async terminate(reason: string): Promise<void> {
    const live = this.live;
    if (!live) return;
    live.stopping = reason;
    this.live = null;
    this.log(`run worker ${live.generation} stopped: ${reason}`);
    this.failCurrent(new RunWorkerError(reason));
    await live.worker.terminate();
  }

  /** Disposes after the runs already asked for have ended. */
  async disposeWhenIdle(reason: string): Promise<void> {
    await this.queue;
    await this.dispose(reason);
  }

  async dispose(reason = 'RNN Lens is shutting down: the run was stopped'): Promise<void> {
    this.disposed = true;
    await this.terminate(reason);
  }

  private ensureWorker(): LiveWorker {
    if (this.disposed) throw new RunWorkerError('RNN Lens is shutting down: no more runs');
    if (this.live) return this.live;
    const data: RunWorkerData = { threads: this.options.threads, wasmPaths: this.options.wasmPaths, prewarm: this.options.prewarm ?? true };
    const worker = new Worker(this.options.workerPath, {
      workerData: data,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb },
      name: 'rnn-lens-run',
    });
    const live: LiveWorker = { worker, generation: ++this.generation, runs: 0, stopping: null };
    this.live = live;
    const started = performance.now();
    this.log(`run worker ${live.generation} starting (threads ${this.options.threads}, heap limit ${this.options.memoryMb} MB)`);
    worker.on('online', () => (live.onlineMs = performance.now() - started));
    worker.on('message', (m: WorkerToHost) => this.onMessage(live, m, started));
    worker.on('error', (err: Error & { code?: string }) => this.onWorkerGone(live, this.crashMessage(err)));
    worker.on('exit', (code) => this.onWorkerGone(live, `the run worker stopped unexpectedly (exit code ${code}); the next run starts a fresh one`));
    // An idle worker must not keep a CLI or test process alive; a run in progress holds it (see runNow).
    worker.unref();
    return live;
  }

  private crashMessage(err: Error & { code?: string }): string {
    if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return `the run ran out of memory (the run worker's heap limit is ${this.options.memoryMb} MB, from rnnLens.run.maxElements) and was stopped; the next run starts a fresh worker`;
    }
    return `the run worker crashed: ${(err.message || String(err)).split('\n')[0]}; the next run starts a fresh one`;
  }

  private onWorkerGone(live: LiveWorker, message: string): void {
    if (live.stopping !== null) return;
    live.stopping = message;
    if (this.live === live) this.live = null;
    this.log(`run worker ${live.generation}: ${message}`);
    this.failCurrent(new RunWorkerError(message));
  }

  private onMessage(live: LiveWorker, m: WorkerToHost, startedAt: number): void {
    if (live.stopping !== null) return;
    const cur = this.current;
    switch (m.type) {
      case 'prewarmed':
        if (m.error) {
          this.log(`run worker ${live.generation}: onnxruntime-web did not load: ${m.error}`);
          return;
        }
        live.ortReadyMs = performance.now() - startedAt;
        this.log(`run worker ${live.generation}: onnxruntime-web ready ${live.ortReadyMs.toFixed(0)} ms after start (load ${m.ms.toFixed(0)} ms)`);
        return;
      case 'progress':
        if (cur && cur.id === m.id) cur.onProgress?.(m.progress);
        return;
      case 'result':
        if (cur && cur.id === m.id) this.settle(cur, () => cur.resolve({ output: m.output, stats: m.stats, worker: { generation: live.generation, runOnWorker: cur.runOnWorker, onlineMs: live.onlineMs, ortReadyMs: live.ortReadyMs } }));
        return;
      case 'failed':
        if (m.stack) this.log(`run worker ${live.generation}: ${m.stack}`);
        if (cur && cur.id === m.id) this.settle(cur, () => cur.reject(new Error(`the run failed: ${m.message}`)));
        return;
      default: {
        // exhaustive: a new message type must be handled above (compile error here otherwise)
        const never: never = m;
        this.log(`run worker ${live.generation}: ignored an unknown message ${JSON.stringify(never).slice(0, 200)}`);
      }
    }
  }

  private settle(p: Pending, f: () => void): void {
    if (this.current !== p) return;
    this.current = null;
    for (const t of p.timers) clearTimeout(t);
    this.live?.worker.unref();
    f();
  }

  private failCurrent(err: Error): void {
    const cur = this.current;
    if (cur) this.settle(cur, () => cur.reject(err));
  }

  private runNow(req: WorkerRunRequest): Promise<WorkerRunReply> {
    if (req.signal?.aborted) return Promise.reject(new RunWorkerError('the run was cancelled before it started'));
    const live = this.ensureWorker();
    const id = this.nextId++;
    const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
    return new Promise<WorkerRunReply>((resolve, reject) => {
      const pending: Pending = { id, resolve, reject, onProgress: req.onProgress, timers: [], runOnWorker: ++live.runs };
      this.current = pending;
      live.worker.ref();
      const stopAfter = (ms: number, reason: string): void => {
        pending.timers.push(setTimeout(() => void this.terminate(reason), ms));
      };
      const timeoutGrace = this.options.timeoutGraceMs ?? DEFAULT_TIMEOUT_GRACE_MS;
      stopAfter(
        req.limits.timeMs + timeoutGrace,
        `the run did not stop at its time limit of ${req.limits.timeMs} ms (rnnLens.run.timeoutMs), so its worker was stopped; the next run starts a fresh one`,
      );
      const onAbort = (): void => {
        Atomics.store(cancelFlag, 0, 1);
        this.post(live, { type: 'cancel', id });
        const grace = this.options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
        stopAfter(grace, `the run was stopped: it did not answer Cancel within ${grace} ms (a long kernel call), so its worker was terminated; the next run starts a fresh one`);
      };
      if (req.signal) {
        req.signal.addEventListener('abort', onAbort, { once: true });
        const off = (): void => req.signal?.removeEventListener('abort', onAbort);
        const { resolve: res, reject: rej } = pending;
        pending.resolve = (r) => {
          off();
          res(r);
        };
        pending.reject = (e) => {
          off();
          rej(e);
        };
      }
      this.post(live, { type: 'run', id, job: req.job, backend: req.backend, limits: req.limits, cancelFlag });
    });
  }

  private post(live: LiveWorker, m: HostToWorker): void {
    live.worker.postMessage(m);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
