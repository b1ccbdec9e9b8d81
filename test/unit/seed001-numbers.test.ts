// End to end for the numbers seed notebook 001 printed: torch.manual_seed(0), module construction and randn draws
// through our TorchGenerator + default init, then the RNN runtime (reference backend) — every printed output of the
// seeded LSTM / RNN / GRU cells, and the LSTM tagger whose weights continue the same stream, within 1e-4 (the notebook
// prints 4 decimals). Printed values: test/fixtures/rng/seed001_printed.json (parsed from the notebook by
// gen_rng_fixtures.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, type PackedSequence } from '../../runtime/tensor/tensor';
import { createRnnConfig, loadStateDict, type RnnArgs, type RnnModule } from '../../runtime/rnn/module';
import { rnnForward, type Hidden } from '../../runtime/rnn/forward';
import { referenceBackend } from '../../runtime/reference/rnn-stack';
import { packPaddedSequence, padPackedSequence } from '../../runtime/torch/packing';
import { defaultStateDict, embeddingStateDict, linearStateDict } from '../../runtime/torch/init';
import { TorchGenerator, randn } from '../../runtime/torch/random';
import { loadFixture } from './rng-replay';

interface Printed {
  values: number[];
  truncated: boolean;
}
const cells = loadFixture<{ cells: Record<string, Printed[]> }>('seed001_printed.json').cells;

function printed(cell: number, k: number): Printed {
  return cells[String(cell)][k];
}

function assertClose(actual: ArrayLike<number>, p: Printed, where: string): void {
  const n = p.values.length;
  if (p.truncated) assert.ok(actual.length >= n, `${where}: ${actual.length} values, the notebook printed ${n}+`);
  else assert.equal(actual.length, n, `${where}: value count`);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(actual[i] - p.values[i]) <= 1e-4, `${where}[${i}]: ours ${actual[i]}, printed ${p.values[i]}`);
  }
}

function construct(type: 'LSTM' | 'GRU' | 'RNN', args: RnnArgs, gen: TorchGenerator): RnnModule {
  const config = createRnnConfig(type, args);
  return loadStateDict(config, new Map(Object.entries(defaultStateDict(config, gen))));
}

async function run(m: RnnModule, input: Tensor | PackedSequence, hx: Hidden | null) {
  return rnnForward(m, input, hx, { backend: referenceBackend });
}

function pair(h: Hidden): [Tensor, Tensor] {
  assert.ok(Array.isArray(h));
  return [h[0], h[1]];
}

test('cell 3: LSTM(3, 2) on randn input and randn (h0, c0)', async () => {
  const g = new TorchGenerator(0);
  const lstm = construct('LSTM', { input_size: 3, hidden_size: 2 }, g);
  const in1 = randn([1, 1, 3], g);
  const h0 = randn([1, 1, 2], g);
  const c0 = randn([1, 1, 2], g);
  assertClose(in1.data, printed(3, 0), 'in1');
  const r = await run(lstm, in1, [h0, c0]);
  assertClose((r.output as Tensor).data, printed(3, 1), 'out1');
  assertClose(r.hN.data, printed(3, 2), 'h1');
  assertClose(r.cN!.data, printed(3, 3), 'c1');
});

test('cell 5: stepping the sequence one element at a time', async () => {
  const g = new TorchGenerator(0);
  const lstm = construct('LSTM', { input_size: 3, hidden_size: 2 }, g);
  const ins = randn([5, 1, 3], g);
  let hidden: Hidden = [randn([1, 1, 2], g), randn([1, 1, 2], g)];
  for (let t = 0; t < 5; t++) {
    const x = new Tensor([1, 1, 3], 'float32', ins.data.subarray(t * 3, t * 3 + 3));
    const r = await run(lstm, x, hidden);
    hidden = [r.hN, r.cN!];
    assertClose((r.output as Tensor).data, printed(5, 3 * t), `step ${t} out`);
    assertClose(r.hN.data, printed(5, 3 * t + 1), `step ${t} h`);
    assertClose(r.cN!.data, printed(5, 3 * t + 2), `step ${t} c`);
  }
});

