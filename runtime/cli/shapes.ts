// `rnn-lens shapes FILE.py|FILE.ipynb [--json] [--lines A-B]`: the static shape of every assignment. The human form
// prints `line:col name  shape` lines (notebooks: `cell N line:col …`) plus diagnostics; --json prints
// {"file": basename, "records": [...]} in the fixtures' record schema (a dim is a number, a string or null). The
// program's own modules next to the file (`from model import Encoder`) are followed, as Python finds them.
import { basename } from 'node:path';
import { CliError, parseArgs, parseLineRange, readSourceFile, type Subcommand } from './common';
import { analyzeNotebook, analyzePython, SourceError, type Analysis } from '../analysis/api';
import { importsBeside } from '../python/module-files';

/** Larger inputs are refused with a message (the engine is linear, but a 50 MB "Python file" is not code). */
const MAX_BYTES = 20 * 1024 * 1024;

function readSource(path: string): string {
  return readSourceFile(path, MAX_BYTES, 'the shape engine reads');
}

function analyze(path: string, text: string, lines?: { start: number; end: number }): Analysis {
  try {
    if (path.toLowerCase().endsWith('.ipynb')) {
      if (lines) throw new CliError('--lines applies to .py files; for notebooks the whole notebook is analysed');
      return analyzeNotebook(text, { imports: importsBeside(path), statementReuse: false });
    }
    // one analysis, never re-analysed: no statement records (they only serve reanalyze)
    return analyzePython(text, { lines, imports: importsBeside(path), statementReuse: false });
  } catch (e) {
    if (e instanceof SourceError) throw new CliError(`${basename(path)}: ${e.message}`);
    throw e;
  }
}

const command: Subcommand = {
  async run(args: string[]): Promise<number> {
    const { positional, flags } = parseArgs(args, { valued: ['lines'], boolean: ['json'] });
    if (positional.length !== 1) throw new CliError('usage: rnn-lens shapes FILE.py|FILE.ipynb [--json] [--lines A-B]');
    const path = positional[0];
    const lines = flags.has('lines') ? parseLineRange(String(flags.get('lines'))) : undefined;
    const a = analyze(path, readSource(path), lines);
    if (flags.has('json')) {
      const records = a.records.map((r) => {
        const { span: _span, text: _text, ...rest } = r;
        return rest;
      });
      const body = records.map((r) => `  ${JSON.stringify(r)}`).join(',\n');
      process.stdout.write(`{"file": ${JSON.stringify(basename(path))}, "records": [\n${body}\n]}\n`);
      return 0;
    }
    const out: string[] = [];
    const where = (s: { line: number; col: number; cell?: number }): string => (s.cell !== undefined ? `cell ${s.cell} ${s.line}:${s.col}` : `${s.line}:${s.col}`);
    for (const r of a.records) out.push(`${where(r)} ${r.name}  ${r.text}`);
    for (const d of [...a.parseErrors, ...a.diagnostics]) out.push(`${where(d.span)} ${d.severity} ${d.code}: ${d.message}`);
    process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
    return 0;
  },
};
export default command;
