// Step.rows from the run engine (runtime/run/rows.ts): which original sequence each batch row of a step is, followed
// through sorts, packing and un-sorting. Checked on the seed scripts against the expected permutations, against the
// step data itself (the rows a sort claims really hold those sequences' indices) and against the PyTorch-generated
// step fixtures (test/fixtures/steps, rows computed there from PyTorch's own perm_idx / sorted_indices).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPythonText } from '../../runtime/run/engine';
import { assignRows, labelOf } from '../../runtime/run/rows';
import type { RunResult, Step, TensorValue } from '../../runtime/steps/step';

const caseDir = join(__dirname, '../fixtures/shapes/cases');
const stepsDir = join(__dirname, '../fixtures/steps');
const run = async (f: string): Promise<Step[]> => (await runPythonText(readFileSync(join(caseDir, f), 'utf8'), f, { backend: 'reference' })).steps;
const fixture = (name: string): RunResult => JSON.parse(readFileSync(join(stepsDir, `${name}.json`), 'utf8')) as RunResult;
const seqs = (s: Step): number[] | undefined => s.rows?.map((r) => r.sequence);
const byKind = (steps: Step[]): string[] => steps.map((s) => `${s.kind}:${JSON.stringify(seqs(s) ?? null)}`);

function tensorOf(values: Step['inputs']): TensorValue {
  const v = values.find((nv) => nv.value.kind === 'tensor')?.value;
  assert.ok(v && v.kind === 'tensor' && v.data);
  return v;
}
/** Row b of a batch-first 2-D tensor. */
const row = (t: TensorValue, b: number): number[] => t.data!.slice(b * t.shape[1], (b + 1) * t.shape[1]);

test('seed 000: rows are [0, 1, 2] up to the sort, [0, 2, 1] after it, labelled with the source strings', async () => {
  const steps = await run('seed_pack_chars.py');
  const kinds = steps.map((s) => s.kind);
  assert.deepEqual(kinds, ['vocab', 'index', 'pad', 'sort', 'embed', 'pack', 'rnn', 'unpack']);
  assert.equal(steps[0].rows, undefined, 'the vocabulary has no batch rows');
  for (const s of steps.slice(1, 4)) assert.deepEqual(seqs(s), [0, 1, 2], `${s.kind} (before the sort)`);
  for (const s of steps.slice(4)) assert.deepEqual(seqs(s), [0, 2, 1], `${s.kind} (after the sort)`);
  assert.deepEqual(steps[2].rows!.map((r) => r.label), ['long_str', 'tiny', 'medium'], 'pad rows named by their strings');
  assert.deepEqual(steps[5].rows!.map((r) => r.label), ['long_str', 'medium', 'tiny'], 'pack rows named in sorted order');
  // the sort's output row k is rows[permutation[k]], and that is what the data says: the embed's input rows are
  // the padded rows of those sequences
  const sort = steps[3];
  assert.equal(sort.details.kind, 'sort');
  const perm = sort.details.kind === 'sort' ? sort.details.permutation : [];
  assert.deepEqual(perm.map((k) => sort.rows![k].sequence), seqs(steps[4]));
  const padded = tensorOf(steps[2].outputs);
  const indices = tensorOf(steps[4].inputs);
  steps[4].rows!.forEach((r, b) => assert.deepEqual(row(indices, b), row(padded, r.sequence), `embed input row ${b} is sequence ${r.sequence}`));
  // the pack's rowOrigin indexes the step's rows: packed row 1 (t = 0, batch row 1) is 'medium'
  const pack = steps[5];
  assert.equal(pack.details.kind, 'pack');
  if (pack.details.kind === 'pack') assert.equal(pack.rows![pack.details.rowOrigin[1][1]].label, 'medium');
});

test('seed 002 (enforce_sorted=False): caller order kept through pack, RNN and unpack; the un-sort enters sorted', async () => {
  const steps = await run('seed_pad_pack.py');
  assert.deepEqual(byKind(steps), ['pad:[0,1,2]', 'embed:[0,1,2]', 'sort:[0,1,2]', 'pack:[0,1,2]', 'rnn:[0,1,2]', 'unpack:[0,1,2]', 'unsort:[2,0,1]', 'final-state:[0,1,2]']);
  const unsort = steps[6];
  assert.equal(unsort.details.kind, 'unsort');
  if (unsort.details.kind === 'unsort') assert.deepEqual(unsort.details.permutation.map((k) => unsort.rows![k].sequence), [0, 1, 2], 'the un-sort restores the caller order');
  assert.ok(steps.every((s) => s.rows!.every((r) => r.label === undefined)), 'plain integer lists have no label');
});

for (const [file, name] of [['seed_pack_chars.py', 'seed_000_pack_chars'], ['seed_pad_pack.py', 'seed_002_pad_pack']]) {
  test(`${file}: the engine's rows equal the PyTorch step fixture's rows, step kind by step kind`, async () => {
    const engine = (await run(file)).filter((s) => s.kind !== 'final-state');
    const torch = fixture(name).steps.filter((s) => s.kind !== 'final-state');
    assert.deepEqual(byKind(engine), byKind(torch));
    assert.deepEqual(engine.map((s) => s.rows?.map((r) => r.label ?? null)), torch.map((s) => s.rows?.map((r) => r.label ?? null)));
  });
}

test('labels: characters joined, words space-joined, numbers none; a pad whose rows are the index lists reversed', () => {
  assert.equal(labelOf(['t', 'i', 'n', 'y']), 'tiny');
  assert.equal(labelOf(['the', 'dog', 'ran']), 'the dog ran');
  assert.equal(labelOf([1, 2, 3]), null);
  assert.equal(labelOf('x'.repeat(60).split('')), `${'x'.repeat(39)}…`);
  const span = { line: 1, col: 0, endLine: 1, endCol: 1 };
  const base = { span, code: '', inputs: [], transform: '', explanation: '', title: '' };
  const steps: Step[] = [
    { ...base, id: 0, kind: 'index', outputs: [], details: { kind: 'index', sequences: [{ tokens: ['a', 'b'], indices: [1, 2] }, { tokens: ['c'], indices: [3] }] } },
    { ...base, id: 1, kind: 'pad', span: { ...span, line: 2, endLine: 2 }, details: { kind: 'pad', lengths: [1, 2], paddingValue: 0, batchFirst: true },
      outputs: [{ name: 'x', value: { kind: 'tensor', shape: [2, 2], dtype: 'int64', data: [3, 0, 1, 2] } }] },
  ];
  const out = assignRows(steps);
  assert.deepEqual(out[1].rows, [{ sequence: 1, label: 'c' }, { sequence: 0, label: 'ab' }], 'rows matched to index lists by their data');
  const wrong = assignRows([steps[0], { ...steps[1], outputs: [{ name: 'x', value: { kind: 'tensor', shape: [2, 2], dtype: 'int64', data: [3, 0, 9, 9] } }] }]);
  assert.deepEqual(wrong[1].rows, [{ sequence: 0 }, { sequence: 1 }], 'rows that match no index list: identity, no names');
});
