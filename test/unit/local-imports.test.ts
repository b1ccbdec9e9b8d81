// Local imports (runtime/interp/imports.ts): an entry script's own modules next to it are followed the way Python
// finds them. Graded against PyTorch on multi-file projects (test/fixtures/projects and the example tagger_project:
// traced by the official tracer),
// and checked rule by rule on in-memory projects: `import a.b [as c]`, `from pkg import submodule`, relative imports,
// `__all__` and star imports, cycles, `if __name__ == '__main__'` in a module, one random stream for the program,
// errors raised in a module reported at the program's call, limits, what is left unknown, and a run's warning that it
// executes the file's own code only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeNotebook, analyzePython, type Analysis } from '../../runtime/analysis/api';
import { runPythonText } from '../../runtime/run/engine';
import { importsBeside } from '../../runtime/python/module-files';
import { MAX_MODULES, type ImportContext, type ModuleEntry, type ModuleHost, type ModuleParseCache } from '../../runtime/interp/imports';
import { grade, type Grade } from './shape-scoring';

const projects = join(__dirname, '..', 'fixtures', 'projects');
const entries = JSON.parse(readFileSync(join(projects, 'entries.json'), 'utf8')) as Record<string, string>;

function counts(a: Analysis, expected: Record<string, unknown>[]): { counts: Record<Grade, number>; wrong: string[] } {
  const actual = a.records.map(({ span: _s, text: _t, ...r }) => r) as unknown as Record<string, unknown>[];
  const graded = grade(expected, actual);
  const c: Record<Grade, number> = { exact: 0, partial: 0, wrong: 0, missing: 0 };
  for (const g of graded) c[g.grade]++;
  return { counts: c, wrong: graded.filter((g) => g.grade === 'wrong').map((g) => `${g.rec.line}:${g.rec.name} PyTorch ${JSON.stringify(g.rec)} engine ${JSON.stringify(g.got)}`) };
}

for (const [project, entry] of Object.entries(entries)) {
  test(`project ${project}: ${entry} with its local imports agrees with PyTorch on every record`, () => {
    const path = join(projects, entry);
    const text = readFileSync(path, 'utf8');
    const expected = JSON.parse(readFileSync(join(projects, 'expected', `${project}.json`), 'utf8')).records as Record<string, unknown>[];
    const a = analyzePython(text, { imports: importsBeside(path), limits: { timeMs: 600_000 } });
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error' || d.code === 'RNNL-LIMIT').map((d) => d.message), []);
    const { counts: c, wrong } = counts(a, expected);
    assert.deepEqual(wrong, []);
    // the records PyTorch marks unstable (first loop iteration of a varying batch) may stay partial; all else exact
    const unstable = expected.filter((r) => r.stable === false).length;
    assert.ok(c.exact >= expected.length - unstable, `${project}: exact ${c.exact} of ${expected.length} (${unstable} unstable)`);
    assert.equal(c.missing, 0);
    assert.ok(a.dependencies.length >= 2, `${project} read ${a.dependencies.map((d) => d.path).join(', ')}`);
    // without its modules the same script is mostly unknown: following the imports is what makes it exact
    const alone = counts(analyzePython(text, { limits: { timeMs: 600_000 } }), expected);
    assert.deepEqual(alone.wrong, []);
    assert.ok(alone.counts.exact < c.exact, `${project}: ${alone.counts.exact} exact alone, ${c.exact} with imports`);
    console.log(`${project}: exact ${c.exact}/${expected.length} with its modules, ${alone.counts.exact}/${expected.length} without`);
  });
}

/** A project held in memory: paths relative to the root `/p`, '/'-separated. */
function memoryProject(files: Record<string, string>, dir = '/p'): ImportContext {
  const has = (p: string): boolean => Object.prototype.hasOwnProperty.call(files, p);
  const rel = (dir: string, name: string): string => `${dir === '/p' ? '' : `${dir.slice(3)}/`}${name}`;
  const host: ModuleHost = {
    find(dir: string, name: string): ModuleEntry | null {
      const base = rel(dir, name);
      if (has(`${base}/__init__.py`)) return { kind: 'package', dir: `${dir}/${name}`, init: { path: `${base}/__init__.py`, text: files[`${base}/__init__.py`] } };
      if (has(`${base}.py`)) return { kind: 'module', file: { path: `${base}.py`, text: files[`${base}.py`] } };
      if (Object.keys(files).some((f) => f.startsWith(`${base}/`))) return { kind: 'package', dir: `${dir}/${name}`, init: null };
      return null;
    },
    resolve(dir: string, path: string): string {
      const parts = (path.startsWith('/') ? path : `${dir}/${path}`).split('/');
      const out: string[] = [];
      for (const p of parts) if (p === '..') out.pop(); else if (p && p !== '.') out.push(p);
      return `/${out.join('/')}`;
    },
  };
  return { host, dir };
}

