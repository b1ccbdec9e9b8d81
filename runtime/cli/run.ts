// `rnn-lens run FILE.py|FILE.ipynb [--lines A-B] [--json] [--backend wasm|reference]`: executes the ragged pipeline
// of a file (or a line range, or a notebook) with concrete values through the run engine (runtime/run/engine.ts) and
// prints its Steps: a table (step, code line, shape transformation, explanation) plus the run's messages, or with
// --json the whole RunResult (schema: docs/run-schema.md). Bad input ends with a one-line message.
import { basename } from 'node:path';
import { CliError, parseArgs, parseLineRange, readSourceFile, type Subcommand } from './common';
import { importsBeside } from '../python/module-files';
import { RunEngine, type RunOutput } from '../run/engine';
import { SourceError } from '../python/source';

const MAX_BYTES = 5 * 1024 * 1024;

function readSource(path: string): string {
  return readSourceFile(path, MAX_BYTES, 'a run reads');
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function table(r: RunOutput): string {
  const rows = r.steps.map((s) => [
    String(s.id),
    s.title,
    `${s.span.cell !== undefined ? `cell ${s.span.cell} ` : ''}${s.span.line}`,
    clip(s.code, 40),
    s.transform,
  ]);
  const head = ['#', 'step', 'line', 'code', 'shapes'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (row: string[]): string => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [fmt(head), fmt(widths.map((w) => '─'.repeat(w)))];
  r.steps.forEach((s, i) => {
    out.push(fmt(rows[i]));
    out.push(`${' '.repeat(widths[0] + 2)}${s.explanation}`);
    for (const w of s.warnings ?? []) out.push(`${' '.repeat(widths[0] + 2)}⚠ ${w.code}: ${w.message}`);
  });
  if (r.steps.length === 0) out.push('(no pipeline steps recognised)');
  for (const m of r.messages) {
    const where = m.span ? `${m.span.cell !== undefined ? `cell ${m.span.cell} ` : ''}line ${m.span.line}: ` : '';
    out.push(`${m.severity}: ${where}${m.message}`);
  }
  out.push(`backend ${r.backend}, ${Math.round(r.timingsMs?.total ?? 0)} ms`);
  return `${out.join('\n')}\n`;
}

const command: Subcommand = {
  async run(args: string[]): Promise<number> {
    const { positional, flags } = parseArgs(args, { valued: ['lines', 'backend'], boolean: ['json'] });
    if (positional.length !== 1) throw new CliError('usage: rnn-lens run FILE.py|FILE.ipynb [--lines A-B] [--json] [--backend wasm|reference]');
    const path = positional[0];
    const backend = String(flags.get('backend') ?? 'wasm');
    if (backend !== 'wasm' && backend !== 'reference') throw new CliError(`--backend must be wasm or reference, got '${backend}'`);
    const lines = flags.has('lines') ? parseLineRange(String(flags.get('lines'))) : undefined;
    const text = readSource(path);
    const isNotebook = path.toLowerCase().endsWith('.ipynb');
    if (isNotebook && lines) throw new CliError('--lines applies to .py files; for notebooks the whole notebook is run');
    const engine = new RunEngine();
    let r: RunOutput;
    try {
      const imports = importsBeside(path);
      r = isNotebook ? await engine.runNotebook(text, basename(path), { backend, imports }) : await engine.runPython(text, basename(path), { backend, lines, imports });
    } catch (e) {
      if (e instanceof SourceError) throw new CliError(`${basename(path)}: ${e.message}`);
      throw e;
    } finally {
      await engine.dispose();
    }
    if (flags.has('json')) {
      const { analysis: _analysis, observations: _obs, ...json } = r;
      process.stdout.write(`${JSON.stringify(json)}\n`);
    } else {
      process.stdout.write(table(r));
    }
    return r.messages.some((m) => m.severity === 'error' && !m.span) ? 1 : 0;
  },
};
export default command;
