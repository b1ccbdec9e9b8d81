// `npm run bench`: RNN runtime benchmark (issue 3). Runs workloads A and B on wasm (1 and 2 threads), the reference
// TypeScript kernels and PyTorch (/usr/bin/python3, when it has torch), each measurement in its own process, then
// rewrites only the "RNN runtime" section of docs/benchmarks.md (between <!-- section:rnn --> markers).
//   npm run bench [-- --only A]      (B takes several minutes: the reference backend runs it once)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { benchmarksFile, writeBenchSection } from './report';
import { WORKLOADS, workloadLengths, type Workload } from './workloads';

const root = join(__dirname, '../..');
const loadAtStart = loadavg()[0];
const PYTHON = '/usr/bin/python3';

interface Measurement {
  label: string;
  threads: number;
  coldMs: number;
  timesMs: number[];
  note?: string;
}

/** Repetitions per workload and runner (B is heavy: fewer reps, the reference kernels run it once). */
const REPS: Record<'A' | 'B', { wasm: number; reference: number; torch: number; torchThreads: number[] }> = {
  A: { wasm: 30, reference: 10, torch: 30, torchThreads: [1, 2] },
  // B: one timed run after the cold one for wasm; a single run for the reference kernels and for PyTorch (this
  // Debian torch uses the generic reference BLAS: minutes per run), PyTorch with its default 2 threads only.
  B: { wasm: 1, reference: 0, torch: 0, torchThreads: [2] },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function runJson(cmd: string, args: string[]): { coldMs: number; timesMs: number[]; threadsInUse?: number; threads?: number; torch?: string } {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || String(r.error)).trim().split('\n').pop()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { coldMs: number; timesMs: number[] };
}

function nodeRun(w: Workload, backend: string, threads: number, reps: number): Measurement {
  process.stderr.write(`  ${w.id} ${backend} ${threads} thread(s), ${reps} reps…\n`);
  const r = runJson(process.execPath, ['--import', 'tsx', join(__dirname, 'worker.ts'), '--workload', w.id, '--backend', backend, '--threads', String(threads), '--reps', String(reps)]);
  const label = backend === 'wasm' ? `wasm (onnxruntime-web), ${threads} thread${threads > 1 ? 's' : ''}` : 'reference (TypeScript kernels)';
  const timesMs = r.timesMs.length ? r.timesMs : [r.coldMs];
  const m: Measurement = { label, threads: r.threadsInUse ?? threads, coldMs: r.coldMs, timesMs };
  if (!r.timesMs.length) m.note = 'one run only';
  report(m);
  return m;
}

let torchVersion: string | null = null;
function torchRun(w: Workload, threads: number, reps: number): Measurement | null {
  if (!existsSync(PYTHON)) return null;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  process.stderr.write(`  ${w.id} PyTorch ${threads} thread(s), ${reps} reps…\n`);
  const cfg = { batch: w.batch, T: w.T, input_size: w.inputSize, hidden_size: w.hiddenSize, num_layers: w.numLayers, bidirectional: w.bidirectional, lengths: w.packed ? workloadLengths(w) : null, threads, reps };
  const r = runJson(PYTHON, [join(__dirname, 'torch_bench.py'), JSON.stringify(cfg)]);
  torchVersion = r.torch ?? null;
  const m: Measurement = { label: `PyTorch ${r.torch} CPU, ${r.threads} thread${r.threads === 1 ? '' : 's'}`, threads: r.threads ?? threads, coldMs: r.coldMs, timesMs: r.timesMs.length ? r.timesMs : [r.coldMs] };
  if (!r.timesMs.length) m.note = 'one run only';
  report(m);
  return m;
}