/** The hover text of `name` on 1-based `line` of the analysed text. */
function hover(a: Analysis, text: string, line: number, name: string): string | undefined {
  const col = text.split('\n')[line - 1].indexOf(name);
  assert.ok(col >= 0, `${name} on line ${line}`);
  return a.hoverAt(line, col)?.text;
}

test('import forms: import a.b binds a (with b), import a.b as c binds the submodule, from pkg import submodule', () => {
  const ctx = memoryProject({
    'pkg/__init__.py': 'import torch\nTOP = torch.zeros(1)\n',
    'pkg/layers.py': 'import torch\nW = torch.zeros(2, 3)\n',
    'pkg/more.py': 'import torch\nV = torch.zeros(4)\n',
  });
  const text = ['import pkg.layers', 'import pkg.layers as L', 'from pkg import more, TOP', 'a = pkg.layers.W', 'b = L.W', 'c = more.V', 'd = TOP', ''].join('\n');
  const a = analyzePython(text, { imports: ctx });
  assert.equal(hover(a, text, 4, 'a'), 'a: Tensor[float32] (2, 3)');
  assert.equal(hover(a, text, 5, 'b'), 'b: Tensor[float32] (2, 3)');
  assert.equal(hover(a, text, 6, 'c'), 'c: Tensor[float32] (4,)');
  assert.equal(hover(a, text, 7, 'd'), 'd: Tensor[float32] (1,)');
  assert.deepEqual(a.dependencies.map((d) => d.path), ['pkg/__init__.py', 'pkg/layers.py', 'pkg/more.py']);
});

test('relative imports inside a package; in the script itself they are unknown (Python raises ImportError)', () => {
  const ctx = memoryProject({
    'models/__init__.py': 'from .enc import Enc\n',
    'models/enc.py': 'import torch.nn as nn\nfrom ..shared import dims\nfrom . import blocks\nclass Enc(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.rnn = nn.GRU(dims.IN, dims.HID)\n        self.proj = blocks.proj(dims.HID)\n    def forward(self, x):\n        return self.proj(self.rnn(x)[0])\n',
    'models/blocks.py': 'import torch.nn as nn\ndef proj(h):\n    return nn.Linear(h, 2 * h)\n',
    'shared/dims.py': 'IN = 5\nHID = 7\n',
  });
  // '..shared' from models.enc goes above the top-level package: ImportError in Python, unknown here
  const text = ['import torch', 'from models import Enc', 'from .models import Enc as E2', 'y = Enc()(torch.zeros(3, 2, 5))', 'z = E2', ''].join('\n');
  const a = analyzePython(text, { imports: ctx });
  // dims is unknown: the GRU's hidden size too (PyTorch would not even import the package)
  assert.equal(hover(a, text, 4, 'y'), 'y: Tensor[float32] (3, 2, ?)');
  const ok = memoryProject({
    'models/__init__.py': 'from .enc import Enc\n',
    'models/enc.py': 'import torch.nn as nn\nfrom .sub import dims\nfrom . import blocks\nclass Enc(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.rnn = nn.GRU(dims.IN, dims.HID)\n        self.proj = blocks.proj(dims.HID)\n    def forward(self, x):\n        return self.proj(self.rnn(x)[0])\n',
    'models/blocks.py': 'import torch.nn as nn\ndef proj(h):\n    return nn.Linear(h, 2 * h)\n',
    'models/sub/dims.py': 'from ..blocks import proj\nIN = 5\nHID = 7\n',
  });
  const b = analyzePython(text, { imports: ok });
  assert.equal(hover(b, text, 4, 'y'), 'y: Tensor[float32] (3, 2, 14)');
  assert.match(hover(b, text, 5, 'z') ?? '', /^z: unknown/);
});

