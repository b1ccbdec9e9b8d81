// Extension-host tests of the commands: Open Example (every packaged example, notebooks in the notebook editor),
// Toggle Inlay Hints (flips the setting both ways), Run Selection (what it targets for a selection, a whole file and
// a notebook cell, and the Steps the run engine returns on the wasm backend — shapes as PyTorch gives them).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { exampleInWorkspace, extension } from './shared';

function lineOf(doc: vscode.TextDocument, prefix: string): number {
  return doc.getText().split('\n').findIndex((l) => l.startsWith(prefix));
}

interface RunSelectionResult {
  target: { kind: string; label: string; lines?: { start: number; end: number }; cellIndex?: number };
  backend: string;
  steps: string[];
  messages: string[];
  executed: boolean;
  message: string;
}

suite('commands', () => {
  suiteSetup(async () => {
    await extension().activate();
  });
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Open Example opens every packaged example (the notebook in the notebook editor)', async () => {
    const manifestFiles = ['pack_chars.py', 'pad_pack_unsorted.py', 'bilstm_lengths.ipynb', 'gru_classifier.py', 'gotchas.py', 'tagger_project/train.py'];
    for (const file of manifestFiles) {
      const uri = (await vscode.commands.executeCommand('rnnLens.openExample', file)) as vscode.Uri;
      assert.ok(uri.path.endsWith(`/examples/${file}`), `${file}: ${uri.toString()}`);
      if (file.endsWith('.ipynb')) {
        const nb = vscode.window.activeNotebookEditor?.notebook;
        assert.ok(nb, `${file} did not open in the notebook editor`);
        assert.equal(nb.notebookType, 'jupyter-notebook');
        assert.equal(nb.cellCount, 11);
        assert.equal(nb.cellAt(1).kind, vscode.NotebookCellKind.Code);
        assert.match(nb.cellAt(1).document.getText(), /torch\.manual_seed\(0\)/);
      } else {
        assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
      }
    }
  });

  test('Toggle Inlay Hints flips rnnLens.inlayHints.enabled and back', async () => {
    const read = (): boolean | undefined => vscode.workspace.getConfiguration('rnnLens').get<boolean>('inlayHints.enabled');
    const before = read();
    assert.equal(before, true, 'inlay hints are on by default');
    assert.equal(await vscode.commands.executeCommand('rnnLens.toggleInlayHints'), false);
    assert.equal(read(), false);
    assert.equal(await vscode.commands.executeCommand('rnnLens.toggleInlayHints'), true);
    assert.equal(read(), true);
  });

  test('Run Selection runs the selected lines of a Python file on wasm and returns their Steps', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleInWorkspace('pack_chars.py'));
    const editor = await vscode.window.showTextDocument(doc);
    const start = doc.getText().split('\n').findIndex((l) => l.startsWith('seqs = '));
    const end = doc.getText().split('\n').findIndex((l) => l.startsWith('packed_input = '));
    assert.ok(start > 0 && end > start);
    // Selection from the start of `seqs = ...` to column 0 of the line after `packed_input = ...`.
    editor.selection = new vscode.Selection(start, 0, end + 1, 0);
    const res = (await vscode.commands.executeCommand('rnnLens.runSelection')) as RunSelectionResult;
    assert.equal(res.target.kind, 'python');
    assert.deepEqual(res.target.lines, { start: start + 1, end: end + 1 });
    assert.equal(res.target.label, `pack_chars.py, lines ${start + 1}-${end + 1}`);
    assert.equal(res.executed, true);
    assert.equal(res.backend, 'wasm');
    assert.deepEqual(res.messages, []);
    // Steps of the selection only (it ends at the pack call): shapes as PyTorch prints them for seed 000.
    const packLine = end + 1;
    assert.ok(res.steps.includes(`pack ${packLine} (3, 8, 4) → packed (18, 4)`), res.steps.join('\n'));
    assert.ok(res.steps.includes(`embed ${lineOf(doc, 'embedded_seq_tensor = ') + 1} (3, 8) → (3, 8, 4)`), res.steps.join('\n'));
    assert.ok(!res.steps.some((s) => s.startsWith('rnn ')), `the LSTM after the selection ran: ${res.steps.join(' | ')}`);
    assert.match(res.message, new RegExp(`^pack_chars\\.py, lines ${start + 1}-${end + 1}: ${res.steps.length} steps on wasm in \\d+\\.\\d s$`));
  });

  test('Run Selection with nothing selected runs the whole file (GRU module with packing)', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleInWorkspace('gru_classifier.py'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(3, 2, 3, 2);
    const res = (await vscode.commands.executeCommand('rnnLens.runSelection')) as RunSelectionResult;
    assert.equal(res.target.lines, undefined);
    assert.equal(res.target.label, 'gru_classifier.py (whole file)');
    const kinds = res.steps.map((x) => x.split(' ')[0]);
    for (const k of ['embed', 'pack', 'rnn', 'unpack', 'final-state']) assert.ok(kinds.includes(k), `no ${k} step: ${res.steps.join(' | ')}`);
    // 2-layer GRU, hidden 16, over 3 sentences of lengths 4, 2, 3 (9 tokens): h_n (2, 3, 16).
    assert.ok(res.steps.some((x) => /^rnn \d+ packed \(9, 8\) → packed \(9, 16\), h_n \(2, 3, 16\)$/.test(x)), res.steps.join('\n'));
  });

  test('Run Selection in a notebook targets the current cell', async () => {
    const nb = await vscode.workspace.openNotebookDocument(exampleInWorkspace('bilstm_lengths.ipynb'));
    const nbEditor = await vscode.window.showNotebookDocument(nb);
    nbEditor.selections = [new vscode.NotebookRange(8, 9)];
    const res = (await vscode.commands.executeCommand('rnnLens.runSelection')) as RunSelectionResult;
    assert.equal(res.target.kind, 'notebook');
    assert.equal(res.target.cellIndex, 8);
    assert.equal(res.target.label, 'bilstm_lengths.ipynb, cell 9');
    // Cells 1-9 run in order; cell 9 packs lengths [4, 3, 2] and runs the bidirectional LSTM (hidden 2).
    assert.ok(res.steps.includes('pack 9:1 (3, 4, 3) → packed (9, 3)'), res.steps.join('\n'));
    assert.ok(res.steps.includes('rnn 9:2 packed (9, 3) → packed (9, 4), h_n (2, 3, 2)'), res.steps.join('\n'));
    assert.ok(!res.steps.some((x) => x.includes(' 11:')), 'cells after the current one ran');
  });
});
