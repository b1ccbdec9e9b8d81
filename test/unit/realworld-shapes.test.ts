// The shape engine on the real-world corpus (test/fixtures/realworld/*.py: RNN code written the way public PyTorch
// projects write it), graded against PyTorch-traced records (expected/*.json, from trace.py) exactly like
// score.mjs: no record may be wrong (a guess that misses), no file may crash, report a false shape error or run out
// of the (step-counted, so deterministic) analysis budget, and each file keeps at least the exact records measured
// in floors.json so regressions fail. The exact/partial/wrong/missing figures are logged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePython } from '../../runtime/analysis/api';
import { grade, type Grade } from './shape-scoring';

const dir = join(__dirname, '..', 'fixtures', 'realworld');
const floors = JSON.parse(readFileSync(join(dir, 'floors.json'), 'utf8')) as Record<string, number>;
const files = readdirSync(dir).filter((f) => f.endsWith('.py')).sort();
const totals: Record<Grade, number> = { exact: 0, partial: 0, wrong: 0, missing: 0 };

test('the real-world corpus is there, every file traced and floored', () => {
  assert.ok(files.length >= 24, `${files.length} files`);
  for (const f of files) assert.ok(f in floors, `${f} has no floor in floors.json`);
});

for (const file of files) {
  test(`real-world ${file}: never wrong, no false errors, bounded`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const expected = JSON.parse(readFileSync(join(dir, 'expected', file.replace(/\.py$/, '.json')), 'utf8')).records;
    // a huge wall-clock budget: only the step budget applies, so the outcome does not depend on machine load
    const a = analyzePython(text, { limits: { timeMs: 600_000 } });
    const limits = a.diagnostics.filter((d) => d.code === 'RNNL-LIMIT');
    assert.deepEqual(limits.map((d) => `${d.span.line}: ${d.message}`), [], `${file}: analysis limits hit`);
    const errors = a.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => `${d.span.line}: ${d.message}`), [], `${file}: PyTorch runs this file without error`);
    const actual = a.records.map(({ span: _s, text: _t, ...r }) => r) as unknown as Record<string, unknown>[];
    const graded = grade(expected, actual);
    const counts: Record<Grade, number> = { exact: 0, partial: 0, wrong: 0, missing: 0 };
    for (const g of graded) counts[g.grade]++;
    for (const k of Object.keys(counts) as Grade[]) totals[k] += counts[k];
    const wrong = graded.filter((g) => g.grade === 'wrong');
    assert.deepEqual(
      wrong.map((g) => `${g.rec.line}:${g.rec.name} PyTorch ${JSON.stringify(g.rec)} engine ${JSON.stringify(g.got)}`),
      [],
      `${file}: wrong records`,
    );
    console.log(`${file}: exact=${counts.exact} partial=${counts.partial} wrong=${counts.wrong} missing=${counts.missing} (${graded.length})`);
    assert.ok(counts.exact >= floors[file], `${file}: ${counts.exact} exact records, floor ${floors[file]}`);
  });
}

test('real-world corpus totals', () => {
  const n = totals.exact + totals.partial + totals.wrong + totals.missing;
  const pct = (v: number): string => ((100 * v) / Math.max(1, n)).toFixed(1);
  console.log(`realworld: exact=${pct(totals.exact)}% partial=${pct(totals.partial)}% wrong=${pct(totals.wrong)}% missing=${pct(totals.missing)}% (${n} records)`);
  assert.equal(totals.wrong, 0);
});
