// Incremental re-analysis gives exactly what a fresh analysis gives: for every Python fixture/corpus file, a seeded
// sequence of random one-line edits (digit changes, inserted comments, deleted characters — some of them syntax
// errors —, inserted blank or repeated lines) is applied through Analysis.reanalyze, then undone one by one; after every step records, inlay hints,
// diagnostics, parse errors and the hover of every Name occurrence must equal analyzePython(text) of the same text.
// This guards the incremental parse (lezer TreeFragments) and any caching added to speed up edits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePython, type AnalyzeOptions, type TextChange } from '../../runtime/analysis/api';
import { observable } from './helpers/observable';
import { mulberry32, randomLine } from './helpers/prng';

const fixtures = join(__dirname, '..', 'fixtures');
const dirs = ['realworld', 'shapes/cases', 'shape-tests'].map((d) => join(fixtures, d)).filter((d) => existsSync(d));
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.py')).map((f) => join(d, f))).sort();
// only the step budget applies: outcomes must not depend on machine load
const opts: AnalyzeOptions = { limits: { timeMs: 600_000 } };

interface Edit {
  text: string;
  change: TextChange;
  undo: TextChange;
}

/** One random edit inside one line of `text`. */
function randomEdit(text: string, rand: () => number): Edit {
  const { from, to, text: lineText } = randomLine(text, rand);
  const digits = [...lineText].map((c, i) => (/[0-9]/.test(c) ? i : -1)).filter((i) => i >= 0);
  const kind = rand();
  let at: number;
  let removed: number;
  let inserted: string;
  if (kind >= 0.9) {
    // whole-line edits (line breaks: full parse; every later position shifts): a blank line, or the line repeated
    at = to;
    removed = 0;
    inserted = kind < 0.95 ? '\n' : `\n${lineText}`;
  } else if (kind < 0.45 && digits.length) {
    at = from + digits[Math.floor(rand() * digits.length)];
    removed = 1;
    inserted = String((Number(text[at]) + 1 + Math.floor(rand() * 8)) % 10);
  } else if (kind < 0.75 || lineText.length === 0) {
    at = to;
    removed = 0;
    inserted = '  # edited';
  } else {
    at = from + Math.floor(rand() * lineText.length);
    removed = 1;
    inserted = '';
  }
  const old = text.slice(at, at + removed);
  const next = text.slice(0, at) + inserted + text.slice(at + removed);
  void old;
  return {
    text: next,
    change: { fromA: at, toA: at + removed, fromB: at, toB: at + inserted.length },
    undo: { fromA: at, toA: at + inserted.length, fromB: at, toB: at + removed },
  };
}

test('the fixture and corpus files are there', () => {
  assert.ok(files.length >= 25, `${files.length} files`);
});

files.forEach((file, index) => {
  const name = file.slice(fixtures.length + 1);
  test(`reanalyze after random one-line edits and their undo equals a fresh analysis: ${name}`, () => {
    const original = readFileSync(file, 'utf8');
    const rand = mulberry32(1000 + index);
    let text = original;
    let current = analyzePython(text, opts);
    assert.deepEqual(observable(current, text), observable(analyzePython(text, opts), text), `${name}: repeated analysis differs`);
    const undo: { text: string; change: TextChange }[] = [];
    for (let step = 0; step < 5; step++) {
      const e = randomEdit(text, rand);
      undo.push({ text, change: e.undo });
      current = current.reanalyze(e.text, [e.change]);
      text = e.text;
      assert.deepEqual(observable(current, text), observable(analyzePython(text, opts), text), `${name}: after edit ${step + 1} (${JSON.stringify(e.change)})`);
    }
    while (undo.length) {
      const u = undo.pop()!;
      current = current.reanalyze(u.text, [u.change]);
      text = u.text;
      assert.deepEqual(observable(current, text), observable(analyzePython(text, opts), text), `${name}: after undo (${undo.length} edits left)`);
    }
    assert.equal(text, original);
  });
});
