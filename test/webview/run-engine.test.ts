// The visualizer page drawing the run engine's own output (runtime/run, issue 5) for the seed scripts, not only the
// PyTorch-generated fixtures: every card must pass the same data checks as the fixtures' (test/webview/checks.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { runPythonText } from '../../runtime/run/engine';
import type { RunResult } from '../../runtime/steps/step';
import { PROTOCOL_VERSION } from '../../webview/protocol';
import { cardShots, checkDrawings, checkSeed000Medium, checkSeed002Orders, counter } from './checks';
import { applyTheme, pageErrors, post, ROOT, startHarness, type Harness } from './harness';

const CASES = join(ROOT, 'test/fixtures/shapes/cases');
const FILES = ['seed_pack_chars.py', 'seed_pad_pack.py', 'seed_bilstm_lens.py', 'seed_lstm_basics.py', 'seed_lstm_course.py'];

describe('visualizer page on the run engine\'s Steps', { timeout: 300_000 }, () => {
  let hx: Harness;
  let page: Page;
  before(async () => {
    hx = await startHarness();
    page = await hx.newPage();
    await applyTheme(page, 'light');
  });
  after(async () => {
    await hx?.close();
    console.log(`# DOM assertions (run engine output): ${counter.assertions}`);
  });

  for (const file of FILES) {
    test(`${file}: the engine's steps are drawn and agree with their data`, async () => {
      const text = readFileSync(join(CASES, file), 'utf8');
      const out = await runPythonText(text, file, { backend: 'reference' });
      const result: RunResult = { version: out.version, file: out.file, backend: out.backend, steps: out.steps, messages: out.messages };
      assert.ok(result.steps.length > 0, `${file}: the engine produced steps`);
      const before = await page.evaluate(() => Number(document.getElementById('rnn-lens')?.dataset.renders ?? 0));
      await post(page, { type: 'show', protocol: PROTOCOL_VERSION, result: JSON.parse(JSON.stringify(result)), source: { uri: `file:///${file}`, label: file, text, languageId: 'python' } });
      await page.waitForFunction((n) => Number(document.getElementById('rnn-lens')?.dataset.renders ?? 0) > n, before);
      await checkDrawings(page, result);
      // colour follows the sequence across cards on the engine's own rows too
      if (file === 'seed_pack_chars.py') await checkSeed000Medium(page, result);
      if (file === 'seed_pad_pack.py') await checkSeed002Orders(page, result);
      await cardShots(page, `engine-${file.replace('.py', '')}`, ['pack', 'rnn', 'final-state'], 'light');
      // shape-only Steps (sizes the run could not compute are -1) read '?' and 'not computed', never negative sizes
      const shown = await page.$$eval('.step-card > :not(header):not(.explanation):not(.warnings)', (els) => els.map((e) => e.textContent ?? '').join('\n'));
      const negative = /.{0,60}(-\d[\d,]* (values|numbers)\b|\((?:[\d?]+, )*-1(?:, [\d?]+)*,?\)).{0,20}/.exec(shown);
      assert.equal(negative, null, `${file}: a negative size is drawn: ${negative?.[0] ?? ''}`);
      assert.deepEqual(pageErrors(page), []);
      assert.equal(await page.$$eval('.draw-error', (els) => els.length), 0, 'no card failed to draw');
    });
  }
});
