// The gotcha detectors on correct code: the real-world corpus (test/fixtures/realworld, PyTorch runs every file) and
// the seed cases (test/fixtures/shapes/cases) must raise exactly the listed RNNLxxx diagnostics — none so far: a false
// alarm on correct code is worse than silence. Also: every docs link a diagnostic carries names an anchor that exists
// in docs/gotchas.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePython } from '../../runtime/analysis/api';

const root = join(__dirname, '..', '..');
const realworld = join(root, 'test', 'fixtures', 'realworld');
const seeds = join(root, 'test', 'fixtures', 'shapes', 'cases');

/** The numbered gotchas each file is expected to raise (`code@line`). Files not listed raise none. */
const EXPECTED: Record<string, string[]> = {};

const files = [
  ...readdirSync(realworld).filter((f) => f.endsWith('.py')).map((f) => join(realworld, f)),
  ...readdirSync(seeds).filter((f) => f.endsWith('.py')).map((f) => join(seeds, f)),
].sort();

test('the corpus and seed cases are there', () => {
  assert.ok(files.length >= 23, `${files.length} files`);
});

for (const file of files) {
  const name = file.slice(root.length + 1);
  test(`gotchas on correct code: ${name}`, () => {
    const a = analyzePython(readFileSync(file, 'utf8'), { limits: { timeMs: 600_000 } });
    const got = a.diagnostics.filter((d) => /^RNNL\d+$/.test(d.code)).map((d) => `${d.code}@${d.span.line}`);
    assert.deepEqual(got, EXPECTED[name.split('/').pop()!] ?? [], a.diagnostics.map((d) => `${d.code}@${d.span.line}: ${d.message}`).join('\n'));
  });
}

test('every gotcha link names an anchor of docs/gotchas.md', () => {
  const docs = readFileSync(join(root, 'docs', 'gotchas.md'), 'utf8');
  const anchors = new Set([...docs.matchAll(/<a id="([^"]+)"/g)].map((m) => m[1]));
  const src = readFileSync(join(root, 'runtime', 'diagnostics', 'gotchas.ts'), 'utf8') + readFileSync(join(root, 'runtime', 'analysis', 'api.ts'), 'utf8');
  const used = [...src.matchAll(/#(rnnl[\w-]+)/g)].map((m) => m[1]);
  const codes = [...src.matchAll(/code: '(RNNL\d+)'/g)].map((m) => m[1].toLowerCase());
  assert.ok(used.length >= 10, `${used.length} links`);
  for (const a of [...used, ...codes]) assert.ok(anchors.has(a), `docs/gotchas.md has no anchor ${a}`);
});
