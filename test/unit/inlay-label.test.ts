// Compact inlay labels (extension/providers/inlayLabel.ts) on the engine's real labels: the seed-000 example's packed
// hints fit VS Code's default 43-character limit with their batch_sizes whole, a long packed batch is run-length
// encoded (and decodes back to PyTorch's batch_sizes), the LSTM state tuple reads like its hover, and nothing is
// longer than the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePython, type Analysis } from '../../runtime/analysis/api';
import { compactInlayLabel, fitLine, MAX_INLAY_LABEL, runLength, type CompactHint } from '../../extension/providers/inlayLabel';

const ROOT = join(__dirname, '../..');

/** Each hint as the provider shows it: compacted, then fitted with the other hints of its line. */
function hints(a: Analysis): Map<string, { label: string; tooltip: string }> {
  const lines = new Map<number, { name: string; compact: CompactHint }[]>();
  for (const h of a.inlayHints) {
    const rec = a.records.find((r) => r.span.line === h.line && r.span.endCol === h.col);
    assert.ok(rec, `no record for the hint at ${h.line}:${h.col}`);
    lines.set(h.line, [...(lines.get(h.line) ?? []), { name: rec.name, compact: compactInlayLabel(h.label, rec.name, rec.text, rec) }]);
  }
  const out = new Map<string, { label: string; tooltip: string }>();
  for (const [line, list] of lines) {
    const labels = fitLine(list.map((x) => x.compact));
    const shown = labels.map((l) => `: ${l}`).join('');
    assert.ok(shown.length <= MAX_INLAY_LABEL + 2, `line ${line}'s hints exceed VS Code's 43 characters: ${shown}`);
    list.forEach((x, i) => out.set(x.name, { label: labels[i], tooltip: x.compact.tooltip }));
  }
  return out;
}

test('seed 000 example: packed hints fit whole, tensors unchanged, tooltips carry the hover text', () => {
  const src = readFileSync(join(ROOT, 'examples/pack_chars.py'), 'utf8');
  const h = hints(analyzePython(src));
  assert.deepEqual(h.get('packed_input'), {
    label: 'packed (18, 4) bs[3,3,3,3,2,2,1,1]',
    tooltip: 'packed_input: PackedSequence data (18, 4) batch_sizes [3,3,3,3,2,2,1,1]',
  });
  // packed_output shares its line with ht and ct (VS Code's limit is per line): its shape alone, the rest in the tooltip
  assert.deepEqual([h.get('packed_output')?.label, h.get('ht')?.label, h.get('ct')?.label], ['packed (18, 5)', '(1, 3, 5)', '(1, 3, 5)']);
  assert.equal(h.get('packed_output')?.tooltip, 'packed_output: PackedSequence data (18, 5) batch_sizes [3,3,3,3,2,2,1,1]');
  assert.deepEqual(h.get('embedded_seq_tensor'), { label: '(3, 8, 4)', tooltip: 'embedded_seq_tensor: Tensor[float32] (3, 8, 4)' });
  assert.equal(h.get('seq_tensor')?.tooltip, 'seq_tensor: Tensor[int64] (3, 8)');
});

test('the LSTM state tuple bound to one name reads (h_n (1, 3, 5), c_n (1, 3, 5))', () => {
  const src = readFileSync(join(ROOT, 'examples/pack_chars.py'), 'utf8').replace('packed_output, (ht, ct) = lstm(packed_input)', 'packed_output, (ht, ct) = lstm(packed_input)\nhidden = lstm(packed_input)[1]');
  const h = hints(analyzePython(src));
  assert.deepEqual(h.get('hidden'), { label: '(h_n (1, 3, 5), c_n (1, 3, 5))', tooltip: 'hidden: (h_n (1, 3, 5), c_n (1, 3, 5))' });
});

test('a long packed batch: batch_sizes run-length encoded, losslessly (PyTorch: lengths 50, 30, 10 → 10×3, 20×2, 20×1)', () => {
  const src = 'import torch\nfrom torch.nn.utils.rnn import pack_padded_sequence\nx = torch.randn(3, 50, 8)\npacked = pack_padded_sequence(x, [50, 30, 10], batch_first=True)\n';
  const h = hints(analyzePython(src)).get('packed');
  assert.deepEqual(h, { label: 'packed (90, 8) bs[3×10,2×20,1×20]', tooltip: `packed: PackedSequence data (90, 8) batch_sizes [${[...Array(10).fill(3), ...Array(20).fill(2), ...Array(20).fill(1)].join(',')}]` });
});

test('fitLine shortens the longest hint first and only as far as needed', () => {
  const packed: CompactHint = { label: 'packed (18, 5) bs[3,3,3,3,2,2,1,1]', short: 'packed (18, 5)', tooltip: '' };
  const state: CompactHint = { label: '(h_n (1, 3, 5), c_n (1, 3, 5))', short: '((1, 3, 5), (1, 3, 5))', tooltip: '' };
  assert.deepEqual(fitLine([packed]), ['packed (18, 5) bs[3,3,3,3,2,2,1,1]']);
  assert.deepEqual(fitLine([state]), ['(h_n (1, 3, 5), c_n (1, 3, 5))']);
  // 36 + 32 characters: the packed hint shortens first (48, still too long), then the state tuple (40)
  assert.deepEqual(fitLine([packed, state]), ['packed (18, 5)', '((1, 3, 5), (1, 3, 5))']);
  assert.deepEqual(fitLine([packed, { label: '(3,)', tooltip: '' }]), ['packed (18, 5) bs[3,3,3,3,2,2,1,1]', '(3,)']);
});

test('labels that still do not fit are cut with …; run-length encoding keeps single items bare', () => {
  assert.equal(runLength(['5', '4', '4', '1']), '5,4×2,1');
  const many = Array.from({ length: 30 }, (_, i) => String(30 - i));
  const h = compactInlayLabel('packed data (465, 16) batch_sizes [30,29,…]', 'p', undefined, { kind: 'packed', data_shape: [465, 16], batch_sizes: many.map(Number) });
  assert.equal(h.label.length, MAX_INLAY_LABEL);
  assert.match(h.label, /^packed \(465, 16\) bs\[30,29,28,.*…\]$/);
  assert.equal(h.tooltip, `p: PackedSequence data (465, 16) batch_sizes [${many.join(',')}]`);
  const long = compactInlayLabel('(batch_size, max_len_of_the_batch, embedding_dim_plus_extra)', 'x', undefined);
  assert.equal(long.label, '(batch_size, max_len_of_the_batch, embed…');
  assert.equal(long.label.length, MAX_INLAY_LABEL);
});
