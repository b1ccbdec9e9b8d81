// Extension-host tests of the commands that do not need the shape engine: Open Example (every packaged example,
// notebooks in the notebook editor), Toggle Inlay Hints (flips the setting both ways), Run Selection (what it
// targets for a selection, a whole file and a notebook cell, and that it says plainly it did not execute).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { exampleInWorkspace, extension } from './shared';

interface RunSelectionResult {
  target: { kind: string; label: string; lines?: { start: number; end: number }; cellIndex?: number };
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
    const manifestFiles = ['pack_chars.py', 'pad_pack_unsorted.py', 'bilstm_lengths.ipynb', 'gru_classifier.py', 'gotchas.py'];
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

  test('Run Selection targets the selected lines of a Python file, and says it did not execute', async () => {
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
    assert.equal(res.executed, false);
    assert.match(res.message, /run engine, which is not in this build yet/);
  });

  test('Run Selection with nothing selected targets the whole file', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleInWorkspace('gru_classifier.py'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(3, 2, 3, 2);
    const res = (await vscode.commands.executeCommand('rnnLens.runSelection')) as RunSelectionResult;
    assert.equal(res.target.lines, undefined);
    assert.equal(res.target.label, 'gru_classifier.py (whole file)');
  });

  test('Run Selection in a notebook targets the current cell', async () => {
    const nb = await vscode.workspace.openNotebookDocument(exampleInWorkspace('bilstm_lengths.ipynb'));
    const nbEditor = await vscode.window.showNotebookDocument(nb);
    nbEditor.selections = [new vscode.NotebookRange(8, 9)];
    const res = (await vscode.commands.executeCommand('rnnLens.runSelection')) as RunSelectionResult;
    assert.equal(res.target.kind, 'notebook');
    assert.equal(res.target.cellIndex, 8);
    assert.equal(res.target.label, 'bilstm_lengths.ipynb, cell 9');
  });
});
