// Extension-host test of the run worker: Run Selection twice on the same lines of pack_chars.py. The first run goes
// to a freshly started worker (a changed rnnLens.run.maxElements gives the worker a new heap limit, so the next run
// starts a new one: onnxruntime-web loads from scratch in it); the second reuses that worker's ONNX session and wasm
// result (the engine's counters). While each run is under way (after the shape analysis of the opened file has
// settled) the extension host's event loop is sampled (a 5 ms timer's lateness and perf_hooks.monitorEventLoopDelay):
// the figures are recorded as a metric, not asserted. Prewarm is off here, so the first run is a cold one (the
// prewarmed case is run-prewarm.test.ts).
import * as assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { exampleInWorkspace, extension, recordMetric } from './shared';

interface WorkerInfo {
  generation: number;
  runOnWorker: number;
  onlineMs?: number;
  ortReadyMs?: number;
  timingsMs: Record<string, number>;
  stats: { runs: number; executorsCreated: number; onnxSessions: number; backendCalls: number; resultsReused: number };
}

interface RunSelectionResult {
  backend: string;
  steps: string[];
  messages: string[];
  executed: boolean;
  message: string;
  worker?: WorkerInfo;
  hostMs?: { run: number; visualizer: number };
}

/** Runs `task` while sampling the event loop: max lateness of a 5 ms interval timer and the loop-delay histogram. */
async function sampled<T>(task: () => Thenable<T>): Promise<{ value: T; ms: number; timerMaxLateMs: number; timerTicks: number; loopDelayMaxMs: number; loopDelayP99Ms: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  let last = performance.now();
  let maxLate = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxLate = Math.max(maxLate, now - last - 5);
    last = now;
    ticks++;
  }, 5);
  histogram.enable();
  // the histogram records from its second sample on (also after reset()): give it a baseline before the task starts
  await new Promise((r) => setTimeout(r, 20));
  histogram.reset();
  await new Promise((r) => setTimeout(r, 10));
  last = performance.now();
  maxLate = 0;
  ticks = 0;
  const t0 = performance.now();
  try {
    const value = await task();
    const ms = performance.now() - t0;
    // one more tick of the timer and the histogram, so that a stall lasting until the task's end is counted too
    await new Promise((r) => setTimeout(r, 10));
    return { value, ms, timerMaxLateMs: maxLate, timerTicks: ticks, loopDelayMaxMs: histogram.max / 1e6, loopDelayP99Ms: histogram.percentile(99) / 1e6 };
  } finally {
    clearInterval(timer);
    histogram.disable();
  }
}

/** Resolves once `event` has not fired for `quietMs` (at most `maxMs`): the shape analysis of the open documents runs
 *  on the extension host's thread after an open or a settings change, and would be measured as if it were the run. */
function settled(event: vscode.Event<unknown>, quietMs: number, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    let timer = setTimeout(done, quietMs);
    const cap = setTimeout(done, maxMs);
    const sub = event(() => {
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    });
    function done(): void {
      clearTimeout(timer);
      clearTimeout(cap);
      sub.dispose();
      resolve();
    }
  });
}

suite('run worker', () => {
  let onDidAnalyse: vscode.Event<vscode.Uri>;
  suiteSetup(async () => {
    onDidAnalyse = ((await extension().activate()) as { onDidAnalyse: vscode.Event<vscode.Uri> }).onDidAnalyse;
  });
  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('rnnLens').update('run.maxElements', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('rnnLens').update('run.prewarm', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Run Selection twice: the first run on a fresh worker leaves the host responsive, the second reuses its ONNX session and result', async () => {
    await vscode.workspace.getConfiguration('rnnLens').update('run.prewarm', false, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('rnnLens').update('run.maxElements', 20_000_000, vscode.ConfigurationTarget.Global);
    const doc = await vscode.workspace.openTextDocument(exampleInWorkspace('pack_chars.py'));
    const editor = await vscode.window.showTextDocument(doc);
    const lines = doc.getText().split('\n');
    const start = lines.findIndex((l) => l.startsWith('seqs = '));
    const end = lines.findIndex((l) => l.startsWith('output, input_sizes = '));
    assert.ok(start > 0 && end > start);
    editor.selection = new vscode.Selection(start, 0, end + 1, 0);
    await settled(onDidAnalyse, 1000, 10_000);

    const first = await sampled(() => vscode.commands.executeCommand<RunSelectionResult>('rnnLens.runSelection'));
    const r1 = first.value;
    assert.equal(r1.executed, true, r1.message);
    assert.deepEqual(r1.messages, []);
    const rnnLine = lines.findIndex((l) => l.startsWith('packed_output, (ht, ct) = ')) + 1;
    assert.ok(r1.steps.includes(`rnn ${rnnLine} packed (18, 4) → packed (18, 5), h_n (1, 3, 5)`), r1.steps.join('\n'));
    assert.ok(r1.worker, 'the result does not say which worker ran it');
    assert.equal(r1.worker.runOnWorker, 1, 'the changed heap limit did not start a fresh worker');
    assert.equal(r1.worker.stats.executorsCreated, 1);
    assert.equal(r1.worker.stats.onnxSessions, 1);
    assert.equal(r1.worker.stats.backendCalls, 1);
    // measured, not asserted: the figures go to docs/benchmarks.md
    assert.ok(first.timerTicks > 0 && Number.isFinite(first.timerMaxLateMs) && first.loopDelayMaxMs > 0, 'the event loop was not sampled');

    const second = await sampled(() => vscode.commands.executeCommand<RunSelectionResult>('rnnLens.runSelection'));
    const r2 = second.value;
    assert.equal(r2.executed, true, r2.message);
    assert.deepEqual(r2.steps, r1.steps);
    assert.ok(r2.worker);
    assert.deepEqual([r2.worker.generation, r2.worker.runOnWorker], [r1.worker.generation, 2]);
    assert.equal(r2.worker.stats.executorsCreated, 1, 'onnxruntime-web was loaded again');
    assert.equal(r2.worker.stats.onnxSessions, 1, 'a second ONNX session was built for the same LSTM');
    assert.equal(r2.worker.stats.backendCalls, 1, 'the LSTM ran on wasm again for the same input');
    assert.equal(r2.worker.stats.resultsReused, 1);

    recordMetric('run-host', {
      first: { ms: first.ms, timerMaxLateMs: first.timerMaxLateMs, timerTicks: first.timerTicks, loopDelayMaxMs: first.loopDelayMaxMs, loopDelayP99Ms: first.loopDelayP99Ms },
      second: { ms: second.ms, timerMaxLateMs: second.timerMaxLateMs, timerTicks: second.timerTicks, loopDelayMaxMs: second.loopDelayMaxMs, loopDelayP99Ms: second.loopDelayP99Ms },
      workerGeneration: r2.worker.generation,
      workerOnlineMs: r1.worker.onlineMs,
      workerOrtReadyMs: r1.worker.ortReadyMs,
      firstRunTimingsMs: r1.worker.timingsMs,
      firstHostMs: r1.hostMs,
      secondHostMs: r2.hostMs,
      secondRunTimingsMs: r2.worker.timingsMs,
      stats: r2.worker.stats,
    });
  });
});
