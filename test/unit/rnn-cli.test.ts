// `rnn-lens rnn` end to end (through tsx, the same code the bundle runs) on a PyTorch fixture, and on hostile inputs:
// each must end with a one-line message (stdout {"error", "error_type"} + one stderr line, non-zero exit), no stack
// trace, quickly and without allocating what the input claims.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareResult } from './rnn-fixture-cases';
import { repoRoot as root, runCli, type CliResult } from './helpers/cli';

const cases = join(root, 'test/fixtures/rnn/cases');
let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rnn-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[]): CliResult => runCli('rnn', args);

function writeSpec(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const baseSpec = (): Record<string, unknown> => JSON.parse(readFileSync(join(cases, 'lstm_unsorted.spec.json'), 'utf8')) as Record<string, unknown>;

/** One line on stderr, no stack trace, and the JSON error on stdout. */
function assertCleanFailure(r: ReturnType<typeof cli>, errorType: string, message: RegExp): void {
  assert.notEqual(r.code, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1, `stderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  const out = JSON.parse(r.stdout) as { error: string; error_type: string };
  assert.equal(out.error_type, errorType);
  assert.match(out.error, message);
}

for (const backend of ['reference', 'wasm']) {
  test(`cli --backend ${backend}: lstm_unsorted matches PyTorch`, () => {
    const r = cli([join(cases, 'lstm_unsorted.spec.json'), '--backend', backend]);
    assert.equal(r.code, 0, r.stderr);
    const expected = JSON.parse(readFileSync(join(cases, 'lstm_unsorted.expected.json'), 'utf8')) as Record<string, unknown>;
    const err = compareResult(expected, JSON.parse(r.stdout) as Record<string, unknown>);
    assert.ok(err <= 1e-4, String(err));
  });
}

test('cli: a PyTorch-rejected input prints PyTorch error JSON, exit 1', () => {
  const r = cli([join(cases, 'err_wrong_input_size.spec.json'), '--backend', 'reference']);
  assert.equal(r.code, 1);
  assertCleanFailure(r, 'RuntimeError', /^input\.size\(-1\) must be equal to input_size\. Expected 4, got 3$/);
});

test('cli: missing file', () => {
  assertCleanFailure(cli([join(dir, 'nope.json')]), 'SpecError', /nope\.json: cannot read \(ENOENT\)/);
});

test('cli: not JSON', () => {
  assertCleanFailure(cli([writeSpec('bad.json', '{"module": ')]), 'SpecError', /not valid JSON/);
});

test('cli: deeply nested JSON', () => {
  assertCleanFailure(cli([writeSpec('deep.json', '['.repeat(200_000) + ']'.repeat(200_000))]), 'SpecError', /spec: expected a JSON object/);
});

test('cli: wrong types and negative sizes are located', () => {
  const s = baseSpec();
  (s.module as Record<string, unknown>).hidden_size = '4';
  assertCleanFailure(cli([writeSpec('types.json', JSON.stringify(s))]), 'SpecError', /^module\.hidden_size: expected an integer, got "4"$/);
  const s2 = baseSpec();
  (s2.input as Record<string, unknown>).shape = [6, -4, 3];
  assertCleanFailure(cli([writeSpec('neg.json', JSON.stringify(s2))]), 'SpecError', /^input\.shape\[1\]: must be at least 0, got -4$/);
});

test('cli: 10^9 elements is refused before allocating', () => {
  const s = baseSpec();
  s.input = { shape: [1000, 1000, 1000], data: [1, 2, 3] };
  const t0 = Date.now();
  const r = cli([writeSpec('huge.json', JSON.stringify(s))]);
  assertCleanFailure(r, 'SpecError', /input: shape \[1000, 1000, 1000\] has 1\.00e\+9 elements, above the limit/);
  assert.ok(Date.now() - t0 < 30_000);
});

test('cli: a huge state_dict claim is refused before allocating', () => {
  const s = baseSpec();
  (s.state_dict as Record<string, unknown>).weight_ih_l0 = { shape: [100_000, 100_000], data: [] };
  assertCleanFailure(cli([writeSpec('hugew.json', JSON.stringify(s))]), 'SpecError', /state_dict\.weight_ih_l0: shape .* above the limit/);
});

test('cli: non-finite input (1e999 parses as Infinity)', () => {
  const s = baseSpec();
  (s.input as { data: number[] }).data[0] = 12345.678;
  const text = JSON.stringify(s).replace('12345.678', '1e999');
  assertCleanFailure(cli([writeSpec('inf.json', text)]), 'ValueError', /^input contains a non-finite value \(Infinity\) at flat index 0/);
});

test('cli: data nested deeper than its shape, and wrong value counts', () => {
  const s = baseSpec();
  s.input = { shape: [2], data: [[[1]], 2] };
  assertCleanFailure(cli([writeSpec('nest.json', JSON.stringify(s))]), 'SpecError', /input\.data: nested deeper than its shape \[2\]/);
  s.input = { shape: [6, 4, 3], data: [1, 2] };
  assertCleanFailure(cli([writeSpec('count.json', JSON.stringify(s))]), 'SpecError', /input\.data: shape \[6, 4, 3\] needs 72 values, got 2/);
});

test('cli: seed specs run with PyTorch\'s default init after manual_seed (runtime/torch/init.ts); a bad seed is a SpecError', () => {
  const r = cli([join(cases, 'seed0_gru_unsorted.spec.json'), '--backend', 'reference']);
  assert.equal(r.code, 0, r.stderr);
  const expected = JSON.parse(readFileSync(join(cases, 'seed0_gru_unsorted.expected.json'), 'utf8')) as Record<string, unknown>;
  assert.ok(compareResult(expected, JSON.parse(r.stdout) as Record<string, unknown>) <= 1e-4);
  const s = JSON.parse(readFileSync(join(cases, 'seed0_gru_unsorted.spec.json'), 'utf8')) as Record<string, unknown>;
  s.seed = 'zero';
  assertCleanFailure(cli([writeSpec('badseed.json', JSON.stringify(s))]), 'SpecError', /^seed: expected an integer, got "zero"/);
});

test('cli: a seed spec whose default init would be huge is refused before drawing', () => {
  const s = JSON.parse(readFileSync(join(cases, 'seed0_gru_unsorted.spec.json'), 'utf8')) as Record<string, unknown>;
  (s.module as Record<string, unknown>).hidden_size = 9_000_000;
  assertCleanFailure(cli([writeSpec('hugeseed.json', JSON.stringify(s))]), 'ValueError', /^parameters of shape \[\d+\] has .* elements, above RNN Lens's limit/);
});

test('cli: bad options end with one usage line', () => {
  for (const args of [['x.json', '--backend', 'gpu'], ['x.json', '--threads', '0'], []]) {
    const r = cli(args);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^rnn-lens: /);
  }
});
