// Pipelines beyond seeds 000-003: seed 004 (a Dataset with numpy-random lengths, a DataLoader with a collate_fn, a
// model packing with enforce_sorted=False — Steps with shapes and no invented numbers), a dict vocabulary with
// pad_sequence and the final state read three ways (h_n[-1], gather at lengths - 1, output[:, -1] on the padded
// output) against PyTorch's values (test/fixtures/run/pipelines/*.json from make_pipelines.py), and seed 000's own
// "summary of shape transformations" checked against its Steps where the code agrees with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunEngine, type RunOutput } from '../../runtime/run/engine';
import type { Step, Value as StepValue } from '../../runtime/steps/step';
import type { Value } from '../../runtime/interp/values';

const fixtures = join(__dirname, '../fixtures/run');
const read = (p: string): string => readFileSync(join(fixtures, p), 'utf8');
const engine = new RunEngine();
test.after(() => engine.dispose());

/** Every number a Step carries (tensor data, packed data). */
function numbersOf(v: StepValue): number[] {
  switch (v.kind) {
    case 'tensor':
      return v.data ?? [];
    case 'packed':
      return v.data.data ?? [];
    case 'tuple':
      return v.items.flatMap(numbersOf);
    case 'python':
      return [];
  }
}

test('seed 004: fixed-length model in a DataLoader loop, then Dataset + collate_fn + pad + sort + pack(enforce_sorted=False) with unknown lengths', async () => {
  const r = await engine.runPython(read('../shapes/cases/seed_lstm_course.py'), 'seed_lstm_course.py', { backend: 'reference' });
  assert.deepEqual(r.steps.map((s) => [s.kind, s.span.line, s.transform]), [
    ['rnn', 20, '(64, 50, 7) → (64, 50, 15), h_n (1, 64, 15)'],
    ['final-state', 22, '(64, 50, 15) → (64, 15)'],
    ['pad', 60, '3 sequences → (3, 4)'],
    ['pad', 69, '3 sequences → (3, 4)'],
    ['sort', 68, '(3, 4) → (3, 4)'],
    // the DataLoader loop, in execution order: pad the batch, apply the sort, then the model's forward
    ['pad', 126, '64 sequences → (64, ?, 7)'],
    ['sort', 125, '(64, ?, 7) → (64, ?, 7)'],
    ['pack', 109, '(64, ?, 7) → packed (?, 7)'],
    ['rnn', 111, 'packed (?, 7) → packed (?, 100), h_n (1, 64, 100)'],
    ['final-state', 113, '(1, 64, 100) → (64, 100)'],
  ]);
  // torch.randn(seq_length, …) with a numpy-random length: the torch stream is lost from there, and the run says so
  assert.deepEqual(r.messages.filter((m) => /random numbers/.test(m.message)).map((m) => [m.span?.line, m.message]), [
    [94, "random numbers: torch.randn of a size RNN Lens does not know; later random values differ from PyTorch's"],
  ]);
  const loopSteps = r.steps.filter((s) => s.span.line >= 100);
  // numpy's random lengths are unknown: the Steps say so, carry -1 / [] and never invented numbers
  const pad = loopSteps.find((s) => s.kind === 'pad')!;
  assert.match(pad.explanation, /lengths are unknown here \(they come from np\.random\.randint\(…\) at line 92: numpy's random generator is not modelled, and RNN Lens does not invent numbers\)/);
  assert.ok(pad.details.kind === 'pad');
  assert.deepEqual(pad.details.lengths, new Array(64).fill(-1));
  const sort = loopSteps.find((s) => s.kind === 'sort')!;
  assert.ok(sort.details.kind === 'sort');
  assert.deepEqual(sort.details.permutation, []);
  const pack = loopSteps.find((s) => s.kind === 'pack')!;
  assert.ok(pack.details.kind === 'pack');
  assert.deepEqual([pack.details.batchSizes, pack.details.lengths], [[], []]);
  assert.match(pack.explanation, /enforce_sorted=False: pack sorts by length itself/);
  const rnn = loopSteps.find((s) => s.kind === 'rnn')!;
  assert.ok(rnn.details.kind === 'rnn');
  assert.deepEqual([rnn.details.mode, rnn.details.inputSize, rnn.details.hiddenSize, rnn.details.packed, rnn.details.backend], ['LSTM', 7, 100, true, 'none']);
  assert.match(rnn.explanation, /runs inside a loop the run follows by shapes only/);
  for (const s of loopSteps) for (const v of [...s.inputs, ...s.outputs]) assert.deepEqual(numbersOf(v.value), [], `${s.title} ${v.name} has no numbers`);
  const fin = loopSteps.find((s) => s.kind === 'final-state')!;
  assert.match(fin.explanation, /hidden\[-1\]: h_n is \(layers×directions, batch, hidden\) = \(1, 64, 100\)/);
  // the fixed-length model: output[:, -1] of equal-length rows is their last real step, no RNNL001
  const fixed = r.steps.find((s) => s.kind === 'final-state' && s.span.line === 22)!;
  assert.equal(fixed.warnings, undefined);
  assert.match(fixed.explanation, /all rows have the same length here/);
});

/** The interpreter value bound to `name` on its line of the program. */
function valueOf(r: RunOutput, text: string, name: string, only?: RegExp): Value {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => (!only || only.test(l)) && ( new RegExp(`^\\s*${name}\\b.*=`).test(l) || new RegExp(`^\\s*[\\w, ()]*\\b${name}\\b[\\w, ()]*=`).test(l) || new RegExp(`^\\s*for [\\w, ()]*\\b${name}\\b[\\w, ()]* in `).test(l))) + 1;
  assert.ok(line > 0, name);
  const col = new RegExp(`\\b${name}\\b`).exec(lines[line - 1])!.index;
  const v = r.analysis!.valueAt(line, col);
  assert.ok(v, name);
  return v;
}

test('dict vocabulary, pad_sequence, pack(enforce_sorted=False); final state by h_n[-1], gather at lengths - 1 and output[:, -1] — values equal PyTorch on both backends', async () => {
  const text = read('pipelines/word2idx_gather.py');
  const want = JSON.parse(read('pipelines/word2idx_gather.json')) as Record<string, { shape?: number[]; data?: number[]; batch_sizes?: number[]; sorted_indices?: number[] }>;
  for (const backend of ['wasm', 'reference'] as const) {
    const r = await engine.runPython(text, 'word2idx_gather.py', { backend });
    assert.deepEqual(r.messages.filter((m) => m.severity === 'error'), []);
    assert.deepEqual(r.steps.map((s) => s.kind), ['vocab', 'index', 'pad', 'embed', 'sort', 'pack', 'rnn', 'unpack', 'unsort', 'final-state', 'final-state', 'final-state']);
    let worst = 0;
    for (const name of ['padded', 'lengths', 'output', 'h_n', 'last_hidden', 'last_gathered', 'last_padded']) {
      const v = valueOf(r, text, name);
      assert.ok(v.k === 'tensor' && v.data, `${name} has values`);
      assert.deepEqual([...v.data.shape], want[name].shape, name);
      want[name].data!.forEach((x, i) => (worst = Math.max(worst, Math.abs(v.data!.data[i] - x))));
    }
    assert.ok(worst <= 1e-4, `${backend}: max abs err ${worst}`);
    const packed = valueOf(r, text, 'packed');
    assert.ok(packed.k === 'packed');
    assert.deepEqual([packed.batchSizes, packed.sortedIndices], [want.packed.batch_sizes, want.packed.sorted_indices]);

    const by = (kind: string, line?: number): Step => r.steps.find((s) => s.kind === kind && (line === undefined || s.span.line === line))!;
    const vocab = by('vocab').details;
    assert.ok(vocab.kind === 'vocab');
    assert.deepEqual(vocab.tokens, ['<pad>', 'a', 'cat', 'dog', 'home', 'ran', 'sat', 'small', 'the']);
    assert.equal(by('index').explanation, "each token is replaced by its index in word2idx: 'a dog' → [1, 3]");
    // the explanation names the sequences
    assert.match(by('pack').explanation, /'a dog' has 2 tokens, so from time step 2 on only 2 sequences remain: batch_sizes\[2\] = 2; 'the cat sat' has 3, so from time step 3 on only 1 sequence remains: batch_sizes\[3\] = 1$/);
    assert.match(by('rnn').explanation, /'the cat sat' \(row 0\) runs 3 steps, 'a dog' \(row 1\) runs 2 steps, 'the small dog ran home' \(row 2\) runs 5 steps/);
    const fin = (line: number): Extract<Step['details'], { kind: 'final-state' }> => {
      const d = by('final-state', line).details;
      assert.ok(d.kind === 'final-state');
      return d;
    };
    // h_n[-1] and gather at lengths - 1 equal each row's last real step; output[:, -1] only for the longest row
    assert.deepEqual(fin(22).equalsOutputStep, [2, 1, 4]);
    assert.deepEqual(fin(24).equalsOutputStep, [2, 1, 4]);
    assert.match(by('final-state', 24).explanation, /lengths - 1 = \[2, 1, 4\], the last REAL step of every row/);
    assert.equal(by('final-state', 24).warnings, undefined);
    assert.deepEqual(fin(25).equalsOutputStep, [null, null, 4]);
    assert.deepEqual(by('final-state', 25).warnings, [{ code: 'RNNL001', message: 'output[:, -1] on a padded output reads padding for the shorter sequences' }]);
    assert.match(by('final-state', 25).explanation, /row b equals output\[b, \[–, –, 4\]\]/);
  }
});

test('a DataLoader over literal data (Dataset class, collate_fn padding, no shuffle): the loop runs its real batch, values equal PyTorch', async () => {
  const text = read('pipelines/dataloader_literal.py');
  const want = JSON.parse(read('pipelines/dataloader_literal.json')) as Record<string, { shape?: number[]; data?: number[]; batch_sizes?: number[]; sorted_indices?: number[] }>;
  const r = await engine.runPython(text, 'dataloader_literal.py', { backend: 'wasm' });
  assert.deepEqual(r.steps.map((s) => [s.kind, s.transform]), [
    ['vocab', '→ 15 tokens'],
    ['pad', '3 sequences → (3, 8)'],
    ['embed', '(3, 8) → (3, 8, 4)'],
    ['sort', '(3, 8, 4) → (3, 8, 4)'],
    ['pack', '(3, 8, 4) → packed (18, 4)'],
    ['rnn', 'packed (18, 4) → packed (18, 5), h_n (1, 3, 5)'],
    ['final-state', '(1, 3, 5) → (3, 5)'],
  ]);
  let worst = 0;
  for (const name of ['x', 'lengths', 'h', 'c', 'last']) {
    const v = valueOf(r, text, name, name === 'lengths' ? /^for / : undefined);
    assert.ok(v.k === 'tensor' && v.data, `${name} has values`);
    assert.deepEqual([...v.data.shape], want[name].shape, name);
    want[name].data!.forEach((x, i) => (worst = Math.max(worst, Math.abs(v.data!.data[i] - x))));
  }
  assert.ok(worst <= 1e-4, `max abs err ${worst}`);
  const packed = valueOf(r, text, 'packed');
  assert.ok(packed.k === 'packed');
  assert.deepEqual([packed.batchSizes, packed.sortedIndices], [want.packed.batch_sizes, want.packed.sorted_indices]);
  const pad = r.steps.find((s) => s.kind === 'pad')!.details;
  assert.ok(pad.kind === 'pad');
  assert.deepEqual(pad.lengths, [8, 4, 6]);
  const fin = r.steps.find((s) => s.kind === 'final-state')!.details;
  assert.ok(fin.kind === 'final-state');
  assert.deepEqual(fin.equalsOutputStep, [7, 3, 5]);
});

test("seed 000: the Steps have the shapes of the notebook's own summary of shape transformations, where the code agrees", async () => {
  const text = read('../shapes/cases/seed_pack_chars.py');
  // the notebook's last cell:  # (A X B X C) ---> Name ---> (D X E X F)
  const summary = text.split('\n').map((l) => /^#\s*\(([^)]*)\)\s*-+>\s*(\w[\w ]*?)\s*-+>\s*\(([^)]*)\)/.exec(l)).filter((m): m is RegExpExecArray => !!m);
  assert.deepEqual(summary.map((m) => m[2]), ['Sort by seqlen', 'Pack', 'LSTM', 'UnPack']);
  // its symbols, with the values the notebook states: 3 sequences, max length 8, embedding 4, hidden 5, 8 + 4 + 6 = 18
  const sym: Record<string, number> = { batch_size: 3, max_seq_len: 8, embedding_dim: 4, hidden_dim: 5, batch_sum_seq_len: 18 };
  const dims = (s: string): number[] => s.split('X').map((x) => sym[x.trim()] ?? NaN);
  const r = await engine.runPython(text, 'seed_pack_chars.py', { backend: 'wasm' });
  const shape = (v: StepValue): number[] => (v.kind === 'packed' ? v.data.shape : v.kind === 'tensor' ? v.shape : []);
  const by = (k: string): Step => r.steps.find((s) => s.kind === k)!;
  for (const [, from, name, to] of summary) {
    const step = by(name === 'Sort by seqlen' ? 'sort' : name === 'UnPack' ? 'unpack' : name === 'LSTM' ? 'rnn' : 'pack');
    const inShape = shape(step.inputs[0].value);
    const outShape = shape(step.outputs[0].value);
    if (name === 'Sort by seqlen') {
      // the code sorts the index tensor before embedding it: (batch, max_seq_len), the summary's first two dims
      assert.deepEqual([inShape, outShape], [dims(from).slice(0, 2), dims(to).slice(0, 2)]);
      continue;
    }
    assert.deepEqual([inShape, outShape], [dims(from), dims(to)], name);
  }
  const rnn = by('rnn').details;
  assert.ok(rnn.kind === 'rnn');
  assert.equal(rnn.backend, 'wasm');
});