/** Partial results survive an interrupted run. */
function report(m: Measurement): void {
  process.stderr.write(`    → ${m.label}: min ${fmt(Math.min(...m.timesMs))} ms, median ${fmt(median(m.timesMs))} ms, cold ${fmt(m.coldMs)} ms\n`);
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function section(results: { w: Workload; rows: Measurement[] }[]): string {
  const lines: string[] = [];
  lines.push('## RNN runtime', '');
  lines.push(`Measured by \`npm run bench\` (test/bench/run.ts) on ${new Date().toISOString().slice(0, 10)}, one run, same machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}.`);
  lines.push('Each runner in its own process; time = one `rnnForward` call (TypeScript) or one `module(input)` call under `torch.no_grad()` (PyTorch) on the already packed / padded input; "cold" = first call (for wasm it includes building the ONNX graph and creating the session). Ratio = median / median of PyTorch with the same thread count (reference: vs PyTorch 1 thread).');
  lines.push(`Machine load (1-minute load average) at start ${loadAtStart.toFixed(1)}, at end ${loadavg()[0].toFixed(1)} on ${cpus().length} cores: above ~1 the figures are inflated by other processes.`);
  lines.push('');
  for (const { w, rows } of results) {
    const lens = workloadLengths(w);
    const sum = lens.reduce((a, b) => a + b, 0);
    lines.push(`### Workload ${w.title}`, '');
    lines.push(`Packing: sum(lengths) = ${sum} of batch × T = ${w.batch * w.T} time steps run (${((1 - sum / (w.batch * w.T)) * 100).toFixed(1)}% of the padded work saved).`, '');
    lines.push('| runner | reps | min ms | median ms | cold ms | × PyTorch |', '|---|---:|---:|---:|---:|---:|');
    const torchBy = new Map(rows.filter((r) => r.label.startsWith('PyTorch')).map((r) => [r.threads, median(r.timesMs)]));
    for (const r of rows) {
      const wantThreads = r.label.startsWith('reference') ? 1 : r.threads;
      const baseThreads = torchBy.has(wantThreads) ? wantThreads : [...torchBy.keys()][0];
      const base = r.label.startsWith('PyTorch') ? undefined : torchBy.get(baseThreads);
      const ratio = base ? `${(median(r.timesMs) / base).toFixed(2)}×${baseThreads !== wantThreads ? ` (vs ${baseThreads} threads)` : ''}` : r.label.startsWith('PyTorch') ? '1×' : 'n/a';
      lines.push(`| ${r.label}${r.note ? ` (${r.note})` : ''} | ${r.timesMs.length} | ${fmt(Math.min(...r.timesMs))} | ${fmt(median(r.timesMs))} | ${fmt(r.coldMs)} | ${ratio} |`);
    }
    if (w.id === 'A') {
      const wasmBest = Math.min(...rows.filter((r) => r.label.startsWith('wasm')).map((r) => median(r.timesMs)));
      const torchBest = Math.min(...[...torchBy.values()]);
      if (Number.isFinite(torchBest)) {
        lines.push('', `Goal (wasm within 2× of PyTorch CPU on A): best wasm median ${fmt(wasmBest)} ms vs best PyTorch median ${fmt(torchBest)} ms = ${(wasmBest / torchBest).toFixed(2)}× → ${wasmBest <= 2 * torchBest ? 'met' : 'NOT met'}.`);
      }
    }
    lines.push('');
  }
  if (!torchVersion) lines.push('PyTorch column skipped: /usr/bin/python3 has no torch.', '');
  lines.push('Notes: PyTorch here is the Debian build (generic reference BLAS, see `torch.__config__.show()`); a wheel with OpenBLAS/MKL is several times faster on B. wasm runs LSTM proj_size modules on the reference kernels (onnxruntime has no projection); these workloads have none.');
  return lines.join('\n');
}


function main(): void {
  const onlyIdx = process.argv.indexOf('--only');
  const ids = (onlyIdx >= 0 ? process.argv[onlyIdx + 1].split(',') : ['A', 'B']) as ('A' | 'B')[];
  const results: { w: Workload; rows: Measurement[] }[] = [];
  for (const id of ids) {
    const w = WORKLOADS[id];
    const reps = REPS[id];
    const rows: Measurement[] = [nodeRun(w, 'wasm', 1, reps.wasm), nodeRun(w, 'wasm', 2, reps.wasm), nodeRun(w, 'reference', 1, reps.reference)];
    for (const threads of reps.torchThreads) {
      const t = torchRun(w, threads, reps.torch);
      if (t) rows.push(t);
    }
    results.push({ w, rows });
  }
  const text = section(results);
  writeBenchSection('rnn', text);
  const file = benchmarksFile;
  process.stdout.write(text + `\n\nwritten to ${file}\n`);
  spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'shapes.ts')], { cwd: root, stdio: 'inherit' }); // shape engine section
}

main();
