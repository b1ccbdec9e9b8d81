// packing.ts and sort.ts against PyTorch 1.13 (test/fixtures/packing/packing_cases.json, made by
// gen_packing_cases.py): padded values, packed data, batch_sizes, sorted/unsorted indices, lengths, torch.sort's
// tie order, and PyTorch's error messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../../runtime/tensor/tensor';
import { TorchError } from '../../runtime/torch/errors';
import { invertPermutation, packPaddedSequence, packSequence, padPackedSequence, padSequence } from '../../runtime/torch/packing';
import { torchSort } from '../../runtime/torch/sort';

interface TJ { shape: number[]; data: number[] }
type Expected = Record<string, unknown> & { error?: string; error_type?: string };
interface Case {
  op: 'pad_sequence' | 'pack_padded_sequence' | 'pack_sequence' | 'sort';
  expected: Expected;
  [k: string]: unknown;
}

const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/packing/packing_cases.json'), 'utf8')) as { cases: Case[] };
const tensor = (j: TJ): Tensor => new Tensor(j.shape, 'float32', j.data);
const asJson = (t: Tensor): TJ => ({ shape: [...t.shape], data: Array.from(t.data) });

function run(c: Case): Record<string, unknown> {
  switch (c.op) {
    case 'pad_sequence':
      return { padded: asJson(padSequence((c.sequences as TJ[]).map(tensor), c.batch_first as boolean, c.padding_value as number)) };
    case 'pack_padded_sequence': {
      const p = packPaddedSequence(tensor(c.input as TJ), c.lengths as number[], c.batch_first as boolean, c.enforce_sorted as boolean);
      const [padded, lengths] = padPackedSequence(p, c.batch_first as boolean, c.padding_value as number, c.total_length as number | null);
      return {
        data: asJson(p.data), batch_sizes: p.batchSizes, sorted_indices: p.sortedIndices, unsorted_indices: p.unsortedIndices,
        padded: asJson(padded), lengths: Array.from(lengths.data),
      };
    }
    case 'pack_sequence': {
      const p = packSequence((c.sequences as TJ[]).map(tensor), c.enforce_sorted as boolean);
      return { data: asJson(p.data), batch_sizes: p.batchSizes, sorted_indices: p.sortedIndices, unsorted_indices: p.unsortedIndices };
    }
    case 'sort': {
      const r = torchSort(c.values as number[], c.descending as boolean);
      return { values: r.values, indices: r.indices };
    }
  }
}

const counts = new Map<string, number>();
for (const c of fixture.cases) {
  const n = (counts.get(c.op) ?? 0) + 1;
  counts.set(c.op, n);
  const label = c.op === 'sort' ? `sort n=${(c.values as number[]).length} desc=${String(c.descending)}` : JSON.stringify({ ...c, expected: undefined, input: undefined, sequences: undefined }).slice(0, 110);
  test(`${c.op} #${n}: ${label}${c.expected.error ? ' → error' : ''}`, () => {
    if (c.expected.error !== undefined) {
      assert.throws(() => run(c), (e: unknown) => {
        assert.ok(e instanceof TorchError, String(e));
        assert.equal(e.pythonType, c.expected.error_type);
        assert.equal(e.message, c.expected.error);
        return true;
      });
      return;
    }
    // values are exact copies (no arithmetic), so the comparison is exact
    assert.deepEqual(run(c), c.expected);
  });
}

test('invert_permutation inverts', () => {
  assert.deepEqual(invertPermutation([2, 0, 3, 1]), [1, 3, 0, 2]);
});

test('lengths > T: rejected at packing time with a message quoting the error PyTorch 1.13 raises later', () => {
  assert.throws(() => packPaddedSequence(new Tensor([5, 2, 3], 'float32'), [7, 3]), (e: unknown) => {
    assert.ok(e instanceof TorchError);
    assert.match(e.message, /at most the padded time dimension \(5\).*that is 7.*start \(8\) \+ length \(1\) exceeds dimension size \(8\)\./);
    return true;
  });
});

test('lengths as an int64 tensor behave like the list', () => {
  const x = new Tensor([3, 2, 1], 'float32', [1, 2, 3, 4, 5, 6]);
  const a = packPaddedSequence(x, [3, 1]);
  const b = packPaddedSequence(x, new Tensor([2], 'int64', [3, 1]));
  assert.deepEqual(b, a);
  assert.deepEqual(a.batchSizes, [2, 1, 1]);
  assert.throws(() => packPaddedSequence(x, new Tensor([1, 2], 'int64', [3, 1])), /'lengths' argument should be a 1D CPU int64 tensor, but got 2D cpu Long tensor/);
});
