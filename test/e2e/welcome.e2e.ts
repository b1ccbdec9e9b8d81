// UI test of the first-run welcome of the PACKAGED extension: a user with a fresh VS Code profile installs the .vsix
// and opens their own Python file. RNN Lens activates, opens the seed example and the "Get started with RNN Lens"
// walkthrough beside it; the walkthrough's buttons work (Open Example's quick pick, Toggle Inlay Hints, Open
// gotchas.py, Run the Example). After a restart with the same profile (same user-data dir, same browser storage),
// opening the file again shows no walkthrough: the welcome is shown once. Screenshots go to test-results/.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { installExtension, REPO_ROOT, startCodeServer, type RunningCodeServer } from './harness/codeServer';
import { launchBrowser, newWorkbenchPage, openFromExplorer, runPaletteCommand, screenshot, waitForWorkbench } from './harness/browser';

const VSIX = join(REPO_ROOT, 'rnn-lens.vsix');
const WALKTHROUGH_TAB = 'Walkthrough: RNN Lens';

/** A user's own file (not one of the examples): opening it activates RNN Lens. */
const MY_MODEL = [
  'import torch',
  'from torch import nn',
  '',
  'x = torch.randn(4, 7, 3)',
  'gru = nn.GRU(input_size=3, hidden_size=8, batch_first=True)',
  'out, h_n = gru(x)',
  '',
].join('\n');

const SETTINGS = { 'editor.inlayHints.enabled': 'on', 'editor.minimap.enabled': false };

async function tabTitles(page: Page): Promise<string[]> {
  return (await page.locator('.tabs-container .tab .label-name').allInnerTexts()).map((t) => t.trim());
}

/** Opens my_model.py and waits until RNN Lens has analysed it (its inlay hint `out: (4, 7, 8)` shows). */
async function openMyModel(page: Page): Promise<void> {
  await openFromExplorer(page, 'my_model.py');
  // (the welcome may already have opened the example over it: read every editor on the page)
  const editors = page.locator('.monaco-editor .view-lines');
  const hinted = /out: \(4, 7, 8\), h_n: \(1, 4, 8\) = gru\(x\)/;
  const deadline = Date.now() + 30_000;
  let texts: string[] = [];
  while (!(texts = (await editors.allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' '))).some((t) => hinted.test(t))) {
    if (Date.now() > deadline) assert.fail(`RNN Lens did not analyse my_model.py: ${texts.join('\n---\n')}`);
    await page.waitForTimeout(250);
  }
}

