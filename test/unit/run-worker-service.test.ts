// The extension's RunService (extension/run/runService.ts) over the real bundled run worker (dist/run-worker.js) and
// onnxruntime-web: runs go to one worker for the session; a changed rnnLens.run.threads (process-wide in ORT, so
// fixed per worker) gives the next run a new worker with that many threads — same Steps — and the old worker is
// stopped once idle; dispose (deactivate) stops the worker. The heap limit follows rnnLens.run.maxElements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { RunService } from '../../extension/run/runService';
import type { RnnLensConfig } from '../../extension/config';
import type { RunTarget } from '../../extension/run/target';

const WORKER = join(__dirname, '../../dist/run-worker.js');
const SEED = 'seed_pack_chars.py';
const seedText = readFileSync(join(__dirname, '../fixtures/shapes/cases', SEED), 'utf8');

const config = (over: Partial<RnnLensConfig> = {}): RnnLensConfig => ({
  inlayHintsEnabled: true,
  hoverEnabled: true,
  diagnosticsEnabled: true,
  codeLensEnabled: true,
  analysisDebounceMs: 250,
  analysisMaxFileChars: 1_000_000,
  analysisTimeLimitMs: 1000,
  backend: 'wasm',
  threads: 1,
  runMaxElements: 10_000_000,
  runTimeoutMs: 30_000,
  runPrewarm: false,
  walkthroughOnFirstInstall: false,
  ...over,
});

// RunService reads only the path of the target's uri (for the file name).
const target: RunTarget = { kind: 'python', uri: { path: `/work/${SEED}` } as vscode.Uri, text: seedText, label: SEED };

test('RunService: one worker for the session; a threads change moves the next run to a new worker and stops the old one', async () => {
  assert.ok(existsSync(WORKER), `no bundled worker at ${WORKER}: run npm run build`);
  const log: string[] = [];
  const service = new RunService((line) => log.push(line), WORKER);
  try {
    const never = new AbortController().signal;
    const a = await service.run(target, config(), never, () => undefined);
    const b = await service.run(target, config(), never, () => undefined);
    assert.deepEqual([a.worker.runOnWorker, b.worker.runOnWorker], [1, 2]);
    assert.equal(b.stats.onnxSessions, 1);
    assert.equal(b.stats.resultsReused, 1);

    const c = await service.run(target, config({ threads: 2 }), never, () => undefined);
    assert.deepEqual([c.worker.generation, c.worker.runOnWorker], [2, 1], 'the run with 2 threads went to the old 1-thread worker');
    assert.equal(c.stats.executorsCreated, 1);
    assert.equal(c.stats.backendCalls, 1, 'the new worker computed the LSTM on wasm itself');
    assert.deepEqual(c.output.messages, []);
    assert.deepEqual(c.output.steps, a.output.steps);
    assert.ok(log.includes('run worker settings changed (threads 2, heap 1330 MB): a new worker takes the next runs'), log.join('\n'));
    assert.ok(log.includes('run worker 1 stopped: its settings changed'), log.join('\n'));
    assert.ok(log.includes('run worker 2 starting (threads 2, heap limit 1330 MB)'), log.join('\n'));
  } finally {
    service.dispose();
  }
  // dispose stops the worker it holds (the stop is logged synchronously)
  assert.ok(log.includes('run worker 2 stopped: RNN Lens is shutting down: the run was stopped'), log.join('\n'));
});

test('RunService.prewarm: the worker starts and loads onnxruntime-web before a run; the first run uses it; other settings see no worker', async () => {
  const log: string[] = [];
  const service = new RunService((line) => log.push(line), WORKER);
  try {
    assert.equal(service.workerState(config()), 'none');
    service.prewarm(config());
    assert.equal(service.workerState(config()), 'starting');
    const deadline = Date.now() + 30_000;
    while (service.workerState(config()) !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(service.workerState(config()), 'ready', log.join('\n'));
    assert.equal(service.workerState(config({ runMaxElements: 50_000_000 })), 'none', 'a worker with another heap limit counted as warm');
    service.prewarm(config());
    assert.equal(log.filter((l) => /starting/.test(l)).length, 1, 'a second prewarm started another worker');
    const r = await service.run(target, config(), new AbortController().signal, () => undefined);
    assert.deepEqual([r.worker.generation, r.worker.runOnWorker], [1, 1]);
    assert.ok(r.worker.ortReadyMs !== undefined);
    assert.deepEqual(r.output.messages, []);
  } finally {
    service.dispose();
  }
});

test('RunService: the worker heap limit follows rnnLens.run.maxElements (at least 1 GB, at most 16 GB)', () => {
  assert.equal(RunService.workerMemoryMb(config({ runMaxElements: 1000 })), 1025);
  assert.equal(RunService.workerMemoryMb(config({ runMaxElements: 10_000_000 })), 1330);
  assert.equal(RunService.workerMemoryMb(config({ runMaxElements: 100_000_000 })), 1024 + 3052);
  assert.equal(RunService.workerMemoryMb(config({ runMaxElements: 1_000_000_000 })), 16_384);
});

test('the extension bundle holds no onnxruntime-web and no run engine: only the worker bundle does', () => {
  const extensionJs = readFileSync(join(__dirname, '../../dist/extension.js'), 'utf8');
  const workerJs = readFileSync(WORKER, 'utf8');
  for (const marker of ['InferenceSession', 'ort-wasm-simd-threaded']) {
    assert.ok(!extensionJs.includes(marker), `dist/extension.js contains ${marker}`);
    assert.ok(workerJs.includes(marker), `dist/run-worker.js lacks ${marker}`);
  }
  assert.ok(extensionJs.includes('run-worker.js'), 'dist/extension.js does not name its worker bundle');
});
