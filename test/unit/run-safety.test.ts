// The run engine's safety guarantees: calls that would touch files, processes or the network are reported at the call
// and never happen (marker files stay absent); size and time limits stop with a clear message; a run is cancellable
// (AbortSignal checked inside a long synchronous pass, from onProgress, and while the wasm backend loads); `rnn-lens
// run` ends hostile inputs (binary, 5 MB, malformed notebooks, while True, recursion, 10^12-element tensors) with a
// result or a one-line message, in bounded time and memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertOneLineFailure, runCli, writeInput, type CliResult } from './helpers/cli';
import { RunEngine, runPythonText, type RunOutput, type RunProgress } from '../../runtime/run/engine';

const tmp = mkdtempSync(join(tmpdir(), 'rnn-lens-run-safety-'));

const messagesAt = (r: RunOutput, line: number): string[] => r.messages.filter((m) => m.span?.line === line).map((m) => m.message);

test('forbidden calls are reported at their line, their values are unknown, and nothing is executed', async () => {
  const marker = (n: string): string => join(tmp, `marker-${n}`);
  const lines = [
    'import os, subprocess, requests, pickle', //                           1
    'import numpy as np', //                                                 2
    'import torch', //                                                       3
    `f = open('${marker('open')}', 'w')`, //                                 4
    `os.system('touch ${marker('system')}')`, //                             5
    `subprocess.run(['touch', '${marker('subprocess')}'])`, //               6
    "r = requests.get('http://127.0.0.1:9/x')", //                          7
    "m = torch.load('model.pt')", //                                         8
    "a = np.load('a.npy')", //                                               9
    "v = eval('1 + 1')", //                                                  10
    `exec("open('${marker('exec')}', 'w')")`, //                             11
    "mod = __import__('os')", //                                             12
    "p = pickle.load(open('x.pkl', 'rb'))", //                               13
    'x = torch.zeros(2, 3)', //                                              14
  ];
  const r = await runPythonText(lines.join('\n'), 'forbidden.py', { backend: 'reference' });
  const expected: [number, string][] = [
    [4, 'open'], [5, 'os.system'], [6, 'subprocess.run'], [7, 'requests.get'], [8, 'torch.load'], [9, 'np.load'],
    [10, 'eval'], [11, 'exec'], [12, '__import__'], [13, 'pickle.load'],
  ];
  for (const [line, op] of expected) {
    const msgs = messagesAt(r, line);
    assert.ok(msgs.some((m) => m === `${op}(…) is not allowed in RNN Lens runs (no files, processes or network): its value is unknown`), `line ${line}: ${JSON.stringify(msgs)}`);
  }
  for (const m of r.messages.filter((x) => /not allowed/.test(x.message))) assert.equal(m.severity, 'error');
  // the values of the refused calls are unknown, the rest of the program still runs
  for (const [line, name] of [[4, 'f'], [8, 'm'], [9, 'a'], [10, 'v'], [12, 'mod']] as const) {
    assert.equal(r.analysis!.valueAt(line, 0)?.k, 'unknown', name);
  }
  const x = r.analysis!.valueAt(14, 0);
  assert.ok(x?.k === 'tensor' && x.data, 'x keeps its values');
  assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('marker-')), [], 'no marker file was created');
});

test('size limit: a tensor above maxElements keeps its shape, with a message naming the limit', async () => {
  const text = ['import torch', 'torch.manual_seed(0)', 'a = torch.randn(20, 10)', 'b = torch.zeros(10**6, 10**6)', 'c = torch.randn(2, 2)'].join('\n');
  const r = await runPythonText(text, 'big.py', { backend: 'reference', limits: { maxElements: 100 } });
  assert.deepEqual(messagesAt(r, 3), [
    "torch.randn: 200 elements is above the run's limit of 100 (rnnLens limits: maxElements); only its shape is known",
    // the skipped draw breaks the random stream: said at once, and later draws are not claimed to be PyTorch's
    "random numbers: torch.randn of 200 values was not drawn (above maxElements); later random values differ from PyTorch's",
  ]);
  assert.deepEqual(messagesAt(r, 4), ["torch.zeros: 1000000000000 elements is above the run's limit of 100 (rnnLens limits: maxElements); only its shape is known"]);
  const a = r.analysis!.valueAt(3, 0);
  assert.ok(a?.k === 'tensor' && !a.data);
  assert.deepEqual(a.shape, [20, 10]);
});

test('time limit: a long pass stops with a message naming the limit', async () => {
  const text = ['import torch', 'for i in range(60):', '    for j in range(60):', '        y = torch.zeros(2, 3).t().contiguous()'].join('\n');
  const t0 = Date.now();
  const r = await runPythonText(text, 'slow.py', { backend: 'reference', limits: { timeMs: 1 } });
  assert.ok(Date.now() - t0 < 10_000);
  assert.deepEqual(r.messages.filter((m) => m.severity === 'error').map((m) => m.message), ['the run stopped at its time limit of 1 ms (rnnLens limits: timeMs)']);
  assert.deepEqual(r.steps, []);
});

