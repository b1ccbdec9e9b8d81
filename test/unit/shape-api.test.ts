// The analysis API the extension and the run engine code against: hover text for any name occurrence, inlay
// hints, gotcha diagnostics with codes and links, notebooks (cell + line positions, shapes flowing across cells),
// incremental re-analysis after an edit, parse errors that leave the rest analysed, and the op hooks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeNotebook, analyzePython, describeValue } from '../../runtime/analysis/api';

const SEED000 = `import torch
from torch.nn import Embedding, LSTM
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
seqs = ['long_str', 'tiny', 'medium']
vocab = ['<pad>'] + sorted(set([char for seq in seqs for char in seq]))
vectorized_seqs = [[vocab.index(tok) for tok in seq] for seq in seqs]
embed = Embedding(len(vocab), 4)
lstm = LSTM(input_size=4, hidden_size=5, batch_first=True)
seq_lengths = torch.LongTensor(list(map(len, vectorized_seqs)))
seq_tensor = torch.zeros((len(vectorized_seqs), seq_lengths.max())).long()
for idx, (seq, seqlen) in enumerate(zip(vectorized_seqs, seq_lengths)):
    seq_tensor[idx, :seqlen] = torch.LongTensor(seq)
seq_lengths, perm_idx = seq_lengths.sort(0, descending=True)
seq_tensor = seq_tensor[perm_idx]
embedded_seq_tensor = embed(seq_tensor)
packed_input = pack_padded_sequence(embedded_seq_tensor, seq_lengths.cpu().numpy(), batch_first=True)
packed_output, (ht, ct) = lstm(packed_input)
output, input_sizes = pad_packed_sequence(packed_output, batch_first=True)
last = output[:, -1]
`;

test('hover: concrete values, packed sequences, LSTM state tuples', () => {
  const a = analyzePython(SEED000);
  assert.equal(a.hoverAt(9, 3)?.text, 'seq_lengths: Tensor[int64] (3,) = [8, 4, 6]');
  assert.equal(a.hoverAt(13, 2)?.text, 'seq_lengths: Tensor[int64] (3,) = [8, 6, 4]');
  assert.equal(a.hoverAt(13, 15)?.text, 'perm_idx: Tensor[int64] (3,) = [0, 2, 1]');
  assert.equal(a.hoverAt(14, 0)?.text, 'seq_tensor: Tensor[int64] (3, 8)');
  assert.equal(a.hoverAt(16, 5)?.text, 'packed_input: PackedSequence data (18, 4) batch_sizes [3,3,3,3,2,2,1,1]');
  // a use (not a binding) of a name
  assert.equal(a.hoverAt(17, 40)?.text, 'packed_input: PackedSequence data (18, 4) batch_sizes [3,3,3,3,2,2,1,1]');
  const ht = a.hoverAt(17, 16);
  assert.equal(ht?.text, 'ht: Tensor[float32] (1, 3, 5)');
  assert.match(ht?.detail ?? '', /batch_first=True does not change it/);
  assert.equal(a.hoverAt(6, 0)?.text.startsWith('vectorized_seqs: [[6, 9, 8, 4, 1, 11, 12, 10], [12, 5, 8, 14]'), true);
  assert.equal(a.hoverAt(4, 5), null);
});

test('describeValue renders tuples with h_n/c_n labels', () => {
  const a = analyzePython('import torch.nn as nn\nimport torch\nl = nn.LSTM(4, 5)\nout, hc = l(torch.zeros(2, 3, 4))\n');
  const v = a.valueAt(4, 5);
  assert.ok(v);
  assert.equal(a.hoverAt(4, 5)?.text, 'hc: (h_n (1, 3, 5), c_n (1, 3, 5))');
  assert.equal(describeValue(v), '(Tensor[float32] (1, 3, 5), Tensor[float32] (1, 3, 5))');
});

test('inlay hints after assignment targets with known shapes', () => {
  const a = analyzePython(SEED000);
  const h = a.inlayHints.find((x) => x.line === 15);
  assert.deepEqual(h, { line: 15, col: 19, label: '(3, 8, 4)' });
  assert.ok(a.inlayHints.some((x) => x.line === 16 && x.label === 'packed data (18, 4) batch_sizes [3,3,3,3,2,2,1,1]'));
});

