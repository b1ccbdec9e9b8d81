// The RNNL001 quick fix (runtime/diagnostics/finalStateFix.ts) against PyTorch: for each case of
// test/fixtures/rnnl001-fix/rnnl001_cases.json (LSTM/GRU/RNN, 1–3 layers, bidirectional or not, batch_first either
// way, enforce_sorted either way, h_n bound, `_`, or a state-tuple name) the fix applied to the buggy source gives
// exactly the fixed source that gen_rnnl001_cases.py ran with PyTorch 1.13, where `last` equals each sequence's last
// valid output (max abs err 0). Plus the cases where no mechanical fix is safe: no fix, and the message says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeNotebook, analyzePython, type Analysis, type Diagnostic } from '../../runtime/analysis/api';

interface FixCase {
  name: string;
  kind: string;
  num_layers: number;
  bidirectional: boolean;
  batch_first: boolean;
  source: string;
  fixed: string;
  fixed_max_abs_err: number;
  buggy_wrong_rows: number[];
}

const CASES = (JSON.parse(readFileSync(join(__dirname, '../fixtures/rnnl001-fix/rnnl001_cases.json'), 'utf8')) as { cases: FixCase[] }).cases;

/** Offsets of (1-based line, 0-based col) in a text. */
function offset(text: string, line: number, col: number): number {
  const lines = text.split('\n');
  let o = 0;
  for (let i = 0; i < line - 1; i++) o += lines[i].length + 1;
  return o + col;
}

