// Extension-host test of notebook re-analysis after edits (extension/analysis/service.ts re-analyses the cached
// notebook analysis from its new cells: runtime Analysis.reanalyzeNotebook): typing in one cell of the example
// notebook updates hovers and diagnostics of the cells downstream, undoing the typing takes them back, and a cell
// inserted above moves every result into its new cell. Expected values are the example's PyTorch shapes
// (examples/bilstm_lengths.ipynb: pac_pad_out data (9, 4), batch_sizes [3,3,2,1]; hidden 5 gives data (9, 10)) and
// PyTorch's LSTM input check ("input.size(-1) must be equal to input_size. Expected 3, got 7"). A notebook that
// imports the tagger_project's model.py: an unsaved edit of model.py reaches the notebook although its cells did not
// change (the service re-analyses its cached analysis from the same cells; a program that loaded local modules keeps
// no statement records, so nothing of the old module is replayed), and typing in the notebook afterwards keeps it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { exampleInWorkspace, extension, waitFor, workspaceUri } from './shared';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n')
    .replace(/\\([\\`*_{}[\]<>#|])/g, '$1');
}

/** Waits until the hover at a position matches `expected` (the re-analysis after an edit is debounced). */
async function hoverMatching(uri: vscode.Uri, pos: vscode.Position, expected: RegExp): Promise<string> {
  let last = '';
  try {
    return await waitFor(`hover at ${pos.line}:${pos.character} matching ${expected}`, async () => {
      last = hoverText((await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, pos)) as vscode.Hover[]);
      return expected.test(last) ? last : undefined;
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}; last hover: ${JSON.stringify(last)}`);
  }
}

function shapeErrors(uri: vscode.Uri): string[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'RNN Lens' && typeof d.code === 'object' && d.code !== null && String(d.code.value) === 'RNNL-SHAPE')
    .map((d) => `${d.range.start.line}: ${d.message}`);
}

/** Types `text` into a cell document one character at a time at `pos`, each character its own edit. */
async function typeInto(doc: vscode.TextDocument, pos: vscode.Position, text: string): Promise<void> {
  for (let i = 0; i < text.length; i++) {
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, pos.translate(0, i), text[i]);
    assert.ok(await vscode.workspace.applyEdit(edit));
  }
}

/** Deletes `length` characters before `end` one at a time (backspace). */
async function backspace(doc: vscode.TextDocument, end: vscode.Position, length: number): Promise<void> {
  for (let i = 0; i < length; i++) {
    const at = end.translate(0, -i);
    const edit = new vscode.WorkspaceEdit();
    edit.delete(doc.uri, new vscode.Range(at.translate(0, -1), at));
    assert.ok(await vscode.workspace.applyEdit(edit));
  }
}

