// The static gotcha detectors (runtime/diagnostics/gotchas.ts): each fires on the mistake, with its code, location
// and docs/gotchas.md anchor, and stays quiet on the correct version of the same code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzePython, type Diagnostic } from '../../runtime/analysis/api';

const HEAD = 'import torch\nimport torch.nn as nn\nfrom torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence\n';

function codes(src: string): Diagnostic[] {
  return analyzePython(HEAD + src).diagnostics.filter((d) => /^RNNL\d+$/.test(d.code));
}

test('RNNL001: output[:, -1] of a padded batch_first output; h_n[-1] is fine', () => {
  const bad = codes('lstm = nn.LSTM(4, 5, batch_first=True)\np = pack_padded_sequence(torch.randn(2, 3, 4), [3, 2], batch_first=True)\npo, (h, c) = lstm(p)\no, _ = pad_packed_sequence(po, batch_first=True)\nlast = o[:, -1]\n');
  assert.deepEqual(bad.map((d) => [d.code, d.span.line, d.href]), [['RNNL001', 8, 'docs/gotchas.md#rnnl001']]);
  const good = codes('lstm = nn.LSTM(4, 5, batch_first=True)\np = pack_padded_sequence(torch.randn(2, 3, 4), [3, 2], batch_first=True)\npo, (h, c) = lstm(p)\nlast = h[-1]\n');
  assert.deepEqual(good, []);
});

test('RNNL001 also for time-major output[-1]', () => {
  const bad = codes('gru = nn.GRU(4, 5)\np = pack_padded_sequence(torch.randn(3, 2, 4), [3, 2])\npo, h = gru(p)\no, _ = pad_packed_sequence(po)\nlast = o[-1]\n');
  assert.deepEqual(bad.map((d) => d.code), ['RNNL001']);
});

test('RNNL002: unsorted lengths, quick fix inserts enforce_sorted=False; sorted or enforce_sorted=False is quiet', () => {
  const bad = codes('p = pack_padded_sequence(torch.randn(3, 5, 2), [2, 5, 3], batch_first=True)\n');
  assert.equal(bad[0].code, 'RNNL002');
  assert.equal(bad[0].fix?.text, ', enforce_sorted=False');
  assert.deepEqual(codes('p = pack_padded_sequence(torch.randn(3, 5, 2), [2, 5, 3], batch_first=True, enforce_sorted=False)\n'), []);
  assert.deepEqual(codes('p = pack_padded_sequence(torch.randn(3, 5, 2), [5, 3, 2], batch_first=True)\n'), []);
});

test('RNNL003: lengths moved to the GPU', () => {
  const bad = codes('l = torch.tensor([3, 2])\np = pack_padded_sequence(torch.randn(2, 3, 4), l.cuda(), batch_first=True)\n');
  assert.deepEqual(bad.map((d) => d.code), ['RNNL003']);
  assert.deepEqual(codes('l = torch.tensor([3, 2])\np = pack_padded_sequence(torch.randn(2, 3, 4), l.cpu(), batch_first=True)\n'), []);
});

test('RNNL004: a zero length', () => {
  const bad = codes('p = pack_padded_sequence(torch.randn(3, 5, 2), [5, 3, 0], batch_first=True)\n');
  assert.equal(bad[0].code, 'RNNL004');
  assert.match(bad[0].message, /Length of all samples has to be greater than 0/);
});

test('RNNL006: h_n[-1] of a bidirectional RNN', () => {
  const bad = codes('lstm = nn.LSTM(4, 5, bidirectional=True)\nout, (h, c) = lstm(torch.randn(3, 2, 4))\nlast = h[-1]\n');
  assert.deepEqual(bad.map((d) => [d.code, d.severity]), [['RNNL006', 'info']]);
});

test('RNNL012: mean over the time dim of a padded output; masked mean is quiet', () => {
  const src = 'lstm = nn.LSTM(4, 5, batch_first=True)\np = pack_padded_sequence(torch.randn(2, 3, 4), [3, 2], batch_first=True)\npo, (h, c) = lstm(p)\no, lens = pad_packed_sequence(po, batch_first=True)\n';
  assert.deepEqual(codes(src + 'avg = o.mean(dim=1)\n').map((d) => d.code), ['RNNL012']);
  assert.deepEqual(codes(src + 'mask = torch.ones(2, 3, 1)\navg = (o * mask).sum(1) / lens.unsqueeze(1)\n'), []);
});

