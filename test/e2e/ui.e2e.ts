// UI tests: a user's view of the PACKAGED extension. The .vsix that `npm run package` built is installed into an
// isolated code-server; headless Chromium (playwright-core) drives the workbench like a user: command palette,
// editor, hover, Problems panel, quick fixes. Screenshots of every step go to test-results/.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { installExtension, REPO_ROOT, startCodeServer, type RunningCodeServer } from './harness/codeServer';
import { launchBrowser, newWorkbenchPage, runPaletteCommand, screenshot, waitForWorkbench } from './harness/browser';

const VSIX = join(REPO_ROOT, 'rnn-lens.vsix');

describe('RNN Lens in code-server (packaged .vsix)', { timeout: 300_000 }, () => {
  let stateDir = '';
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'rnn-lens-ui-'));
    const workspace = join(stateDir, 'workspace');
    cpSync(join(REPO_ROOT, 'examples'), workspace, { recursive: true });
    installExtension(stateDir, VSIX);
    server = await startCodeServer({ stateDir, workspace });
    browser = await launchBrowser();
    page = await newWorkbenchPage(browser);
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (stateDir && !process.env.RNN_LENS_E2E_KEEP) rmSync(stateDir, { recursive: true, force: true });
  });

  test('palette: RNN Lens: Open Example opens the seed-000 example', async () => {
    await runPaletteCommand(page, 'RNN Lens: Open Example');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'pack_chars.py' }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    const tab = page.locator('.tabs-container .tab.active', { hasText: 'pack_chars.py' });
    await tab.waitFor({ timeout: 15_000 });
    await page.locator('.view-lines', { hasText: 'packed_input = pack_padded_sequence' }).first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'ui-open-example');
  });

  test('palette: RNN Lens: Show Log shows the activation line in the output channel', async () => {
    await runPaletteCommand(page, 'RNN Lens: Show Log');
    const output = page.locator('.part.panel .view-lines', { hasText: 'activated in' });
    await output.first().waitFor({ timeout: 15_000 });
    const text = (await output.first().innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /activated in \d+(\.\d+)? ms \(version 0\.1\.0\)/);
    await screenshot(page, 'ui-output-channel');
  });
});