suite('notebook re-analysis after edits', () => {
  suiteSetup(async () => {
    await extension().activate();
  });
  // a copy of the example: the edits never reach the notebook other suites open (VS Code keeps a notebook document
  // loaded after its editor closes)
  const importing = (): vscode.Uri => exampleInWorkspace('tagger_project/notebook_by_test.ipynb');
  const copy = (): vscode.Uri => vscode.Uri.joinPath(workspaceUri(), 'bilstm_lengths_edited_by_test.ipynb');
  suiteSetup(async () => {
    await vscode.workspace.fs.copy(exampleInWorkspace('bilstm_lengths.ipynb'), copy(), { overwrite: true });
  });
  teardown(async () => {
    // edited documents are reverted first (closing a dirty editor would ask whether to save)
    for (const nb of vscode.workspace.notebookDocuments.filter((x) => x.isDirty)) {
      await vscode.window.showNotebookDocument(nb);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    for (const d of vscode.workspace.textDocuments.filter((x) => x.isDirty && x.uri.scheme === 'file')) {
      await vscode.window.showTextDocument(d);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  suiteTeardown(async () => {
    await vscode.workspace.fs.delete(copy());
    await vscode.workspace.fs.delete(importing(), { useTrash: false }).then(undefined, () => undefined);
  });

  test('typing in a cell updates hovers and diagnostics of downstream cells; a cell inserted above moves them', async () => {
    const nb = await vscode.workspace.openNotebookDocument(copy());
    await vscode.window.showNotebookDocument(nb);
    const lstmCell = nb.cellAt(2).document;
    const dataCell = nb.cellAt(4).document;
    assert.match(lstmCell.getText(), /^lstm = nn\.LSTM\(3, 2, /);
    assert.match(dataCell.getText(), /^pad_seq = torch\.rand\(3, 4, 3\)/);
    const pacPadOut = new vscode.Position(1, 3);
    await hoverMatching(nb.cellAt(8).document.uri, pacPadOut, /pac_pad_out: PackedSequence data \(9, 4\) batch_sizes \[3,3,2,1\]/);

    // the LSTM's hidden size typed over in cell 2: 2 → 5 (backspace, then the new digit)
    const hiddenEnd = new vscode.Position(0, 'lstm = nn.LSTM(3, 2'.length);
    await backspace(lstmCell, hiddenEnd, 1);
    await typeInto(lstmCell, hiddenEnd.translate(0, -1), '5');
    assert.match(lstmCell.getText(), /^lstm = nn\.LSTM\(3, 5, /);
    await hoverMatching(nb.cellAt(8).document.uri, pacPadOut, /pac_pad_out: PackedSequence data \(9, 10\) batch_sizes \[3,3,2,1\]/);

    // the features of the batch in cell 4 typed over: 3 → 7 (through the syntax error `rand(3, 4, )`); the LSTM calls
    // in cells 6, 8 and 10 now fail
    const featEnd = new vscode.Position(0, 'pad_seq = torch.rand(3, 4, 3'.length);
    await backspace(dataCell, featEnd, 1);
    await typeInto(dataCell, featEnd.translate(0, -1), '7');
    assert.match(dataCell.getText(), /^pad_seq = torch\.rand\(3, 4, 7\)/);
    const expected = 'input.size(-1) must be equal to input_size. Expected 3, got 7';
    await waitFor('the shape error in cell 6', () => (shapeErrors(nb.cellAt(6).document.uri).includes(`0: ${expected}`) ? true : undefined));
    await waitFor('the shape error in cell 10', () => (shapeErrors(nb.cellAt(10).document.uri).includes(`2: ${expected}`) ? true : undefined));

    // typed back: 7 → 3; the errors go, the hidden size 5 stays
    await backspace(dataCell, featEnd, 1);
    await typeInto(dataCell, featEnd.translate(0, -1), '3');
    await waitFor('no shape error in cell 6', () => (shapeErrors(nb.cellAt(6).document.uri).length === 0 ? true : undefined));
    await hoverMatching(nb.cellAt(8).document.uri, pacPadOut, /pac_pad_out: PackedSequence data \(9, 10\)/);

    // a code cell inserted above cell 2: every later cell index moves by one, and so do its results
    const insert = new vscode.WorkspaceEdit();
    insert.set(nb.uri, [vscode.NotebookEdit.insertCells(2, [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'extra = torch.zeros(2, 5)', 'python')])]);
    assert.ok(await vscode.workspace.applyEdit(insert));
    assert.equal(nb.cellAt(9).document.getText().split('\n')[1].slice(0, 'pac_pad_out'.length), 'pac_pad_out');
    await hoverMatching(nb.cellAt(2).document.uri, new vscode.Position(0, 1), /extra: Tensor\[float32\] \(2, 5\)/);
    await hoverMatching(nb.cellAt(9).document.uri, pacPadOut, /pac_pad_out: PackedSequence data \(9, 10\) batch_sizes \[3,3,2,1\]/);
  });
  test('a notebook importing model.py follows an unsaved edit of model.py, then typing in the notebook', async () => {
    const cells = [
      'import torch\nfrom model import BiLSTMTagger',
      'tagger = BiLSTMTagger(10, 5)\nwords = torch.zeros(4, 9, dtype=torch.long)\nlengths = [9, 7, 5, 2]',
      'log_probs, h_n = tagger(words, lengths)',
    ];
    const ipynb = { cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source })), metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, nbformat: 4, nbformat_minor: 5 };
    await vscode.workspace.fs.writeFile(importing(), new TextEncoder().encode(JSON.stringify(ipynb)));
    const nb = await vscode.workspace.openNotebookDocument(importing());
    await vscode.window.showNotebookDocument(nb);
    const call = nb.cellAt(2).document.uri;
    const hn = new vscode.Position(0, 'log_probs, h'.length);
    const logProbs = new vscode.Position(0, 2);
    await hoverMatching(call, hn, /h_n: Tensor\[float32\] \(2, 4, 12\)/);
    await hoverMatching(call, logProbs, /log_probs: Tensor\[float32\] \(4, 9, 5\)/);

    // model.py edited in its editor, not saved: the notebook's cells are unchanged, its module is not
    const model = await vscode.workspace.openTextDocument(exampleInWorkspace('tagger_project/model.py'));
    await vscode.window.showTextDocument(model, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    const at = model.getText().indexOf('hidden_dim=12');
    assert.ok(at >= 0);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(model.uri, new vscode.Range(model.positionAt(at), model.positionAt(at + 'hidden_dim=12'.length)), 'hidden_dim=20');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await hoverMatching(call, hn, /h_n: Tensor\[float32\] \(2, 4, 20\)/);

    // then typed in the notebook (incremental from the analysis that read the edited module): tagset 5 → 6
    const ctor = nb.cellAt(1).document;
    const tagsetEnd = new vscode.Position(0, 'tagger = BiLSTMTagger(10, 5'.length);
    await backspace(ctor, tagsetEnd, 1);
    await typeInto(ctor, tagsetEnd.translate(0, -1), '6');
    await hoverMatching(call, logProbs, /log_probs: Tensor\[float32\] \(4, 9, 6\)/);
    await hoverMatching(call, hn, /h_n: Tensor\[float32\] \(2, 4, 20\)/);

    // model.py reverted: back to 12
    await vscode.window.showTextDocument(model);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await hoverMatching(call, hn, /h_n: Tensor\[float32\] \(2, 4, 12\)/);
  });
});