test('RNNL013: h_n[0] of a multi-layer RNN', () => {
  const bad = codes('gru = nn.GRU(4, 5, num_layers=3)\nout, h = gru(torch.randn(3, 2, 4))\nfirst = h[0]\n');
  assert.deepEqual(bad.map((d) => d.code), ['RNNL013']);
});

test('RNNL014: unpacking a GRU result as (output, (h, c))', () => {
  const bad = codes('gru = nn.GRU(4, 5, num_layers=2)\nout, (h, c) = gru(torch.randn(3, 2, 4))\n');
  assert.deepEqual(bad.map((d) => d.code), ['RNNL014']);
  assert.deepEqual(codes('lstm = nn.LSTM(4, 5)\nout, (h, c) = lstm(torch.randn(3, 2, 4))\n'), []);
});

const SEQS3 = 'seqs = [torch.randn(5, 4), torch.randn(3, 4), torch.randn(2, 4)]\n';

test('RNNL005: h_n[:, -1] and h_n.view(batch, -1) of a batch_first module; h_n[-1] / transpose(0, 1).reshape stay quiet', () => {
  const src = SEQS3 + 'x = pad_sequence(seqs, batch_first=True)\nlstm = nn.LSTM(4, 6, num_layers=2, batch_first=True)\no, (h, c) = lstm(x)\n';
  const last = codes(src + 'last = h[:, -1]\n');
  assert.deepEqual(last.map((d) => [d.code, d.span.line, d.href, d.fix?.text]), [['RNNL005', 8, 'docs/gotchas.md#rnnl005', 'h[-1]']]);
  assert.match(last[0].message, /LAST SEQUENCE.*\(2, 3, 6\)/);
  const flat = codes(src + 'flat = h.view(3, -1)\n');
  assert.deepEqual(flat.map((d) => [d.code, d.span.col, d.span.endCol]), [['RNNL005', 7, 20]]);
  assert.match(flat[0].message, /mixes the 2 layer\/direction states across sequences/);
  assert.deepEqual(codes(src + 'top = h[-1]\nflat = h.transpose(0, 1).reshape(3, -1)\nper = h.permute(1, 0, 2)\nlayers = h.view(2, 1, 3, 6)\n'), []);
  // one layer, one direction: h_n.view(N, -1) is (1, N, H) -> (N, H), correct
  assert.deepEqual(codes('gru = nn.GRU(4, 6)\no, h = gru(torch.randn(5, 3, 4))\nflat = h.view(3, -1)\n'), []);
  // batch_first=False: h_n[:, -1] is a legitimate "last sequence" read
  assert.deepEqual(codes('gru = nn.GRU(4, 6, num_layers=2)\no, h = gru(torch.randn(5, 3, 4))\nlast = h[:, -1]\n'), []);
  // ambiguous sizes (batch == num_layers): silent rather than guessing
  assert.deepEqual(codes('gru = nn.GRU(4, 6, num_layers=2, batch_first=True)\no, h = gru(torch.randn(2, 5, 4))\nflat = h.view(2, -1)\n'), []);
});

