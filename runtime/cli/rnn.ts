// `rnn-lens rnn SPEC.json [--backend wasm|reference] [--threads N]`: runs one LSTM/GRU/RNN spec and prints the
// RESULT json (schema: test/fixtures/rnn/README.md). Inputs PyTorch rejects print {"error", "error_type"} on stdout
// (exit 1) with PyTorch's message; a malformed spec or file prints {"error", "error_type": "SpecError"} (exit 2).
// Every failure also writes one line to stderr; never a stack trace.
import { readFileSync, statSync } from 'node:fs';
import { TorchError } from '../torch/errors';
import { createRnnBackend } from '../rnn/backends';
import { nodeOrtWasmPaths } from '../onnx/node-paths';
import { parseSpec, runSpec, SpecError } from '../rnn/spec';
import type { StackBackend } from '../rnn/stack';
import { CliError, parseArgs, type Subcommand } from './common';

const MAX_SPEC_BYTES = 512 * 1024 * 1024;

function chooseBackend(name: string, threads: number | undefined): StackBackend {
  switch (name) {
    case 'reference':
    case 'wasm':
      return createRnnBackend(name, { threads: threads ?? 1, wasmPaths: nodeOrtWasmPaths() });
    default:
      throw new CliError(`--backend must be wasm or reference, got '${name}'`);
  }
}

function fail(errorType: string, message: string, code: number): number {
  process.stdout.write(JSON.stringify({ error: message, error_type: errorType }) + '\n');
  process.stderr.write(`rnn-lens: ${errorType}: ${message.split('\n').join(' ')}\n`);
  return code;
}

function readSpecJson(path: string): unknown {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new SpecError(`${path}: not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof SpecError) throw e;
    throw new SpecError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (size > MAX_SPEC_BYTES) throw new SpecError(`${path}: ${size} bytes is above the ${MAX_SPEC_BYTES}-byte limit for a spec`);
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = e instanceof RangeError ? 'nested too deeply' : e instanceof Error ? e.message : String(e);
    throw new SpecError(`${path}: not valid JSON (${msg})`);
  }
}

const command: Subcommand = {
  async run(args: string[]): Promise<number> {
    const { positional, flags } = parseArgs(args, { valued: ['backend', 'threads'], boolean: [] });
    if (positional.length !== 1) throw new CliError('usage: rnn-lens rnn SPEC.json [--backend wasm|reference] [--threads N]');
    const backendName = String(flags.get('backend') ?? 'wasm');
    const threadsFlag = flags.get('threads');
    let threads: number | undefined;
    if (threadsFlag !== undefined) {
      threads = Number(threadsFlag);
      if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new CliError(`--threads must be an integer from 1 to 64, got '${String(threadsFlag)}'`);
    }
    const backend = chooseBackend(backendName, threads);
    try {
      const spec = parseSpec(readSpecJson(positional[0]));
      const result = await runSpec(spec, backend);
      process.stdout.write(JSON.stringify(result) + '\n');
      return 0;
    } catch (e) {
      if (e instanceof TorchError) return fail(e.pythonType, e.message, 1);
      if (e instanceof SpecError) return fail('SpecError', e.message, 2);
      throw e;
    } finally {
      if ('dispose' in backend && typeof backend.dispose === 'function') await backend.dispose();
    }
  },
};
export default command;
