// Unit tests of the small Tensor type: shapes, dtype storage and nested-list construction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, formatShape } from '../../runtime/tensor/tensor';

test('nested lists give shape and row-major data', () => {
  const t = Tensor.fromNested([[1, 2, 3], [4, 5, 6]], 'int64');
  assert.deepEqual(t.shape, [2, 3]);
  assert.deepEqual(t.toArray(), [1, 2, 3, 4, 5, 6]);
  assert.equal(t.get(1, 2), 6);
});

test('ragged nested lists are rejected with the dim that differs', () => {
  assert.throws(() => Tensor.fromNested([[1, 2], [3]], 'float32'), /length 2 at dim 1/);
});

test('int64 storage truncates like a cast, bool stores 0/1', () => {
  assert.deepEqual(new Tensor([3], 'int64', [1.9, -1.9, 3]).toArray(), [1, -1, 3]);
  assert.deepEqual(new Tensor([2], 'bool', [5, 0]).toArray(), [1, 0]);
});

test('data length must match the shape', () => {
  assert.throws(() => new Tensor([2, 2], 'float32', [1, 2, 3]), /needs 4 values, got 3/);
});

test('shapes print like Python tuples', () => {
  assert.equal(formatShape([3, 8, 4]), '(3, 8, 4)');
  assert.equal(formatShape([3]), '(3,)');
  assert.equal(formatShape(['B', null]), '(B, ?)');
});