test('RNNL007: a pad_sequence(batch_first=True) batch fed to a batch_first=False module, and vice versa', () => {
  const bad = codes(SEQS3 + 'x = pad_sequence(seqs, batch_first=True)\nlstm = nn.LSTM(4, 6)\no, (h, c) = lstm(x)\n');
  assert.deepEqual(bad.map((d) => [d.code, d.span.line, d.href]), [['RNNL007', 7, 'docs/gotchas.md#rnnl007']]);
  assert.match(bad[0].message, /x is \(batch, time, ·\) = \(3, 5, 4\).*batch_first=False.*3 sequences of 5 steps read as 5 sequences of 3 steps/);
  const timeMajor = codes(SEQS3 + 'x = pad_sequence(seqs)\ngru = nn.GRU(4, 6, batch_first=True)\no, h = gru(x)\n');
  assert.deepEqual(timeMajor.map((d) => d.code), ['RNNL007']);
  assert.match(timeMajor[0].message, /\(time, batch, ·\) = \(5, 3, 4\)/);
  // through an embedding: token ids padded batch-first
  const emb = codes('ids = [torch.tensor([1, 2, 3]), torch.tensor([4, 5])]\nx = pad_sequence(ids, batch_first=True)\nemb = nn.Embedding(10, 4)\nrnn = nn.RNN(4, 6)\no, h = rnn(emb(x))\n');
  assert.deepEqual(emb.map((d) => d.code), ['RNNL007']);
  // pack_padded_sequence with the wrong batch_first (sizes chosen so PyTorch would not raise)
  const pack = codes('seqs = [torch.randn(2, 4), torch.randn(2, 4)]\nx = pad_sequence(seqs, batch_first=True)\np = pack_padded_sequence(x, [2, 2])\n');
  assert.deepEqual(pack.map((d) => d.code), ['RNNL007']);
  // correct code is quiet: matching layouts, an explicit transpose, a random tensor of unknown meaning
  assert.deepEqual(codes(SEQS3 + 'x = pad_sequence(seqs, batch_first=True)\nlstm = nn.LSTM(4, 6, batch_first=True)\no, (h, c) = lstm(x)\n'), []);
  assert.deepEqual(codes(SEQS3 + 'x = pad_sequence(seqs, batch_first=True)\nlstm = nn.LSTM(4, 6)\no, (h, c) = lstm(x.transpose(0, 1))\n'), []);
  assert.deepEqual(codes('lstm = nn.LSTM(4, 6)\no, (h, c) = lstm(torch.randn(3, 5, 4))\n'), []);
  assert.deepEqual(codes(SEQS3 + 'x = pad_sequence(seqs)\np = pack_padded_sequence(x, [5, 3, 2])\n'), []);
});

