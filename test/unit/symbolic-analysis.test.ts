// Symbolic analysis of code nobody calls (Interpreter.analyseUncalled): speculative instances of classes the file never
// instantiates, open parameters named after themselves, what such code may show (hovers, inlay hints) and what it
// must not do (fixture records, changing the program's own values, assuming defaults), and the symbolic dim
// arithmetic of runtime/shape/dim.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzePython, type Analysis } from '../../runtime/analysis/api';
import { dimAdd, dimFactors, dimMul, dimSub, joinDim } from '../../runtime/shape/dim';

const TAGGER = `import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Tagger(nn.Module):
    def __init__(self, vocab, emb, hid, ntags):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hid, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hid, ntags)

    def forward(self, x, lengths):
        e = self.emb(x)
        packed = pack_padded_sequence(e, lengths, batch_first=True, enforce_sorted=False)
        out, (h, c) = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True)
        logits = self.out(out)
        return logits
`;

function hover(a: Analysis, text: string, line: number, name: string): string | undefined {
  const col = new RegExp(`\\b${name}\\b`).exec(text.split('\n')[line - 1])?.index ?? -1;
  return a.hoverAt(line, col)?.text;
}

test('a class nobody instantiates: symbolic hovers and inlay hints, no fixture records, no diagnostics', () => {
  const a = analyzePython(TAGGER);
  assert.equal(hover(a, TAGGER, 15, 'h'), 'h: Tensor[float32] (2, len(lengths), hid)');
  assert.equal(hover(a, TAGGER, 16, 'out'), 'out: Tensor[float32] (len(lengths), max(lengths), 2*hid)');
  assert.equal(hover(a, TAGGER, 17, 'logits'), 'logits: Tensor[float32] (len(lengths), max(lengths), ntags)');
  assert.equal(hover(a, TAGGER, 13, 'e'), 'e: Tensor[float32] (?)');
  assert.equal(hover(a, TAGGER, 12, 'self'), 'self: Tagger object (symbolic: the file never creates one)');
  assert.equal(
    a.hoverAt(17, 8)?.detail,
    'Symbolic sizes: len(lengths) = the number of sequences (batch size) in lengths; max(lengths) = the longest length in lengths (padded time steps); ntags = the size held by the variable of that name (a parameter, or read from a shape).',
  );
  // attributes of the speculative instance, where they are set and where they are read
  assert.equal(a.hoverAt(9, 14)?.text, 'self.lstm: nn.LSTM(input_size=emb, hidden_size=hid, batch_first=True, bidirectional=True)');
  assert.equal(a.hoverAt(10, 14)?.text, 'self.out: nn.Linear(in_features=2*hid, out_features=ntags)');
  assert.equal(a.hoverAt(13, 18)?.text, 'self.emb: nn.Embedding(num_embeddings=vocab, embedding_dim=emb)');
  assert.deepEqual(a.records, []);
  assert.deepEqual(a.diagnostics, []);
  assert.deepEqual(
    a.inlayHints.filter((h) => h.line >= 15).map((h) => [h.line, h.label]),
    [[15, 'packed (?, 2*hid)'], [15, '(2, len(lengths), hid)'], [15, '(2, len(lengths), hid)'], [16, '(len(lengths), max(lengths), 2*hid)'], [16, '(len(lengths),)'], [17, '(len(lengths), max(lengths), ntags)']],
  );
});

test('defaults are not assumed: a parameter with a default is symbolic too', () => {
  const text = `import torch
import torch.nn as nn
def make(x, n=3, bidirectional=False):
    z = torch.zeros(n, 4)
    rnn = nn.GRU(4, 5, bidirectional=bidirectional)
    out, h = rnn(torch.zeros(7, 2, 4))
    return z
`;
  const a = analyzePython(text);
  assert.equal(hover(a, text, 4, 'z'), 'z: Tensor[float32] (n, 4)');
  assert.equal(hover(a, text, 6, 'out'), 'out: Tensor[float32] (7, 2, ?)');
  assert.equal(hover(a, text, 6, 'h'), 'h: Tensor[float32] (?, 2, 5)');
});

test("speculative analysis never changes the program's own bindings (a helper called with concrete and symbolic sizes)", () => {
  const text = `import torch
def state(n):
    h = torch.zeros(1, n, 4)
    return h
s = state(3)
def unused(bsz):
    return state(bsz)
`;
  const a = analyzePython(text);
  assert.equal(hover(a, text, 3, 'h'), 'h: Tensor[float32] (1, 3, 4)');
  assert.deepEqual(a.records.map((r) => [r.name, r.text]), [['h', 'Tensor[float32] (1, 3, 4)'], ['s', 'Tensor[float32] (1, 3, 4)']]);
});

test('B, T = x.shape refines a parameter; x.size(0) names the size; nothing is named inside a loop', () => {
  const text = `import torch
def f(x, y, batches):
    B, T = x.shape
    z = x.view(-1)
    n = y.size(0)
    w = torch.zeros(n, T)
    for b in batches:
        k = b.size(0)
        v = torch.zeros(k, 2)
    return z
`;
  const a = analyzePython(text);
  assert.equal(hover(a, text, 4, 'z'), 'z: Tensor[?] (B*T,)');
  assert.equal(hover(a, text, 6, 'w'), 'w: Tensor[float32] (n, T)');
  assert.equal(hover(a, text, 9, 'v'), 'v: Tensor[float32] (?, 2)');
});

test('symbolic dim arithmetic: products without parentheses, H+H = 2*H, H-H = 0, factors, join', () => {
  assert.equal(dimMul(dimMul('B', 'T'), 'H'), 'B*T*H');
  assert.equal(dimMul(dimAdd('a', 'b'), 2), '(a+b)*2');
  assert.equal(dimAdd('H', 'H'), '2*H');
  assert.equal(dimAdd('T', -4), 'T-4');
  assert.equal(dimSub('H', 'H'), 0);
  assert.deepEqual(dimFactors('B*T*2'), ['B', 'T', 2]);
  assert.deepEqual(dimFactors('(a+b)*2'), ['(a+b)*2']);
  assert.deepEqual(dimFactors('len(lengths)*H'), ['len(lengths)', 'H']);
  assert.equal(joinDim('B', 'B'), 'B');
  assert.equal(joinDim('B', 'T'), null);
  assert.equal(joinDim('B', 3), null);
});
