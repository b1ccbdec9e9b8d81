// The examples shipped inside the extension (examples/ in the .vsix): listing them and opening one in an editor
// (Python files in a text editor, notebooks in the notebook editor). The user edits a copy in the extension's global
// storage, made on first open and kept afterwards: the installed files stay pristine, and the user's changes survive
// an update of the extension (which replaces its install folder).
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
  { file: 'tagger_project/train.py', title: 'A project in several files: train.py imports its model and data modules (shapes follow the imports)' },
];

/** Where an extension keeps its files: the install folder (read) and its global storage (the user's copies). */
export interface ExampleLocations {
  extensionUri: vscode.Uri;
  globalStorageUri: vscode.Uri;
}

export function exampleUri(extensionUri: vscode.Uri, file: string): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'examples', file);
}

/** The user's copy of an example (global storage, examples/FILE), copied from the install folder when missing;
 *  an existing copy is never overwritten (it may hold the user's edits). An example inside a folder (a project:
 *  `tagger_project/train.py`) comes with its whole folder, the modules it imports. */
export async function userCopyOfExample(where: ExampleLocations, file: string): Promise<vscode.Uri> {
  const dir = vscode.Uri.joinPath(where.globalStorageUri, 'examples');
  const copy = vscode.Uri.joinPath(dir, file);
  try {
    await vscode.workspace.fs.stat(copy);
    return copy;
  } catch {
    // not there yet: copy it below
  }
  await vscode.workspace.fs.createDirectory(dir);
  const unit = file.includes('/') ? file.slice(0, file.indexOf('/')) : file;
  await vscode.workspace.fs.copy(exampleUri(where.extensionUri, unit), vscode.Uri.joinPath(dir, unit), { overwrite: false });
  return copy;
}

/** Where an example opens: in the active group, except when the active editor is not a text or notebook editor
 *  (the walkthrough, whose buttons open examples): then in another group already open (the one the welcome put the
 *  seed example in), or in a new group beside it — never covering the walkthrough. */
function exampleColumn(): vscode.ViewColumn {
  const groups = vscode.window.tabGroups;
  const codeEditorActive = vscode.window.activeTextEditor !== undefined || vscode.window.activeNotebookEditor !== undefined;
  if (!groups.activeTabGroup.activeTab || codeEditorActive) return vscode.ViewColumn.Active;
  const other = groups.all.find((g) => g !== groups.activeTabGroup);
  return other ? other.viewColumn : vscode.ViewColumn.Beside;
}

/** Opens the example in the editor that suits it and returns the URI it opened. */
export async function openExample(where: ExampleLocations, file: string): Promise<vscode.Uri> {
  const uri = await userCopyOfExample(where, file);
  const viewColumn = exampleColumn();
  if (file.endsWith('.ipynb')) {
    const notebook = await vscode.workspace.openNotebookDocument(uri);
    await vscode.window.showNotebookDocument(notebook, { viewColumn });
  } else {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn, preview: false });
  }
  return uri;
}

/** What the walkthrough's buttons may ask for besides opening: `{ "run": true }` runs the opened example. */
export interface OpenExampleOptions {
  run?: boolean;
}

/** Asks which example to open (or takes the one given) and opens it; undefined when the user cancels. */
export async function pickAndOpenExample(where: ExampleLocations, file?: string, options?: OpenExampleOptions): Promise<vscode.Uri | undefined> {
  if (file !== undefined && !EXAMPLES.some((e) => e.file === file)) throw new Error(`there is no example named ${file}`);
  let uri: vscode.Uri | undefined;
  if (file) uri = await openExample(where, file);
  else {
    const picked = await vscode.window.showQuickPick(
      EXAMPLES.map((e) => ({ label: e.file, description: e.title })),
      { title: 'RNN Lens: Open Example', placeHolder: 'Choose an example to open' },
    );
    uri = picked ? await openExample(where, picked.label) : undefined;
  }
  if (uri && options?.run) await vscode.commands.executeCommand('rnnLens.runSelection');
  return uri;
}