test('cells 6-7: the sequence all at once, then nn.LSTM(2, 2) built from the continuing stream', async () => {
  const g = new TorchGenerator(0);
  const lstm = construct('LSTM', { input_size: 3, hidden_size: 2 }, g);
  const ins = randn([5, 1, 3], g);
  const r = await run(lstm, ins, [randn([1, 1, 2], g), randn([1, 1, 2], g)]);
  assertClose((r.output as Tensor).data, printed(6, 0), 'outs');
  assertClose(r.hN.data, printed(6, 1), 'h');
  assertClose(r.cN!.data, printed(6, 2), 'c');
  const lstmNext = construct('LSTM', { input_size: 2, hidden_size: 2 }, g); // no manual_seed in cell 7
  const r2 = await run(lstmNext, r.output as Tensor, [r.hN, r.cN!]);
  assertClose((r2.output as Tensor).data, printed(7, 0), 'lstm_next outs');
  assertClose(r2.hN.data, printed(7, 1), 'lstm_next h');
  assertClose(r2.cN!.data, printed(7, 2), 'lstm_next c');
});

for (const [first, args] of [
  [10, { input_size: 3, hidden_size: 2, batch_first: true }],
  [16, { input_size: 3, hidden_size: 2, batch_first: true, bidirectional: true }],
  [20, { input_size: 3, hidden_size: 2, batch_first: true, bidirectional: true, num_layers: 2 }],
] as const) {
  test(`cells ${first}-${first + 3}: packed ${args.bidirectional ? 'bidirectional ' : ''}${'num_layers' in args ? '2-layer ' : ''}LSTM on randn(4, 5, 3), lengths [5, 5, 4, 2]`, async () => {
    const g = new TorchGenerator(0);
    const lstm = construct('LSTM', args, g);
    const ins = randn([4, 5, 3], g);
    const packed = packPaddedSequence(ins, [5, 5, 4, 2], true);
    const layers = ('num_layers' in args ? 2 : 1) * (args.bidirectional ? 2 : 1);
    const r = await run(lstm, packed, [Tensor.zeros([layers, 4, 2]), Tensor.zeros([layers, 4, 2])]);
    const outCell = first === 10 ? 13 : first + 1;
    assertClose((r.output as PackedSequence).data.data, printed(outCell, 0), 'packed_outs.data');
    const [outs] = padPackedSequence(r.output as PackedSequence, true);
    assertClose(outs.data, printed(outCell + 1, 0), 'pad_packed_sequence outs');
    const [h, c] = pair([r.hN, r.cN!]);
    assertClose(h.data, printed(outCell + 2, 0), 'h_n');
    assertClose(c.data, printed(outCell + 2, 1), 'c_n');
  });
}

test('cell 26: the LSTM tagger (Embedding, LSTM, Linear) drawn from the stream left by cell 20', async () => {
  const g = new TorchGenerator(0);
  construct('LSTM', { input_size: 3, hidden_size: 2, batch_first: true, bidirectional: true, num_layers: 2 }, g);
  randn([4, 5, 3], g); // cell 20; cells 21-25 draw nothing
  const emb = embeddingStateDict(9, 6, null, g).weight;
  const lstm = construct('LSTM', { input_size: 6, hidden_size: 6, batch_first: true }, g);
  const lin = linearStateDict(6, 3, true, g);
  const sent = [0, 1, 2, 3, 4]; // "The dog ate the apple"
  const x = new Tensor([1, 5, 6], 'float32', sent.flatMap((w) => Array.from(emb.data.subarray(w * 6, w * 6 + 6))));
  const r = await run(lstm, x, [Tensor.zeros([1, 1, 6]), Tensor.zeros([1, 1, 6])]);
  const outs = (r.output as Tensor).data;
  const scores: number[] = [];
  for (let t = 0; t < 5; t++) {
    const z = [0, 1, 2].map((o) => {
      let s = lin.bias.data[o];
      for (let i = 0; i < 6; i++) s += outs[t * 6 + i] * lin.weight.data[o * 6 + i];
      return s;
    });
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
    scores.push(...z.map((v) => v - lse));
  }
  assertClose(scores, printed(26, 1), 'tag_scores');
});

for (const [cell, type] of [[30, 'RNN'], [33, 'GRU']] as const) {
  test(`cell ${cell}: nn.${type}(3, 2) on randn input and randn h0`, async () => {
    const g = new TorchGenerator(0);
    const m = construct(type, { input_size: 3, hidden_size: 2 }, g);
    const in1 = randn([1, 1, 3], g);
    assertClose(in1.data, printed(cell, 0), 'in1');
    const r = await run(m, in1, randn([1, 1, 2], g));
    assertClose((r.output as Tensor).data, printed(cell, 1), 'out1');
    assertClose(r.hN.data, printed(cell, 2), 'hidden1');
  });
}
