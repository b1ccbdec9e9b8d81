// Shape engine benchmark (issue 4): a generated 1,000-line RNN module analysed cold and warm, four kinds of one-line
// edits re-analysed (incremental parse + statement reuse) with and without reuse, wall and process CPU time with the
// machine load, each measured on the release-style esbuild bundle (in a child process: `--measure-only`) and on the
// TypeScript sources through tsx, and PyTorch executing the same module (the tracer's ground truth path) for a ratio.
// The same module as a notebook (one cell per block, ~40 cells): a full analysis with and without statement records,
// and edits of a middle cell re-analysed from the new cells (Analysis.reanalyzeNotebook) against the fresh analysis
// the extension ran on every notebook change before. Rewrites only the <!-- section:shapes --> … <!-- /section:shapes --> part of docs/benchmarks.md.
//   node --import tsx test/bench/shapes.ts      (also run by `npm run bench`)
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeNotebook, analyzePython, type Analysis, type AnalyzeOptions, type NotebookCell } from '../../runtime/analysis/api';
import { benchmarksFile, writeBenchSection } from './report';

/** One ~25-line block of typical RNN code; `i` makes names unique. */
function block(i: number): string {
  return `
class Encoder${i}(nn.Module):
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
        return self.proj(out), torch.tanh(self.proj(final))


seqs${i} = [[1, 2, 3, 4], [5, 6], [7, 8, 9]]
lengths${i} = torch.tensor([len(s) for s in seqs${i}])
batch${i} = pad_sequence([torch.tensor(s) for s in seqs${i}], batch_first=True)
enc${i} = Encoder${i}(10, 8, 6)
outputs${i}, summary${i} = enc${i}(batch${i}, lengths${i})
scores${i} = outputs${i}.sum(dim=-1).softmax(dim=1)
`;
}

export function module1000(): string {
  const head = 'import torch\nimport torch.nn as nn\nfrom torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence\n';
  let text = head;
  for (let i = 0; text.split('\n').length < 1000; i++) text += block(i);
  return text;
}

