// Runs the extension-host test suite (test/e2e/host) inside a real VS Code: an isolated code-server whose workbench
// Chromium opens with a payload URL (extensionDevelopmentPath = the unpacked .vsix, extensionTestsPath = the bundled
// suite). The suite writes its results to a file; every mocha test becomes a node:test subtest here.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, startCodeServer } from './harness/codeServer';
import { launchBrowser, newWorkbenchPage, RESULTS_DIR, screenshot } from './harness/browser';
import type { HostTestReport } from './host/index';

const DEV_PATH = join(REPO_ROOT, '.cache/e2e/vsix/extension');
const TESTS_PATH = join(REPO_ROOT, 'out/test/host/index');

test('extension-host suite in code-server', { timeout: 300_000 }, async (t) => {
  assert.ok(existsSync(join(DEV_PATH, 'package.json')), `no unpacked .vsix at ${DEV_PATH}: run bash scripts/e2e/prepare.sh`);
  assert.ok(existsSync(`${TESTS_PATH}.js`), `no bundled host tests at ${TESTS_PATH}.js: run bash scripts/e2e/prepare.sh`);
  const stateDir = mkdtempSync(join(tmpdir(), 'rnn-lens-host-'));
  const workspace = join(stateDir, 'workspace');
  cpSync(join(REPO_ROOT, 'examples'), workspace, { recursive: true });
  const resultsFile = join(stateDir, 'results', 'host-results.json');
  const server = await startCodeServer({ stateDir, workspace, env: { RNN_LENS_E2E_RESULTS: resultsFile } });
  const browser = await launchBrowser();
  try {
    const page = await newWorkbenchPage(browser);
    const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(DEV_PATH)],
      ['extensionTestsPath', remote(TESTS_PATH)],
    ]);
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    const deadline = Date.now() + 240_000;
    let report: HostTestReport | undefined;
    while (Date.now() < deadline) {
      if (existsSync(resultsFile)) {
        const parsed = JSON.parse(readFileSync(resultsFile, 'utf8')) as HostTestReport;
        if (parsed.done) {
          report = parsed;
          break;
        }
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    await screenshot(page, 'host-suite-end');
    assert.ok(report, `the extension-host suite did not finish in time; code-server log: ${server.logFile}`);
    for (const f of readdirSync(join(stateDir, 'results')).filter((n) => n.startsWith('metric-'))) {
      cpSync(join(stateDir, 'results', f), join(RESULTS_DIR, f));
      t.diagnostic(`${f}: ${readFileSync(join(stateDir, 'results', f), 'utf8')}`);
    }
    assert.ok(report.results.length > 0, 'the extension-host suite ran no tests');
    for (const r of report.results) {
      await t.test(`${r.title} [${Math.round(r.durationMs)} ms in the extension host]`, { skip: r.state === 'pending' }, () => {
        if (r.state === 'failed') assert.fail(r.error ?? 'failed');
      });
    }
    assert.equal(report.runnerError, report.results.some((r) => r.state === 'failed') ? report.runnerError : undefined);
  } finally {
    await browser.close();
    await server.stop();
    if (!process.env.RNN_LENS_E2E_KEEP) rmSync(stateDir, { recursive: true, force: true });
  }
});
