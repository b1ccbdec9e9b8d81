// The `rnn-lens` command line: dispatches to one module per subcommand (runtime/cli/*.ts). Every failure ends with a
// one-line message on stderr and a non-zero exit code, never a stack trace.
import { CliError, type Subcommand } from './cli/common';

const subcommands: Record<string, () => Promise<Subcommand>> = {
  rnn: async () => (await import('./cli/rnn')).default,
  shapes: async () => (await import('./cli/shapes')).default,
  run: async () => (await import('./cli/run')).default,
};

const USAGE = `usage: rnn-lens <command> [options]

commands:
  rnn SPEC.json [--backend wasm|reference] [--threads N]      run an LSTM/GRU/RNN spec, print the RESULT json
  shapes FILE.py|FILE.ipynb [--json] [--lines A-B]             static shapes of every assignment
  run FILE.py|FILE.ipynb [--lines A-B] [--json] [--backend B]  execute the ragged pipeline, print its Steps
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const load = subcommands[name];
  if (!load) throw new CliError(`unknown command '${name}' (expected one of: ${Object.keys(subcommands).join(', ')})`);
  const cmd = await load();
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const msg = err instanceof CliError ? err.message : err instanceof Error ? `internal error: ${err.message}` : String(err);
    process.stderr.write(`rnn-lens: ${msg.split('\n')[0]}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 70;
  },
);
