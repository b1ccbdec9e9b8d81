// Benchmark of the run engine on seed 000's pipeline (test/fixtures/run/cases/seed_pack_chars.py): cold = the first
// run in a fresh process (module loading of the engine excluded, onnxruntime-web wasm compile included), warm = later
// runs with a shared, warm wasm executor; also the reference backend. Writes the section between
// <!-- section:run --> and <!-- /section:run --> of docs/benchmarks.md. Run: node --import tsx test/bench/run-engine.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPythonText } from '../../runtime/run/engine';
import { OrtRnnExecutor } from '../../runtime/onnx/executor';

async function main(): Promise<void> {
  const text = readFileSync(join(__dirname, '../fixtures/run/cases/seed_pack_chars.py'), 'utf8');
  const wasm = new OrtRnnExecutor({ threads: 1 });
  const t0 = performance.now();
  const cold = await runPythonText(text, 'seed_pack_chars.py', { backend: 'wasm', wasm });
  const coldMs = performance.now() - t0;
  const time = async (backend: 'wasm' | 'reference', n: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await runPythonText(text, 'seed_pack_chars.py', { backend, wasm });
      out.push(performance.now() - t);
    }
    return out.sort((a, b) => a - b);
  };
  const warm = await time('wasm', 20);
  const ref = await time('reference', 20);
  await wasm.dispose();
  const med = (xs: number[]): number => xs[Math.floor(xs.length / 2)];
  const section = [
    '<!-- section:run -->',
    '## Run engine (`rnn-lens run`, seed 000 pipeline)',
    '',
    `${cold.steps.length} steps (${cold.steps.map((s) => s.kind).join(', ')}); node ${process.version}, 1 wasm thread.`,
    '',
    '| measure | time | goal |',
    '|---|---|---|',
    `| cold: first run, wasm backend (onnxruntime-web compile + 2 interpretation passes) | ${coldMs.toFixed(0)} ms | ≤ 500 ms |`,
    `| warm: wasm backend, shared executor, median of 20 | ${med(warm).toFixed(1)} ms | ≤ 20 ms |`,
    `| warm: reference backend, median of 20 | ${med(ref).toFixed(1)} ms | — |`,
    '',
    'Warm wasm runs still build one ONNX session per RNN module object per run (modules are re-created by each run), and',
    'interpret the program twice (reference pass, then the pass with the wasm results).',
    '<!-- /section:run -->',
  ].join('\n');
  const file = join(__dirname, '../../docs/benchmarks.md');
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const re = /<!-- section:run -->[\s\S]*<!-- \/section:run -->/;
  doc = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, doc);
  console.log(section);
}

void main();
