// `rnn-lens shapes` on hostile and ordinary inputs: binary file, 5 MB file, 10k nested parentheses, unbounded
// recursion, infinite loops, malformed notebooks, a missing file, a directory, hostile local imports — each ends with a result or a
// one-line message (never a stack trace), within the process timeout. Also the JSON schema, --lines and notebooks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertOneLineFailure, runCli, writeInput, type CliResult } from './helpers/cli';

const tmp = mkdtempSync(join(tmpdir(), 'rnn-lens-shapes-'));

const shapes = (...args: string[]): CliResult => runCli('shapes', args);
const file = (name: string, content: string | Buffer): string => writeInput(tmp, name, content);

test('json output follows the fixture schema', () => {
  const p = file('ok.py', 'import torch\nx = torch.zeros(3, 8, dtype=torch.long)\nh, c = torch.zeros(1, 3, 5), torch.zeros(1, 3, 5)\n');
  const r = shapes(p, '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.file, 'ok.py');
  assert.deepEqual(out.records, [
    { line: 2, col: 0, name: 'x', kind: 'tensor', shape: [3, 8], dtype: 'int64' },
    { line: 3, col: 0, name: 'h', kind: 'tensor', shape: [1, 3, 5], dtype: 'float32' },
    { line: 3, col: 3, name: 'c', kind: 'tensor', shape: [1, 3, 5], dtype: 'float32' },
  ]);
});

test('human output: line:col name shape, then located diagnostics', () => {
  const p = file('human.py', 'import torch\nimport torch.nn as nn\nlstm = nn.LSTM(4, 5)\nout, (h, c) = lstm(torch.randn(2, 3, 3))\nx = torch.arange(4)\n');
  const r = shapes(p);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^5:0 x {2}Tensor\[int64\] \(4,\) = \[0, 1, 2, 3\]$/m);
  assert.match(r.stdout, /^4:14 error RNNL-SHAPE: input\.size\(-1\) must be equal to input_size\. Expected 4, got 3$/m);
});

test('--lines analyses a selection (indented code is dedented, line numbers kept)', () => {
  const p = file('sel.py', 'import torch\ndef f():\n    a = torch.zeros(2, 3)\n    b = a.t()\n    return b\n');
  const r = shapes(p, '--json', '--lines', '3-4');
  assert.equal(r.code, 0, r.stderr);
  const recs = JSON.parse(r.stdout).records;
  assert.deepEqual(recs.map((x: { line: number; col: number; name: string; shape: number[] }) => [x.line, x.col, x.name, x.shape]), [[3, 4, 'a', [2, 3]], [4, 4, 'b', [3, 2]]]);
});

test('notebooks: code cells in order, magics skipped, records located by cell and line', () => {
  const nb = {
    cells: [
      { cell_type: 'markdown', source: ['# title'] },
      { cell_type: 'code', source: ['%matplotlib inline\n', 'import torch\n', '!pip install x\n', 'x = torch.zeros(2, 5)'] },
      { cell_type: 'code', source: 'y = x.unsqueeze(0)\n' },
    ],
    metadata: { kernelspec: { language: 'python' } },
    nbformat: 4,
  };
  const r = shapes(file('nb.ipynb', JSON.stringify(nb)), '--json');
  assert.equal(r.code, 0, r.stderr);
  const recs = JSON.parse(r.stdout).records;
  assert.deepEqual(recs, [
    { line: 4, col: 0, name: 'x', cell: 1, kind: 'tensor', shape: [2, 5], dtype: 'float32' },
    { line: 1, col: 0, name: 'y', cell: 2, kind: 'tensor', shape: [1, 2, 5], dtype: 'float32' },
  ]);
});

