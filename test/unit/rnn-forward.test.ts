// rnnForward's API contract beyond the RESULT json: packed in → packed out with the same bookkeeping, per-layer /
// per-direction traces consistent with output and h_n, caller-order steps, limits, dropout note, session reuse.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, type PackedSequence } from '../../runtime/tensor/tensor';
import { parseSpec } from '../../runtime/rnn/spec';
import { rnnForward } from '../../runtime/rnn/forward';
import { createRnnConfig } from '../../runtime/rnn/module';
import { LimitError } from '../../runtime/rnn/limits';
import { referenceBackend } from '../../runtime/reference/rnn-stack';
import { OrtRnnExecutor } from '../../runtime/onnx/executor';
import { packPaddedSequence, padPackedSequence } from '../../runtime/torch/packing';

const spec = parseSpec(JSON.parse(readFileSync(join(__dirname, '../fixtures/rnn/cases/lstm_hx_unsorted_bidir.spec.json'), 'utf8')));
const expected = JSON.parse(readFileSync(join(__dirname, '../fixtures/rnn/cases/lstm_hx_unsorted_bidir.expected.json'), 'utf8')) as {
  h_n: { data: number[] };
};
const wasm = new OrtRnnExecutor({ threads: 1 });
after(() => wasm.dispose());

for (const backend of [referenceBackend, wasm]) {
  test(`${backend.name}: packed in → packed out, traces agree with output and h_n`, async () => {
    const packed = packPaddedSequence(spec.input, spec.lengths!, false, false);
    const res = await rnnForward(spec.module, packed, [spec.h0!, spec.c0!], { backend, intermediates: true });
    const out = res.output as PackedSequence;
    assert.deepEqual(out.batchSizes, packed.batchSizes);
    assert.deepEqual(out.sortedIndices, packed.sortedIndices);
    assert.deepEqual(out.unsortedIndices, packed.unsortedIndices);
    assert.deepEqual(out.data.shape, [packed.data.shape[0], 8]);
    assert.deepEqual(res.stepsPerSequence, spec.lengths); // [2, 5, 3], caller order
    for (let i = 0; i < expected.h_n.data.length; i++) assert.ok(Math.abs(res.hN.data[i] - expected.h_n.data[i]) < 1e-5);
    const [padded] = padPackedSequence(out);
    const [T, B] = padded.shape;
    assert.equal(res.layers!.length, 2);
    const [fwd, rev] = res.layers!;
    assert.deepEqual(fwd.output.shape, [T, B, 4]);
    for (let b = 0; b < B; b++) {
      const len = spec.lengths![b];
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < 4; j++) {
          assert.ok(Math.abs(fwd.output.get(t, b, j) - padded.get(t, b, j)) < 1e-6);
          assert.ok(Math.abs(rev.output.get(t, b, j) - padded.get(t, b, 4 + j)) < 1e-6);
          if (t >= len) assert.equal(fwd.output.get(t, b, j), 0);
        }
      }
      for (let j = 0; j < 4; j++) {
        // forward h_n = output at the sequence's own last step; reverse h_n = output at t = 0
        assert.ok(Math.abs(res.hN.get(0, b, j) - fwd.output.get(len - 1, b, j)) < 1e-6);
        assert.ok(Math.abs(res.hN.get(1, b, j) - rev.output.get(0, b, j)) < 1e-6);
      }
    }
  });
}

test('wasm: one session per module, reused across calls', async () => {
  const packed = packPaddedSequence(spec.input, spec.lengths!, false, false);
  const a = await rnnForward(spec.module, packed, [spec.h0!, spec.c0!], { backend: wasm });
  const b = await rnnForward(spec.module, packed, [spec.h0!, spec.c0!], { backend: wasm });
  assert.deepEqual(Array.from(a.hN.data), Array.from(b.hN.data));
});

test('limits: too much work is refused with a clear message before any kernel runs', async () => {
  await assert.rejects(
    rnnForward(spec.module, spec.input, null, { backend: referenceBackend, limits: { maxTensorElements: 1e9, maxMultiplyAdds: 1000 } }),
    (e: unknown) => e instanceof LimitError && /needs about .* multiply-adds, above RNN Lens's limit of 1\.00e\+3/.test(e.message),
  );
});

test('dropout is ignored (eval semantics) and said so', async () => {
  const cfg = createRnnConfig('GRU', { input_size: 2, hidden_size: 3, num_layers: 2, dropout: 0.5 });
  const weights = new Map<string, Tensor>();
  const module = { config: cfg, weights };
  for (const name of ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1']) {
    const shape = name.startsWith('bias') ? [9] : [9, name.includes('ih_l0') ? 2 : 3];
    weights.set(name, new Tensor(shape, 'float32', Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => Math.sin(i))));
  }
  const res = await rnnForward(module, new Tensor([4, 2], 'float32', [1, 2, 3, 4, 5, 6, 7, 8]), null, { backend: referenceBackend });
  assert.deepEqual((res.output as Tensor).shape, [4, 3]); // unbatched (T, F) → (T, H)
  assert.deepEqual(res.hN.shape, [2, 3]);
  assert.match(res.notes.join('\n'), /dropout=0\.5 is not applied: RNN Lens runs modules in eval mode/);
});
