// Statement reuse (runtime/interp/reuse.ts) gives exactly what a fresh analysis gives, on edits chosen to defeat a
// wrong cache: edits inside function bodies, edits of globals a replayed function reads, edits of a class used by a
// replayed call, arguments / module attributes / dicts / tensors mutated by later statements, closures, decorators,
// top-level loops and branches, edits that shift positions or add lines. After every edit (and every undo) the
// re-analysis must equal analyzePython of the same text; each scenario must also actually replay statements (the
// cache is exercised, not bypassed) and show the edit's effect on a record (the edit matters).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzePython, type Analysis, type AnalyzeOptions, type TextChange } from '../../runtime/analysis/api';
import { observable } from './helpers/observable';

const opts: AnalyzeOptions = { limits: { timeMs: 600_000 } };

interface Edit {
  /** Replace the first occurrence of `find` (after `after`, if given) with `replace`. */
  find: string;
  replace: string;
  after?: string;
  /** The record text of the last record of `name` after this edit. */
  expect?: { name: string; text: string };
  /** At least this many statements are replayed by the re-analysis after this edit. */
  replayed?: number;
}

interface Scenario {
  name: string;
  code: string;
  edits: Edit[];
}

const HEAD = 'import torch\nimport torch.nn as nn\n';

const scenarios: Scenario[] = [
  {
    name: 'edit inside a function body called by later statements',
    code: `${HEAD}
def f(x):
    return x.view(2, 3)

a = torch.zeros(6)
b = f(a)
c = b.sum(0)
d = torch.ones(4, 4)
e = d @ d
`,
    edits: [
      { find: 'view(2, 3)', replace: 'view(3, 2)', expect: { name: 'c', text: 'Tensor[float32] (2,)' } },
      { find: 'ones(4, 4)', replace: 'ones(4, 5)' },
    ],
  },
  {
    name: 'edit of a global that a replayed function reads at call time',
    code: `${HEAD}
def g(x):
    return x.view(H, -1)

H = 4
t = torch.zeros(8)
u = g(t)
w = u.t()
z = torch.zeros(3)
`,
    edits: [
      { find: 'H = 4', replace: 'H = 2', expect: { name: 'w', text: 'Tensor[float32] (4, 2)' } },
      { find: 'zeros(3)', replace: 'zeros(5)' },
      { find: 'H = 2', replace: 'H = 8', expect: { name: 'w', text: 'Tensor[float32] (1, 8)' } },
    ],
  },
  {
    name: 'edit of a class used by replayed calls',
    code: `${HEAD}
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(4, 3)

    def forward(self, x):
        return self.l(x)

m = M()
y = m(torch.zeros(2, 4))
k = y.softmax(-1)
q = torch.zeros(7)
`,
    edits: [
      { find: 'Linear(4, 3)', replace: 'Linear(4, 5)', expect: { name: 'k', text: 'Tensor[float32] (2, 5)' } },
      { find: 'zeros(7)', replace: 'zeros(9)' },
      { find: 'return self.l(x)', replace: 'return self.l(x).t()', expect: { name: 'k', text: 'Tensor[float32] (5, 2)' } },
    ],
  },
  {
    name: 'a function that mutates its argument, and later mutations of a list',
    code: `${HEAD}
def add(lst, v):
    lst.append(v)
    return len(lst)

xs = [1, 2]
n1 = add(xs, 3)
n2 = len(xs)
z = torch.zeros(n2)
xs.append(9)
n3 = len(xs)
r = torch.zeros(n3, 2)
`,
    edits: [
      { find: 'xs = [1, 2]', replace: 'xs = [1, 2, 7]', expect: { name: 'r', text: 'Tensor[float32] (5, 2)' } },
      { find: 'xs.append(9)', replace: 'xs.append(9) or xs.append(8)', expect: { name: 'r', text: 'Tensor[float32] (6, 2)' } },
      { find: 'zeros(n2)', replace: 'zeros(n2, 1)' },
    ],
  },
  {
    name: 'module attributes changed by a later statement (eval, attribute assignment)',
    code: `${HEAD}
class Net(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.rnn = nn.GRU(3, h)

    def forward(self, x):
        out, hn = self.rnn(x)
        return out

net = Net(5)
o1 = net(torch.zeros(4, 2, 3))
net.rnn = nn.GRU(3, 7)
o2 = net(torch.zeros(4, 2, 3))
p = torch.zeros(2)
`,
    edits: [
      { find: 'net.rnn = nn.GRU(3, 7)', replace: 'net.rnn = nn.GRU(3, 9)', expect: { name: 'o2', text: 'Tensor[float32] (4, 2, 9)' } },
      { find: 'Net(5)', replace: 'Net(6)', expect: { name: 'o1', text: 'Tensor[float32] (4, 2, 6)' } },
      { find: 'net.rnn = nn.GRU(3, 9)', replace: 'net.eval()', expect: { name: 'o2', text: 'Tensor[float32] (4, 2, 6)' } },
      { find: 'zeros(2)', replace: 'zeros(3)' },
    ],
  },
  {
    name: 'a dict filled by later statements',
    code: `${HEAD}
vocab = {}
vocab['a'] = 0
vocab['b'] = 1
V = len(vocab)
emb = nn.Embedding(V, 4)
x = emb(torch.tensor([0, 1]))
y = torch.zeros(V, 2)
`,
    edits: [
      { find: "vocab['b'] = 1", replace: "vocab['c'] = 1", expect: { name: 'y', text: 'Tensor[float32] (2, 2)' } },
      { find: "vocab['a'] = 0", replace: "vocab['c'] = 0", expect: { name: 'y', text: 'Tensor[float32] (1, 2)' } },
      { find: "vocab['c'] = 0", replace: "vocab['a'] = 0", expect: { name: 'y', text: 'Tensor[float32] (2, 2)' } },
      { find: 'nn.Embedding(V, 4)', replace: 'nn.Embedding(V, 6)', expect: { name: 'x', text: 'Tensor[float32] (2, 6)' } },
    ],
  },
  {
    name: 'in-place tensor ops in later statements',
    code: `${HEAD}
t = torch.zeros(3, 4)
s1 = t.shape
t.unsqueeze_(0)
s2 = t.shape
v = t.sum(-1)
`,
    edits: [
      { find: 'unsqueeze_(0)', replace: 'unsqueeze_(1)', expect: { name: 'v', text: 'Tensor[float32] (3, 1)' } },
      { find: 'zeros(3, 4)', replace: 'zeros(2, 4)', expect: { name: 'v', text: 'Tensor[float32] (2, 1)' } },
      { find: 't.unsqueeze_(1)', replace: 't.add_(1)', expect: { name: 'v', text: 'Tensor[float32] (2,)' } },
    ],
  },
  {
    name: 'edits that shift positions and add lines before replayed functions and calls',
    code: `${HEAD}
def h(x, n):
    y = x.view(n, -1)
    return y.sum(0)

a = torch.zeros(12)
b = h(a, 3)

class C:
    def __init__(self, k):
        self.k = k

    def size(self):
        return self.k * 2

c = C(4)
d = torch.zeros(c.size())
e = h(d, 2)
`,
    edits: [
      { find: 'a = torch.zeros(12)', replace: 'a = torch.zeros(12)  # twelve', expect: { name: 'b', text: 'Tensor[float32] (4,)' } },
      { find: 'b = h(a, 3)', replace: 'b = h(a, 3)\nbb = h(a, 6)', expect: { name: 'bb', text: 'Tensor[float32] (2,)' } },
      { find: 'zeros(12)', replace: 'zeros(24)', expect: { name: 'b', text: 'Tensor[float32] (8,)' } },
      { find: 'self.k * 2', replace: 'self.k * 3', expect: { name: 'e', text: 'Tensor[float32] (6,)' } },
      { find: 'C(4)', replace: 'C(40)', expect: { name: 'e', text: 'Tensor[float32] (60,)' } },
    ],
  },
  {
    name: 'closures, lambdas, decorators and properties',
    code: `${HEAD}
def make(k):
    return lambda x: x.view(k, -1)

def twice(fn):
    def wrapper(*args):
        return fn(*args).t()
    return wrapper

@twice
def flat(x):
    return x.reshape(-1, 2)

class Box:
    def __init__(self, n):
        self.n = n

    @property
    def shape(self):
        return (self.n, 3)

f2 = make(2)
r = f2(torch.zeros(8))
q = flat(torch.zeros(6))
bx = Box(5)
zz = torch.zeros(bx.shape)
`,
    edits: [
      { find: 'make(2)', replace: 'make(4)', expect: { name: 'r', text: 'Tensor[float32] (4, 2)' } },
      { find: 'return fn(*args).t()', replace: 'return fn(*args)', expect: { name: 'q', text: 'Tensor[float32] (3, 2)' } },
      { find: 'return (self.n, 3)', replace: 'return (self.n, 1)', expect: { name: 'zz', text: 'Tensor[float32] (5, 1)' } },
      { find: 'Box(5)', replace: 'Box(6)', expect: { name: 'zz', text: 'Tensor[float32] (6, 1)' } },
    ],
  },
  {
    name: 'top-level loops and branches, globals written by functions, shadowed builtins',
    code: `${HEAD}
counter = 0

def bump():
    global counter
    counter += 1
    return counter

acc = []
for i in range(3):
    acc.append(torch.zeros(i + 1))
n = len(acc)
if n > 2:
    big = torch.zeros(n, n)
else:
    big = torch.zeros(1)
k1 = bump()
k2 = bump()
m = torch.zeros(counter)
def len(x):
    return 7
L = len(acc)
w = torch.zeros(L)
`,
    edits: [
      { find: 'range(3)', replace: 'range(2)', expect: { name: 'big', text: 'Tensor[float32] (1,)' } },
      { find: 'k2 = bump()', replace: 'k2 = bump() + bump()', expect: { name: 'm', text: 'Tensor[float32] (3,)' } },
      { find: 'return 7', replace: 'return 5', expect: { name: 'w', text: 'Tensor[float32] (5,)' } },
    ],
  },
  {
    name: 'a function called from two statements (its bindings and uses are joined over both calls)',
    code: `${HEAD}
N = 3

def hp(x):
    y = x * 2
    return y

a1 = hp(torch.zeros(N))
a2 = hp(torch.zeros(3))
a3 = torch.zeros(2)
`,
    edits: [
      { find: 'N = 3', replace: 'N = 4', expect: { name: 'a2', text: 'Tensor[float32] (3,)' } },
      { find: 'zeros(2)', replace: 'zeros(5)' },
      { find: 'a2 = hp(torch.zeros(3))', replace: 'a2 = hp(torch.zeros(4))', expect: { name: 'a2', text: 'Tensor[float32] (4,)' } },
    ],
  },
  {
    name: 'an edit that starts mutating a value replayed statements created and later statements read',
    code: `${HEAD}
lst = [1, 2]
n = len(lst)
pad = 0
m = len(lst)
t = torch.zeros(m)
`,
    edits: [
      { find: 'pad = 0', replace: 'pad = lst.append(5)', expect: { name: 't', text: 'Tensor[float32] (3,)' } },
      { find: 'pad = lst.append(5)', replace: 'pad = lst.append(5) or lst.append(6)', expect: { name: 't', text: 'Tensor[float32] (4,)' } },
    ],
  },
  {
    name: 'edits of import lines and constants (equal new values vs changed ones)',
    code: `import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

K = 3
a = torch.zeros(K, 2)
seqs = [torch.ones(2), torch.ones(4)]
b = pad_sequence(seqs, batch_first=True)
lin = nn.Linear(2, K)
c = lin(a)
`,
    edits: [
      { find: 'import torch\n', replace: 'import torch  # the library\n', expect: { name: 'c', text: 'Tensor[float32] (3, 3)' } },
      { find: 'K = 3', replace: 'K = 3  # rows', expect: { name: 'c', text: 'Tensor[float32] (3, 3)' } },
      { find: 'import torch.nn as nn', replace: 'import torch.nn as nnx', expect: { name: 'b', text: 'Tensor[float32] (2, 4)' } },
      { find: 'batch_first=True', replace: 'batch_first=False', expect: { name: 'b', text: 'Tensor[float32] (4, 2)' } },
      { find: 'from torch.nn.utils.rnn import pad_sequence', replace: 'from torch.nn.utils.rnn import pack_sequence' },
    ],
  },
  {
    name: 'groups (statements mutating what an earlier one created replay together): edits before, inside, after, splitting a group',
    code: `${HEAD}
vocab = {}
for w in ['a', 'b', 'c']:
    vocab[w] = len(vocab)
V = len(vocab)
E = 4

class Counter:
    def __init__(self):
        self.n = 0

    def step(self):
        self.n += 1
        return self.n

m = Counter()
k1 = m.step()
extra = torch.zeros(E)
k2 = m.step()
t = torch.zeros(k2, V)
u = torch.zeros(E, 2)
`,
    edits: [
      { find: 'zeros(E, 2)', replace: 'zeros(E, 3)', expect: { name: 'u', text: 'Tensor[float32] (4, 3)' }, replayed: 12 },
      { find: 'E = 4', replace: 'E = 5', expect: { name: 'extra', text: 'Tensor[float32] (5,)' }, replayed: 7 },
      { find: "['a', 'b', 'c']", replace: "['a', 'b']", expect: { name: 't', text: 'Tensor[float32] (2, 2)' }, replayed: 9 },
      { find: 'k1 = m.step()', replace: 'k1 = m.step()\nk15 = m.step()', expect: { name: 't', text: 'Tensor[float32] (3, 2)' } },
      { find: 'k2 = m.step()', replace: 'k2 = m.n', expect: { name: 't', text: 'Tensor[float32] (2, 2)' } },
      { find: 'zeros(E, 3)', replace: 'zeros(E, 1)', expect: { name: 't', text: 'Tensor[float32] (2, 2)' } },
    ],
  },
  {
    name: 'groups: a mutating member deleted, a member moved out',
    code: `${HEAD}
class Counter:
    def __init__(self):
        self.n = 0

    def step(self):
        self.n += 1
        return self.n

m = Counter()
k1 = m.step()
extra = torch.zeros(2)
k2 = m.step()
t = torch.zeros(k2)
`,
    edits: [
      { find: 'k1 = m.step()\n', replace: '', expect: { name: 't', text: 'Tensor[float32] (1,)' } },
      { find: 'extra = torch.zeros(2)\n', replace: '', expect: { name: 't', text: 'Tensor[float32] (1,)' } },
      { find: 't = torch.zeros(k2)', replace: 't = torch.zeros(k2)\nk3 = m.step()', expect: { name: 't', text: 'Tensor[float32] (1,)' } },
      { find: 'm = Counter()', replace: 'm = Counter()\nk0 = m.step()', expect: { name: 't', text: 'Tensor[float32] (2,)' } },
    ],
  },
  {
    name: 'an op that changes its argument in place without an in-place name (unpad_sequence transposes a time-major input)',
    code: `${HEAD}
from torch.nn.utils.rnn import unpad_sequence

p = torch.zeros(5, 3, 2)
lens = torch.tensor([5, 3, 2])
xs = unpad_sequence(p, lens)
s = p.shape
y = p.sum(0)
`,
    edits: [
      { find: 'xs = unpad_sequence(p, lens)', replace: 'xs = unpad_sequence(p, lens, batch_first=False)', expect: { name: 'y', text: 'Tensor[float32] (5, 2)' } },
      { find: 'p.sum(0)', replace: 'p.sum(1)', expect: { name: 'y', text: 'Tensor[float32] (3, 2)' } },
      { find: 'batch_first=False', replace: 'batch_first=True', expect: { name: 'y', text: 'Tensor[float32] (5, 2)' } },
    ],
  },
  {
    name: 'dataclass and a nn.ModuleList grown by a later statement',
    code: `${HEAD}
from dataclasses import dataclass

@dataclass
class Cfg:
    hidden: int = 4
    layers: int = 2

cfg = Cfg()
stack = nn.ModuleList([nn.Linear(cfg.hidden, cfg.hidden) for _ in range(cfg.layers)])
stack.append(nn.Linear(cfg.hidden, 3))
nl = len(stack)
x = torch.zeros(nl, cfg.hidden)
`,
    edits: [
      { find: 'hidden: int = 4', replace: 'hidden: int = 6', expect: { name: 'x', text: 'Tensor[float32] (3, 6)' } },
      { find: 'stack.append(nn.Linear(cfg.hidden, 3))', replace: 'stack.extend([nn.Linear(cfg.hidden, 3), nn.Linear(3, 3)])', expect: { name: 'x', text: 'Tensor[float32] (4, 6)' } },
      { find: 'layers: int = 2', replace: 'layers: int = 1', expect: { name: 'x', text: 'Tensor[float32] (3, 6)' } },
    ],
  },
  {
    name: 'symbolic analysis of code nobody calls (a class never instantiated, uncalled methods of an instance that mutate it)',
    code: `${HEAD}
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
class Tagger(nn.Module):
    def __init__(self, vocab, emb, hid, ntags):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hid, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hid, ntags)
    def forward(self, x, lengths):
        B, T = x.shape
        packed = pack_padded_sequence(self.emb(x), lengths, batch_first=True, enforce_sorted=False)
        out, (h, c) = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True)
        return self.out(out)
class LM(nn.Module):
    def __init__(self, n, hid):
        super().__init__()
        self.hid = hid
        self.rnn = nn.GRU(n, hid)
        self.hidden = None
    def init_hidden(self, bsz):
        self.hidden = torch.zeros(1, bsz, self.hid)
        return self.hidden
    def forward(self, x):
        out, h = self.rnn(x)
        return out
lm = LM(4, 6)
y = lm(torch.zeros(3, 2, 4))
z = torch.zeros(5)
w = y.sum(0)
`,
    edits: [
      { find: 'zeros(5)', replace: 'zeros(7)', expect: { name: 'z', text: 'Tensor[float32] (7,)' }, replayed: 3 },
      { find: 'nn.Linear(2 * hid, ntags)', replace: 'nn.Linear(2 * hid, vocab)' },
      { find: 'B, T = x.shape', replace: 'B, T = x.size()' },
      { find: 'torch.zeros(1, bsz, self.hid)', replace: 'torch.zeros(2, bsz, self.hid)' },
      { find: 'LM(4, 6)', replace: 'LM(4, 8)', expect: { name: 'w', text: 'Tensor[float32] (2, 8)' } },
      { find: 'class LM(nn.Module):', replace: 'class LM(nn.Module):\n    size = 3' },
    ],
  },
  {
    // torch's global random stream is a module variable: draws before a replayed statement change what it draws
    // (values from PyTorch 1.13: seed 3 + randn(2, 2) -> randint 7; randn(2, 3) -> 2; seed 4 -> 7)
    name: 'a seeded random stream whose earlier draws are edited',
    code: `${HEAD}
torch.manual_seed(3)
a = torch.randn(2, 2)
pad = torch.ones(5)
n = torch.randint(2, 9, (1,))
z = torch.zeros(int(n))
u = torch.ones(3)
`,
    edits: [
      { find: 'ones(5)', replace: 'ones(6)', expect: { name: 'z', text: 'Tensor[float32] (7,)' } },
      { find: 'randn(2, 2)', replace: 'randn(2, 3)', expect: { name: 'z', text: 'Tensor[float32] (2,)' } },
      { find: 'manual_seed(3)', replace: 'manual_seed(4)', expect: { name: 'z', text: 'Tensor[float32] (7,)' } },
    ],
  },
  {
    // a method called by one statement attaches a new dict to an older object (`self.state = {...}`), a later
    // statement's method changes that dict: the later one must replay with it or not at all (before the fix the
    // first replayed alone and the re-run forward read the dict as the previous analysis's forward had left it)
    name: 'a dict attached to an older object by a method, changed by a later statement',
    code: `${HEAD}
def helper(x):
    n = x.numel()
    return x + 1

class Dec:
    def init_state(self, h):
        self.state = {"hidden": h}
    def forward(self, x):
        feed = self.state["hidden"]
        y = helper(feed)
        self.state["hidden"] = torch.zeros(7)
        return y

d = Dec()
d.init_state(torch.zeros(3, 4))
out = d.forward(torch.zeros(2))
last = d.state["hidden"]
`,
    edits: [
      { find: 'numel()', replace: 'numel()  # edited', expect: { name: 'out', text: 'Tensor[float32] (3, 4)' } },
      { find: 'last = d', replace: 'last2 = d', replayed: 3 },
    ],
  },
];