/** The 1,000-line module as a notebook: the imports in the first cell, then one code cell per block. */
export function notebook1000(): NotebookCell[] {
  const [head, ...blocks] = module1000().split(/\n(?=\nclass Encoder)/);
  return [head, ...blocks].map((source) => ({ kind: 'code', source: source.replace(/^\n+/, '') }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** CPU time (user + system, all threads of this process: includes parallel GC) since `start`, in ms. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function torchMs(text: string): number | null {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'rnn-lens-bench-'));
  const file = join(dir, 'module.py');
  writeFileSync(file, text);
  const py = `import time, torch\nsrc = open(${JSON.stringify(file)}).read()\ncode = compile(src, 'module.py', 'exec')\nts = []\nfor _ in range(7):\n    t = time.perf_counter(); exec(code, {'__name__': '__main__'}); ts.append((time.perf_counter() - t) * 1000)\nts.sort(); print(ts[3])\n`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

interface Sample {
  wall: number;
  cpu: number;
}

/** Wall and process CPU time of one call. */
function timed<T>(f: () => T): { result: T; sample: Sample } {
  const c = process.cpuUsage();
  const t = performance.now();
  const result = f();
  return { result, sample: { wall: performance.now() - t, cpu: cpuMs(c) } };
}

/** One kind of edit, applied and undone alternately: `edit` and `undo` are the two texts' changes. */
interface EditKind {
  label: string;
  at: number;
  removed: string;
  inserted: string;
}

/** Re-analyses `kind`'s edit and its undo alternately `n` times from `first` (each from the previous result). */
function runEdits(text: string, kind: EditKind, n: number, statementReuse: boolean): { samples: Sample[]; replayed: number[]; interpreted: number[] } {
  const edited = text.slice(0, kind.at) + kind.inserted + text.slice(kind.at + kind.removed.length);
  const forward = { fromA: kind.at, toA: kind.at + kind.removed.length, fromB: kind.at, toB: kind.at + kind.inserted.length };
  const back = { fromA: kind.at, toA: kind.at + kind.inserted.length, fromB: kind.at, toB: kind.at + kind.removed.length };
  let prev: Analysis = analyzePython(text, { statementReuse });
  // warm-up of the edit path
  for (let i = 0; i < 6; i++) prev = prev.reanalyze(i % 2 === 0 ? edited : text, [i % 2 === 0 ? forward : back]);
  const samples: Sample[] = [];
  const replayed: number[] = [];
  const interpreted: number[] = [];
  for (let i = 0; i < n; i++) {
    const [t, change] = i % 2 === 0 ? [edited, forward] : [text, back];
    const from = prev;
    const { result, sample } = timed(() => from.reanalyze(t, [change]));
    samples.push(sample);
    replayed.push(result.interpreter.reuseStats.replayed);
    interpreted.push(result.interpreter.reuseStats.interpreted);
    prev = result;
  }
  return { samples, replayed, interpreted };
}

function fmt(samples: Sample[]): [string, string] {
  return [`${median(samples.map((x) => x.wall)).toFixed(1)} ms`, `${median(samples.map((x) => x.cpu)).toFixed(1)} ms`];
}

/** Everything measured of one build of the engine (JSON: the bundled build measures in a child process). */
interface Measurements {
  lines: number;
  records: number;
  cold: Sample;
  warm: Sample[];
  parse: number[];
  /** Analyses 51-70: the JIT has settled (at 11-30 it is still optimising: process CPU well above wall). */
  settled: Sample[];
  settledParse: number[];
  edits: { label: string; samples: Sample[]; replayed: number[]; interpreted: number[] }[];
  baseline: Sample[];
  notebook: NotebookMeasurements;
}

interface NotebookMeasurements {
  cells: number;
  lines: number;
  records: number;
  /** Full analyses, alternately with statement records (the default) and without (statementReuse: false). */
  recorded: Sample[];
  unrecorded: Sample[];
  edits: { label: string; samples: Sample[]; replayed: number[]; interpreted: number[] }[];
  /** The same first edit analysed afresh without records: what the extension did on every notebook change before. */
  fresh: Sample[];
}

/** A notebook edit: the cells after it (the undo is the original cells). */
interface NotebookEdit {
  label: string;
  cells: NotebookCell[];
}

/** Re-analyses `edited` and the original cells alternately `n` times (each from the previous result). */
function runNotebookEdits(cells: NotebookCell[], edit: NotebookEdit, n: number): { samples: Sample[]; replayed: number[]; interpreted: number[] } {
  let prev: Analysis = analyzeNotebook(cells);
  for (let i = 0; i < 6; i++) prev = prev.reanalyzeNotebook(i % 2 === 0 ? edit.cells : cells);
  const samples: Sample[] = [];
  const replayed: number[] = [];
  const interpreted: number[] = [];
  for (let i = 0; i < n; i++) {
    const next = i % 2 === 0 ? edit.cells : cells;
    const from = prev;
    const { result, sample } = timed(() => from.reanalyzeNotebook(next));
    samples.push(sample);
    replayed.push(result.interpreter.reuseStats.replayed);
    interpreted.push(result.interpreter.reuseStats.interpreted);
    prev = result;
  }
  return { samples, replayed, interpreted };
}

/** Full notebook analyses measured with and without records, in pairs (the record cost is small against the noise of
 *  a shared machine: more samples than the other rows). */
const NOTEBOOK_PAIRS = 40;

/** The notebook measurements (after the module's: the JIT is warm). */
function measureNotebook(): NotebookMeasurements {
  const cells = notebook1000();
  const noRecords: AnalyzeOptions = { statementReuse: false };
  for (let i = 0; i < 10; i++) {
    analyzeNotebook(cells);
    analyzeNotebook(cells, noRecords);
  }
  const recorded: Sample[] = [];
  const unrecorded: Sample[] = [];
  let records = 0;
  // in pairs, alternating which goes first: the pair's difference is what recording costs under the same load
  for (let i = 0; i < NOTEBOOK_PAIRS; i++) {
    if (i % 2 === 1) unrecorded.push(timed(() => analyzeNotebook(cells, noRecords)).sample);
    const r = timed(() => analyzeNotebook(cells));
    recorded.push(r.sample);
    records = r.result.records.length;
    if (i % 2 === 0) unrecorded.push(timed(() => analyzeNotebook(cells, noRecords)).sample);
  }
  const mid = cells.findIndex((c) => c.source.includes('class Encoder20('));
  const src = cells[mid].source;
  const withMid = (source: string): NotebookCell[] => cells.map((c, i) => (i === mid ? { ...c, source } : c));
  const edits: NotebookEdit[] = [
    { label: `a digit in a module-level call in cell ${mid} (\`Encoder20(10, 8, 6)\` → 5)`, cells: withMid(src.replace('Encoder20(10, 8, 6)', 'Encoder20(10, 8, 5)')) },
    { label: `a character typed in a method body in cell ${mid} (\`final\` → \`finalx\`)`, cells: withMid(src.replace('final = ', 'finalx = ')) },
    { label: `a new line at the end of cell ${mid}`, cells: withMid(`${src}\nextra = torch.zeros(3)`) },
    { label: `a new code cell inserted before cell ${mid}`, cells: [...cells.slice(0, mid), { kind: 'code', source: 'extra = torch.zeros(3)' }, ...cells.slice(mid)] },
  ];
  const measured = edits.map((e) => ({ label: e.label, ...runNotebookEdits(cells, e, 20) }));
  const fresh: Sample[] = [];
  for (let i = 0; i < 20; i++) fresh.push(timed(() => analyzeNotebook(i % 2 === 0 ? edits[0].cells : cells, noRecords)).sample);
  return { cells: cells.length, lines: notebook1000().reduce((n, c) => n + c.source.split('\n').length, 0), records, recorded, unrecorded, edits: measured, fresh };
}

/** The full analysis (cold, then 20 warm after 10 unmeasured) and the edit series, in this process. */
function measure(): Measurements {
  const text = module1000();
  const cold = timed(() => analyzePython(text));
  // warm-up: the JIT settles over the first analyses
  for (let i = 0; i < 10; i++) analyzePython(text);
  const warm: Sample[] = [];
  const parse: number[] = [];
  for (let i = 0; i < 20; i++) {
    const { result, sample } = timed(() => analyzePython(text));
    warm.push(sample);
    parse.push(result.timings.parseMs);
  }
  for (let i = 0; i < 20; i++) analyzePython(text);
  const settled: Sample[] = [];
  const settledParse: number[] = [];
  for (let i = 0; i < 20; i++) {
    const { result, sample } = timed(() => analyzePython(text));
    settled.push(sample);
    settledParse.push(result.timings.parseMs);
  }
  const mid = text.indexOf('enc20 = Encoder20(10, 8, 6)');
  const kinds: EditKind[] = [
    { label: 'a digit in a module-level call, mid-file (`Encoder20(10, 8, 6)` → 5)', at: mid + 'enc20 = Encoder20(10, 8, '.length, removed: '6', inserted: '5' },
    { label: 'a character typed in a method body, mid-file (`final` → `finalx` in Encoder20.forward)', at: text.indexOf('final = ', text.indexOf('class Encoder20')) + 'final'.length, removed: '', inserted: 'x' },
    { label: 'a new line inserted mid-file (line breaks: the parse reuses only top-level statements away from it)', at: text.indexOf('\n', mid) + 1, removed: '', inserted: 'extra = torch.zeros(3)\n' },
    { label: 'a comment added to the first import line', at: 'import torch'.length, removed: '', inserted: '  # the library' },
  ];
  const edits = kinds.map((k) => ({ label: k.label, ...runEdits(text, k, 20, true) }));
  const baseline = runEdits(text, kinds[0], 20, false).samples;
  const notebook = measureNotebook();
  return { lines: text.split('\n').length, records: cold.result.records.length, cold: cold.sample, warm, parse, settled, settledParse, edits, baseline, notebook };
}

/** Bundles this script the way scripts/build.mjs bundles the extension for release (esbuild: one CommonJS file,
 *  node20, minified) and runs measure() in a fresh node process on that bundle: the code the user's editor runs,
 *  without tsx's on-the-fly transform (which keeps function names and goes through the loader). */
function measureBundled(): Measurements | string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'rnn-lens-bench-'));
  const outfile = join(dir, 'shapes-bench.cjs');
  esbuild.buildSync({ entryPoints: [__filename], bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, outfile, external: ['esbuild'], logLevel: 'warning' });
  const r = spawnSync(process.execPath, [outfile, MEASURE_ONLY], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) return `the bundled run failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n')[0]}`;
  return JSON.parse(r.stdout) as Measurements;
}

