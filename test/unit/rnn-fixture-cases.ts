// Shared by the RNN fixture tests: loads test/fixtures/rnn/**/cases (PyTorch 1.13 ground truth) and compares a
// RESULT with an expected file the way the official scorer does (float max abs error, exact integer lists).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_DIRS = [join(__dirname, '../fixtures/rnn/cases'), join(__dirname, '../fixtures/rnn/extra')].filter((d) => existsSync(d));

export interface FixtureCase {
  name: string;
  dir: string;
  spec: Record<string, unknown>;
  expected: Record<string, unknown>;
  isSeed: boolean;
  isError: boolean;
}

export function loadCases(): FixtureCase[] {
  const out: FixtureCase[] = [];
  for (const dir of FIXTURE_DIRS) {
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.spec.json')).sort()) {
      const name = f.slice(0, -'.spec.json'.length);
      const spec = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
      const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as Record<string, unknown>;
      out.push({ name, dir, spec, expected, isSeed: spec.seed !== undefined && spec.seed !== null, isError: 'error' in expected });
    }
  }
  return out;
}

interface TensorJson {
  shape: number[];
  data: number[];
}

/** Max abs error over output/h_n/c_n; throws with a precise reason on shape or integer-list mismatch. */
export function compareResult(expected: Record<string, unknown>, actual: Record<string, unknown>): number {
  let maxErr = 0;
  for (const key of ['output', 'h_n', 'c_n']) {
    const e = expected[key] as TensorJson | undefined;
    if (!e) {
      if (actual[key] !== undefined) throw new Error(`${key}: present but PyTorch returns none`);
      continue;
    }
    const a = actual[key] as TensorJson | undefined;
    if (!a) throw new Error(`${key}: missing`);
    if (JSON.stringify(a.shape) !== JSON.stringify(e.shape)) throw new Error(`${key}: shape ${JSON.stringify(a.shape)} != ${JSON.stringify(e.shape)}`);
    if (a.data.length !== e.data.length) throw new Error(`${key}: ${a.data.length} values != ${e.data.length}`);
    for (let i = 0; i < e.data.length; i++) {
      const d = Math.abs(a.data[i] - e.data[i]);
      if (!(d <= maxErr)) maxErr = Number.isNaN(d) ? Infinity : d;
    }
  }
  for (const key of ['batch_sizes', 'sorted_indices', 'unsorted_indices', 'output_lengths', 'packed_data_shape']) {
    const e = JSON.stringify(expected[key] ?? null);
    const a = JSON.stringify(actual[key] ?? null);
    if (e !== a) throw new Error(`${key}: ${a} != expected ${e}`);
  }
  return maxErr;
}
