// Local imports benchmark: the multi-file projects of test/fixtures/projects (entry script + its modules) analysed
// with their imports followed — a full analysis, the entry re-analysed after a one-character edit (module parse trees
// kept, as the extension keeps them), and after an edit of a module (that module parsed again) — against the same
// entry analysed alone (imports unknown) and PyTorch executing the entry in its folder. Rewrites only the
// <!-- section:imports --> part of docs/benchmarks.md.
//   node --import tsx test/bench/imports.ts
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { analyzePython } from '../../runtime/analysis/api';
import type { ModuleParseCache } from '../../runtime/interp/imports';
import { importsBeside } from '../../runtime/python/module-files';
import { writeBenchSection, benchmarksFile } from './report';

const projects = join(__dirname, '..', 'fixtures', 'projects');
const entries = JSON.parse(readFileSync(join(projects, 'entries.json'), 'utf8')) as Record<string, string>;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median wall time of `f` over 20 runs after 10 unmeasured. */
function timeIt(f: (i: number) => void): number {
  for (let i = 0; i < 10; i++) f(i);
  const ts: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    f(i);
    ts.push(performance.now() - t);
  }
  return median(ts);
}

/** PyTorch executing the entry in its folder (its modules imported once, then the entry run 7 times: median). */
function torchMs(path: string): number | null {
  const py = `import os, sys, time\nos.chdir(${JSON.stringify(dirname(path))})\nsys.path.insert(0, ${JSON.stringify(dirname(path))})\nsrc = open(${JSON.stringify(path)}).read()\ncode = compile(src, 'entry.py', 'exec')\nimport io, contextlib\nts = []\nfor _ in range(8):\n    t = time.perf_counter()\n    with contextlib.redirect_stdout(io.StringIO()):\n        exec(code, {'__name__': '__main__'})\n    ts.append((time.perf_counter() - t) * 1000)\nts = sorted(ts[1:]); print(ts[3])\n`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' } });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

function main(): void {
  const loadStart = loadavg()[0];
  const rows: string[] = [];
  for (const [project, entry] of Object.entries(entries)) {
    const path = join(projects, entry);
    const text = readFileSync(path, 'utf8');
    const trees: ModuleParseCache = new Map();
    const ctx = importsBeside(path, undefined, trees);
    const first = analyzePython(text, { imports: ctx });
    const modules = first.dependencies.length;
    const lines = first.dependencies.reduce((n, d) => n + d.text.split('\n').length, 0);
    const full = timeIt(() => analyzePython(text, { imports: importsBeside(path) }));
    // a space typed at the end of the entry (meaning nothing), and removed: re-analysed with the parse trees kept
    const at = text.length;
    let prev = first;
    const edit = timeIt((i) => {
      const next = i % 2 === 0 ? `${text} ` : text;
      const change = i % 2 === 0 ? { fromA: at, toA: at, fromB: at, toB: at + 1 } : { fromA: at, toA: at + 1, fromB: at, toB: at };
      prev = prev.reanalyze(next, [change]);
    });
    // an edit of the first module: its text changes each time (parsed again), the others' trees kept
    const dep = first.dependencies[0];
    const moduleEdit = timeIt((i) => {
      const overlay = (p: string): string | undefined => (p === dep.path ? `${dep.text}\n# edit ${i}\n` : undefined);
      analyzePython(text, { imports: importsBeside(path, overlay, trees) });
    });
    const alone = timeIt(() => analyzePython(text));
    const torch = torchMs(path);
    rows.push(`| ${project} (${entry.split('/').pop()} + ${modules} modules, ${lines} lines) | ${full.toFixed(1)} ms | ${edit.toFixed(1)} ms | ${moduleEdit.toFixed(1)} ms | ${alone.toFixed(1)} ms | ${torch === null ? 'n/a' : `${torch.toFixed(1)} ms`} | ${torch === null ? '' : `${(full / torch).toFixed(2)}×`} |`);
  }
  const loadEnd = loadavg()[0];
  const body = [
    '## Local imports (projects in several files)',
    '',
    `The multi-file projects of test/fixtures/projects (the entry script imports the project's own modules); node ${process.version}, tsx; \`node --import tsx test/bench/imports.ts\` (${new Date().toISOString().slice(0, 10)}); medians of 20 after 10 unmeasured; load average (1 min) ${loadStart.toFixed(1)} at the start, ${loadEnd.toFixed(1)} at the end (2 cores shared with other jobs). A file that imports modules of its project is interpreted whole on every re-analysis (its statements are not replayed: the modules' values are made again), with the modules' parse trees kept while their text is unchanged.`,
    '',
    '| project | full analysis, imports followed | entry re-analysed after a one-character edit (a space at its end) | after an edit of one of its modules | entry alone (imports unknown) | PyTorch executing the entry | analysis / PyTorch |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  const section = writeBenchSection('imports', body);
  process.stdout.write(`${section}\n\nwritten to ${benchmarksFile}\n`);
}

main();