const MEASURE_ONLY = '--measure-only';

/** Load-independent cost of statement records for the notebook, measured once with valgrind (not by this script). */
const NOTEBOOK_INSTRUCTIONS =
  'Load-independent: valgrind (callgrind) counts 395 M instructions per notebook analysis with statement records and 350 M without (+13 %): the bundled build, analyses 11-20 of a process (runs of 10 and of 20 analyses subtracted), JIT compilation included (2026-11-23).';

/** The table rows of one build's measurements; `build` names it in each row. */
function rowsOf(m: Measurements, build: string): string[][] {
  return [
    [`${build}: 1,000-line module, cold (first analysis in the process)`, `${m.cold.wall.toFixed(1)} ms`, `${m.cold.cpu.toFixed(1)} ms`, '—'],
    [`${build}: 1,000-line module, warm (median of 20 after 10 unmeasured; parse ${median(m.parse).toFixed(1)} ms wall)`, ...fmt(m.warm), '≤ 50 ms'],
    [`${build}: 1,000-line module, warm with the JIT settled (median of analyses 51-70; parse ${median(m.settledParse).toFixed(1)} ms wall)`, ...fmt(m.settled), '≤ 50 ms'],
    ...m.edits.map((e) => [
      `${build}: edit + undo re-analysed: ${e.label} (median of 20; replayed / interpreted statements ${median(e.replayed)} / ${median(e.interpreted)})`,
      ...fmt(e.samples),
      '≤ 10 ms',
    ]),
    [`${build}: the first edit without statement reuse (statementReuse: false, as before this cache: incremental parse, whole module interpreted)`, ...fmt(m.baseline), '—'],
    [`${build}: notebook (${m.notebook.cells} cells, ${m.notebook.lines} lines), full analysis with statement records (median of ${m.notebook.recorded.length}, in pairs with the next row)`, ...fmt(m.notebook.recorded), '≤ 50 ms'],
    [`${build}: notebook, full analysis without statement records (statementReuse: false)`, ...fmt(m.notebook.unrecorded), '—'],
    [
      `${build}: notebook, what statement records cost a full analysis (median of the ${m.notebook.recorded.length} paired differences of the two rows above)`,
      ...fmt(m.notebook.recorded.map((r, i) => ({ wall: r.wall - m.notebook.unrecorded[i].wall, cpu: r.cpu - m.notebook.unrecorded[i].cpu }))),
      '—',
    ],
    ...m.notebook.edits.map((e) => [
      `${build}: notebook edit + undo re-analysed (reanalyzeNotebook): ${e.label} (median of 20; replayed / interpreted statements ${median(e.replayed)} / ${median(e.interpreted)})`,
      ...fmt(e.samples),
      '≤ 10 ms',
    ]),
    [`${build}: notebook, the first edit analysed afresh without records (what the extension did on every notebook change before)`, ...fmt(m.notebook.fresh), '—'],
  ];
}

