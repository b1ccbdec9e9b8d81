// The symbolic hovers of test/fixtures/shape-tests/symbolic_*.py checked against PyTorch: check.py (in
// test/fixtures/symbolic) ran each file's classes and functions with concrete arguments and evaluated every symbolic
// dim of every `# hover` annotation (len(lengths), 2*hid, B*T, …) in the variables of that run; pytorch-checks.json
// holds the results. Here: each numeric-checkable annotation (a tensor with a named dim, an nn module's config, a
// symbolic int) was checked with the annotation text the file has now, and every check held. Together with
// shape-annotations.test.ts (the engine's hover equals the annotation) this says the engine's symbolic shapes are
// PyTorch's for those values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(__dirname, '..', 'fixtures', 'shape-tests');
interface Check { file: string; line: number; name: string; hover: string; ok: boolean; claimed?: unknown; actual?: unknown }
const checks = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'symbolic', 'pytorch-checks.json'), 'utf8')) as Check[];

/** Whether an annotation's text makes a claim check.py can evaluate (a named dim, a module config, an int symbol). */
function checkable(text: string): boolean {
  const t = /^Tensor\[[\w?]+\] \((.*)\)$/.exec(text);
  if (t) return t[1].split(',').some((d) => /[A-Za-z]/.test(d));
  return /^nn\.\w+\(.+\)$/.test(text) || /^int .+$/.test(text);
}

const files = readdirSync(dir).filter((f) => f.startsWith('symbolic_') && f.endsWith('.py')).sort();

test('every symbolic fixture is run by check.py', () => {
  assert.ok(files.length >= 5);
  for (const f of files) assert.ok(checks.some((c) => c.file === f), `${f} has no PyTorch checks (add a driver to check.py)`);
});

for (const file of files) {
  test(`symbolic hovers agree with PyTorch: ${file}`, () => {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    let n = 0;
    lines.forEach((line, i) => {
      const at = line.indexOf('# hover ');
      if (at < 0) return;
      for (const part of line.slice(at).split(/#\s*hover\s+/).slice(1)) {
        const m = /^(\w+):\s*(.*?)\s*$/.exec(part);
        if (!m || !checkable(m[2])) continue;
        const mine = checks.filter((c) => c.file === file && c.line === i + 1 && c.name === m[1]);
        assert.ok(mine.length > 0, `${file}:${i + 1} ${m[1]}: not checked with PyTorch (run check.py again)`);
        for (const c of mine) {
          assert.equal(c.hover, m[2], `${file}:${i + 1} ${m[1]}: checked with another annotation (run check.py again)`);
          assert.ok(c.ok, `${file}:${i + 1} ${m[1]}: PyTorch disagrees: claimed ${JSON.stringify(c.claimed)}, got ${JSON.stringify(c.actual)}`);
          n++;
        }
      }
    });
    assert.ok(n > 0, `${file}: no annotation checked with PyTorch`);
  });
}
