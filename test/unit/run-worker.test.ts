// The run worker protocol against the real bundled worker (dist/run-worker.js, built by `npm run build`) with real
// onnxruntime-web: the worker's result equals an in-process RunEngine run; a second run of the same code reuses the
// ONNX session and the wasm results (the engine's counters, not timing); Cancel during a long synchronous pass ends
// the run with the cancel message on the same worker; a Cancel the worker cannot answer (inside a long RNN kernel),
// a run past its time limit and a worker killed by its heap limit each fail with a one-line message, and the next run
// works on a fresh worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunEngine } from '../../runtime/run/engine';
import type { RunProgress } from '../../runtime/run/engine';
import { RunWorkerClient, RunWorkerError, type WorkerRunRequest } from '../../extension/run/runWorkerClient';

const WORKER = join(__dirname, '../../dist/run-worker.js');
const caseDir = join(__dirname, '../fixtures/shapes/cases');
const SEED = 'seed_pack_chars.py';
const seedText = readFileSync(join(caseDir, SEED), 'utf8');

/** A long synchronous pass of tensor ops (216,000 calls): the interpreter reports progress every 512 of them. */
const LONG_PASS = `import torch
x = torch.zeros(4, 4)
for a in range(60):
    for b in range(60):
        for c in range(60):
            x = torch.add(x, 1)
print(x.shape)
`;

/** One big RNN call: the weights' init takes a few hundred ms, then the reference kernels spend about 20 s inside a
 *  single op, with no progress tick to read Cancel (the run is always stopped long before). */
const LONG_KERNEL = `import torch
from torch import nn
torch.manual_seed(0)
lstm = nn.LSTM(64, 256, num_layers=2, bidirectional=True)
x = torch.randn(400, 8, 64)
out, (h, c) = lstm(x)
`;

/** 60 strings of 20 million characters, made one after the other: 1.2 GB of heap, far beyond a small heap limit. */
// 40 lists of 100,000 distinct ints: within the interpreter's item budget (4,000,000), but ~160 MB of objects.
const HUGE_LISTS = `x = [list(range(100000)) for i in range(60)]\nprint(len(x))\n`;

const SMALL = `import torch\nx = torch.zeros(2, 3)\nprint(x.shape)\n`;

function client(opts: Partial<ConstructorParameters<typeof RunWorkerClient>[0]> = {}): RunWorkerClient {
  assert.ok(existsSync(WORKER), `no bundled worker at ${WORKER}: run npm run build`);
  return new RunWorkerClient({ workerPath: WORKER, threads: 1, memoryMb: 1024, ...opts });
}

function python(text: string, file: string, extra: Partial<WorkerRunRequest> = {}): WorkerRunRequest {
  return { job: { kind: 'python', file, text }, backend: 'wasm', limits: { timeMs: 60_000 }, ...extra };
}

