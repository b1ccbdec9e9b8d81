// The `seed` cases of the RNN fixtures (test/fixtures/rnn/cases/seed*.spec.json: PyTorch's default init right after
// torch.manual_seed(n), copied from ../shared/fixtures/rnn) written as the Python a user would write — manual_seed,
// nn.LSTM/GRU(...), torch.tensor literals, pack_padded_sequence, the module call, pad_packed_sequence — and run by
// the run engine on both backends: output, h_n, c_n, batch_sizes and sorted indices must equal PyTorch's (≤ 1e-4),
// the wasm run's RNN step must really come from wasm, and wasm and reference must agree with each other (≤ 1e-5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunEngine, type RunOutput } from '../../runtime/run/engine';
import type { Value } from '../../runtime/interp/values';

const dir = join(__dirname, '../fixtures/rnn/cases');
const CASES = ['seed0_gru_unsorted', 'seed0_lstm_3_2_packed_notebook', 'seed1_lstm_3_3_tutorial', 'seed42_gru_2layer_packed'];

interface Arr {
  shape: number[];
  data: number[];
}
interface Spec {
  module: { type: 'LSTM' | 'GRU' | 'RNN'; input_size: number; hidden_size: number; num_layers: number; bias: boolean; batch_first: boolean; bidirectional: boolean; nonlinearity?: string; proj_size?: number };
  seed: number;
  input: Arr;
  lengths: number[] | null;
  enforce_sorted?: boolean;
  total_length: number | null;
  hx: null | { h0: Arr; c0?: Arr };
}
interface Expected {
  output: Arr;
  h_n: Arr;
  c_n?: Arr;
  batch_sizes: number[] | null;
  sorted_indices: number[] | null;
}

/** A flat row-major array as a nested Python list literal (float32 values in their shortest exact decimal form). */
function literal(a: Arr): string {
  const f = new Float32Array(a.data);
  const rec = (dim: number, off: number): string => {
    if (dim === a.shape.length) return String(f[off]);
    const stride = a.shape.slice(dim + 1).reduce((x, y) => x * y, 1);
    const parts: string[] = [];
    for (let i = 0; i < a.shape[dim]; i++) parts.push(rec(dim + 1, off + i * stride));
    return `[${parts.join(', ')}]`;
  };
  return rec(0, 0);
}

const py = (b: boolean): string => (b ? 'True' : 'False');

/** The Python program of a spec; returns the text and the line of each name to read back. */
function program(s: Spec): { text: string; lines: Record<string, number> } {
  const m = s.module;
  const args = [`input_size=${m.input_size}`, `hidden_size=${m.hidden_size}`, `num_layers=${m.num_layers}`, `bias=${py(m.bias)}`, `batch_first=${py(m.batch_first)}`, `bidirectional=${py(m.bidirectional)}`];
  if (m.nonlinearity && m.type === 'RNN') args.push(`nonlinearity='${m.nonlinearity}'`);
  if (m.proj_size) args.push(`proj_size=${m.proj_size}`);
  const out: string[] = [
    'import torch',
    'import torch.nn as nn',
    'from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence',
    `torch.manual_seed(${s.seed})`,
    `rnn = nn.${m.type}(${args.join(', ')})`,
    `x = torch.tensor(${literal(s.input)})`,
  ];
  let hx = '';
  if (s.hx) {
    out.push(`h0 = torch.tensor(${literal(s.hx.h0)})`);
    if (s.hx.c0) out.push(`c0 = torch.tensor(${literal(s.hx.c0)})`);
    hx = s.hx.c0 ? ', (h0, c0)' : ', h0';
  }
  const state = m.type === 'LSTM' ? '(h_n, c_n)' : 'h_n';
  const lines: Record<string, number> = {};
  if (s.lengths) {
    out.push(`packed = pack_padded_sequence(x, ${JSON.stringify(s.lengths)}, batch_first=${py(m.batch_first)}, enforce_sorted=${py(s.enforce_sorted ?? true)})`);
    lines.packed = out.length;
    out.push(`packed_out, ${state} = rnn(packed${hx})`);
    lines.state = out.length;
    out.push(`output, output_lengths = pad_packed_sequence(packed_out, batch_first=${py(m.batch_first)}${s.total_length ? `, total_length=${s.total_length}` : ''})`);
    lines.output = out.length;
  } else {
    out.push(`output, ${state} = rnn(x${hx})`);
    lines.output = out.length;
    lines.state = out.length;
  }
  return { text: `${out.join('\n')}\n`, lines };
}

