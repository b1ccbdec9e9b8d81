// Extension-host tests of local imports on the examples' tagger_project (train.py imports model.py, data.py,
// utils.py): shapes in train.py come through the modules (PyTorch: log_probs (4, 9, 8), h_n (2, 4, 12), sent (4, 24));
// an unsaved edit of model.py in its editor changes train.py's hovers and diagnostics (its dependents are re-analysed),
// and an error that model.py's code raises on train.py's arguments is reported at train.py's call.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { exampleInWorkspace, extension, waitFor } from './shared';

async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, pos)) as vscode.Hover[];
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n')
    .replace(/\\([\\`*_{}[\]<>#|])/g, '$1');
}

/** The position of `name` on the last line of `doc` that starts with `prefix` (after indentation). */
function lastAt(doc: vscode.TextDocument, prefix: string, name: string): vscode.Position {
  const lines = doc.getText().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].trimStart().startsWith(prefix)) return new vscode.Position(i, lines[i].indexOf(name) + 1);
  }
  assert.fail(`no line starting with ${prefix}`);
}

async function replaceIn(doc: vscode.TextDocument, from: string, to: string): Promise<void> {
  const at = doc.getText().indexOf(from);
  assert.ok(at >= 0, `${from} in ${doc.uri.path}`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + from.length)), to);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

suite('local imports', () => {
  suiteSetup(async () => {
    await extension().activate();
  });
  teardown(async () => {
    // edited modules are reverted first (closing a dirty editor would ask whether to save)
    for (const d of vscode.workspace.textDocuments.filter((x) => x.isDirty)) {
      await vscode.window.showTextDocument(d);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test("shapes come through the project's modules; an unsaved edit of model.py changes train.py's hovers and diagnostics", async () => {
    const train = await vscode.workspace.openTextDocument(exampleInWorkspace('tagger_project/train.py'));
    await vscode.window.showTextDocument(train);
    const hn = lastAt(train, 'log_probs, h_n = model(', 'h_n');
    const sent = lastAt(train, 'sent = ', 'sent');
    await waitFor('h_n (2, 4, 12) through model.py', async () => ((await hoverText(train.uri, hn)).includes('h_n: Tensor[float32] (2, 4, 12)') ? true : undefined));
    assert.match(await hoverText(train.uri, sent), /sent: Tensor\[float32\] \(4, 24\)/);
    assert.match(await hoverText(train.uri, lastAt(train, 'log_probs, h_n = model(', 'log_probs')), /log_probs: Tensor\[float32\] \(4, 9, 8\)/);

    // model.py opened beside and edited without saving: train.py follows the editor's text
    const model = await vscode.workspace.openTextDocument(exampleInWorkspace('tagger_project/model.py'));
    await vscode.window.showTextDocument(model, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    await replaceIn(model, 'hidden_dim=12', 'hidden_dim=20');
    await waitFor('h_n (2, 4, 20) after the edit of model.py', async () => ((await hoverText(train.uri, hn)).includes('h_n: Tensor[float32] (2, 4, 20)') ? true : undefined));
    assert.match(await hoverText(train.uri, sent), /sent: Tensor\[float32\] \(4, 40\)/);

    // a mistake in model.py that train.py's call runs into: reported on train.py's call, naming model.py's line
    await replaceIn(model, 'nn.Linear(2 * hidden_dim, tagset_size)', 'nn.Linear(hidden_dim, tagset_size)');
    const errors = await waitFor('the Linear error on train.py', () => {
      const d = vscode.languages.getDiagnostics(train.uri).filter((x) => x.source === 'RNN Lens' && x.severity === vscode.DiagnosticSeverity.Error);
      return d.length > 0 ? d : undefined;
    });
    const callLine = lastAt(train, 'log_probs, h_n = model(', 'model').line;
    assert.ok(errors.some((d) => d.range.start.line === callLine), errors.map((d) => `${d.range.start.line}: ${d.message}`).join('\n'));
    assert.ok(errors.every((d) => /\(in model\.py, line 19\)$/.test(d.message)), errors.map((d) => d.message).join("\n"));

    // undone: the error goes away again
    await replaceIn(model, 'nn.Linear(hidden_dim, tagset_size)', 'nn.Linear(2 * hidden_dim, tagset_size)');
    await waitFor('no error on train.py after the fix', () => (vscode.languages.getDiagnostics(train.uri).some((x) => x.source === 'RNN Lens' && x.severity === vscode.DiagnosticSeverity.Error) ? undefined : true));
  });
});