test('RNNL010: PackedSequence.data reshaped batch-major; time-major / flat views are quiet', () => {
  const src = 'lstm = nn.LSTM(4, 6, batch_first=True)\np = pack_padded_sequence(torch.randn(2, 3, 4), [3, 3], batch_first=True)\npo, (h, c) = lstm(p)\n';
  const bad = codes(src + 'grid = po.data.view(2, 3, 6)\n');
  assert.deepEqual(bad.map((d) => [d.code, d.span.line, d.href]), [['RNNL010', 7, 'docs/gotchas.md#rnnl010']]);
  assert.match(bad[0].message, /time-major and interleaved \(batch_sizes \[3, 3, 3\]|batch_sizes \[2, 2, 2\]/);
  assert.deepEqual(codes(src + 'B = 2\ngrid = po.data.reshape(B, -1, 6)\n').map((d) => d.code), ['RNNL010']);
  assert.deepEqual(codes(src + 'tm = po.data.view(3, 2, 6)\nflat = po.data.view(-1, 6)\n'), []);
});

test('RNNL008: unpacked output without total_length combined with a mask of the padded T; total_length or a mask from the lengths is quiet', () => {
  const src = 'lstm = nn.LSTM(4, 6, batch_first=True)\nx = torch.randn(2, 5, 4)\nmask = torch.ones(2, 5, 1)\np = pack_padded_sequence(x, [3, 2], batch_first=True)\npo, (h, c) = lstm(p)\n';
  const bad = codes(src + 'o, lens = pad_packed_sequence(po, batch_first=True)\ny = o * mask\n');
  // PyTorch raises here (3 vs 5 steps): next to the shape error, the explanation with its quick fix
  assert.deepEqual(bad.map((d) => [d.code, d.span.line]), [['RNNL008', 10]]);
  assert.ok(analyzePython(HEAD + src + 'o, lens = pad_packed_sequence(po, batch_first=True)\ny = o * mask\n').diagnostics.some((d) => d.code === 'RNNL-SHAPE' && d.span.line === 10));
  assert.match(bad[0].message, /o has max\(lengths\) time steps .*mask \(2, 5, 1\) has the padded input's T = 5/);
  assert.deepEqual([bad[0].fix?.text, bad[0].fix?.span.line, bad[0].href], [', total_length=5', 9, 'docs/gotchas.md#rnnl008']);
  assert.deepEqual(codes(src + 'o, lens = pad_packed_sequence(po, batch_first=True, total_length=5)\ny = o * mask\n'), []);
  assert.deepEqual(codes(src + 'o, lens = pad_packed_sequence(po, batch_first=True)\nm = torch.ones(2, 3, 1)\ny = o * m\n'), []);
  // lengths reach T: the unpacked T equals the padded T, nothing can differ
  assert.deepEqual(codes('lstm = nn.LSTM(4, 6, batch_first=True)\nx = torch.randn(2, 5, 4)\nmask = torch.ones(2, 5, 1)\np = pack_padded_sequence(x, [5, 2], batch_first=True)\npo, (h, c) = lstm(p)\no, lens = pad_packed_sequence(po, batch_first=True)\ny = o * mask\n'), []);
  // inside a function the warning stays but no literal total_length is offered
  const fn = codes('def f(x, lengths):\n    lstm = nn.LSTM(4, 6, batch_first=True)\n    m = x.new_ones(x.shape[0], x.shape[1], 1)\n    p = pack_padded_sequence(x, lengths, batch_first=True)\n    po, (h, c) = lstm(p)\n    o, lens = pad_packed_sequence(po, batch_first=True)\n    return o * m\nf(torch.randn(2, 5, 4), torch.tensor([3, 2]))\n');
  assert.deepEqual(fn.map((d) => [d.code, d.fix === undefined]), [['RNNL008', true]]);
});

test('RNNL011: pooling an embedding without padding_idx of a padded batch; padding_idx or packing is quiet', () => {
  const ids = 'ids = [torch.tensor([1, 2, 3]), torch.tensor([4, 5])]\nx = pad_sequence(ids, batch_first=True)\n';
  const bad = codes(ids + 'emb = nn.Embedding(10, 4)\ne = emb(x)\navg = e.mean(dim=1)\n');
  assert.deepEqual(bad.map((d) => [d.code, d.severity]), [['RNNL011', 'info'], ['RNNL012', 'warning']]);
  assert.deepEqual([bad[0].fix?.text, bad[0].fix?.span.line, bad[0].fix?.span.col, bad[0].href], [', padding_idx=0', 6, 24, 'docs/gotchas.md#rnnl011']);
  const pad1 = codes('ids = [torch.tensor([1, 2, 3]), torch.tensor([4, 5])]\nx = pad_sequence(ids, batch_first=True, padding_value=1)\nemb = nn.Embedding(10, 4)\ns = torch.sum(emb(x), 1)\n');
  assert.equal(pad1[0].fix?.text, ', padding_idx=1');
  assert.deepEqual(codes(ids + 'emb = nn.Embedding(10, 4, padding_idx=0)\ne = emb(x)\nm = e.max(dim=2)\n'), []);
  assert.deepEqual(codes(ids + 'emb = nn.Embedding(10, 4)\ne = emb(x)\np = pack_padded_sequence(e, [3, 2], batch_first=True)\n'), []);
});

test('RNNL015: proj_size: h_n sized as hidden_size, c_n sized as proj_size (next to the shape error); no proj_size is quiet', () => {
  const lstm = 'lstm = nn.LSTM(4, 8, num_layers=2, proj_size=3)\no, (h, c) = lstm(torch.randn(5, 2, 4))\n';
  const bad = codes(lstm + 'fc = nn.Linear(8, 2)\ny = fc(h[-1])\n');
  assert.deepEqual(bad.map((d) => [d.code, d.span.line, d.severity, d.href]), [['RNNL015', 7, 'info', 'docs/gotchas.md#rnnl015']]);
  assert.match(bad[0].message, /h \(h_n\): with proj_size=3, h_n and the output have 3 features while c_n keeps hidden_size=8/);
  assert.deepEqual(codes(lstm + 'w = h + c\n').map((d) => [d.code, d.message.split(':')[0]]), [['RNNL015', 'h (h_n) and c (c_n)']]);
  assert.deepEqual(codes(lstm + 'fc = nn.Linear(3, 2)\ny = fc(h[-1])\nz = nn.Linear(8, 2)(c[-1])\n'), []);
  assert.deepEqual(codes('lstm = nn.LSTM(4, 8)\no, (h, c) = lstm(torch.randn(5, 2, 4))\nfc = nn.Linear(3, 2)\ny = fc(h[-1])\n'), []);
});