/** The value bound to `name` on `line` (searching the line for the name's column). */
function valueOf(r: RunOutput, text: string, line: number, name: string): Value {
  const src = text.split('\n')[line - 1];
  const col = new RegExp(`\\b${name}\\b`).exec(src)?.index;
  assert.ok(col !== undefined, `${name} on line ${line}`);
  const v = r.analysis!.valueAt(line, col);
  assert.ok(v, `${name} has a value`);
  return v;
}

function maxDiff(actual: Value, expected: Arr, what: string): number {
  assert.ok(actual.k === 'tensor' && actual.data, `${what} has values`);
  assert.deepEqual([...actual.data.shape], expected.shape, `${what} shape`);
  let m = 0;
  expected.data.forEach((x, i) => (m = Math.max(m, Math.abs(actual.data!.data[i] - x))));
  return m;
}

const engine = new RunEngine();
const runs = new Map<string, { wasm: RunOutput; reference: RunOutput; text: string; lines: Record<string, number> }>();

test('rnn seed cases as Python: every output equals PyTorch on both backends (≤ 1e-4)', async (t) => {
  let worst = 0;
  try {
    for (const name of CASES) {
      const spec = JSON.parse(readFileSync(join(dir, `${name}.spec.json`), 'utf8')) as Spec;
      const exp = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as Expected;
      const { text, lines } = program(spec);
      const pair = {
        wasm: await engine.runPython(text, `${name}.py`, { backend: 'wasm' }),
        reference: await engine.runPython(text, `${name}.py`, { backend: 'reference' }),
        text,
        lines,
      };
      runs.set(name, pair);
      for (const backend of ['wasm', 'reference'] as const) {
        const r = pair[backend];
        assert.deepEqual(r.messages.filter((m) => m.severity === 'error'), [], `${name} ${backend}`);
        const rnnSteps = r.steps.filter((s) => s.kind === 'rnn');
        assert.equal(rnnSteps.length, 1, `${name} ${backend}: one RNN step`);
        const d = rnnSteps[0].details;
        assert.ok(d.kind === 'rnn');
        assert.equal(d.backend, backend, `${name}: the ${backend} run's RNN numbers come from ${backend}`);
        assert.match(d.weightsSource, new RegExp(`torch\\.manual_seed\\(${spec.seed}\\)`));
        const errs = [
          maxDiff(valueOf(r, text, lines.output, 'output'), exp.output, `${name} ${backend} output`),
          maxDiff(valueOf(r, text, lines.state, 'h_n'), exp.h_n, `${name} ${backend} h_n`),
        ];
        if (exp.c_n) errs.push(maxDiff(valueOf(r, text, lines.state, 'c_n'), exp.c_n, `${name} ${backend} c_n`));
        for (const e of errs) assert.ok(e <= 1e-4, `${name} ${backend}: max abs err ${e}`);
        worst = Math.max(worst, ...errs);
        if (lines.packed) {
          const p = valueOf(r, text, lines.packed, 'packed');
          assert.ok(p.k === 'packed');
          assert.deepEqual(p.batchSizes, exp.batch_sizes, `${name} batch_sizes`);
          assert.deepEqual(p.sortedIndices, exp.sorted_indices, `${name} sorted_indices`);
        }
      }
    }
  } finally {
    await engine.dispose();
  }
  t.diagnostic(`${CASES.length} seed cases x 2 backends, max abs err vs PyTorch ${worst.toExponential(2)}`);
});

test('wasm and reference runs of the same program agree on every RNN step value (≤ 1e-5)', (t) => {
  assert.equal(runs.size, CASES.length, 'the previous test ran every case');
  let worst = 0;
  let compared = 0;
  for (const [name, { wasm, reference }] of runs) {
    const a = wasm.steps.find((s) => s.kind === 'rnn')!;
    const b = reference.steps.find((s) => s.kind === 'rnn')!;
    assert.deepEqual(a.outputs.map((o) => o.name), b.outputs.map((o) => o.name), name);
    a.outputs.forEach((o, i) => {
      const x = o.value;
      const y = b.outputs[i].value;
      const data = (v: typeof x): number[] => (v.kind === 'tensor' ? (v.data ?? []) : v.kind === 'packed' ? (v.data.data ?? []) : []);
      const dx = data(x);
      const dy = data(y);
      assert.equal(dx.length, dy.length, `${name} ${o.name}`);
      assert.ok(dx.length > 0, `${name} ${o.name} has values`);
      dx.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - dy[k]))));
      compared += dx.length;
    });
  }
  assert.ok(worst <= 1e-5, `max |wasm - reference| = ${worst}`);
  t.diagnostic(`${compared} values compared, max |wasm - reference| ${worst.toExponential(2)}`);
});