test('__all__ decides a star import; without it, names not starting with _ are imported', () => {
  const ctx = memoryProject({
    'cfg.py': "__all__ = ['H']\nH = 6\nW = 3\n",
    'cfg2.py': 'H = 4\n_SECRET = 9\n',
  });
  const text = ['import torch', 'from cfg import *', 'a = torch.zeros(H)', 'b = torch.zeros(W)', 'from cfg2 import *', 'c = torch.zeros(H, _SECRET)', ''].join('\n');
  const a = analyzePython(text, { imports: ctx });
  assert.equal(hover(a, text, 3, 'a'), 'a: Tensor[float32] (6,)');
  assert.match(hover(a, text, 4, 'b') ?? '', /^b: (unknown|Tensor\[float32\] \(\?\))/);
  assert.match(hover(a, text, 6, 'c') ?? '', /^c: (unknown|Tensor\[float32\] \(4, \?\)|Tensor\[float32\] \(\?\))/);
});

test("a module's `if __name__ == '__main__':` block does not run on import; cycles see what is defined so far", () => {
  const ctx = memoryProject({
    'a.py': "import torch\nX = torch.zeros(2)\nimport b\nY = b.f()\nif __name__ == '__main__':\n    X = torch.zeros(9)\n",
    'b.py': 'import a\ndef f():\n    return a.X * 2\n',
    'self_import.py': 'import self_import\nimport torch\nZ = torch.zeros(5)\n',
  });
  const text = ['import a', 'import self_import', 'x = a.X', 'y = a.Y', 'z = self_import.Z', ''].join('\n');
  const an = analyzePython(text, { imports: ctx });
  assert.equal(hover(an, text, 3, 'x'), 'x: Tensor[float32] (2,)');
  assert.equal(hover(an, text, 4, 'y'), 'y: Tensor[float32] (2,)');
  assert.equal(hover(an, text, 5, 'z'), 'z: Tensor[float32] (5,)');
});

test('a name the module does not define, and a module that is not there, are unknown (libraries keep their rules)', () => {
  const ctx = memoryProject({ 'model.py': 'A = 1\n' });
  const text = ['import torch', 'import numpy as np', 'from model import Missing', 'from nowhere import thing', 'x = torch.zeros(Missing)', 'y = torch.zeros(thing)', 'n = np.zeros((2, 3))', ''].join('\n');
  const a = analyzePython(text, { imports: ctx });
  assert.match(hover(a, text, 5, 'x') ?? '', /^x: (unknown|Tensor\[float32\] \(\?\))/);
  assert.match(hover(a, text, 6, 'y') ?? '', /^y: (unknown|Tensor\[float32\] \(\?,?\))/);
  assert.equal(a.diagnostics.filter((d) => d.severity === 'error').length, 0);
});

test('one random stream for the program: a model built in a module draws from it (values equal PyTorch)', () => {
  // PyTorch 1.13: torch.manual_seed(3); M.LM(20, 8, 10, 2) built in lm/model.py; torch.randint(2, 9, (4,)) → [5, 8, 5, 6]
  // (the same draw as the lm_namespace project: its packed record's sorted_indices [1, 3, 0, 2] come from these values)
  const path = join(projects, 'lm_namespace', 'run.py');
  const text = readFileSync(path, 'utf8');
  const a = analyzePython(text, { imports: importsBeside(path) });
  const line = text.split('\n').findIndex((l) => l.startsWith('lengths = ')) + 1;
  assert.equal(hover(a, text, line, 'lengths'), 'lengths: Tensor[int64] (4,) = [5, 8, 5, 6]');
});

test('a draw in a module called on a branch that may not run leaves the stream unknown, never a guess', () => {
  const ctx = memoryProject({ 'noise.py': 'import torch\ndef jitter(n):\n    return torch.randn(n)\n' });
  const text = ['import sys', 'import torch', 'import noise', 'torch.manual_seed(0)', 'if len(sys.argv) > 1:', '    noise.jitter(3)', 'r = torch.randint(0, 10, (4,))', ''].join('\n');
  const a = analyzePython(text, { imports: ctx });
  assert.equal(hover(a, text, 7, 'r'), 'r: Tensor[int64] (4,)');
  const certain = text.replace('if len(sys.argv) > 1:\n    noise.jitter(3)', 'noise.jitter(3)');
  const b = analyzePython(certain, { imports: ctx });
  // PyTorch 1.13: torch.manual_seed(0); torch.randn(3); torch.randint(0, 10, (4,)) → [7, 3, 1, 6]
  assert.equal(hover(b, certain, 6, 'r'), 'r: Tensor[int64] (4,) = [7, 3, 1, 6]');
});