test('hostile: binary file', () => {
  const bytes = Buffer.alloc(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
  assertOneLineFailure(shapes(file('bin.py', bytes)), /binary file/);
});

test('hostile: missing file and directory', () => {
  assertOneLineFailure(shapes(join(tmp, 'nope.py')), /no such file/);
  const d = join(tmp, 'adir');
  mkdirSync(d, { recursive: true });
  assertOneLineFailure(shapes(d), /is a directory/);
});

test('hostile: devices and pipes are refused without reading them (/dev/zero never ends)', () => {
  // Before the regular-file check, `shapes /dev/zero` read until it held 7 GB and was killed.
  for (const dev of ['/dev/zero', '/dev/urandom']) {
    if (!existsSync(dev)) continue;
    for (const sub of ['shapes', 'run'] as const) {
      const r = runCli(sub, [dev], 30_000);
      assertOneLineFailure(r, /is not a regular file \(a device, pipe or socket\)/);
    }
  }
  const fifo = join(tmp, 'pipe.py');
  if (spawnSync('mkfifo', [fifo]).status === 0) assertOneLineFailure(shapes(fifo), /is not a regular file/);
});

test('hostile: code that builds huge values ends with a result in a 256 MB heap (each crashed the process before)', () => {
  const sources: [string, RegExp | null][] = [
    ["s = 'ab' * 268000000\nn = len(s)\n", /this value would hold 33,500,000 list items/],
    ['l = [1]\nfor i in range(60):\n    l = l + l\nn = len(l)\n', /more than the 100,000 items \/ 1,000,000 characters RNN Lens keeps/],
    ['m = [[0] * 100000 for i in range(100000)]\n', /builds more than 4,000,000 list items/],
    ["s = 'x' * 1000000\nt = s.replace('', s)\n", /this value would hold/],
    ["s = 'a'\nfor i in range(64):\n    s = s + s\n", null],
    ['l = [1]\nfor i in range(64):\n    l.extend(l)\nd = {i: [0] * 99999 for i in range(99999)}\n', /RNN Lens keeps/],
    // symbolic sizes in code nobody calls: the size expression doubles each iteration (a 2^60-character text before)
    ['import torch\nclass M(torch.nn.Module):\n    def __init__(self, a, b):\n        super().__init__()\n        self.a = a\n        self.b = b\n' +
      '    def forward(self, x):\n        h = self.a\n        for i in range(60):\n            h = h * self.b + h\n        return torch.zeros(h, h).view(-1, self.b)\n', null],
    // patterns that backtrack exponentially (JavaScript's RegExp cannot be interrupted: these hung the analysis)
    ["import re\ns = 'a' * 40 + 'b'\nm = re.match(r'(a+)+$', s)\nx = re.findall(r'(a|aa)+$', s)\ny = re.sub(r'(\\w+\\s?)+$', '', 'w ' * 30 + '!')\n", null],
    ["import re\ns = 'a' * 3000\nz = re.split(r'a*a*a*b', s)\n", null],
    ['import torch\ndef f(n):\n    x = torch.zeros(n, 2)\n    for i in range(60):\n        x = torch.cat([x, x + 1], 0)\n        x = x[: x.size(0) - 1]\n    return x\n', null],
  ];
  sources.forEach(([src, note], i) => {
    const r = runCli('shapes', [file(`huge${i}.py`, src)], 60_000, ['--max-old-space-size=256']);
    assert.equal(r.code, 0, `source ${i}: ${r.stderr}`);
    if (note) assert.match(r.stdout, new RegExp(`RNNL-LIMIT: .*${note.source}`), `source ${i}: ${r.stdout}`);
  });
});

test('hostile: local imports of broken, binary, huge, piped, cyclic and self-nested modules end with a result', () => {
  const dir = join(tmp, 'project');
  mkdirSync(join(dir, 'pkg'), { recursive: true });
  writeInput(dir, 'binmod.py', Buffer.from([0, 1, 2, 0xff, 0xfe, 0, 10, 13]));
  writeInput(dir, 'broken.py', 'def f(:\n    pass\nX = 3\n');
  writeInput(dir, 'nested.py', `Y = ${'('.repeat(10000)}1${')'.repeat(10000)}\n`);
  writeInput(dir, 'big.py', `Z = 1\n${'x = [1, 2, 3]\n'.repeat(400_000)}`);
  writeInput(dir, 'cyc_a.py', 'import cyc_b\nA = 1\n');
  writeInput(dir, 'cyc_b.py', 'import cyc_a\nfrom cyc_a import A\nB = A\n');
  writeInput(dir, 'pkg/__init__.py', 'from . import pkg\nfrom .pkg import pkg as again\n');
  // a package that contains itself: pkg/pkg -> pkg (each level is a new module name, up to the module limit)
  spawnSync('ln', ['-s', '.', join(dir, 'pkg', 'pkg')]);
  spawnSync('mkfifo', [join(dir, 'fifomod.py')]);
  const main = writeInput(dir, 'main.py', [
    'import torch', 'import binmod, broken, nested, big, fifomod, cyc_a', 'import pkg.pkg.pkg.pkg.pkg', 'from pkg.pkg.pkg import again',
    'x = torch.zeros(broken.X, 2)', 'y = torch.zeros(3)', '',
  ].join('\n'));
  const r = runCli('shapes', [main], 60_000, ['--max-old-space-size=256']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^5:0 x {2}Tensor\[float32\] \(3, 2\)$/m);
  assert.match(r.stdout, /^6:0 y {2}Tensor\[float32\] \(3,\)$/m);
  // sys.path pointed at system folders, a huge path, many appends: top-level names found there are bounded too
  const paths = writeInput(dir, 'paths.py', [
    'import sys', "sys.path.append('/')", "sys.path.insert(0, '/proc/self')", "sys.path.insert(-1, '/dev')", "sys.path.append('x' * 100000)",
    'for i in range(100):', "    sys.path.append('/usr/lib/python3/dist-packages')", 'import etc, usr, proc, zero, null, fd, task, root', 'from usr.lib import python3',
    'import torch', 'y = torch.zeros(3)', '',
  ].join('\n'));
  const p = runCli('shapes', [paths], 60_000, ['--max-old-space-size=256']);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /^11:0 y {2}Tensor\[float32\] \(3,\)$/m);
  assert.match(r.stdout, /^2:0 info RNNL-LIMIT: \S+big\.py has 5600006 bytes \(more than 1000000 characters\): it is not analysed$/m);
  assert.match(r.stdout, /^2:0 info RNNL-LIMIT: \S+binmod\.py is not a text file: it is not analysed$/m);
  assert.match(r.stdout, /^2:0 info RNNL-LIMIT: \S+fifomod\.py is not a regular file \(a device, pipe or socket\): it is not analysed$/m);
});

