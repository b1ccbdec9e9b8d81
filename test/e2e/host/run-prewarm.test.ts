// Extension-host test of the run worker's prewarm (extension/run/prewarm.ts): a Python file without packing or RNN
// calls never starts the worker, nor do RNN files VS Code keeps loaded without an editor; opening one with them starts it in the background and loads onnxruntime-web before
// any Run Selection, and the first run then uses that worker. Each part sets its own rnnLens.run.maxElements, which
// gives the worker another heap limit, so a worker left by earlier suites does not count. The first run's command
// round trip on the prewarmed worker is recorded as a metric (docs/benchmarks.md), not asserted.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { exampleInWorkspace, extension, recordMetric, waitFor } from './shared';

interface Api {
  onDidAnalyse: vscode.Event<vscode.Uri>;
  runWorkerState(): 'none' | 'starting' | 'ready';
}

interface RunSelectionResult {
  executed: boolean;
  message: string;
  steps: string[];
  worker?: { generation: number; runOnWorker: number; ortReadyMs?: number };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function setMaxElements(n: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('rnnLens').update('run.maxElements', n, vscode.ConfigurationTarget.Global);
}

suite('run worker prewarm', () => {
  let api: Api;
  suiteSetup(async () => {
    api = (await extension().activate()) as Api;
  });
  suiteTeardown(async () => {
    await setMaxElements(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a file without packing or RNN calls does not start the run worker', async () => {
    // only this file is shown: documents of earlier suites that VS Code keeps loaded are re-analysed after the
    // settings change below, but a document without an editor does not prewarm
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setMaxElements(3_000_000);
    assert.equal(api.runWorkerState(), 'none');
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: 'import torch\nx = torch.zeros(3, 4)\ny = x.sum(dim=0)\n' });
    const analysed = new Promise<void>((resolve) => {
      const sub = api.onDidAnalyse((uri) => {
        if (uri.toString() === doc.uri.toString()) {
          sub.dispose();
          resolve();
        }
      });
    });
    await vscode.window.showTextDocument(doc);
    await analysed;
    // longer than the prewarm delay (2 s) after the analysis
    await sleep(3500);
    assert.equal(api.runWorkerState(), 'none', 'a file with no RNN code started the run worker');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('opening an RNN file loads onnxruntime-web before any run; the first run uses that worker', async () => {
    await setMaxElements(4_000_000);
    assert.equal(api.runWorkerState(), 'none');
    const doc = await vscode.workspace.openTextDocument(exampleInWorkspace('pack_chars.py'));
    const editor = await vscode.window.showTextDocument(doc);
    const t0 = performance.now();
    await waitFor('the run worker to start', () => (api.runWorkerState() !== 'none' ? true : undefined), 20_000);
    const startedMs = performance.now() - t0;
    await waitFor('onnxruntime-web to load in the prewarmed worker', () => (api.runWorkerState() === 'ready' ? true : undefined), 30_000);
    const readyMs = performance.now() - t0;

    const lines = doc.getText().split('\n');
    const start = lines.findIndex((l) => l.startsWith('seqs = '));
    const end = lines.findIndex((l) => l.startsWith('output, input_sizes = '));
    assert.ok(start > 0 && end > start);
    editor.selection = new vscode.Selection(start, 0, end + 1, 0);
    const r0 = performance.now();
    const r = await vscode.commands.executeCommand<RunSelectionResult>('rnnLens.runSelection');
    const runMs = performance.now() - r0;
    assert.equal(r.executed, true, r.message);
    assert.ok(r.worker, 'the result does not say which worker ran it');
    assert.equal(r.worker.runOnWorker, 1, 'the prewarmed worker had run something before');
    assert.ok(r.worker.ortReadyMs !== undefined, 'the worker had not loaded onnxruntime-web');
    const rnnLine = lines.findIndex((l) => l.startsWith('packed_output, (ht, ct) = ')) + 1;
    assert.ok(r.steps.includes(`rnn ${rnnLine} packed (18, 4) → packed (18, 5), h_n (1, 3, 5)`), r.steps.join('\n'));
    recordMetric('run-prewarm', { startedAfterOpenMs: startedMs, readyAfterOpenMs: readyMs, firstRunMs: runMs, ortReadyMs: r.worker.ortReadyMs });
  });
});
