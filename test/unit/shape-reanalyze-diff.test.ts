// Analysis.reanalyze(text) without changes compares the texts itself (textChange: one change from the common prefix
// and suffix), as the extension now calls it after any number of edits since the cached analysis (several keystrokes
// within the debounce, multi-cursor edits, a paste, a format). On every real-world corpus file: three random edits in
// different places applied at once, then undone at once; each re-analysis must equal analyzePython of the same text,
// and statement reuse must have run over the file's edits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePython, type AnalyzeOptions } from '../../runtime/analysis/api';
import { observable } from './helpers/observable';
import { mulberry32, randomLine } from './helpers/prng';

const dir = join(__dirname, '..', 'fixtures', 'realworld');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.py'))
  .sort();
// only the step budget applies: outcomes must not depend on machine load
const opts: AnalyzeOptions = { limits: { timeMs: 600_000 } };

/** One random edit of `text` within a line: a digit changed, a comment appended or a character deleted. */
function randomEdit(text: string, rand: () => number): string {
  const { from, to, text: line } = randomLine(text, rand);
  const digits = [...line].map((c, i) => (/[0-9]/.test(c) ? i : -1)).filter((i) => i >= 0);
  const kind = rand();
  if (kind < 0.5 && digits.length) {
    const at = from + digits[Math.floor(rand() * digits.length)];
    return text.slice(0, at) + String((Number(text[at]) + 1) % 10) + text.slice(at + 1);
  }
  if (kind < 0.8 || line.length === 0) return `${text.slice(0, to)}  # edited${text.slice(to)}`;
  const at = from + Math.floor(rand() * line.length);
  return text.slice(0, at) + text.slice(at + 1);
}

test('the corpus files are there', () => {
  assert.ok(files.length >= 40, `${files.length} files`);
});

files.forEach((file, index) => {
  test(`reanalyze(text) after three edits at once, and their undo at once, equals a fresh analysis: realworld/${file}`, () => {
    const original = readFileSync(join(dir, file), 'utf8');
    const rand = mulberry32(9100 + index);
    let replayed = 0;
    let current = analyzePython(original, opts);
    for (let round = 0; round < 2; round++) {
      let edited = original;
      for (let k = 0; k < 3; k++) edited = randomEdit(edited, rand);
      current = current.reanalyze(edited);
      replayed += current.interpreter.reuseStats.replayed;
      assert.deepEqual(observable(current, edited), observable(analyzePython(edited, opts), edited), `${file}: round ${round + 1}, edited`);
      current = current.reanalyze(original);
      replayed += current.interpreter.reuseStats.replayed;
      assert.deepEqual(observable(current, original), observable(analyzePython(original, opts), original), `${file}: round ${round + 1}, undone`);
    }
    // a file that loads no local modules keeps statement records: something before the first edit is replayed
    if (current.interpreter.reuseState !== null) assert.ok(replayed > 0, `${file}: nothing replayed over 4 re-analyses`);
  });
});

test('reanalyze(text) of an unchanged text replays every statement; an edit of the last line replays all before it', () => {
  const text = [
    'import torch',
    'import torch.nn as nn',
    'from torch.nn.utils.rnn import pack_padded_sequence',
    'lstm = nn.LSTM(3, 5, batch_first=True)',
    'x = torch.zeros(4, 7, 3)',
    'lengths = [7, 5, 2, 1]',
    'packed = pack_padded_sequence(x, lengths, batch_first=True)',
    'out, (h, c) = lstm(packed)',
    '',
  ].join('\n');
  const first = analyzePython(text, opts);
  const total = first.interpreter.reuseStats.interpreted;
  const same = first.reanalyze(text);
  assert.equal(same.interpreter.reuseStats.interpreted, 0);
  assert.equal(same.interpreter.reuseStats.replayed, total);
  const appended = `${text.trimEnd()}\nextra_line_by_test = 1\n`;
  const next = same.reanalyze(appended);
  assert.ok(next.interpreter.reuseStats.replayed >= total - 1, `replayed ${next.interpreter.reuseStats.replayed} of ${total}`);
  assert.deepEqual(observable(next, appended), observable(analyzePython(appended, opts), appended));
});