test('cancellation inside one synchronous pass: aborting from onProgress stops the pass at the next check', async () => {
  const text = ['import torch', 'for i in range(60):', '    for j in range(60):', '        y = torch.zeros(2, 3).t().contiguous()'].join('\n');
  const ac = new AbortController();
  const seen: RunProgress[] = [];
  const r = await runPythonText(text, 'long.py', {
    backend: 'reference',
    signal: ac.signal,
    onProgress: (p) => {
      seen.push(p);
      if (p.phase === 'interpret' && (p.done ?? 0) >= 1024) ac.abort();
    },
  });
  assert.deepEqual(r.messages.map((m) => m.message), ['the run was cancelled']);
  const ops = seen.filter((p) => p.phase === 'interpret' && p.done !== undefined).map((p) => p.done);
  assert.deepEqual(ops, [512, 1024], 'progress every 512 ops, nothing after the abort');
});

test('cancellation while the wasm backend loads (a timer aborts between the pass and the backend call)', async () => {
  const text = ['import torch', 'lstm = torch.nn.LSTM(3, 4)', 'out, (h, c) = lstm(torch.randn(5, 2, 3))'].join('\n');
  const engine = new RunEngine();
  try {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 0);
    const r = await engine.runPython(text, 'c.py', { backend: 'wasm', signal: ac.signal });
    assert.deepEqual(r.messages.map((m) => m.message), ['the run was cancelled']);
    // an already-aborted signal stops before the first pass
    const r2 = await engine.runPython(text, 'c.py', { backend: 'reference', signal: AbortSignal.abort() });
    assert.deepEqual(r2.messages.map((m) => m.message), ['the run was cancelled']);
    assert.deepEqual(r2.steps, []);
    // the engine is still usable afterwards
    const r3 = await engine.runPython(text, 'c.py', { backend: 'reference' });
    assert.deepEqual(r3.steps.map((s) => s.kind), ['rnn']);
  } finally {
    await engine.dispose();
  }
});

// ───────────────────────────── rnn-lens run on hostile input ─────────────────────────────

const run = (...args: string[]): CliResult => runCli('run', args, 120_000);
const file = (name: string, content: string | Buffer): string => writeInput(tmp, name, content);

test('rnn-lens run: binary file, missing file, directory, bad flags → one line', () => {
  const bytes = Buffer.alloc(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
  assertOneLineFailure(run(file('bin.py', bytes)), /binary file, not Python source/);
  assertOneLineFailure(run(join(tmp, 'nope.py')), /cannot read .*no such file/);
  assertOneLineFailure(run(tmp), /is a directory/);
  assertOneLineFailure(run(file('ok.py', 'x = 1\n'), '--backend', 'gpu'), /--backend must be wasm or reference, got 'gpu'/);
  assertOneLineFailure(run(), /usage: rnn-lens run/);
});

test('rnn-lens run: malformed notebooks → one line', () => {
  assertOneLineFailure(run(file('bad.ipynb', '{"cells": [')), /bad\.ipynb: /);
  assertOneLineFailure(run(file('bad2.ipynb', '{"cells": 3}')), /bad2\.ipynb: /);
  assertOneLineFailure(run(file('bad3.ipynb', '[1, 2]')), /bad3\.ipynb: /);
});

test('rnn-lens run: a file over 5 MB is refused in one line; a 4.9 MB file ends with a result', () => {
  assertOneLineFailure(run(file('huge.py', `x = 1\n${'#'.repeat(5_300_000)}\n`)), /MB: larger than the 5\.2 MB a run reads|larger than/);
  const lines = ['import torch', 'x = torch.zeros(3, 4)'];
  let n = 0;
  for (let i = 0; n < 4_900_000; i++) {
    const l = i % 50 === 0 ? `y${i} = x.view(-1)` : `s${i} = "${'abcdefghij'.repeat(10)}"`;
    lines.push(l);
    n += l.length + 1;
  }
  lines.push('lstm = torch.nn.LSTM(4, 5)', 'out, _ = lstm(torch.randn(2, 3, 4))');
  const r = run(file('big.py', lines.join('\n')), '--json', '--backend', 'reference');
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.equal(r.stderr, '');
  const out = JSON.parse(r.stdout) as RunOutput;
  assert.equal(out.file, 'big.py');
});

test('rnn-lens run: while True, unbounded recursion and a 10^12-element tensor end with a result', () => {
  const p = file('loops.py', [
    'import torch', //                          1
    'i = 0', //                                 2
    'while True:', //                           3
    '    i += 1', //                            4
    'def f(n):', //                             5
    '    return f(n + 1)', //                   6
    'f(0)', //                                  7
    'z = torch.zeros(10**6, 10**6)', //         8
    'lstm = torch.nn.LSTM(4, 5)', //            9
    'out, (h, c) = lstm(torch.randn(7, 2, 4))', // 10
  ].join('\n'));
  const r = run(p, '--json', '--backend', 'reference');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const out = JSON.parse(r.stdout) as RunOutput;
  assert.deepEqual(out.steps.map((s) => [s.kind, s.transform]), [['rnn', '(7, 2, 4) → (7, 2, 5), h_n (1, 2, 5)']]);
  assert.ok(out.messages.some((m) => m.span?.line === 8 && /torch\.zeros: 1000000000000 elements is above the run's limit/.test(m.message)));
  assert.ok(r.ms < 60_000);
});

test('rnn-lens run: forbidden calls in the table output, nothing created, exit code 0', () => {
  const marker = join(tmp, 'cli-marker');
  const r = run(file('forbid.py', `import os\nos.system('touch ${marker}')\nopen('${marker}', 'w').write('x')\n`), '--backend', 'reference');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^error: line 2: os\.system\(…\) is not allowed in RNN Lens runs/m);
  assert.match(r.stdout, /^error: line 3: open\(…\) is not allowed in RNN Lens runs/m);
  assert.equal(existsSync(marker), false);
});
