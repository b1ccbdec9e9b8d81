// Benchmark of runtime/torch/random.ts + init.ts against PyTorch 1.13 on this machine, in one run (ratios, not
// absolute targets). Writes/replaces the "RNG" section of docs/benchmarks.md. Run: node --import tsx test/bench/rng.ts
import { spawnSync } from 'node:child_process';
import { writeBenchSection } from './report';
import { TorchGenerator, rand, randn } from '../../runtime/torch/random';
import { defaultStateDict, embeddingStateDict } from '../../runtime/torch/init';
import { createRnnConfig } from '../../runtime/rnn/module';

const N = 1_000_000;
const cases: { name: string; ours: () => unknown; torch: string }[] = [
  { name: `torch.rand(${N})`, ours: () => rand([N], new TorchGenerator(0)), torch: `torch.rand(${N})` },
  { name: `torch.randn(${N}) (AVX2 Box-Muller)`, ours: () => randn([N], new TorchGenerator(0)), torch: `torch.randn(${N})` },
  { name: `torch.randn(${N}, dtype=float64)`, ours: () => randn([N], new TorchGenerator(0), 'float64'), torch: `torch.randn(${N}, dtype=torch.float64)` },
  { name: 'torch.randn(1, 1, 3) (scalar path)', ours: () => randn([1, 1, 3], new TorchGenerator(0)), torch: 'torch.randn(1, 1, 3)' },
  { name: 'nn.LSTM(3, 2) init', ours: () => defaultStateDict(createRnnConfig('LSTM', { input_size: 3, hidden_size: 2 }), new TorchGenerator(0)), torch: 'torch.nn.LSTM(3, 2)' },
  { name: 'nn.LSTM(256, 512, num_layers=2, bidirectional=True) init', ours: () => defaultStateDict(createRnnConfig('LSTM', { input_size: 256, hidden_size: 512, num_layers: 2, bidirectional: true }), new TorchGenerator(0)), torch: 'torch.nn.LSTM(256, 512, num_layers=2, bidirectional=True)' },
  { name: 'nn.Embedding(10000, 128) init', ours: () => embeddingStateDict(10000, 128, null, new TorchGenerator(0)), torch: 'torch.nn.Embedding(10000, 128)' },
];

/** Median of `reps` timings in ms, after one warm-up. */
function time(f: () => unknown, reps: number): number {
  f();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[Math.floor(reps / 2)];
}

function torchTimes(reps: number): number[] {
  const py = [
    'import torch, time, json',
    'torch.set_num_threads(1)',
    `exprs = ${JSON.stringify(cases.map((c) => c.torch))}`,
    'out = []',
    'for e in exprs:',
    '    f = eval("lambda: " + e); torch.manual_seed(0); f(); ts = []',
    `    for _ in range(${reps}):`,
    '        t0 = time.perf_counter(); f(); ts.append((time.perf_counter() - t0) * 1000)',
    '    out.append(sorted(ts)[len(ts) // 2])',
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PyTorch timing failed: ${r.stderr.split('\n').slice(-2).join(' ')}`);
  return JSON.parse(r.stdout) as number[];
}

const reps = 7;
const ours = cases.map((c) => time(c.ours, reps));
const torch = torchTimes(reps);
const rows = cases.map((c, i) => `| ${c.name} | ${ours[i].toFixed(3)} | ${torch[i].toFixed(3)} | ${(ours[i] / torch[i]).toFixed(1)}× |`);
const section = [
  '## RNG and default init (runtime/torch/random.ts, init.ts)',
  '',
  `Median of ${reps} runs after a warm-up, same machine and run, PyTorch ${'1.13'} on 1 thread; \`node --import tsx test/bench/rng.ts\` (${new Date().toISOString().slice(0, 10)}).`,
  'Ours emulates every float32 rounding (and the FMAs) of the AVX2 kernels in scalar JavaScript, so it is slower per',
  'value than PyTorch\'s vector code; notebook-sized draws (a few thousand values) stay well under a millisecond.',
  '',
  '| draw | ours (ms) | PyTorch (ms) | ratio |',
  '|---|---:|---:|---:|',
  ...rows,
].join('\n');
writeBenchSection('rng', section);
console.log(section);
