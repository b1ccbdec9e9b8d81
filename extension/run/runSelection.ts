// The "RNN Lens: Run Selection" command: works out what to run (run/target.ts), runs it with the run engine
// (run/runService.ts) under a cancellable progress notification and the status bar item, lists the Steps in the
// RNN Lens output channel, shows them in the visualizer, and reports errors the run met (located) to the user. The
// run itself happens in the run worker thread; a run whose worker had to be stopped (Cancel not answered, crash, out
// of memory) is reported as such and the next run gets a fresh worker.
import * as vscode from 'vscode';
import type { RunEngineStats } from '../../runtime/run/engine';
import type { WorkerRunOutput } from './workerProtocol';
import type { Log } from '../log';
import type { RunStatus } from '../statusBar';
import { readConfig } from '../config';
import type { VisualizerApi } from '../visualizer';
import { RunService, RunWorkerError, type WorkerRunReply } from './runService';
import { activeRunTarget, targetForDocumentLine, type RunTarget } from './target';

export interface RunSelectionResult {
  target: { kind: RunTarget['kind']; label: string; lines?: { start: number; end: number }; cellIndex?: number };
  backend: WorkerRunOutput['backend'];
  /** One line per Step: `kind line transform` (line within the cell for notebooks, with `cell:` before it). */
  steps: string[];
  /** Messages of the run (errors that stopped it or left parts unknown). */
  messages: string[];
  executed: boolean;
  message: string;
  /** The run worker that ran it (generation = workers started so far) and its engine's counters after the run;
   *  undefined when the worker stopped before answering. */
  worker?: WorkerRunReply['worker'] & { stats: RunEngineStats; timingsMs: Record<string, number> };
  /** Where the command's time went in the extension host: the run (worker round trip) and showing it in the visualizer. */
  hostMs?: { run: number; visualizer: number };
}

/** Argument the "Visualize" CodeLens passes: run the file (or cell) of `uri` with `line` in focus. */
export interface RunSelectionArgs {
  uri: string;
  line: number;
}

export interface RunSelectionDeps {
  log: Log;
  status: RunStatus;
  runs: RunService;
  visualizer: VisualizerApi;
}

function where(span: { line: number; cell?: number }): string {
  return span.cell === undefined ? `${span.line}` : `${span.cell + 1}:${span.line}`;
}

/** Which worker ran it and what its engine reused, for the log. */
function workerSummary(reply: WorkerRunReply): string {
  const s = reply.stats;
  return `worker ${reply.worker.generation} run ${reply.worker.runOnWorker}; engine: ${s.onnxSessions} ONNX session(s), ${s.backendCalls} wasm call(s), ${s.resultsReused} result(s) reused`;
}

export async function runSelection(deps: RunSelectionDeps, args?: RunSelectionArgs): Promise<RunSelectionResult | undefined> {
  const target = args ? await targetForDocumentLine(vscode.Uri.parse(args.uri), args.line) : activeRunTarget();
  if (typeof target === 'string') {
    void vscode.window.showWarningMessage(`RNN Lens: ${target}.`);
    return undefined;
  }
  const config = readConfig(target.uri);
  const summary: RunSelectionResult['target'] =
    target.kind === 'python' ? { kind: 'python', label: target.label, lines: target.lines } : { kind: 'notebook', label: target.label, cellIndex: target.cellIndex };
  deps.log.info(`run selection: ${target.label} (backend ${config.backend}, threads ${config.threads})`);
  const started = performance.now();
  let reply: WorkerRunReply;
  try {
    reply = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `RNN Lens: running ${target.label}`, cancellable: true },
      (progress, token) =>
        deps.status.track(`running ${target.label}`, async () => {
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort());
          try {
            return await deps.runs.run(target, config, abort.signal, (p) => {
              const what = p.phase === 'rnn-backend' ? `RNN on ${RunService.hostBackend(config)} (${(p.done ?? 0) + 1}/${p.total ?? '?'})` : p.phase === 'steps' ? 'recognising steps' : `interpreting (pass ${p.pass})`;
              progress.report({ message: what });
            });
          } finally {
            sub.dispose();
          }
        }),
    );
  } catch (err) {
    if (!(err instanceof RunWorkerError)) throw err;
    deps.log.warn(`run of ${target.label}: ${err.message}`);
    void vscode.window.showErrorMessage(`RNN Lens: ${target.label}: ${err.message}`, 'Show Log').then((c) => {
      if (c === 'Show Log') deps.log.show();
    });
    return { target: summary, backend: RunService.hostBackend(config), steps: [], messages: [`error: ${err.message}`], executed: false, message: `${target.label}: ${err.message}` };
  }
  const result = reply.output;
  const ms = performance.now() - started;
  const steps = result.steps.map((s) => `${s.kind} ${where(s.span)} ${s.transform}`);
  const messages = result.messages.map((m) => `${m.severity}${m.span ? ` at ${where(m.span)}` : ''}: ${m.message}`);
  deps.log.info(
    `run of ${target.label} on ${result.backend}: ${result.steps.length} steps in ${ms.toFixed(0)} ms (${workerSummary(reply)})\n` +
      result.steps.map((s) => `  line ${where(s.span)}  ${s.title}: ${s.transform} — ${s.explanation}`).join('\n') +
      (messages.length ? `\n${messages.map((m) => `  ${m}`).join('\n')}` : ''),
  );
  if (config.backend === 'webgpu') deps.log.info('rnnLens.run.backend is webgpu: the run used wasm in the run worker; the visualizer page re-runs RNNs on WebGPU when it can');
  // The visualizer gets the plain RunResult (JSON data): not the print observations.
  const { observations: _observations, ...runResult } = result;
  const shown = performance.now();
  await deps.visualizer.show(runResult, target.uri);
  const hostMs = { run: ms, visualizer: performance.now() - shown };
  const errors = result.messages.filter((m) => m.severity === 'error');
  const message = `${target.label}: ${result.steps.length} steps on ${result.backend} in ${(ms / 1000).toFixed(1)} s${errors.length ? ` — ${errors.length} error(s), see the log` : ''}`;
  if (errors.length) {
    const first = errors[0];
    void vscode.window.showErrorMessage(`RNN Lens: ${first.span ? `line ${where(first.span)}: ` : ''}${first.message.split('\n')[0]}`, 'Show Log').then((c) => {
      if (c === 'Show Log') deps.log.show();
    });
  } else {
    void vscode.window.setStatusBarMessage(`RNN Lens: ${message}`, 5000);
  }
  const worker = { ...reply.worker, stats: reply.stats, timingsMs: result.timingsMs ?? {} };
  return { target: summary, backend: result.backend, steps, messages, executed: true, message, worker, hostMs };
}
