// Test helpers for the `rnn-lens` CLI: spawn a subcommand through tsx (the same code the bundle runs), write input
// files into a temporary folder, and assert the CLI's failure contract (non-zero exit, exactly one stderr line with
// the `rnn-lens:` prefix, no stack frames).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the whole process, for reporting bounded time (never asserted tightly). */
  ms: number;
}

/** Runs `rnn-lens SUBCOMMAND ...args` in a child process with a hard timeout (and extra node options, e.g. a heap cap). */
export function runCli(subcommand: string, args: string[], timeoutMs = 60_000, nodeOptions: string[] = []): CliResult {
  const started = Date.now();
  const r = spawnSync(process.execPath, [...nodeOptions, '--import', 'tsx', join(repoRoot, 'runtime/cli.ts'), subcommand, ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** Writes `content` to `dir/name` and returns the path. */
export function writeInput(dir: string, name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** A failure is exactly one line on stderr with the rnn-lens prefix and no stack frames. */
export function assertOneLineFailure(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.notEqual(r.code, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^rnn-lens: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.match(r.stderr, pattern);
}