test('a second run of the same code on the worker reuses its ONNX session and wasm results; the output equals an in-process run', async () => {
  const c = client();
  try {
    const progress: RunProgress[] = [];
    const first = await c.run(python(seedText, SEED, { onProgress: (p) => progress.push(p) }));
    assert.deepEqual(first.output.messages, []);
    assert.deepEqual([first.worker.generation, first.worker.runOnWorker], [1, 1]);
    assert.ok(progress.some((p) => p.phase === 'interpret') && progress.some((p) => p.phase === 'rnn-backend') && progress.some((p) => p.phase === 'steps'), JSON.stringify(progress));
    const rnnSteps = first.output.steps.filter((s) => s.kind === 'rnn');
    assert.equal(rnnSteps.length, 1);
    // seed 000: LSTM(4, 5) over the packed batch of lengths 8, 6, 4 (18 tokens), as PyTorch gives it
    assert.equal(rnnSteps[0].transform, 'packed (18, 4) → packed (18, 5), h_n (1, 3, 5)');
    assert.equal(first.stats.runs, 1);
    assert.equal(first.stats.executorsCreated, 1);
    assert.equal(first.stats.onnxSessions, 1);
    assert.equal(first.stats.backendCalls, 1);
    assert.equal(first.stats.resultsReused, 0);
    assert.equal(first.stats.parsesIncremental, 0);

    // The same run in this process: the worker carries the whole result across postMessage.
    const local = new RunEngine();
    try {
      const { analysis: _analysis, timingsMs: _t, ...want } = await local.runPython(seedText, SEED, { backend: 'wasm' });
      const { timingsMs: _t2, ...got } = first.output;
      assert.deepEqual(got, want);
    } finally {
      await local.dispose();
    }

    const second = await c.run(python(seedText, SEED));
    assert.deepEqual([second.worker.generation, second.worker.runOnWorker], [1, 2]);
    assert.equal(second.stats.runs, 2);
    assert.equal(second.stats.executorsCreated, 1, 'onnxruntime-web was loaded again');
    assert.equal(second.stats.onnxSessions, 1, 'a second ONNX session was built for the same module');
    assert.equal(second.stats.backendCalls, 1, 'the wasm backend ran again for the same inputs');
    assert.equal(second.stats.resultsReused, 1);
    assert.ok(second.stats.parsesReused > first.stats.parsesReused, 'the unchanged text was parsed again');
    assert.equal(second.stats.parsesIncremental, 0);
    assert.deepEqual(second.output.steps, first.output.steps);

    // An edit that leaves the RNN's inputs alone: incremental re-parse, still no backend call.
    const edited = `${seedText}\n# a comment added at the end\n`;
    const third = await c.run(python(edited, SEED));
    assert.equal(third.stats.parsesIncremental, 1);
    assert.equal(third.stats.backendCalls, 1);
    assert.equal(third.stats.resultsReused, 2);
    assert.equal(c.workersStarted, 1);
  } finally {
    await c.dispose();
  }
});

test('Cancel during a long synchronous pass ends the run with the cancel message, on the same worker', async () => {
  const c = client({ prewarm: false });
  try {
    const abort = new AbortController();
    let ticks = 0;
    const run = c.run(
      python(LONG_PASS, 'long.py', {
        backend: 'reference',
        signal: abort.signal,
        onProgress: (p) => {
          if (p.phase === 'interpret' && (p.done ?? 0) > 0 && ++ticks === 3) abort.abort();
        },
      }),
    );
    const res = await run;
    assert.ok(ticks >= 3, `only ${ticks} progress ticks`);
    assert.deepEqual(res.output.messages, [{ severity: 'error', message: 'the run was cancelled' }]);
    assert.deepEqual([res.worker.generation, res.worker.runOnWorker], [1, 1]);
    const next = await c.run(python(SMALL, 'small.py', { backend: 'reference' }));
    assert.deepEqual([next.worker.generation, next.worker.runOnWorker], [1, 2], 'the worker was restarted after an answered Cancel');
    assert.deepEqual(next.output.messages, []);
  } finally {
    await c.dispose();
  }
});

test('a Cancel the worker cannot answer (inside a long RNN kernel) terminates it after the grace period; the next run works on a fresh worker', async () => {
  const c = client({ prewarm: false, cancelGraceMs: 300 });
  try {
    const abort = new AbortController();
    const run = c.run(
      python(LONG_KERNEL, 'kernel.py', {
        backend: 'reference',
        signal: abort.signal,
        // the pass starts, then the program reaches the LSTM call within a few ms: cancel inside the kernel
        onProgress: (p) => {
          if (p.phase === 'interpret') setTimeout(() => abort.abort(), 300);
        },
      }),
    );
    await assert.rejects(run, (e: unknown) => {
      assert.ok(e instanceof RunWorkerError, String(e));
      assert.equal(e.message, 'the run was stopped: it did not answer Cancel within 300 ms (a long kernel call), so its worker was terminated; the next run starts a fresh one');
      return true;
    });
    const next = await c.run(python(seedText, SEED));
    assert.deepEqual([next.worker.generation, next.worker.runOnWorker], [2, 1]);
    assert.deepEqual(next.output.messages, []);
    assert.equal(next.output.steps.filter((s) => s.kind === 'rnn').length, 1);
  } finally {
    await c.dispose();
  }
});

