// Statement records (runtime/interp/reuse.ts) are kept only where a re-analysis can replay them: a whole .py file or a
// notebook, with statement reuse on. Analyses without them — statementReuse: false (file or notebook), a selection
// of every line — and the recorded one-cell notebook must show exactly what the recorded analysis shows: the same
// records, inlay hints, diagnostics and hovers, on every annotated shape-test and real-world corpus file (symbolic
// refinements, gotchas and unpacking included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeNotebook, analyzePython, type Analysis } from '../../runtime/analysis/api';

const dirs = [join(__dirname, '..', 'fixtures', 'shape-tests'), join(__dirname, '..', 'fixtures', 'realworld')];
const files = dirs.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => join(d, f)),
);

/** A JSON copy without the notebook cell index (a one-cell notebook has cell 0 everywhere, a .py file none). */
function withoutCell(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === 'cell' ? undefined : v)));
}

/** What an analysis shows: records, inlay hints, diagnostics, and the hover at every `names` position (every
 *  binding and use of the recorded analysis: also inside functions nobody calls, which have no records). */
function shown(a: Analysis, names: { line: number; col: number }[], cell?: number): unknown {
  return withoutCell({
    records: a.records,
    inlayHints: a.inlayHints,
    diagnostics: a.diagnostics,
    parseErrors: a.parseErrors,
    hovers: names.map(({ line, col }) => {
      const h = a.hoverAt(line, col, cell);
      return h ? `${line}:${col} ${h.text}${h.detail ? ` | ${h.detail}` : ''}` : `${line}:${col} none`;
    }),
  });
}

test('the corpus and shape-test files exist', () => {
  assert.ok(files.length >= 40, `only ${files.length} files`);
});

for (const file of files) {
  test(`without statement records, ${file.split('/').slice(-2).join('/')} shows what the recorded analysis shows`, () => {
    const text = readFileSync(file, 'utf8');
    const recorded = analyzePython(text);
    assert.ok(recorded.interpreter.reuseState !== null || recorded.diagnostics.some((d) => d.code === 'RNNL-LIMIT'), 'the .py analysis keeps its statement records');
    const offsets = [...new Set([...recorded.interpreter.bindings.keys(), ...recorded.interpreter.uses.keys()])].sort((x, y) => x - y);
    const names = offsets.map((o) => recorded.span(o, o));
    assert.ok(names.length > 0);
    const expected = shown(recorded, names);
    const noReuse = analyzePython(text, { statementReuse: false });
    assert.equal(noReuse.interpreter.reuseState, null, 'statementReuse: false keeps no records');
    assert.deepEqual(shown(noReuse, names), expected, 'statementReuse: false');
    const lineCount = text.split('\n').length;
    assert.deepEqual(shown(analyzePython(text, { lines: { start: 1, end: lineCount } }), names), expected, 'a selection of every line');
    const notebook = analyzeNotebook([{ kind: 'code', source: text }]);
    assert.ok(notebook.interpreter.reuseState !== null || notebook.diagnostics.some((d) => d.code === 'RNNL-LIMIT'), 'a notebook keeps its statement records (reanalyzeNotebook replays them)');
    assert.deepEqual(shown(notebook, names, 0), expected, 'a one-cell notebook');
    const notebookNoReuse = analyzeNotebook([{ kind: 'code', source: text }], { statementReuse: false });
    assert.equal(notebookNoReuse.interpreter.reuseState, null, 'a notebook with statementReuse: false keeps no records');
    assert.deepEqual(shown(notebookNoReuse, names, 0), expected, 'a one-cell notebook without statement records');
  });
}
