// Extension-host tests of the language features on the examples, through VS Code's own provider commands (the
// same path the editor uses): hover text, inlay hints, diagnostics with codes and doc links, the enforce_sorted
// quick fix, CodeLens (and its command), Show Shape at Cursor, and notebooks (shapes flowing across cells).
// Expected shapes are PyTorch's (examples run with torch 1.13: e.g. packed_input.data (18, 4), batch_sizes
// [3,3,3,3,2,2,1,1]; the notebook's packed bidirectional output (9, 4) with batch_sizes [3,3,2,1]).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { exampleInWorkspace, extension, recordMetric, waitFor } from './shared';

function lineOf(doc: vscode.TextDocument, prefix: string): number {
  const i = doc.getText().split('\n').findIndex((l) => l.startsWith(prefix));
  assert.ok(i >= 0, `no line starting with ${prefix}`);
  return i;
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n')
    .replace(/\\([\\`*_{}[\]<>#|])/g, '$1'); // markdown escapes, as rendered
}

async function hoverAt(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  return waitFor(`RNN Lens hover at ${pos.line}:${pos.character}`, async () => {
    const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, pos)) as vscode.Hover[];
    const text = hoverText(hovers);
    return text.includes('RNN Lens') ? text : undefined;
  });
}

async function diagnosticsOf(uri: vscode.Uri, atLeast: number): Promise<vscode.Diagnostic[]> {
  return waitFor(`${atLeast} RNN Lens diagnostics on ${uri.path}`, () => {
    const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'RNN Lens');
    return d.length >= atLeast ? d : undefined;
  });
}

function codeOf(d: vscode.Diagnostic): { value: string; target: vscode.Uri } {
  assert.ok(typeof d.code === 'object' && d.code !== null && 'target' in d.code, `diagnostic without a linked code: ${d.message}`);
  return { value: String(d.code.value), target: d.code.target };
}

suite('language features', () => {
  suiteSetup(async () => {
    await extension().activate();
  });
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('hover on the GRU classifier module (shapes through forward())', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleInWorkspace('gru_classifier.py'));
    await vscode.window.showTextDocument(doc);
    // Timing (a benchmark, not an assertion): a hover on a file not analysed yet, then one on the cached analysis.
    const coldStart = performance.now();
    const logits = await hoverAt(doc.uri, new vscode.Position(lineOf(doc, 'logits, output = '), 2));
    const coldMs = performance.now() - coldStart;
    const warmStart = performance.now();
    const tokens = await hoverAt(doc.uri, new vscode.Position(lineOf(doc, 'tokens = '), 2));
    const warmMs = performance.now() - warmStart;
    recordMetric('hover', { file: 'gru_classifier.py', firstHoverMs: coldMs, cachedHoverMs: warmMs });
    assert.match(logits, /logits: Tensor\[float32\] \(3, 3\)/);
    assert.match(tokens, /tokens: Tensor\[int64\] \(3, 4\)/);
  });

  test('hover shows PyTorch shapes on the seed-000 example', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleInWorkspace('pack_chars.py'));
    await vscode.window.showTextDocument(doc);
    const packed = await hoverAt(doc.uri, new vscode.Position(lineOf(doc, 'packed_input = '), 3));
    assert.match(packed, /packed_input: PackedSequence data \(18, 4\) batch_sizes \[3,3,3,3,2,2,1,1\]/);
    assert.match(packed, /time-major and interleaved/);
    const seq = await hoverAt(doc.uri, new vscode.Position(lineOf(doc, 'seq_tensor = seq_tensor[perm_idx]'), 2));
    assert.match(seq, /seq_tensor: Tensor\[int64\] \(3, 8\)/);
    const state = lineOf(doc, 'packed_output, (ht, ct) = ');
    const ct = await hoverAt(doc.uri, new vscode.Position(state, 'packed_output, (ht, '.length + 1));
    assert.match(ct, /ct: Tensor\[float32\] \(1, 3, 5\)/);
    assert.match(ct, /batch_first=True does not change it/);
    const out = await hoverAt(doc.uri, new vscode.Position(lineOf(doc, 'output, input_sizes = '), 2));
    assert.match(out, /output: Tensor\[float32\] \(3, 8, 5\)/);
  });

  test('inlay hints after assignments carry the shapes', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleInWorkspace('pack_chars.py'));
    await vscode.window.showTextDocument(doc);
    const hints = await waitFor('inlay hints', async () => {
      const h = (await vscode.commands.executeCommand('vscode.executeInlayHintProvider', doc.uri, new vscode.Range(0, 0, doc.lineCount, 0))) as vscode.InlayHint[];
      return h.length > 0 ? h : undefined;
    });
    const labels = new Map(hints.map((h) => [`${h.position.line}:${h.position.character}`, typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')]));
    const packedLine = lineOf(doc, 'packed_input = ');
    assert.equal(labels.get(`${packedLine}:${'packed_input'.length}`), ': packed (18, 4) bs[3,3,3,3,2,2,1,1]');
    // the full description is in the hint's tooltip
    const packedHint = hints.find((h) => h.position.line === packedLine && h.position.character === 'packed_input'.length);
    const tip = packedHint?.tooltip;
    assert.match(typeof tip === 'string' ? tip : (tip?.value ?? ''), /packed_input: PackedSequence data \(18, 4\) batch_sizes \[3,3,3,3,2,2,1,1\]/);
    assert.equal(labels.get(`${lineOf(doc, 'embedded_seq_tensor = ')}:${'embedded_seq_tensor'.length}`), ': (3, 8, 4)');
    assert.equal(labels.get(`${lineOf(doc, 'output, input_sizes')}:${'output'.length}`), ': (3, 8, 5)');
    assert.equal(labels.get(`${lineOf(doc, 'last_hidden = ')}:${'last_hidden'.length}`), ': (3, 5)');
    // vocab is a list of strings, not a tensor: no hint
    assert.equal(labels.get(`${lineOf(doc, 'vocab = ')}:${'vocab'.length}`), undefined);

    await vscode.workspace.getConfiguration('rnnLens').update('inlayHints.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      const off = (await vscode.commands.executeCommand('vscode.executeInlayHintProvider', doc.uri, new vscode.Range(0, 0, doc.lineCount, 0))) as vscode.InlayHint[];
      assert.equal(off.length, 0, 'hints still shown with rnnLens.inlayHints.enabled = false');
    } finally {
      await vscode.workspace.getConfiguration('rnnLens').update('inlayHints.enabled', true, vscode.ConfigurationTarget.Global);
    }
  });

  test('diagnostics on the gotchas example: codes, severities, links to docs/gotchas.md sections', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleInWorkspace('gotchas.py'));
    await vscode.window.showTextDocument(doc);
    const diags = await diagnosticsOf(doc.uri, 4);
    const byCode = new Map(diags.map((d) => [codeOf(d).value, d]));
    assert.deepEqual([...byCode.keys()].sort(), ['RNNL-SHAPE', 'RNNL001', 'RNNL002', 'RNNL006']);
    const unsorted = byCode.get('RNNL002')!;
    assert.equal(unsorted.range.start.line, lineOf(doc, 'packed = pack_padded_sequence('));
    assert.equal(unsorted.severity, vscode.DiagnosticSeverity.Error);
    assert.match(unsorted.message, /must be sorted in decreasing order when `enforce_sorted` is True/);
    const last = byCode.get('RNNL001')!;
    assert.equal(last.range.start.line, lineOf(doc, 'last_step = '));
    assert.equal(doc.getText(last.range), 'output[:, -1]');
    assert.equal(last.severity, vscode.DiagnosticSeverity.Warning);
    const shape = byCode.get('RNNL-SHAPE')!;
    assert.equal(shape.range.start.line, lineOf(doc, 'wrong_out, _ = '));
    assert.match(shape.message, /input\.size\(-1\) must be equal to input_size\. Expected 8, got 4/);
    assert.equal(byCode.get('RNNL006')!.range.start.line, lineOf(doc, 'summary = '));

    // Each code links to its section of the packaged docs/gotchas.md (the heading line).
    const docsText = new TextDecoder().decode(await vscode.workspace.fs.readFile(codeOf(unsorted).target.with({ fragment: '' })));
    const docLines = docsText.split('\n');
    for (const [code, d] of byCode) {
      const target = codeOf(d).target;
      assert.ok(target.path.endsWith('/docs/gotchas.md'), target.toString());
      const m = /^L(\d+)$/.exec(target.fragment);
      assert.ok(m, `${code}: link without a line: ${target.toString()}`);
      assert.ok(docLines[Number(m[1]) - 1].startsWith(`## ${code}:`), `${code} links to line ${m[1]}: ${docLines[Number(m[1]) - 1]}`);
    }
  });

  test('quick fix adds enforce_sorted=False and the RNNL002 diagnostic goes away', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleInWorkspace('gotchas.py'));
    await vscode.window.showTextDocument(doc);
    const diags = await diagnosticsOf(doc.uri, 4);
    const unsorted = diags.find((d) => codeOf(d).value === 'RNNL002')!;
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, unsorted.range, vscode.CodeActionKind.QuickFix.value)) as vscode.CodeAction[];
    const fix = actions.find((a) => a.title.startsWith('Pass enforce_sorted=False'));
    assert.ok(fix?.edit, `no enforce_sorted quick fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const line = lineOf(doc, 'packed = pack_padded_sequence(');
    assert.equal(doc.lineAt(line).text, 'packed = pack_padded_sequence(batch, lengths, batch_first=True, enforce_sorted=False)');
    await waitFor('RNNL002 to disappear', () => {
      const codes = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'RNN Lens').map((d) => codeOf(d).value);
      return !codes.includes('RNNL002') && codes.includes('RNNL001') ? codes : undefined;
    });
  });

  test('CodeLens "Visualize" above the pack and RNN calls', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleInWorkspace('pack_chars.py'));
    await vscode.window.showTextDocument(doc);
    const lenses = await waitFor('code lenses', async () => {
      const l = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri)) as vscode.CodeLens[];
      return l.length > 0 ? l : undefined;
    });
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command]),
      [
        [lineOf(doc, 'packed_input = '), 'Visualize', 'rnnLens.runSelection'],
        [lineOf(doc, 'packed_output, (ht, ct) = '), 'Visualize', 'rnnLens.runSelection'],
      ],
    );
  });

  test('Show Shape at Cursor reports the engine shape; the Visualize CodeLens command runs the file', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleInWorkspace('pack_chars.py'));
    const editor = await vscode.window.showTextDocument(doc);
    const packedLine = lineOf(doc, 'packed_input = ');
    editor.selection = new vscode.Selection(packedLine, 4, packedLine, 4);
    assert.equal(await vscode.commands.executeCommand('rnnLens.showShapeAtCursor'), 'packed_input: PackedSequence data (18, 4) batch_sizes [3,3,3,3,2,2,1,1]');
    const lens = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri)) as vscode.CodeLens[];
    const first = lens[0]?.command;
    assert.ok(first, 'no CodeLens command');
    const res = (await vscode.commands.executeCommand(first.command, ...(first.arguments ?? []))) as { target: { label: string }; steps: string[] };
    assert.equal(res.target.label, `pack_chars.py (whole file, for line ${packedLine + 1})`);
    assert.ok(res.steps.includes(`rnn ${lineOf(doc, 'packed_output, (ht, ct) = ') + 1} packed (18, 4) → packed (18, 5), h_n (1, 3, 5)`), res.steps.join('\n'));
    assert.ok(res.steps.includes(`unpack ${lineOf(doc, 'output, input_sizes = ') + 1} packed (18, 5) → (3, 8, 5)`), res.steps.join('\n'));
  });

  test('notebook: shapes flow across cells (hover, inlay hints, Run Selection in a cell)', async () => {
    const nb = await vscode.workspace.openNotebookDocument(exampleInWorkspace('bilstm_lengths.ipynb'));
    const nbEditor = await vscode.window.showNotebookDocument(nb);
    const cell8 = nb.cellAt(8).document;
    assert.match(cell8.getText(), /^pac_pad_seq = pack_padded_sequence\(pad_seq, lens/);
    // pad_seq comes from cell 4, lstm from cell 2: the packed output below needs both.
    const hover = await hoverAt(cell8.uri, new vscode.Position(1, 3));
    assert.match(hover, /pac_pad_out: PackedSequence data \(9, 4\) batch_sizes \[3,3,2,1\]/);
    const hints = (await vscode.commands.executeCommand('vscode.executeInlayHintProvider', cell8.uri, new vscode.Range(0, 0, cell8.lineCount, 0))) as vscode.InlayHint[];
    const labels = hints.map((h) => `${h.position.line}:${typeof h.label === 'string' ? h.label : ''}`);
    assert.ok(labels.includes('2:: (3, 4, 4)'), labels.join(' | '));
    assert.ok(labels.includes('1:: (2, 3, 2)'), labels.join(' | '));
    const cell10 = nb.cellAt(10).document;
    const hn = await hoverAt(cell10.uri, new vscode.Position(2, 'pac_out, ('.length + 1));
    assert.match(hn, /h_n: Tensor\[float32\] \(4, 3, 2\)/);
    assert.match(hn, /\[-1\] is the last layer's backward direction/);

    nbEditor.selections = [new vscode.NotebookRange(10, 11)];
    const res = (await vscode.commands.executeCommand('rnnLens.runSelection')) as { steps: string[]; target: { cellIndex: number } };
    assert.equal(res.target.cellIndex, 10);
    // 2 layers x 2 directions: h_n (4, 3, 2); the top layer's two directions concatenated: (3, 4).
    assert.ok(res.steps.includes('rnn 11:3 packed (9, 3) → packed (9, 4), h_n (4, 3, 2)'), res.steps.join('\n'));
    assert.ok(res.steps.includes('final-state 11:5 (4, 3, 2) → (3, 4)'), res.steps.join('\n'));
  });
});
