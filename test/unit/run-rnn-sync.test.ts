// rnnForwardSync (the run engine's synchronous RNN on the reference kernels) gives exactly what the async
// rnnForward gives on the same backend, and matches the PyTorch fixture's h_n.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackedSequence } from '../../runtime/tensor/tensor';
import { parseSpec } from '../../runtime/rnn/spec';
import { rnnForward } from '../../runtime/rnn/forward';
import { referenceBackend } from '../../runtime/reference/rnn-stack';
import { packPaddedSequence } from '../../runtime/torch/packing';
import { rnnForwardSync } from '../../runtime/run/rnn-sync';

const spec = parseSpec(JSON.parse(readFileSync(join(__dirname, '../fixtures/rnn/cases/lstm_hx_unsorted_bidir.spec.json'), 'utf8')));
const expected = JSON.parse(readFileSync(join(__dirname, '../fixtures/rnn/cases/lstm_hx_unsorted_bidir.expected.json'), 'utf8')) as {
  h_n: { data: number[] };
};

test('rnnForwardSync equals rnnForward(reference) bit for bit, and PyTorch within 1e-5', async () => {
  const packed = packPaddedSequence(spec.input, spec.lengths!, false, false);
  const a = rnnForwardSync(spec.module, packed, [spec.h0!, spec.c0!], { intermediates: true });
  const b = await rnnForward(spec.module, packed, [spec.h0!, spec.c0!], { backend: referenceBackend, intermediates: true });
  assert.deepEqual(Array.from((a.output as PackedSequence).data.data), Array.from((b.output as PackedSequence).data.data));
  assert.deepEqual(Array.from(a.hN.data), Array.from(b.hN.data));
  assert.deepEqual(Array.from(a.cN!.data), Array.from(b.cN!.data));
  assert.equal(a.layers!.length, b.layers!.length);
  assert.equal(a.backend, 'reference');
  for (let i = 0; i < expected.h_n.data.length; i++) assert.ok(Math.abs(a.hN.data[i] - expected.h_n.data[i]) < 1e-5);
});