test('a run that does not stop at its time limit is stopped by the host after the grace period', async () => {
  const c = client({ prewarm: false, timeoutGraceMs: 300 });
  try {
    // the limit passes inside the LSTM kernel, where nothing checks it
    await assert.rejects(c.run(python(LONG_KERNEL, 'kernel.py', { backend: 'reference', limits: { timeMs: 3000 } })), (e: unknown) => {
      assert.ok(e instanceof RunWorkerError, String(e));
      assert.match(e.message, /^the run did not stop at its time limit of 3000 ms \(rnnLens\.run\.timeoutMs\), so its worker was stopped/);
      return true;
    });
    const next = await c.run(python(SMALL, 'small.py', { backend: 'reference' }));
    assert.deepEqual([next.worker.generation, next.worker.runOnWorker], [2, 1]);
  } finally {
    await c.dispose();
  }
});

test('a worker killed by its heap limit mid-run fails the run with a clear message; the next run works', async () => {
  const c = client({ prewarm: false, memoryMb: 96 });
  try {
    await assert.rejects(c.run(python(HUGE_LISTS, 'huge.py', { backend: 'reference' })), (e: unknown) => {
      assert.ok(e instanceof RunWorkerError, String(e));
      assert.equal(e.message, "the run ran out of memory (the run worker's heap limit is 96 MB, from rnnLens.run.maxElements) and was stopped; the next run starts a fresh worker");
      return true;
    });
    const next = await c.run(python(SMALL, 'small.py', { backend: 'reference' }));
    assert.deepEqual([next.worker.generation, next.worker.runOnWorker], [2, 1]);
    assert.deepEqual(next.output.messages, []);
    assert.deepEqual(next.output.observations.map((o) => o.values.map((v) => (v.kind === 'python' ? v.repr : v.kind))), [['[2, 3]']]);
  } finally {
    await c.dispose();
  }
});

test('after dispose the worker is gone and runs are refused with a message', async () => {
  const c = client({ prewarm: false });
  await c.run(python(SMALL, 'small.py', { backend: 'reference' }));
  assert.equal(c.running, true);
  await c.dispose();
  assert.equal(c.running, false);
  await assert.rejects(c.run(python(SMALL, 'small.py', { backend: 'reference' })), /^RunWorkerError: RNN Lens is shutting down: no more runs$|RNN Lens is shutting down: no more runs/);
});

test('a worker that cannot start (no bundle at the path) fails the run with a one-line message', async () => {
  const c = new RunWorkerClient({ workerPath: join(__dirname, 'no-such-run-worker.js'), threads: 1, memoryMb: 1024, prewarm: false });
  try {
    await assert.rejects(c.run(python(SMALL, 'small.py', { backend: 'reference' })), (e: unknown) => {
      assert.ok(e instanceof RunWorkerError, String(e));
      assert.match(e.message, /^the run worker crashed: Cannot find module '.*no-such-run-worker\.js'; the next run starts a fresh one$/);
      return true;
    });
  } finally {
    await c.dispose();
  }
});

test('runs asked for together go to the worker one after another; a run cancelled while it waits never starts', async () => {
  const c = client({ prewarm: false });
  try {
    const abort = new AbortController();
    const first = c.run(python(SMALL, 'a.py', { backend: 'reference' }));
    const second = c.run(python(SMALL, 'b.py', { backend: 'reference' }));
    const third = c.run(python(SMALL, 'c.py', { backend: 'reference', signal: abort.signal }));
    abort.abort();
    const [a, b] = await Promise.all([first, second]);
    assert.deepEqual([a.output.file, a.worker.runOnWorker, b.output.file, b.worker.runOnWorker], ['a.py', 1, 'b.py', 2]);
    await assert.rejects(third, (e: unknown) => e instanceof RunWorkerError && e.message === 'the run was cancelled before it started');
    const d = await c.run(python(SMALL, 'd.py', { backend: 'reference' }));
    assert.deepEqual([d.worker.generation, d.worker.runOnWorker], [1, 3]);
  } finally {
    await c.dispose();
  }
});
