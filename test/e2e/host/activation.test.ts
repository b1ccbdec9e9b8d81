// Extension-host tests: the packaged extension activates, measures its activation, and its commands run.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { exampleInWorkspace, extension, recordMetric } from './shared';

suite('activation', () => {
  test('activates on demand and reports its activation time', async () => {
    const ext = extension();
    const wasActive = ext.isActive;
    const started = performance.now();
    const api = (await ext.activate()) as { activationMs: number };
    const outsideMs = performance.now() - started;
    assert.equal(typeof api.activationMs, 'number');
    assert.ok(api.activationMs >= 0);
    recordMetric('activation', { alreadyActive: wasActive, activateCallMs: outsideMs, insideActivateMs: api.activationMs });
  });

  test('contributes its commands under the RNN Lens category', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['rnnLens.openExample', 'rnnLens.showLog']) assert.ok(all.includes(id), `${id} is not registered`);
    const manifest = extension().packageJSON as { contributes: { commands: { command: string; category: string }[] } };
    for (const c of manifest.contributes.commands) assert.equal(c.category, 'RNN Lens', `${c.command} category`);
  });

  test('Open Example opens the packaged seed-000 example as Python', async () => {
    const opened = (await vscode.commands.executeCommand('rnnLens.openExample', 'pack_chars.py')) as vscode.Uri;
    assert.ok(opened.path.endsWith('/examples/pack_chars.py'), opened.toString());
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'no active editor after Open Example');
    assert.equal(editor.document.uri.toString(), opened.toString());
    assert.equal(editor.document.languageId, 'python');
    assert.match(editor.document.getText(), /packed_input = pack_padded_sequence\(/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Open Example opens the user\'s own copy: edits are saved there, kept on the next open, and the installed file is untouched', async () => {
    const installed = vscode.Uri.joinPath(extension().extensionUri, 'examples', 'gru_classifier.py');
    const opened = (await vscode.commands.executeCommand('rnnLens.openExample', 'gru_classifier.py')) as vscode.Uri;
    assert.ok(!opened.path.startsWith(extension().extensionUri.path), `opened inside the install folder: ${opened.toString()}`);
    const doc = await vscode.workspace.openTextDocument(opened);
    const note = '# my own note\n';
    const edit = new vscode.WorkspaceEdit();
    edit.insert(opened, new vscode.Position(0, 0), note);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const again = (await vscode.commands.executeCommand('rnnLens.openExample', 'gru_classifier.py')) as vscode.Uri;
    assert.equal(again.toString(), opened.toString());
    assert.ok(vscode.window.activeTextEditor?.document.getText().startsWith(note), 'the user\'s edit was not kept');
    assert.ok(!Buffer.from(await vscode.workspace.fs.readFile(installed)).toString('utf8').startsWith(note), 'the installed example was changed');
    // restore the copy for the other tests
    const undo = new vscode.WorkspaceEdit();
    undo.delete(again, new vscode.Range(0, 0, 1, 0));
    assert.ok(await vscode.workspace.applyEdit(undo));
    assert.ok(await vscode.window.activeTextEditor?.document.save());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the workspace copy of the examples opens as Python', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleInWorkspace('pack_chars.py'));
    assert.equal(doc.languageId, 'python');
  });
});
