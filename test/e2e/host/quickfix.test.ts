// Extension-host tests of the RNNL001 quick fix (`output[:, -1]` on an unpacked RNN output → the final hidden state)
// through VS Code's own code-action command, as the light bulb runs it: on the gotchas example (h_n bound: one
// edit), and on a file whose LSTM result was unpacked as `out, _` (two edits: `_` → `(h_n, c_n)` and the
// read → `torch.cat((h_n[-2], h_n[-1]), dim=1)` for a bidirectional LSTM). After each fix the diagnostic goes away.
// The texts are the ones test/fixtures/rnnl001-fix/gen_rnnl001_cases.py checked with PyTorch.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { exampleInWorkspace, extension, waitFor, workspaceUri } from './shared';

/** Writes a Python file into the test workspace and opens it (a file of its own per test: no reused untitled URI). */
async function openNewFile(name: string, content: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.joinPath(workspaceUri(), name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return doc;
}

function codeValue(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code);
}

async function rnnl001(uri: vscode.Uri): Promise<vscode.Diagnostic> {
  return waitFor('an RNNL001 diagnostic', () => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'RNN Lens' && codeValue(d) === 'RNNL001'));
}

async function quickFixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value)) as vscode.CodeAction[];
}

async function gone(uri: vscode.Uri): Promise<void> {
  await waitFor('RNNL001 to disappear', () => (vscode.languages.getDiagnostics(uri).some((d) => d.source === 'RNN Lens' && codeValue(d) === 'RNNL001') ? undefined : true));
}

suite('RNNL001 quick fix', () => {
  suiteSetup(async () => {
    await extension().activate();
  });
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('gotchas example: output[:, -1] becomes h_n[-1] and the warning goes away', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleInWorkspace('gotchas.py'));
    await vscode.window.showTextDocument(doc);
    const d = await rnnl001(doc.uri);
    assert.equal(doc.getText(d.range), 'output[:, -1]');
    assert.match(d.message, /Use h_n\[-1\], the final hidden state \(batch_first does not apply to h_n\)/);
    const actions = await quickFixes(doc.uri, d.range);
    const fix = actions.find((a) => a.title === 'Use h_n[-1] (the final hidden state)');
    assert.ok(fix?.edit, `no RNNL001 fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.isPreferred, true);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.lineAt(d.range.start.line).text, 'last_step = h_n[-1]');
    await gone(doc.uri);
  });

  test('`out, _ = lstm(packed)` on a bidirectional LSTM: the fix names (h_n, c_n) and concatenates both directions', async () => {
    const content = [
      'import torch',
      'from torch import nn',
      'from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence',
      'x = torch.randn(3, 6, 4)',
      'lstm = nn.LSTM(4, 5, num_layers=2, bidirectional=True, batch_first=True)',
      'packed = pack_padded_sequence(x, [2, 6, 3], batch_first=True, enforce_sorted=False)',
      'out, _ = lstm(packed)',
      'out, lengths = pad_packed_sequence(out, batch_first=True)',
      'summary = out[:, -1, :]',
      '',
    ].join('\n');
    const doc = await openNewFile('rnnl001_bidirectional.py', content);
    const d = await rnnl001(doc.uri);
    assert.equal(d.range.start.line, 8);
    const actions = await quickFixes(doc.uri, d.range);
    const fix = actions.find((a) => a.title.startsWith('Use torch.cat((h_n[-2], h_n[-1]), dim=1)'));
    assert.ok(fix?.edit, `no RNNL001 fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.lineAt(6).text, 'out, (h_n, c_n) = lstm(packed)');
    assert.equal(doc.lineAt(8).text, 'summary = torch.cat((h_n[-2], h_n[-1]), dim=1)');
    await gone(doc.uri);
    // the concatenation is not reported as "h_n[-1] is the backward direction only" (RNNL006) either
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'RNN Lens').map(codeValue), []);
  });

  test('no mechanical fix (pad_sequence batch): no code action, the message says why', async () => {
    const content = 'import torch\nfrom torch.nn.utils.rnn import pad_sequence\nb = pad_sequence([torch.randn(5, 4), torch.randn(3, 4)], batch_first=True)\nlast = b[:, -1]\n';
    const doc = await openNewFile('rnnl001_no_fix.py', content);
    const d = await rnnl001(doc.uri);
    assert.match(d.message, /No quick fix: this padded batch comes from pad_sequence, not from an RNN/);
    const actions = await quickFixes(doc.uri, d.range);
    assert.deepEqual(actions.filter((a) => a.diagnostics?.some((x) => codeValue(x) === 'RNNL001')).map((a) => a.title), []);
  });
});

// An untitled URI (untitled:Untitled-1) is given to the next new file once the old one is closed, and its version
// starts at 1 again: the new file must get its own diagnostics, not the closed file's cached analysis. (A host test
// on a new unsaved file once never saw its RNNL001. The cache now also checks the document object and does not cache
// an analysis finished after its document closed; this test did not reproduce that failure before the change —
// it passed twice without it — so it guards the reuse itself, not that race.)
suite('untitled URIs reused', () => {
  suiteSetup(async () => {
    await extension().activate();
  });

  test('a new unsaved file at the URI of a closed one gets its own diagnostics', async () => {
    const quiet = 'import torch\nx = torch.zeros(3, 4)\ny = x.sum(dim=0)\n';
    const first = await vscode.workspace.openTextDocument({ language: 'python', content: quiet });
    await vscode.window.showTextDocument(first);
    const uri = first.uri.toString();
    // ask the providers for this document while it closes, as the workbench does when an editor goes away
    const lastLine = new vscode.Range(0, 0, first.lineCount, 0);
    const late = [
      vscode.commands.executeCommand('vscode.executeInlayHintProvider', first.uri, lastLine),
      vscode.commands.executeCommand('vscode.executeHoverProvider', first.uri, new vscode.Position(1, 0)),
    ];
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await Promise.allSettled(late);
    assert.ok(first.isClosed);

    const buggy = 'import torch\nimport torch.nn as nn\nfrom torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\n' +
      'x = torch.randn(3, 5, 4)\nlstm = nn.LSTM(4, 6, batch_first=True)\n' +
      'packed = pack_padded_sequence(x, [5, 3, 2], batch_first=True)\nout, (h, c) = lstm(packed)\n' +
      'out, lens = pad_packed_sequence(out, batch_first=True)\nlast = out[:, -1]\n';
    const second = await vscode.workspace.openTextDocument({ language: 'python', content: buggy });
    await vscode.window.showTextDocument(second);
    assert.equal(second.uri.toString(), uri, 'VS Code did not reuse the untitled URI: this test checks nothing');
    const d = await rnnl001(second.uri);
    assert.equal(d.range.start.line, 8);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