/** Applies a diagnostic's fix (the read and its `also` edits) to the text, last edit first. */
function applyFix(text: string, d: Diagnostic): string {
  assert.ok(d.fix, `no fix on ${d.code}: ${d.message}`);
  const edits = [{ span: d.fix.span, text: d.fix.text }, ...(d.fix.also ?? [])]
    .map((e) => ({ from: offset(text, e.span.line, e.span.col), to: offset(text, e.span.endLine, e.span.endCol), text: e.text }))
    .sort((a, b) => b.from - a.from);
  let out = text;
  for (const e of edits) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

function rnnl001(a: Analysis): Diagnostic {
  const d = a.diagnostics.filter((x) => x.code === 'RNNL001');
  assert.equal(d.length, 1, JSON.stringify(a.diagnostics.map((x) => [x.code, x.message])));
  return d[0];
}

test('the PyTorch fixture covers the configurations and proves the fixed code right', () => {
  assert.ok(CASES.length >= 10);
  const kinds = new Set(CASES.map((c) => `${c.kind}/${c.bidirectional ? 'bi' : 'uni'}/${c.num_layers > 1 ? 'multi' : 'one'}/${c.batch_first ? 'bf' : 'tm'}`));
  for (const k of ['LSTM/uni/one/bf', 'LSTM/uni/one/tm', 'LSTM/uni/multi/tm', 'GRU/bi/one/bf', 'LSTM/bi/multi/tm', 'RNN/uni/multi/bf']) assert.ok(kinds.has(k), k);
  for (const c of CASES) {
    assert.equal(c.fixed_max_abs_err, 0, c.name);
    assert.ok(c.buggy_wrong_rows.length > 0, `${c.name}: output[:, -1] was right on every row, the case proves nothing`);
  }
});

for (const c of CASES) {
  test(`RNNL001 fix, ${c.name}: gives the source PyTorch checked`, () => {
    const d = rnnl001(analyzePython(c.source));
    assert.equal(applyFix(c.source, d), c.fixed);
    // the title and the message name the replacement
    const expr = /^last = (.*)$/m.exec(c.fixed)![1];
    assert.ok(d.fix!.title.startsWith(`Use ${expr} (`), d.fix!.title);
    assert.match(d.message, new RegExp(`Use ${expr.replace(/[()[\]\\.]/g, '\\$&')}, the final hidden state`));
    if (c.bidirectional) assert.match(d.fix!.title, /forward and backward/);
    // after the fix the file is clean of RNNL001 (and of the bidirectional h_n[-1] info, RNNL006)
    const after = analyzePython(c.fixed).diagnostics.filter((x) => /^RNNL\d+$/.test(x.code));
    assert.deepEqual(after.map((x) => x.code), []);
  });
}

const HEAD = 'import torch\nfrom torch import nn\nfrom torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence\n';
const PIPE = 'x = torch.randn(3, 6, 4)\npacked = pack_padded_sequence(x, [5, 3, 2], batch_first=True)\n';

function noFix(src: string): Diagnostic {
  const d = rnnl001(analyzePython(src));
  assert.equal(d.fix, undefined, `unexpected fix ${JSON.stringify(d.fix)}`);
  return d;
}

test('RNNL001 without a fix when it cannot be done mechanically: the message says why', () => {
  const padSeq = noFix(HEAD + 'seqs = [torch.randn(5, 4), torch.randn(3, 4)]\nb = pad_sequence(seqs, batch_first=True)\nlast = b[:, -1]\n');
  assert.match(padSeq.message, /No quick fix: this padded batch comes from pad_sequence, not from an RNN/);
  const rebound = noFix(HEAD + PIPE + 'lstm = nn.LSTM(4, 5, batch_first=True)\npo, (h, c) = lstm(packed)\nh = torch.zeros(1)\no, _ = pad_packed_sequence(po, batch_first=True)\nlast = o[:, -1]\n');
  assert.match(rebound.message, /No quick fix: h is assigned again between the LSTM call and this read/);
  const taken = noFix(HEAD + PIPE + 'h_n = 3\ngru = nn.GRU(4, 5, batch_first=True)\npo, _ = gru(packed)\no, _ = pad_packed_sequence(po, batch_first=True)\nlast = o[:, -1]\n');
  assert.match(taken.message, /No quick fix: h_n is not bound \(`_`\) and the name h_n is already used/);
  const features = noFix(HEAD + PIPE + 'gru = nn.GRU(4, 5, batch_first=True)\npo, h = gru(packed)\no, _ = pad_packed_sequence(po, batch_first=True)\nlast = o[:, -1, :3]\n');
  assert.match(features.message, /No quick fix: o\[:, -1, :3\] also indexes other dims/);
  const whole = noFix(HEAD + PIPE + 'gru = nn.GRU(4, 5, batch_first=True)\nres = gru(packed)\no, _ = pad_packed_sequence(res[0], batch_first=True)\nlast = o[:, -1]\n');
  assert.match(whole.message, /No quick fix: the GRU call's result is not unpacked as \(output, h_n\)/);
  const noTorch = noFix('from torch import nn, randn\nfrom torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\nx = randn(3, 6, 4)\npacked = pack_padded_sequence(x, [5, 3, 2], batch_first=True)\ngru = nn.GRU(4, 5, batch_first=True, bidirectional=True)\npo, h = gru(packed)\no, _ = pad_packed_sequence(po, batch_first=True)\nlast = o[:, -1]\n');
  assert.match(noTorch.message, /No quick fix: the file does not `import torch`/);
});

test('RNNL001 fix inside a module\'s forward(): self.lstm, `_` named, the read in the same method', () => {
  const src = HEAD + 'class Enc(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.lstm = nn.LSTM(4, 5, num_layers=2, batch_first=True)\n\n    def forward(self, x, lengths):\n        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)\n        out, _ = self.lstm(packed)\n        out, _ = pad_packed_sequence(out, batch_first=True)\n        return out[:, -1, :]\n\nenc = Enc()\ny = enc(torch.randn(3, 6, 4), torch.tensor([2, 6, 3]))\n';
  const d = rnnl001(analyzePython(src));
  const fixed = applyFix(src, d);
  assert.match(fixed, /\n {8}out, \(h_n, c_n\) = self\.lstm\(packed\)\n {8}out, _ = pad_packed_sequence\(out, batch_first=True\)\n {8}return h_n\[-1\]\n/);
});

test('RNNL001 fix in a notebook: the read in one cell, the LSTM call (named there) in an earlier cell', () => {
  const cells = [
    { kind: 'code' as const, source: HEAD + PIPE + 'lstm = nn.LSTM(4, 5, batch_first=True, bidirectional=True)\nout, _ = lstm(packed)' },
    { kind: 'code' as const, source: 'o, lens = pad_packed_sequence(out, batch_first=True)\nsummary = o[:, -1]' },
  ];
  const d = rnnl001(analyzeNotebook(cells));
  assert.equal(d.span.cell, 1);
  assert.deepEqual([d.fix?.span.cell, d.fix?.span.line, d.fix?.text], [1, 2, 'torch.cat((h_n[-2], h_n[-1]), dim=1)']);
  assert.deepEqual(d.fix?.also?.map((e) => [e.span.cell, e.span.line, e.span.col, e.span.endCol, e.text]), [[0, 7, 5, 6, '(h_n, c_n)']]);
});
