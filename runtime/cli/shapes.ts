// `rnn-lens shapes FILE.py|FILE.ipynb [--json] [--lines A-B]`: the static shape of every assignment. The human form
// prints `line:col name  shape` lines (notebooks: `cell N line:col …`) plus diagnostics; --json prints
// {"file": basename, "records": [...]} in the fixtures' record schema (a dim is a number, a string or null).
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { CliError, parseArgs, parseLineRange, type Subcommand } from './common';
import { analyzeNotebook, analyzePython, describeValue, SourceError, type Analysis } from '../analysis/api';

/** Larger inputs are refused with a message (the engine is linear, but a 50 MB "Python file" is not code). */
const MAX_BYTES = 20 * 1024 * 1024;

function readSource(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new CliError(`cannot read '${path}': no such file`);
  }
  if (st.isDirectory()) throw new CliError(`'${path}' is a directory, not a .py or .ipynb file`);
  if (st.size > MAX_BYTES) throw new CliError(`'${path}' is ${(st.size / 1e6).toFixed(1)} MB: larger than the ${MAX_BYTES / 1e6} MB the shape engine reads`);
  const buf = readFileSync(path);
  const probe = buf.subarray(0, 8192);
  if (probe.includes(0)) throw new CliError(`'${path}' is a binary file, not Python source`);
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function analyze(path: string, text: string, lines?: { start: number; end: number }): Analysis {
  try {
    if (path.toLowerCase().endsWith('.ipynb')) {
      if (lines) throw new CliError('--lines applies to .py files; for notebooks the whole notebook is analysed');
      return analyzeNotebook(text);
    }
    return analyzePython(text, { lines });
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
        const { span: _span, ...rest } = r;
        return rest;
      });
      const body = records.map((r) => `  ${JSON.stringify(r)}`).join(',\n');
      process.stdout.write(`{"file": ${JSON.stringify(basename(path))}, "records": [\n${body}\n]}\n`);
      return 0;
    }
    const out: string[] = [];
    for (const b of [...a.interpreter.bindings.values()].sort((p, q) => p.from - q.from)) {
      if (!b.recorded) continue;
      const rec = a.records.find((r) => r.span && a.hoverAt(r.span.line, r.span.col, r.cell)?.name === b.name && r.name === b.name);
      if (!rec) continue;
      const where = rec.cell !== undefined ? `cell ${rec.cell} ${rec.line}:${rec.col}` : `${rec.line}:${rec.col}`;
      out.push(`${where} ${b.name}  ${describeValue(b.value)}`);
    }
    const uniq = [...new Set(out)];
    for (const d of [...a.parseErrors, ...a.diagnostics]) {
      const where = d.span.cell !== undefined ? `cell ${d.span.cell} ${d.span.line}:${d.span.col}` : `${d.span.line}:${d.span.col}`;
      uniq.push(`${where} ${d.severity} ${d.code}: ${d.message}`);
    }
    process.stdout.write(uniq.join('\n') + (uniq.length ? '\n' : ''));
    return 0;
  },
};
export default command;
