// Incremental re-analysis of notebooks (Analysis.reanalyzeNotebook, runtime/analysis/api.ts) gives exactly what a
// fresh analyzeNotebook of the same cells gives. Notebooks: the five seed cases split into their `# In [N]:` cells,
// the example notebook (examples/bilstm_lengths.ipynb) and generated multi-cell notebooks. Edit sequences: typing a
// line character by character in a middle cell and deleting it again, a digit changed, a new cell inserted and
// removed, a cell moved, a cell turned markdown and back, a markdown cell inserted at the top (cell indices move, the
// Python text does not), a magic / `!shell` line added, a syntax error introduced then fixed, a `%%bash` cell magic.
// After every step the records, inlay hints, diagnostics, parse errors and the hover of every Name occurrence of
// every cell must equal the fresh analysis; the reuse statistics must show statements replayed (the test fails if
// statement reuse silently turns off for notebooks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeNotebook, analyzePython, type AnalyzeOptions, type NotebookCell } from '../../runtime/analysis/api';
import { parseIpynb, textChange } from '../../runtime/python/source';
import { observableNotebook } from './helpers/observable';
import { mulberry32 } from './helpers/prng';

// only the step budget applies: outcomes must not depend on machine load
const opts: AnalyzeOptions = { limits: { timeMs: 600_000 } };
const fixtures = join(__dirname, '..', 'fixtures');

/** A seed case (.py converted from a notebook dump) split back into its cells at the `# In [N]:` marker lines; seed
 *  004 (a blog post's code blocks) has none: it is split before each top-level comment line that follows a blank line
 *  and precedes unindented code (its section headings). */
function seedCells(file: string): NotebookCell[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const hasMarkers = lines.some((l) => /^# In \[[^\]]*\]:/.test(l));
  const isMarker = (i: number): boolean => {
    if (hasMarkers) return /^# In \[[^\]]*\]:/.test(lines[i]);
    if (!lines[i].startsWith('# ') || i === 0 || lines[i - 1].trim() !== '') return false;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '' && !l.startsWith('#'));
    return next !== undefined && !/^\s/.test(next);
  };
  const cells: NotebookCell[] = [];
  let current: string[] = [];
  lines.forEach((line, i) => {
    if (!isMarker(i)) {
      current.push(line);
      return;
    }
    if (current.join('').trim()) cells.push({ kind: 'code', source: current.join('\n').trimEnd() });
    current = hasMarkers ? [] : [line];
  });
  if (current.join('').trim()) cells.push({ kind: 'code', source: current.join('\n').trimEnd() });
  // the dump's header comment before the first marker is not a cell
  return hasMarkers ? cells.slice(1) : cells;
}

/** A generated notebook: an import cell, then per block a model cell, a data cell and a call cell. */
export function generatedNotebook(blocks: number): NotebookCell[] {
  const cells: NotebookCell[] = [{ kind: 'code', source: 'import torch\nimport torch.nn as nn\nfrom torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence' }];
  for (let i = 0; i < blocks; i++) {
    cells.push({ kind: 'markdown', source: `## Block ${i}` });
    cells.push({
      kind: 'code',
      source: `class Encoder${i}(nn.Module):
    def __init__(self, vocab, emb, hid):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=0)
        self.rnn = nn.LSTM(emb, hid, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hid, hid)

    def forward(self, x, lengths):
        e = self.embedding(x)
        packed = pack_padded_sequence(e, lengths, batch_first=True, enforce_sorted=False)
        out, (h, c) = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True)
        final = torch.cat([h[-2], h[-1]], dim=1)
        return self.proj(out), torch.tanh(self.proj(final))`,
    });
    cells.push({
      kind: 'code',
      source: `seqs${i} = [[1, 2, 3, 4], [5, 6], [7, 8, 9]]
lengths${i} = torch.tensor([len(s) for s in seqs${i}])
batch${i} = pad_sequence([torch.tensor(s) for s in seqs${i}], batch_first=True)`,
    });
    cells.push({
      kind: 'code',
      source: `enc${i} = Encoder${i}(10, 8, 6)
outputs${i}, summary${i} = enc${i}(batch${i}, lengths${i})
scores${i} = outputs${i}.sum(dim=-1).softmax(dim=1)${i > 0 ? `\nboth${i} = torch.cat([scores${i - 1}, scores${i}], dim=1)` : ''}`,
    });
  }
  return cells;
}

