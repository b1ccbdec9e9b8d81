// Incremental parsing gives exactly the tree of a fresh parse, also for edits of line breaks and indentation (those
// reuse only whole top-level statements away from the edit): on every Python fixture/corpus file, seeded random
// line-level edits — blank or repeated lines inserted, lines deleted, split or joined, indented or dedented — are
// parsed incrementally from the previous parse, then undone, and each tree (and its syntax errors) must equal a
// fresh parse of the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePython, type TextChange } from '../../runtime/python/parse';
import { mulberry32, randomLine } from './helpers/prng';

const fixtures = join(__dirname, '..', 'fixtures');
const dirs = ['realworld', 'shapes/cases', 'shape-tests'].map((d) => join(fixtures, d)).filter((d) => existsSync(d));
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.py')).map((f) => join(d, f))).sort();

/** A random line-level edit of `text`: [at, at + removed) becomes `inserted`. */
function lineEdit(text: string, rand: () => number): { at: number; removed: number; inserted: string } {
  const { from, to, text: lineText } = randomLine(text, rand);
  const k = rand();
  if (k < 0.2) return { at: to, removed: 0, inserted: '\n' };
  if (k < 0.4) return { at: to, removed: 0, inserted: `\n${lineText}` };
  if (k < 0.6) return { at: from, removed: Math.min(text.length, to + 1) - from, inserted: '' };
  if (k < 0.7) return { at: from, removed: 0, inserted: '    ' };
  if (k < 0.8) return { at: from, removed: lineText.startsWith('    ') ? 4 : lineText.startsWith(' ') ? 1 : 0, inserted: '' };
  if (k < 0.9) return { at: from + Math.floor(rand() * (lineText.length + 1)), removed: 0, inserted: '\n' };
  return { at: to, removed: to < text.length ? 1 : 0, inserted: '' };
}

test('the fixture and corpus files are there', () => {
  assert.ok(files.length >= 25, `${files.length} files`);
});

files.forEach((file, index) => {
  const name = file.slice(fixtures.length + 1);
  test(`incremental parse after line-level edits and their undo equals a fresh parse: ${name}`, () => {
    const rand = mulberry32(7 + index);
    let text = readFileSync(file, 'utf8');
    let prev = parsePython(text);
    for (let step = 0; step < 12; step++) {
      const e = lineEdit(text, rand);
      const next = text.slice(0, e.at) + e.inserted + text.slice(e.at + e.removed);
      const change: TextChange = { fromA: e.at, toA: e.at + e.removed, fromB: e.at, toB: e.at + e.inserted.length };
      const p = parsePython(next, prev, [change]);
      const fresh = parsePython(next);
      assert.equal(p.tree.toString(), fresh.tree.toString(), `${name}: tree after edit ${step} ${JSON.stringify(e)}`);
      assert.deepEqual(p.errors, fresh.errors, `${name}: errors after edit ${step}`);
      const undo: TextChange = { fromA: e.at, toA: e.at + e.inserted.length, fromB: e.at, toB: e.at + e.removed };
      const q = parsePython(text, p, [undo]);
      assert.equal(q.tree.toString(), parsePython(text).tree.toString(), `${name}: tree after undo of edit ${step}`);
      if (rand() < 0.5) {
        text = next;
        prev = p;
      } else prev = q;
    }
  });
});
