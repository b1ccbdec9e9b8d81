// The extension-host test runner: VS Code loads this module as `extensionTestsPath` (in code-server through the
// payload URL, in desktop VS Code through @vscode/test-electron) and calls run(). It runs every bundled
// `*.test.js` next to it with mocha (tdd UI) inside the extension host and writes the results as JSON to
// $RNN_LENS_E2E_RESULTS (the e2e driver reads that file), then fails when a test failed.
import Mocha from 'mocha';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface HostTestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export interface HostTestReport {
  done: boolean;
  results: HostTestResult[];
  runnerError?: string;
}

function writeReport(file: string | undefined, report: HostTestReport): void {
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(report, null, 2));
}

export async function run(): Promise<void> {
  const resultsFile = process.env.RNN_LENS_E2E_RESULTS;
  const results: HostTestResult[] = [];
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: 'spec' });
  const grep = process.env.RNN_LENS_E2E_GREP;
  if (grep) mocha.grep(grep);
  for (const f of readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, f));
  writeReport(resultsFile, { done: false, results });
  try {
    const failures = await new Promise<number>((ok) => {
      const runner = mocha.run((n) => ok(n));
      runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
      runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending', durationMs: 0 }));
      runner.on('fail', (t, err: Error) =>
        results.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: `${err.message}\n${err.stack ?? ''}` }),
      );
    });
    writeReport(resultsFile, { done: true, results });
    if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    writeReport(resultsFile, { done: true, results, runnerError: message });
    throw err;
  }
}