/** The code cells with at least `minLines` lines (where edits go). */
function codeCellIndices(cells: readonly NotebookCell[], minLines = 1): number[] {
  return cells.map((c, i) => (c.kind === 'code' && c.source.split('\n').length >= minLines ? i : -1)).filter((i) => i >= 0);
}

function withCell(cells: readonly NotebookCell[], index: number, source: string): NotebookCell[] {
  return cells.map((c, i) => (i === index ? { ...c, source } : c));
}

/** One step of an edit sequence: the new cells, and what the re-analysis must show of statement reuse. */
interface Step {
  label: string;
  cells: NotebookCell[];
  /** The re-analysis replays at least this many statements. */
  minReplayed?: number;
}

type Sequence = (cells: NotebookCell[]) => Step[];

/** The middle one of the code cells that have at least `minLines` lines. */
function middleCell(cells: readonly NotebookCell[], minLines = 1): number {
  const xs = codeCellIndices(cells, minLines);
  return xs[Math.floor(xs.length / 2)];
}

/** Edit sequences, each applied from the original cells and ending back at them. */
const sequences: Record<string, Sequence> = {
  'a line typed character by character at the end of a middle cell, then deleted character by character': (cells) => {
    const at = middleCell(cells);
    const base = cells[at].source;
    // reads the cell's first bound name (some line of it assigns one) so the typed line depends on earlier cells
    const name = /^([A-Za-z_]\w*)\s*=/m.exec(base)?.[1] ?? 'torch';
    const line = `\nzz = len(${name}) if 1 else (3, 4)`;
    const steps: Step[] = [];
    for (let k = 1; k <= line.length; k++) steps.push({ label: `typed ${JSON.stringify(line.slice(0, k))}`, cells: withCell(cells, at, base + line.slice(0, k)) });
    for (let k = line.length - 1; k >= 0; k--) steps.push({ label: `deleted back to ${JSON.stringify(line.slice(0, k))}`, cells: withCell(cells, at, base + line.slice(0, k)) });
    // typing after the first line break: the statements of every cell before it are replayed
    steps[3].minReplayed = 1;
    return steps;
  },
  'a digit changed in a middle cell, then changed back': (cells) => {
    const candidates = codeCellIndices(cells).filter((i) => /\d/.test(cells[i].source.replace(/^#.*$/gm, '')));
    const at = candidates[Math.floor(candidates.length / 2)];
    const src = cells[at].source;
    const code = src.replace(/^#.*$/gm, (m) => ' '.repeat(m.length));
    const d = code.search(/\d/);
    const changed = src.slice(0, d) + String((Number(src[d]) + 1) % 10) + src.slice(d + 1);
    return [
      { label: `digit ${src[d]} changed in cell ${at}`, cells: withCell(cells, at, changed), minReplayed: 1 },
      { label: 'changed back', cells, minReplayed: 1 },
    ];
  },
  'a new code cell inserted in the middle, then removed': (cells) => {
    const at = middleCell(cells);
    const inserted = [...cells.slice(0, at), { kind: 'code' as const, source: 'extra = torch.zeros(3, 4)\nextra_t = extra.t()' }, ...cells.slice(at)];
    return [
      { label: `code cell inserted before cell ${at}`, cells: inserted, minReplayed: 1 },
      { label: 'removed again', cells, minReplayed: 1 },
    ];
  },
  'a cell moved to the end, then back': (cells) => {
    const at = middleCell(cells);
    const moved = [...cells.slice(0, at), ...cells.slice(at + 1), cells[at]];
    return [
      { label: `cell ${at} moved to the end`, cells: moved, minReplayed: 1 },
      { label: 'moved back', cells, minReplayed: 1 },
    ];
  },
  'a cell turned markdown, then code again': (cells) => {
    const at = middleCell(cells);
    return [
      { label: `cell ${at} turned markdown`, cells: cells.map((c, i) => (i === at ? { kind: 'markdown' as const, source: c.source } : c)), minReplayed: 1 },
      { label: 'turned code again', cells, minReplayed: 1 },
    ];
  },
  'a markdown cell inserted at the top (every cell index moves, the Python text does not), then removed': (cells) => {
    const all = codeCellIndices(cells).length;
    return [
      { label: 'markdown cell inserted at the top', cells: [{ kind: 'markdown', source: '# Title' }, ...cells], minReplayed: all > 1 ? 2 : 1 },
      { label: 'removed again', cells, minReplayed: all > 1 ? 2 : 1 },
    ];
  },
  'magic and shell lines added to a middle cell, then removed': (cells) => {
    const at = middleCell(cells);
    const src = cells[at].source;
    return [
      { label: '%matplotlib inline added', cells: withCell(cells, at, `%matplotlib inline\n${src}`), minReplayed: 1 },
      { label: '!pip line added', cells: withCell(cells, at, `%matplotlib inline\n${src}\n!pip install torch`), minReplayed: 1 },
      { label: 'both removed', cells, minReplayed: 1 },
    ];
  },
  'a %%bash cell magic added to a middle cell, then removed': (cells) => {
    const at = middleCell(cells);
    return [
      { label: `%%bash on cell ${at}`, cells: withCell(cells, at, `%%bash\n${cells[at].source}`), minReplayed: 1 },
      { label: 'removed', cells, minReplayed: 1 },
    ];
  },
  'a syntax error introduced in a middle cell, then fixed': (cells) => {
    const at = middleCell(cells);
    const src = cells[at].source;
    const broken = withCell(cells, at, `${src}\nbad = torch.zeros(3,`);
    return [
      { label: 'unclosed call added', cells: broken },
      { label: 'a later cell edited while the error stands', cells: broken.map((c, i) => (i === broken.length - 1 && c.kind === 'code' ? { ...c, source: `${c.source}\nlate = 1` } : c)) },
      { label: 'the call closed', cells: withCell(cells, at, `${src}\nbad = torch.zeros(3, 2)`) },
      { label: 'the line removed', cells, minReplayed: 1 },
    ];
  },
};

interface NotebookCase {
  name: string;
  cells: NotebookCell[];
}

const seedDir = join(fixtures, 'shapes', 'cases');
const cases: NotebookCase[] = [
  ...readdirSync(seedDir)
    .filter((f) => f.startsWith('seed_') && f.endsWith('.py'))
    .sort()
    .map((f) => ({ name: `seed case ${f} as cells`, cells: seedCells(join(seedDir, f)) })),
  { name: 'examples/bilstm_lengths.ipynb', cells: parseIpynb(readFileSync(join(__dirname, '..', '..', 'examples', 'bilstm_lengths.ipynb'), 'utf8')) },
  { name: 'a generated 3-block notebook (10 cells, 3 markdown)', cells: generatedNotebook(3) },
];

test('the seed notebooks are split into several code cells', () => {
  const seeds = cases.filter((c) => c.name.startsWith('seed case'));
  assert.equal(seeds.length, 5);
  for (const c of seeds) assert.ok(codeCellIndices(c.cells).length >= 5, `${c.name}: ${c.cells.length} cells`);
});

for (const nb of cases) {
  for (const [seqName, seq] of Object.entries(sequences)) {
    test(`notebook re-analysis equals a fresh analysis: ${nb.name}: ${seqName}`, () => {
      let current = analyzeNotebook(nb.cells, opts);
      assert.ok(current.interpreter.reuseState !== null, 'the notebook analysis keeps statement records');
      assert.ok(current.records.length > 0);
      let replayed = 0;
      for (const step of seq(nb.cells)) {
        current = current.reanalyzeNotebook(step.cells);
        const stats = current.interpreter.reuseStats;
        replayed += stats.replayed;
        assert.deepEqual(observableNotebook(current, step.cells), observableNotebook(analyzeNotebook(step.cells, opts), step.cells), `after: ${step.label}`);
        if (step.minReplayed !== undefined) assert.ok(stats.replayed >= step.minReplayed, `after ${step.label}: replayed ${stats.replayed} < ${step.minReplayed} (interpreted ${stats.interpreted})`);
      }
      assert.ok(replayed > 0, 'no statement was replayed: statement reuse did not run');
    });
  }
}

test('an unchanged notebook re-analysed replays every statement and interprets none', () => {
  const cells = generatedNotebook(3);
  const first = analyzeNotebook(cells, opts);
  const again = first.reanalyzeNotebook(cells);
  assert.equal(again.interpreter.reuseStats.interpreted, 0);
  assert.equal(again.interpreter.reuseStats.replayed, first.interpreter.reuseStats.interpreted);
  assert.deepEqual(observableNotebook(again, cells), observableNotebook(first, cells));
});

test('an edit in the last cell replays the statements of every cell before it', () => {
  const cells = generatedNotebook(4);
  const first = analyzeNotebook(cells, opts);
  const total = first.interpreter.reuseStats.interpreted;
  const last = cells.length - 1;
  const edited = withCell(cells, last, cells[last].source.replace('Encoder3(10, 8, 6)', 'Encoder3(10, 8, 5)'));
  const next = first.reanalyzeNotebook(edited);
  const { replayed, interpreted } = next.interpreter.reuseStats;
  assert.equal(replayed + interpreted, total);
  // the edited cell's 4 statements are interpreted again (enc3 is a new object, so its readers are too)
  assert.ok(interpreted <= 4, `interpreted ${interpreted} of ${total}`);
  const scores = next.records.filter((r) => r.name === 'outputs3');
  assert.equal(scores.length, 1);
  assert.equal(scores[0].cell, last);
  assert.match(scores[0].text, /\(3, 4, 5\)$/);
});

test('records of a cell land in its new cell when a cell is inserted before it', () => {
  const cells = generatedNotebook(2);
  const first = analyzeNotebook(cells, opts);
  const before = first.records.find((r) => r.name === 'scores1')!;
  const inserted = [cells[0], { kind: 'code' as const, source: 'pad = 0\n\n' }, ...cells.slice(1)];
  const next = first.reanalyzeNotebook(inserted);
  const after = next.records.find((r) => r.name === 'scores1')!;
  assert.equal(after.cell, before.cell! + 1);
  assert.equal(after.line, before.line);
  assert.deepEqual(next.hoverAt(after.line, after.col, after.cell)?.text, first.hoverAt(before.line, before.col, before.cell)?.text);
  assert.equal(next.hoverAt(before.line, before.col, before.cell)?.name === 'scores1', false);
  assert.ok(next.interpreter.reuseStats.replayed > 0);
});

test('statementReuse: false keeps no notebook records; reanalyzeNotebook still equals a fresh analysis', () => {
  const cells = generatedNotebook(2);
  const first = analyzeNotebook(cells, { ...opts, statementReuse: false });
  assert.equal(first.interpreter.reuseState, null);
  const edited = withCell(cells, 3, cells[3].source.replace('[5, 6]', '[5, 6, 7]'));
  const next = first.reanalyzeNotebook(edited);
  assert.equal(next.interpreter.reuseStats.replayed, 0);
  assert.deepEqual(observableNotebook(next, edited), observableNotebook(analyzeNotebook(edited, opts), edited));
});

test('reanalyzeNotebook accepts .ipynb JSON and a .py analysis re-analysed as a notebook is a fresh notebook analysis', () => {
  const json = readFileSync(join(__dirname, '..', '..', 'examples', 'bilstm_lengths.ipynb'), 'utf8');
  const first = analyzeNotebook(json, opts);
  const again = first.reanalyzeNotebook(json);
  assert.equal(again.interpreter.reuseStats.interpreted, 0);
  assert.deepEqual(observableNotebook(again, parseIpynb(json)), observableNotebook(first, parseIpynb(json)));
  const py = analyzePython(parseIpynb(json).filter((c) => c.kind === 'code').map((c) => c.source).join('\n'), opts);
  const asNotebook = py.reanalyzeNotebook(json);
  assert.equal(asNotebook.interpreter.reuseStats.replayed, 0);
  assert.deepEqual(observableNotebook(asNotebook, parseIpynb(json)), observableNotebook(first, parseIpynb(json)));
});

test('textChange: one change from the common prefix and suffix, applying it gives the new text', () => {
  const apply = (a: string, b: string): string => {
    const cs = textChange(a, b);
    assert.ok(cs.length <= 1);
    if (cs.length === 0) return a;
    const [c] = cs;
    assert.ok(c.fromA === c.fromB && c.fromA <= c.toA && c.fromB <= c.toB);
    return a.slice(0, c.fromA) + b.slice(c.fromB, c.toB) + a.slice(c.toA);
  };
  assert.deepEqual(textChange('abc', 'abc'), []);
  assert.deepEqual(textChange('x = 1\n', 'x = 12\n'), [{ fromA: 5, toA: 5, fromB: 5, toB: 6 }]);
  // a character typed next to the same character: prefix and suffix must not overlap
  assert.deepEqual(textChange('aa', 'aaa'), [{ fromA: 2, toA: 2, fromB: 2, toB: 3 }]);
  assert.deepEqual(textChange('aaa', 'aa'), [{ fromA: 2, toA: 3, fromB: 2, toB: 2 }]);
  assert.deepEqual(textChange('', 'abc'), [{ fromA: 0, toA: 0, fromB: 0, toB: 3 }]);
  assert.deepEqual(textChange('abc', ''), [{ fromA: 0, toA: 3, fromB: 0, toB: 0 }]);
  const rand = mulberry32(42);
  const alphabet = 'ab\n ';
  for (let i = 0; i < 500; i++) {
    const gen = (): string => Array.from({ length: Math.floor(rand() * 12) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    const a = gen();
    const b = rand() < 0.5 ? gen() : a.slice(0, Math.floor(rand() * a.length)) + gen() + a.slice(Math.floor(rand() * a.length));
    assert.equal(apply(a, b), b, JSON.stringify([a, b]));
  }
  // long texts (the chunked comparison): changes near chunk boundaries, at both ends, and a repeated text
  const long = Array.from({ length: 3000 }, (_, i) => `x${i % 97} = ${i}\n`).join('');
  for (const at of [0, 1, 255, 256, 257, 511, 512, 4096, long.length - 257, long.length - 256, long.length - 1, long.length]) {
    for (const [removed, inserted] of [[0, 'q'], [1, ''], [1, 'zz'], [300, 'y'], [0, long.slice(0, 600)]] as [number, string][]) {
      const b = long.slice(0, at) + inserted + long.slice(Math.min(long.length, at + removed));
      assert.equal(apply(long, b), b, `at ${at}, -${removed} +${inserted.length}`);
      const [c] = textChange(long, b);
      if (c && inserted.length < 300) assert.ok(c.toA - c.fromA <= removed + 600 && c.toB - c.fromB <= inserted.length + 600, JSON.stringify(c));
    }
  }
  assert.deepEqual(textChange(long + long, long), [{ fromA: long.length, toA: 2 * long.length, fromB: long.length, toB: long.length }]);
});
