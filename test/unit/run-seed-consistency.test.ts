// What the seed notebooks printed and can be checked WITHOUT knowing their (unseeded) weights: the printed packed
// data must be the printed padded/embedded tensor re-ordered by PyTorch's packing, and the printed unpacked output
// the printed packed output laid back out. Values come from test/fixtures/run/seed_prints (extracted from the seed
// dumps by extract_seed_prints.py); packing uses runtime/torch/packing.ts, the same code the run engine uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../../runtime/tensor/tensor';
import { packPaddedSequence, padPackedSequence } from '../../runtime/torch/packing';

interface Print { cell: string; index: number; role: string; shape: number[]; dtype: string; values: number[]; truncated: boolean }
const prints = (seed: string): Print[] =>
  (JSON.parse(readFileSync(join(__dirname, `../fixtures/run/seed_prints/${seed}.json`), 'utf8')) as { prints: Print[] }).prints;
const pick = (seed: string, cell: string, index: number): Print => {
  const p = prints(seed).find((x) => x.cell === cell && x.index === index);
  assert.ok(p, `seed ${seed} ${cell} #${index} not extracted`);
  return p;
};
const tensorOf = (p: Print): Tensor => new Tensor(p.shape, p.dtype === 'int64' ? 'int64' : 'float32', p.values);

/** Max abs difference; the printed values are rounded, but re-ordering copies them so the error must be 0. */
function maxAbsErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'length');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('seed 000: the printed packed data IS the printed embedding, packed (lengths 8, 6, 4, batch_first)', () => {
  const embedded = tensorOf(pick('000', 'In [43]', 0)); // the sorted batch embedded: (3, 8, 4)
  assert.deepEqual([...embedded.shape], [3, 8, 4]);
  const packedData = pick('000', 'In [33]', 0);
  const batchSizes = pick('000', 'In [33]', 1);
  const p = packPaddedSequence(embedded, [8, 6, 4], true, true);
  assert.deepEqual([...p.data.shape], packedData.shape);
  assert.deepEqual([...p.batchSizes], batchSizes.values);
  assert.equal(maxAbsErr(p.data.data, Float32Array.from(packedData.values)), 0);
});

test('seed 000: the printed unpacked LSTM output is the printed packed output laid out (3, 8, 5), zeros at padding', () => {
  const packedOut = pick('000', 'In [34]', 0);
  const bs = pick('000', 'In [34]', 1).values;
  const [padded, lengths] = padPackedSequence(
    { data: tensorOf(packedOut), batchSizes: bs, sortedIndices: null, unsortedIndices: null },
    true,
  );
  const printed = pick('000', 'In [40]', 0);
  assert.deepEqual([...padded.shape], printed.shape);
  assert.deepEqual(Array.from(lengths.data), [8, 6, 4]);
  assert.equal(maxAbsErr(padded.data, Float32Array.from(printed.values)), 0);
  // ht is the last real step of every sequence: 'r' (t=7), 'm' (t=5), 'y' (t=3)
  const ht = pick('000', 'In [35]', 0).values;
  const expectedHt = [[0, 7], [1, 5], [2, 3]].flatMap(([b, t]) => Array.from(padded.data.subarray((b * 8 + t) * 5, (b * 8 + t + 1) * 5)));
  assert.equal(maxAbsErr(Float32Array.from(ht), Float32Array.from(expectedHt)), 0);
});

test('seed 001: printed packed inputs are the printed ins packed with lengths [5, 5, 4, 2]', () => {
  const ins = tensorOf(pick('001', 'In [10]', 0));
  const p = packPaddedSequence(ins, [5, 5, 4, 2], true, true);
  assert.equal(maxAbsErr(p.data.data, Float32Array.from(pick('001', 'In [11]', 0).values)), 0);
  assert.deepEqual([...p.batchSizes], pick('001', 'In [11]', 1).values);
  const [back] = padPackedSequence(p, true);
  assert.equal(maxAbsErr(back.data, Float32Array.from(pick('001', 'In [12]', 0).values)), 0);
});

test('seed 003: the printed pack of the printed pad_seq (lens [4, 3, 2])', () => {
  const padSeq = tensorOf(pick('003', 'In [8]', 0));
  const p = packPaddedSequence(padSeq, [4, 3, 2], true, true);
  assert.equal(maxAbsErr(p.data.data, Float32Array.from(pick('003', 'In [8]', 1).values)), 0);
  assert.deepEqual([...p.batchSizes], pick('003', 'In [8]', 2).values);
});

test('seed 002: the printed pack (enforce_sorted=False) of the printed embedding, with sorted/unsorted indices', () => {
  const emb = tensorOf(pick('002', 'In [35]', 0));
  const p = packPaddedSequence(emb, [3, 2, 5], true, false);
  assert.equal(maxAbsErr(p.data.data, Float32Array.from(pick('002', 'In [36]', 0).values)), 0);
  assert.deepEqual([...p.batchSizes], pick('002', 'In [36]', 1).values);
  assert.deepEqual(p.sortedIndices, pick('002', 'In [36]', 2).values);
  assert.deepEqual(p.unsortedIndices, pick('002', 'In [36]', 3).values);
});