function applyEdit(text: string, e: Edit): { text: string; change: TextChange; undo: TextChange } {
  const start = e.after ? text.indexOf(e.after) : 0;
  const at = text.indexOf(e.find, Math.max(0, start));
  assert.ok(at >= 0, `edit target not found: ${e.find}`);
  const next = text.slice(0, at) + e.replace + text.slice(at + e.find.length);
  return {
    text: next,
    change: { fromA: at, toA: at + e.find.length, fromB: at, toB: at + e.replace.length },
    undo: { fromA: at, toA: at + e.replace.length, fromB: at, toB: at + e.find.length },
  };
}

function lastRecordText(a: Analysis, name: string): string | undefined {
  const rs = a.records.filter((r) => r.name === name);
  return rs[rs.length - 1]?.text;
}

for (const sc of scenarios) {
  test(`statement reuse equals a fresh analysis: ${sc.name}`, () => {
    let text = sc.code;
    let current = analyzePython(text, opts);
    assert.equal(current.diagnostics.filter((d) => d.code === 'RNNL-INTERNAL').length, 0);
    let replayed = 0;
    const undo: { text: string; change: TextChange }[] = [];
    for (const e of sc.edits) {
      const ed = applyEdit(text, e);
      undo.push({ text, change: ed.undo });
      current = current.reanalyze(ed.text, [ed.change]);
      text = ed.text;
      replayed += current.interpreter.reuseStats.replayed;
      const fresh = analyzePython(text, opts);
      assert.deepEqual(observable(current, text), observable(fresh, text), `after ${JSON.stringify(e.replace)}`);
      if (e.expect) assert.equal(lastRecordText(fresh, e.expect.name), e.expect.text, `${e.expect.name} after ${JSON.stringify(e.replace)}`);
      if (e.replayed !== undefined) assert.ok(current.interpreter.reuseStats.replayed >= e.replayed, `replayed ${current.interpreter.reuseStats.replayed} < ${e.replayed} after ${JSON.stringify(e.replace)}`);
    }
    while (undo.length) {
      const u = undo.pop()!;
      current = current.reanalyze(u.text, [u.change]);
      text = u.text;
      replayed += current.interpreter.reuseStats.replayed;
      assert.deepEqual(observable(current, text), observable(analyzePython(text, opts), text), `after undo (${undo.length} left)`);
    }
    assert.equal(text, sc.code);
    assert.ok(replayed > 0, 'no statement was replayed: the cache was not exercised');
  });
}

test('a second re-analysis from the same analysis (its records already taken) equals a fresh analysis', () => {
  const code = scenarios[0].code;
  const first = analyzePython(code, opts);
  const e1 = applyEdit(code, { find: 'view(2, 3)', replace: 'view(3, 2)' });
  const e2 = applyEdit(code, { find: 'ones(4, 4)', replace: 'ones(4, 2)' });
  const a = first.reanalyze(e1.text, [e1.change]);
  assert.ok(a.interpreter.reuseStats.replayed > 0);
  const b = first.reanalyze(e2.text, [e2.change]);
  assert.deepEqual(observable(a, e1.text), observable(analyzePython(e1.text, opts), e1.text));
  assert.deepEqual(observable(b, e2.text), observable(analyzePython(e2.text, opts), e2.text));
});

test('the run engine path (hooks) records nothing for reuse', () => {
  const a = analyzePython(scenarios[0].code, { ...opts, hooks: {} });
  assert.equal(a.interpreter.reuseState, null);
});
