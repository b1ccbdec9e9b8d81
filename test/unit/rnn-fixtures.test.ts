// Every PyTorch fixture case (test/fixtures/rnn) through parseSpec + runSpec on each backend: max abs error ≤ 1e-4
// (the actual maximum is logged), integer lists exact, PyTorch-rejected cases rejected with PyTorch's message.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec, runSpec } from '../../runtime/rnn/spec';
import { referenceBackend } from '../../runtime/reference/rnn-stack';
import { TorchError } from '../../runtime/torch/errors';
import type { StackBackend } from '../../runtime/rnn/stack';
import { OrtRnnExecutor } from '../../runtime/onnx/executor';
import { loadCases, compareResult } from './rnn-fixture-cases';

const TOL = 1e-4;
const cases = loadCases();

/** PyTorch 1.13 does not check lengths > T when packing (the RNN fails later with a narrow() error); we reject at
 *  packing time with our own sentence that quotes PyTorch's later message. Every other message must be identical. */
function assertPyTorchMessage(actual: string, pytorch: string): void {
  if (pytorch.startsWith('start (') && pytorch.includes('exceeds dimension size')) {
    assert.ok(actual.startsWith('Length of all samples has to be at most the padded time dimension'), actual);
    assert.ok(actual.includes(pytorch), `${actual} should quote ${pytorch}`);
  } else {
    assert.equal(actual, pytorch);
  }
}

export function fixtureSuite(backendName: string, getBackend: () => Promise<StackBackend>): void {
  let maxErr = 0;
  let ran = 0;
  for (const c of cases) {
    test(`${backendName}: ${c.name}`, async () => {
      const backend = await getBackend();
      if (c.isError) {
        await assert.rejects(
          async () => runSpec(parseSpec(c.spec), backend),
          (e: unknown) => {
            assert.ok(e instanceof TorchError, `expected a TorchError, got ${String(e)}`);
            assert.equal(e.pythonType, c.expected.error_type);
            assertPyTorchMessage(e.message, String(c.expected.error));
            return true;
          },
        );
        return;
      }
      const result = await runSpec(parseSpec(c.spec), backend);
      const err = compareResult(c.expected, result as unknown as Record<string, unknown>);
      assert.ok(err <= TOL, `max abs err ${err} > ${TOL}`);
      maxErr = Math.max(maxErr, err);
      ran++;
    });
  }
  after(() => {
    console.log(`[rnn fixtures] backend=${backendName}: ${ran} numeric cases, max abs err ${maxErr.toExponential(3)}`);
  });
}

fixtureSuite('reference', async () => referenceBackend);

const wasm = new OrtRnnExecutor({ threads: 1 });
after(() => wasm.dispose());
fixtureSuite('wasm', async () => wasm);
