// One benchmark measurement in its own process (ORT's thread count is fixed per process):
//   node --import tsx test/bench/worker.ts --workload A|B --backend wasm|reference --threads N --reps R
// prints {"coldMs": first run incl. session creation, "timesMs": [...]} on stdout.
import { performance } from 'node:perf_hooks';
import { rnnForward } from '../../runtime/rnn/forward';
import { referenceBackend } from '../../runtime/reference/rnn-stack';
import { OrtRnnExecutor } from '../../runtime/onnx/executor';
import { packPaddedSequence } from '../../runtime/torch/packing';
import { WORKLOADS, workloadInput, workloadLengths, workloadModule } from './workloads';

async function main(): Promise<void> {
  const arg = (name: string, def: string): string => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : def;
  };
  const w = WORKLOADS[arg('workload', 'A') as 'A' | 'B'];
  const threads = Number(arg('threads', '1'));
  const reps = Number(arg('reps', '10'));
  const backend = arg('backend', 'wasm') === 'wasm' ? new OrtRnnExecutor({ threads }) : referenceBackend;
  const module = workloadModule(w);
  const x = workloadInput(w);
  const input = w.packed ? packPaddedSequence(x, workloadLengths(w)) : x;
  const run = async (): Promise<number> => {
    const t0 = performance.now();
    await rnnForward(module, input, null, { backend });
    return performance.now() - t0;
  };
  const coldMs = await run();
  const timesMs: number[] = [];
  for (let i = 0; i < reps; i++) timesMs.push(await run());
  const threadsInUse = backend instanceof OrtRnnExecutor ? await backend.threadsInUse() : 1;
  if (backend instanceof OrtRnnExecutor) await backend.dispose();
  process.stdout.write(JSON.stringify({ coldMs, timesMs, threadsInUse }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench worker: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
