// Incremental notebook re-analysis (Analysis.reanalyzeNotebook) equals a fresh analyzeNotebook after random edits,
// on every real-world corpus file split into cells (at each unindented line after a blank line: the way such code sits
// in a notebook). A seeded sequence of random edits — characters and digits changed, comments and lines inserted,
// characters deleted (some of them syntax errors), a cell split in two or merged with the next, a cell moved, turned
// markdown, a magic line inserted — is applied and then undone one by one; after every step the records, inlay hints,
// diagnostics, parse errors and the hover of every Name occurrence of every cell must equal the fresh analysis, and
// over the whole sequence statements must have been replayed (statement reuse really ran for the notebook).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeNotebook, type AnalyzeOptions, type NotebookCell } from '../../runtime/analysis/api';
import { observableNotebook } from './helpers/observable';
import { mulberry32 } from './helpers/prng';

const dir = join(__dirname, '..', 'fixtures', 'realworld');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.py'))
  .sort();
// only the step budget applies: outcomes must not depend on machine load
const opts: AnalyzeOptions = { limits: { timeMs: 600_000 } };

/** A .py text as notebook cells: a new cell at every unindented, non-continuation line after a blank line. */
function toCells(text: string): NotebookCell[] {
  const cells: string[][] = [[]];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const starts = i > 0 && lines[i - 1].trim() === '' && /^[A-Za-z_#@]/.test(line) && !/^(else|elif|except|finally)\b/.test(line);
    if (starts && cells[cells.length - 1].some((l) => l.trim() !== '')) cells.push([]);
    cells[cells.length - 1].push(line);
  });
  return cells.map((c) => ({ kind: 'code', source: c.join('\n').trimEnd() }));
}

function pick<T>(xs: readonly T[], rand: () => number): T {
  return xs[Math.floor(rand() * xs.length)];
}

/** One random edit of the notebook; its description for failure messages. */
function randomEdit(cells: readonly NotebookCell[], rand: () => number): { cells: NotebookCell[]; label: string } {
  const code = cells.map((c, i) => (c.kind === 'code' ? i : -1)).filter((i) => i >= 0);
  const at = code.length ? pick(code, rand) : 0;
  const lines = cells[at].source.split('\n');
  const ln = Math.floor(rand() * lines.length);
  const line = lines[ln];
  const setLines = (ls: string[]): NotebookCell[] => cells.map((c, i) => (i === at ? { ...c, source: ls.join('\n') } : c));
  const replaceLine = (text: string): NotebookCell[] => setLines([...lines.slice(0, ln), text, ...lines.slice(ln + 1)]);
  const kind = rand();
  const where = `cell ${at} line ${ln + 1}`;
  if (kind < 0.25) {
    const digits = [...line].map((c, i) => (/[0-9]/.test(c) ? i : -1)).filter((i) => i >= 0);
    if (digits.length) {
      const d = pick(digits, rand);
      return { cells: replaceLine(line.slice(0, d) + String((Number(line[d]) + 1 + Math.floor(rand() * 8)) % 10) + line.slice(d + 1)), label: `digit changed, ${where}` };
    }
    return { cells: replaceLine(`${line}  # edited`), label: `comment added, ${where}` };
  }
  if (kind < 0.4) return { cells: replaceLine(`${line}  # edited`), label: `comment added, ${where}` };
  if (kind < 0.55 && line.length) {
    const c = Math.floor(rand() * line.length);
    return { cells: replaceLine(line.slice(0, c) + line.slice(c + 1)), label: `character ${JSON.stringify(line[c])} deleted, ${where}` };
  }
  if (kind < 0.62) return { cells: setLines([...lines.slice(0, ln + 1), rand() < 0.5 ? '' : line, ...lines.slice(ln + 1)]), label: `line inserted after ${where}` };
  if (kind < 0.7 && lines.length > 1) {
    const split = 1 + Math.floor(rand() * (lines.length - 1));
    const parts: NotebookCell[] = [
      { ...cells[at], source: lines.slice(0, split).join('\n') },
      { ...cells[at], source: lines.slice(split).join('\n') },
    ];
    return { cells: [...cells.slice(0, at), ...parts, ...cells.slice(at + 1)], label: `cell ${at} split before its line ${split + 1}` };
  }
  if (kind < 0.77 && at + 1 < cells.length) {
    const merged: NotebookCell = { ...cells[at], source: `${cells[at].source}\n${cells[at + 1].source}` };
    return { cells: [...cells.slice(0, at), merged, ...cells.slice(at + 2)], label: `cell ${at} merged with the next` };
  }
  if (kind < 0.84) {
    const rest = [...cells.slice(0, at), ...cells.slice(at + 1)];
    const to = Math.floor(rand() * (rest.length + 1));
    return { cells: [...rest.slice(0, to), cells[at], ...rest.slice(to)], label: `cell ${at} moved to ${to}` };
  }
  if (kind < 0.92) return { cells: cells.map((c, i) => (i === at ? { kind: 'markdown', source: c.source } : c)), label: `cell ${at} turned markdown` };
  return { cells: setLines([...lines.slice(0, ln), '%matplotlib inline', ...lines.slice(ln)]), label: `magic line inserted before ${where}` };
}

test('the corpus files are there and split into several cells', () => {
  assert.ok(files.length >= 40, `${files.length} files`);
  const counts = files.map((f) => toCells(readFileSync(join(dir, f), 'utf8')).length);
  for (const [i, n] of counts.entries()) assert.ok(n >= 2, `${files[i]}: ${n} cell`);
  assert.ok(counts.reduce((x, y) => x + y, 0) >= 8 * files.length, `${counts.join(', ')} cells`);
});

files.forEach((file, index) => {
  test(`notebook re-analysis after random edits and their undo equals a fresh analysis: realworld/${file} as cells`, () => {
    const original = toCells(readFileSync(join(dir, file), 'utf8'));
    const rand = mulberry32(7000 + index);
    let cells = original;
    let current = analyzeNotebook(cells, opts);
    let replayed = 0;
    const history: { cells: NotebookCell[]; label: string }[] = [];
    const check = (label: string): void => {
      replayed += current.interpreter.reuseStats.replayed;
      assert.deepEqual(observableNotebook(current, cells), observableNotebook(analyzeNotebook(cells, opts), cells), `${file}: after ${label}`);
    };
    for (let step = 0; step < 5; step++) {
      const e = randomEdit(cells, rand);
      history.push({ cells, label: e.label });
      current = current.reanalyzeNotebook(e.cells);
      cells = e.cells;
      check(`edit ${step + 1}: ${e.label}`);
    }
    while (history.length) {
      const h = history.pop()!;
      current = current.reanalyzeNotebook(h.cells);
      cells = h.cells;
      check(`undo of ${h.label}`);
    }
    assert.deepEqual(cells, original);
    assert.ok(replayed > 0, `${file}: no statement was replayed over 10 re-analyses`);
  });
});