test("an error raised in a module's code by the program's arguments is reported at the program's call", () => {
  const ctx = memoryProject({ 'model.py': 'import torch.nn as nn\nclass Enc(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.rnn = nn.LSTM(8, 4)\n    def forward(self, x):\n        return self.rnn(x)\n' });
  // the same mistake at two calls: each call gets it (the module raises it twice)
  const text = ['import torch', 'from model import Enc', 'enc = Enc()', 'out, (h, c) = enc(torch.zeros(5, 2, 3))', 'again = enc(torch.zeros(4, 2, 3))', ''].join('\n');
  const a = analyzePython(text, { imports: ctx });
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => d.span.line), [4, 5]);
  for (const e of errors) assert.match(e.message, /input\.size\(-1\) must be equal to input_size\. Expected 8, got 3 \(in model\.py, line 7\)$/);
});

test('limits: past MAX_MODULES modules the rest are not read; an oversized module gets a located note', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i <= MAX_MODULES + 5; i++) files[`m${i}.py`] = i < MAX_MODULES + 5 ? `import m${i + 1}\nimport torch\nV = torch.zeros(${i + 1})\n` : 'import torch\nV = torch.zeros(1)\n';
  const chain = ['import torch', 'import m0', 'v = m0.V', 'w = torch.zeros(2)', ''].join('\n');
  const a = analyzePython(chain, { imports: memoryProject(files) });
  assert.equal(a.dependencies.length, MAX_MODULES);
  assert.equal(hover(a, chain, 3, 'v'), 'v: Tensor[float32] (1,)');
  assert.equal(hover(a, chain, 4, 'w'), 'w: Tensor[float32] (2,)');
  const huge = { 'huge.py': `X = 1\n${'# filler line of a generated file\n'.repeat(40_000)}` };
  const text = ['import torch', 'import huge', 'x = torch.zeros(huge.X)', 'w = torch.zeros(2)', ''].join('\n');
  const b = analyzePython(text, { imports: memoryProject(huge) });
  const notes = b.diagnostics.filter((d) => d.code === 'RNNL-LIMIT').map((d) => `${d.span.line}: ${d.message}`);
  assert.deepEqual(notes, ['2: huge.py has 1360006 characters (more than 1000000): it is not analysed']);
  assert.equal(hover(b, text, 4, 'w'), 'w: Tensor[float32] (2,)');
  assert.equal(b.dependencies.length, 0);
});

test('an imported module that loops forever ends within the analysis time limit (one deadline for the program)', () => {
  const ctx = memoryProject({ 'spin.py': 'import torch\nx = 0\nwhile True:\n    x = x + 1\nY = torch.zeros(3)\n' });
  const text = ['import torch', 'import spin', 'a = torch.zeros(2)', ''].join('\n');
  const started = Date.now();
  const a = analyzePython(text, { imports: ctx, limits: { timeMs: 500 } });
  assert.ok(Date.now() - started < 10_000);
  assert.equal(hover(a, text, 3, 'a'), 'a: Tensor[float32] (2,)');
});

test("a notebook's local imports are looked up in its folder", () => {
  const ctx = memoryProject({ 'helpers.py': 'import torch\ndef batch(n):\n    return torch.zeros(n, 7, dtype=torch.long)\n' });
  const a = analyzeNotebook([
    { kind: 'code', source: 'import torch\nfrom helpers import batch' },
    { kind: 'code', source: 'x = batch(4)' },
  ], { imports: ctx });
  assert.equal(a.hoverAt(1, 0, 1)?.text, 'x: Tensor[int64] (4, 7)');
});