describe('first-run welcome of the installed .vsix', { timeout: 300_000 }, () => {
  let stateDir = '';
  let workspace = '';
  let port = 0;
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'rnn-lens-welcome-'));
    workspace = join(stateDir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'my_model.py'), MY_MODEL);
    installExtension(stateDir, VSIX);
    server = await startCodeServer({ stateDir, workspace, settings: SETTINGS });
    port = server.port;
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

  test('first activation opens the walkthrough beside the seed example', async () => {
    // opening the user's file activates RNN Lens (the welcome then covers it with the example: no hint to wait for)
    await openFromExplorer(page, 'my_model.py');
    const walkthrough = page.locator('.gettingStartedContainer');
    try {
      await page.locator('.tabs-container .tab', { hasText: WALKTHROUGH_TAB }).first().waitFor({ timeout: 30_000 });
      await walkthrough.first().waitFor({ timeout: 15_000 });
    } catch (err) {
      await screenshot(page, 'welcome-first-run-failed');
      throw new Error(`no walkthrough tab after the first activation (tabs: ${(await tabTitles(page)).join(', ')}): ${(err as Error).message}`);
    }
    assert.match(await walkthrough.first().innerText(), /Open an example[\s\S]*Hover for shapes[\s\S]*Catch the classic mistakes[\s\S]*Run a selection/);
    const tabs = await tabTitles(page);
    assert.ok(tabs.includes('my_model.py'), tabs.join(', '));
    assert.ok(tabs.includes('pack_chars.py'), `the seed example was not opened: ${tabs.join(', ')}`);
    // two editor groups: the example on the left, the walkthrough beside it
    assert.equal(await page.locator('.part.editor .editor-group-container').count(), 2);
    await screenshot(page, 'welcome-first-run');
  });

  test("the walkthrough's buttons: Open Example, Toggle Inlay Hints, Open gotchas.py, Run the Example", async () => {
    const walkthrough = page.locator('.gettingStartedContainer').first();
    const step = (title: string) => walkthrough.locator('.getting-started-step', { hasText: title }).first();
    const button = (title: string, label: string) => step(title).locator('.button-container .button-link, .button-container button, a', { hasText: label }).first();
    const status = page.locator('.part.statusbar');

    // Step 1: Open Example → the quick pick of examples → gru_classifier.py opens (beside the walkthrough)
    await button('Open an example', 'Open Example').click();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'gru_classifier.py' }).first().click({ timeout: 15_000 });
    await page.locator('.tabs-container .tab', { hasText: 'gru_classifier.py' }).first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'welcome-button-open-example');

    // Step 2: Toggle Inlay Hints → off (status bar says so), and on again
    await walkthrough.locator('.getting-started-step .step-title', { hasText: 'Hover for shapes' }).first().click();
    await button('Hover for shapes', 'Toggle Inlay Hints').click();
    await status.locator('text=RNN Lens: inlay hints off').first().waitFor({ timeout: 15_000 });
    await button('Hover for shapes', 'Toggle Inlay Hints').click();
    await status.locator('text=RNN Lens: inlay hints on').first().waitFor({ timeout: 15_000 });

    // Step 3: Open gotchas.py
    await walkthrough.locator('.getting-started-step .step-title', { hasText: 'Catch the classic mistakes' }).first().click();
    await button('Catch the classic mistakes', 'Open gotchas.py').click();
    await page.locator('.tabs-container .tab', { hasText: 'gotchas.py' }).first().waitFor({ timeout: 15_000 });

    // Step 4: Run the Example → pack_chars.py runs (the whole file) and the status bar reports its steps
    await walkthrough.locator('.getting-started-step .step-title', { hasText: 'Run a selection' }).first().click();
    await button('Run a selection', 'Run the Example').click();
    const ran = status.locator('text=/RNN Lens: pack_chars\\.py \\(whole file\\): \\d+ steps on wasm/').first();
    try {
      await ran.waitFor({ timeout: 60_000 });
    } catch (err) {
      await screenshot(page, 'welcome-button-run-failed');
      throw err;
    }
    // every example opened next to the walkthrough, in the example's group: still two groups, the walkthrough open
    assert.equal(await page.locator('.part.editor .editor-group-container').count(), 2);
    await page.locator('.tabs-container .tab', { hasText: WALKTHROUGH_TAB }).first().waitFor({ timeout: 5_000 });
    await screenshot(page, 'welcome-buttons');
  });

  test('a second start with the same profile does not show the walkthrough again', async () => {
    // Same user data dir, same browser profile and origin (extension globalState lives in the browser's storage in
    // code-server); another folder, so no editors of the first session are restored into the view.
    const second = join(stateDir, 'second-project');
    mkdirSync(second, { recursive: true });
    writeFileSync(join(second, 'my_model.py'), MY_MODEL);
    await server?.stop();
    server = await startCodeServer({ stateDir, workspace: second, settings: SETTINGS, port });
    await page.goto(`${server.url}?folder=${encodeURIComponent(second)}`);
    await waitForWorkbench(page);
    await openMyModel(page);
    // RNN Lens is active (the hint above); give a welcome the time it took the first time, then look
    await page.waitForTimeout(5_000);
    const tabs = await tabTitles(page);
    assert.deepEqual(tabs, ['my_model.py'], `tabs after the second start: ${tabs.join(', ')}`);
    assert.equal(await page.locator('.gettingStartedContainer').count(), 0);
    await screenshot(page, 'welcome-second-start');
    // and RNN Lens says why in its log
    await runPaletteCommand(page, 'RNN Lens: Show Log');
    await page.locator('.part.panel .view-lines', { hasText: 'welcome walkthrough: already-shown' }).first().waitFor({ timeout: 15_000 });
  });
});
