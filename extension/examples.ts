// The examples shipped inside the extension (examples/ in the .vsix): listing them and opening one in an editor
// (Python files in a text editor, notebooks in the notebook editor).
import * as vscode from 'vscode';

export interface ExampleInfo {
  file: string;
  title: string;
}

/** The examples, in the order the walkthrough and the quick pick show them. */
export const EXAMPLES: readonly ExampleInfo[] = [
  { file: 'pack_chars.py', title: 'Pack character sequences: pad, sort, embed, pack, LSTM, unpack (seed 000)' },
  { file: 'pad_pack_unsorted.py', title: 'pad_sequence and enforce_sorted=False (seed 002)' },
  { file: 'bilstm_lengths.ipynb', title: 'Bidirectional, two-layer LSTM on unequal lengths, as a notebook (seed 003)' },
  { file: 'gru_classifier.py', title: 'A GRU classifier module with packing' },
  { file: 'gotchas.py', title: 'Deliberate mistakes: see the diagnostics and quick fixes' },
];

export function exampleUri(extensionUri: vscode.Uri, file: string): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'examples', file);
}

/** Opens the example in the editor that suits it and returns the URI it opened. */
export async function openExample(extensionUri: vscode.Uri, file: string): Promise<vscode.Uri> {
  const uri = exampleUri(extensionUri, file);
  if (file.endsWith('.ipynb')) {
    const notebook = await vscode.workspace.openNotebookDocument(uri);
    await vscode.window.showNotebookDocument(notebook);
  } else {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
  }
  return uri;
}

/** Asks which example to open (or takes the one given) and opens it; undefined when the user cancels. */
export async function pickAndOpenExample(extensionUri: vscode.Uri, file?: string): Promise<vscode.Uri | undefined> {
  if (file) return openExample(extensionUri, file);
  const picked = await vscode.window.showQuickPick(
    EXAMPLES.map((e) => ({ label: e.file, description: e.title })),
    { title: 'RNN Lens: Open Example', placeHolder: 'Choose an example to open' },
  );
  return picked ? openExample(extensionUri, picked.label) : undefined;
}