test("a run executes the file's own code only: each module of the project it imports is named in a located warning", async () => {
  const path = join(__dirname, '..', '..', 'examples', 'tagger_project', 'train.py');
  const text = readFileSync(path, 'utf8');
  const r = await runPythonText(text, 'train.py', { backend: 'reference', imports: importsBeside(path) });
  const lineOf = (prefix: string): number => text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1;
  const warnings = r.messages.filter((m) => m.message.startsWith('RNNL-IMPORT'));
  assert.deepEqual(
    warnings.map((m) => `${m.span?.line}: ${m.message.split(':')[1].trim()}`),
    [`${lineOf('import utils')}: utils (utils.py) is a module of this project`, `${lineOf('from data import')}: data (data.py) is a module of this project`, `${lineOf('from model import')}: model (model.py) is a module of this project`],
  );
  for (const w of warnings) assert.match(w.message, /a run executes this file's code only, so what comes from it has no values here/);
  // torch and numpy are never the project's, even without a folder nothing is named
  const alone = await runPythonText(text, 'train.py', { backend: 'reference' });
  assert.equal(alone.messages.filter((m) => m.message.startsWith('RNNL-IMPORT')).length, 0);
});

test("module parse trees are kept across analyses while a module's text is the same, and parsed again when it changes", () => {
  const files: Record<string, string> = { 'model.py': 'import torch\nH = 5\ndef make(n):\n    return torch.zeros(n, H)\n' };
  const base = memoryProject(files);
  const parsed: ModuleParseCache = new Map();
  const ctx: ImportContext = { ...base, parsed };
  const text = ['import model', 'x = model.make(3)', ''].join('\n');
  const a = analyzePython(text, { imports: ctx });
  assert.equal(hover(a, text, 2, 'x'), 'x: Tensor[float32] (3, 5)');
  const tree = parsed.get('model.py')?.parsed;
  assert.ok(tree);
  const b = analyzePython(text, { imports: ctx });
  assert.equal(hover(b, text, 2, 'x'), 'x: Tensor[float32] (3, 5)');
  assert.equal(parsed.get('model.py')?.parsed, tree, 'the unchanged module was not parsed again');
  files['model.py'] = files['model.py'].replace('H = 5', 'H = 7');
  const c = analyzePython(text, { imports: ctx });
  assert.equal(hover(c, text, 2, 'x'), 'x: Tensor[float32] (3, 7)');
  assert.notEqual(parsed.get('model.py')?.parsed, tree);
});

test('sys.path.append / insert with a literal folder: top-level modules are also looked up there, in sys.path order', () => {
  const files = {
    'src/model.py': 'import torch\ndef make():\n    return torch.zeros(2, 3)\n',
    'notebooks/model.py': 'import torch\ndef make():\n    return torch.zeros(9)\n',
    'lib/extra.py': 'import torch\nE = torch.zeros(4)\n',
  };
  // the file's own folder comes first (sys.path[0]); append adds after it, insert(0, …) before it
  const appended = ['import sys', "sys.path.append('../src')", 'from model import make', 'x = make()', ''].join('\n');
  assert.equal(hover(analyzePython(appended, { imports: memoryProject(files, '/p/notebooks') }), appended, 4, 'x'), 'x: Tensor[float32] (9,)');
  const inserted = ['import sys', "sys.path.insert(0, '../src')", "sys.path.append('/p/lib')", 'from model import make', 'import extra', 'x = make()', 'e = extra.E', ''].join('\n');
  const a = analyzePython(inserted, { imports: memoryProject(files, '/p/notebooks') });
  assert.equal(hover(a, inserted, 6, 'x'), 'x: Tensor[float32] (2, 3)');
  assert.equal(hover(a, inserted, 7, 'e'), 'e: Tensor[float32] (4,)');
  // a folder the analysis cannot know (computed from __file__) adds nothing; the import stays unknown
  const computed = ['import os, sys', "sys.path.append(os.path.join(os.path.dirname(__file__), '..', 'src'))", 'import extra', 'y = extra.E', ''].join('\n');
  assert.doesNotMatch(hover(analyzePython(computed, { imports: memoryProject(files, '/p/notebooks') }), computed, 4, 'y') ?? '', /Tensor/);
});

test("extra roots (the editor's workspace folder) are searched after the file's own folder", () => {
  const files = {
    'src/model.py': 'import torch\nW = torch.zeros(6)\n',
    'src/train.py': '',
    'utils.py': 'import torch\nU = torch.zeros(2)\n',
    'src/utils.py': 'import torch\nU = torch.zeros(3)\n',
  };
  const text = ['from src.model import W', 'import utils', 'w = W', 'u = utils.U', ''].join('\n');
  const inSrc = memoryProject(files, '/p/src');
  // without the workspace folder, src.model is not found from src/ (Python run as a script from there would fail)
  assert.doesNotMatch(hover(analyzePython(text, { imports: inSrc }), text, 3, 'w') ?? '', /Tensor/);
  const a = analyzePython(text, { imports: { ...inSrc, roots: ['/p'] } });
  assert.equal(hover(a, text, 3, 'w'), 'w: Tensor[float32] (6,)');
  // the file's own folder still comes first
  assert.equal(hover(a, text, 4, 'u'), 'u: Tensor[float32] (3,)');
});