test('hostile: malformed notebooks', () => {
  assertOneLineFailure(shapes(file('bad1.ipynb', '{"cells": [')), /not a valid notebook: JSON parse error/);
  assertOneLineFailure(shapes(file('bad2.ipynb', '{"cells": 3}')), /not a valid notebook: no "cells" list/);
  assertOneLineFailure(shapes(file('bad3.ipynb', '{"cells": [{"cell_type": "code", "source": 5}]}')), /cell "source" must be a string/);
});

test('hostile: 10k nested parentheses give a located message, the rest is analysed', () => {
  const p = file('parens.py', `import torch\nx = ${'('.repeat(10000)}1${')'.repeat(10000)}\ny = torch.ones(2)\n`);
  const r = shapes(p);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^2:0 error RNNL-SYNTAX: expression nested more than 200 brackets deep/m);
  assert.match(r.stdout, /^3:0 y {2}Tensor\[float32\] \(2,\)/m);
});

test('hostile: unbounded recursion and infinite loops end with results', () => {
  const p = file('loops.py', [
    'import torch',
    'def f(n):',
    '    return f(n + 1)',
    'a = f(0)',
    'x = torch.zeros(2, 3)',
    'while True:',
    '    x = torch.cat([x, x], 0)',
    'i = 0',
    'h = torch.zeros(4)',
    'while i < 10**9:',
    '    i += 1',
    '    h = h + 1',
    'for k in range(10**12):',
    '    h = h * 2',
    'done = h.view(2, 2)',
  ].join('\n'));
  const r = shapes(p);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /call depth limit \(24\) reached in f\(\)/);
  assert.match(r.stdout, /^7:4 x {2}Tensor\[float32\] \(\?, 3\)/m);
  assert.match(r.stdout, /^15:0 done {2}Tensor\[float32\] \(2, 2\)/m);
});

test('hostile: a 5 MB file ends with a result', () => {
  const lines = ['import torch', 'x = torch.zeros(3, 4)'];
  let n = 0;
  for (let i = 0; n < 5_000_000; i++) {
    const l = i % 50 === 0 ? `y${i} = x.view(-1)` : `s${i} = "${'abcdefghij'.repeat(10)}"`;
    lines.push(l);
    n += l.length + 1;
  }
  const r = shapes(file('big.py', lines.join('\n')), '--json');
  assert.equal(r.code, 0, r.stderr);
  const recs = JSON.parse(r.stdout).records;
  assert.deepEqual(recs[0], { line: 2, col: 0, name: 'x', kind: 'tensor', shape: [3, 4], dtype: 'float32' });
  assert.ok(recs.length > 100);
});

test('usage errors are one line', () => {
  assertOneLineFailure(shapes(), /usage: rnn-lens shapes/);
  assertOneLineFailure(shapes(file('u.py', 'x = 1\n'), '--lines', 'abc'), /--lines expects A-B/);
});