test('gotcha diagnostics: last padded step (RNNL001) with a link', () => {
  const a = analyzePython(SEED000);
  const d = a.diagnostics.find((x) => x.code === 'RNNL001');
  assert.ok(d, JSON.stringify(a.diagnostics));
  assert.equal(d.span.line, 19);
  assert.equal(d.severity, 'warning');
  assert.match(d.href ?? '', /^docs\/gotchas\.md#/);
});

test('unsorted lengths with enforce_sorted=True: PyTorch message, code RNNL002 and a quick fix', () => {
  const src = 'import torch\nfrom torch.nn.utils.rnn import pack_padded_sequence\nx = torch.zeros(3, 5, 2)\np = pack_padded_sequence(x, [3, 5, 2], batch_first=True)\n';
  const a = analyzePython(src);
  const d = a.diagnostics.find((x) => x.code === 'RNNL002');
  assert.ok(d, JSON.stringify(a.diagnostics));
  assert.match(d.message, /`lengths` array must be sorted in decreasing order/);
  assert.equal(d.span.line, 4);
  assert.ok(d.fix);
  assert.equal(d.fix.text, ', enforce_sorted=False');
});

test('notebooks: shapes flow across cells; positions are cell + line', () => {
  const a = analyzeNotebook([
    { kind: 'code', source: 'import torch\nx = torch.zeros(2, 5)' },
    { kind: 'markdown', source: 'text' },
    { kind: 'code', source: '%time\ny = x.t()' },
  ]);
  assert.equal(a.hoverAt(2, 0, 2)?.text, 'y: Tensor[float32] (5, 2)');
  assert.equal(a.hoverAt(2, 0, 0)?.text, 'x: Tensor[float32] (2, 5)');
  assert.deepEqual(a.records.map((r) => [r.cell, r.line, r.name]), [[0, 2, 'x'], [2, 2, 'y']]);
});

test('parse errors are located and the rest of the file is still analysed', () => {
  const a = analyzePython('import torch\nx = torch.zeros(2, 3)\ny = x +\nz = torch.ones(4)\nw = z.view(2, 2)\n');
  assert.ok(a.parseErrors.length >= 1);
  assert.equal(a.parseErrors[0].code, 'RNNL-SYNTAX');
  assert.ok(a.records.some((r) => r.name === 'x'));
  assert.ok(a.records.some((r) => r.name === 'w' && JSON.stringify((r as { shape?: unknown }).shape) === '[2,2]'));
});

test('incremental re-analysis after a one-line edit gives the same result as a fresh analysis', () => {
  const a = analyzePython(SEED000);
  const from = SEED000.indexOf('input_size=4');
  const edited = SEED000.slice(0, from) + 'input_size=3' + SEED000.slice(from + 'input_size=4'.length);
  const b = a.reanalyze(edited, [{ fromA: from, toA: from + 12, fromB: from, toB: from + 12 }]);
  const fresh = analyzePython(edited);
  assert.deepEqual(b.records.map((r) => r.text), fresh.records.map((r) => r.text));
  assert.ok(b.diagnostics.some((d) => d.message === 'input.size(-1) must be equal to input_size. Expected 3, got 4'));
});

test('hooks: the run engine sees every op with its span and can override a result', () => {
  const seen: string[] = [];
  const a = analyzePython('import torch\nimport torch.nn as nn\ng = nn.GRU(2, 3)\nout, h = g(torch.zeros(4, 1, 2))\n', {
    hooks: {
      afterOp: (call) => seen.push(`${call.op}@${call.span.line}:${call.span.col}`),
      overrideOp: (call, computed) => (call.op === 'torch.zeros' ? { ...computed, facts: { origin: 'hooked' } } : undefined),
    },
  });
  assert.deepEqual(seen, ['nn.GRU@3:4', 'torch.zeros@4:11', 'nn.GRU.forward@4:9']);
  const h = a.valueAt(4, 5);
  assert.equal(h?.k, 'tensor');
});
