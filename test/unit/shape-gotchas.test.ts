// The static gotcha detectors (runtime/diagnostics/gotchas.ts): each fires on the mistake, with its code, location
// and docs/gotchas.md anchor, and stays quiet on the correct version of the same code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzePython, type Diagnostic } from '../../runtime/analysis/api';

const HEAD = 'import torch\nimport torch.nn as nn\nfrom torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\n';

function codes(src: string): Diagnostic[] {
  return analyzePython(HEAD + src).diagnostics.filter((d) => /^RNNL\d+$/.test(d.code));
}

test('RNNL001: output[:, -1] of a padded batch_first output; h_n[-1] is fine', () => {
  const bad = codes('lstm = nn.LSTM(4, 5, batch_first=True)\np = pack_padded_sequence(torch.randn(2, 3, 4), [3, 2], batch_first=True)\npo, (h, c) = lstm(p)\no, _ = pad_packed_sequence(po, batch_first=True)\nlast = o[:, -1]\n');
  assert.deepEqual(bad.map((d) => [d.code, d.span.line, d.href]), [['RNNL001', 8, 'docs/gotchas.md#last-step-padding']]);
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