function main(): void {
  if (process.argv.includes(MEASURE_ONLY)) {
    process.stdout.write(JSON.stringify(measure()));
    return;
  }
  const loadStart = loadavg()[0];
  // the bundle first, in its own process (this one has not allocated anything yet), then tsx in this process
  const bundled = measureBundled();
  const loadMid = loadavg()[0];
  const m = measure();
  const torch = torchMs(module1000());
  const loadEnd = loadavg()[0];
  const rows = [
    ...(typeof bundled === 'string' ? [['bundled build', bundled, '—', '—']] : rowsOf(bundled, 'bundled')),
    ...rowsOf(m, 'tsx'),
    ['PyTorch executing the same module (median of 7, 1 thread)', torch === null ? 'n/a' : `${torch.toFixed(1)} ms`, '—', '—'],
  ];
  const shipped = typeof bundled === 'string' ? m : bundled;
  const ratio = torch === null ? '' : `Static analysis of the module takes ${(median(shipped.warm.map((x) => x.wall)) / torch).toFixed(2)}× the wall time PyTorch needs to run it (${typeof bundled === 'string' ? 'tsx' : 'bundled'} build).\n\n`;
  const body = [
    '## Shape engine (`rnn-lens shapes`, runtime/analysis)',
    '',
    `A generated ${m.lines}-line module (${m.records} records: encoder classes with packed bidirectional LSTMs, data prep, calls); node ${process.version}; \`node --import tsx test/bench/shapes.ts\` (${new Date().toISOString().slice(0, 10)}). Every measurement is taken twice: **bundled** — the bench bundled like the release build (esbuild, one minified CommonJS file: the code the extension runs) in a fresh node process — and **tsx** — the TypeScript sources through tsx, as the tests run them (tsx keeps function names and goes through its loader: slower). The machine has 2 cores shared with other jobs: load average (1 min) ${loadStart.toFixed(1)} at the start of the run, ${loadMid.toFixed(1)} after the bundled part, ${loadEnd.toFixed(1)} at the end. Wall time suffers from that load; the process CPU time (user + system, all threads incl. parallel GC and JIT compilation) much less.`,
    '',
    '| measure | wall | CPU | goal |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `${ratio}A re-analysis after an edit re-parses incrementally (lezer TreeFragment; an edit touching a line break or indentation reuses only whole top-level statements away from it, a parse with syntax errors re-parses from scratch) and replays the top-level statements the edit cannot affect (runtime/interp/reuse.ts): a statement is interpreted again only when its text changed, a module variable it reads holds a different value, a value it created was mutated later, or the binding/use states it touched differ; values created by an interpreted statement are new objects, so the change flows on to exactly the statements that read them. Records, hovers and diagnostics equal a fresh analysis (test/unit/shape-reanalyze*.test.ts). What an edit still costs: the incremental parse, replaying ~300 statement records into fresh binding/use tables, the gotcha pass over the whole tree and the record list. Where a warm full analysis goes (bundled build after 40 analyses, CPU profile; the shares move with the machine's load): lezer's parse of the 41 kB module about 42 % (a library cost: its LR action lookup addActions alone is a tenth of the analysis), interpretation about 29 % (recording the statements for reuse about a fifth of that: selections and statementReuse: false analyses skip it), records and gotchas about 10 %, garbage collection about 18 % (≈ 16 MB allocated per analysis, 6 MB of it by lezer). Analyses 11-30 still run while the JIT optimises (process CPU above wall: its compiler threads); the settled row is the steady cost. tsx is slower than the bundle through its loader and kept function names (each closure it creates is named with a defineProperty: a closure per op site cost that until the op services became one object). A load-independent figure: valgrind counts about 282 M instructions per warm analysis of the bundle (297 M with the same engine before the speed commits of 2026-11-23).`,
    '',
    `**Notebooks.** The same module as a notebook of ${m.notebook.cells} cells (the imports, then one cell per block). \`Analysis.reanalyzeNotebook(cells)\` compares the old and the new concatenated cell text (code cells in order, magics and \`!shell\` lines blanked, a blank line after each cell; the common prefix and suffix leave one change) and re-analyses it like an edit of a .py file: incremental parse, statement reuse. Records, hovers, inlay hints and diagnostics are placed with the new notebook's cell map, so a cell inserted above moves them into their new cell; they equal a fresh analyzeNotebook after every step of the edit sequences in test/unit/shape-reanalyze-notebook*.test.ts. Before, the extension analysed a notebook afresh, without statement records, on every change in any cell (the "analysed afresh" rows). Notebooks now keep statement records; the paired-difference rows say what that costs a full analysis under this load. A notebook or file that loads the project's own modules keeps none (their values are made again by every analysis: runtime/interp/interpreter.ts), so its edits are parsed incrementally and interpreted whole. ${NOTEBOOK_INSTRUCTIONS}`,
  ].join('\n');
  const section = writeBenchSection('shapes', body);
  process.stdout.write(`${section}\n\nwritten to ${benchmarksFile}\n`);
}

if (require.main === module) main();
