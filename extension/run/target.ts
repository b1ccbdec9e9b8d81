// What "Run Selection" runs, from the editor state: the selected lines of a Python file (the whole file when nothing
// is selected), or in a notebook the current cell together with the code cells above it (state flows across cells,
// the current cell's lines are the ones reported). Pure mapping from VS Code objects to a RunTarget.
import * as vscode from 'vscode';

export type RunTarget =
  | {
      kind: 'python';
      uri: vscode.Uri;
      text: string;
      /** 1-based inclusive line range; undefined = the whole file. */
      lines?: { start: number; end: number };
      label: string;
    }
  | {
      kind: 'notebook';
      uri: vscode.Uri;
      cells: { kind: 'code' | 'markdown'; source: string; language: string }[];
      /** Index of the current cell; cells after it are not run. */
      cellIndex: number;
      label: string;
    };

/** The 1-based line range a selection covers; a selection ending at column 0 does not include that last line. */
export function selectedLines(selection: vscode.Selection): { start: number; end: number } | undefined {
  if (selection.isEmpty) return undefined;
  const start = selection.start.line + 1;
  let end = selection.end.line + 1;
  if (selection.end.character === 0 && end > start) end--;
  return { start, end };
}

export function notebookTarget(notebook: vscode.NotebookDocument, cellIndex: number): RunTarget {
  const cells = notebook
    .getCells()
    .slice(0, cellIndex + 1)
    .map((c) => ({
      kind: c.kind === vscode.NotebookCellKind.Code ? ('code' as const) : ('markdown' as const),
      source: c.document.getText(),
      language: c.document.languageId,
    }));
  const name = notebook.uri.path.split('/').pop() ?? notebook.uri.path;
  return { kind: 'notebook', uri: notebook.uri, cells, cellIndex, label: `${name}, cell ${cellIndex + 1}` };
}

/** The run target of the active editor (text or notebook), or a user-facing reason why there is none. */
export function activeRunTarget(): RunTarget | string {
  const nbEditor = vscode.window.activeNotebookEditor;
  const textEditor = vscode.window.activeTextEditor;
  if (textEditor && textEditor.document.uri.scheme === 'vscode-notebook-cell' && nbEditor) {
    const cell = nbEditor.notebook.getCells().find((c) => c.document === textEditor.document);
    if (cell) return notebookTarget(nbEditor.notebook, cell.index);
  }
  if (nbEditor && (!textEditor || textEditor.document.uri.scheme === 'vscode-notebook-cell')) {
    const index = nbEditor.selections[0]?.start ?? 0;
    return notebookTarget(nbEditor.notebook, Math.min(index, nbEditor.notebook.cellCount - 1));
  }
  if (!textEditor) return 'open a Python file or a notebook first';
  const doc = textEditor.document;
  if (doc.languageId !== 'python') return `Run Selection works on Python files and notebooks, not on ${doc.languageId}`;
  const lines = selectedLines(textEditor.selection);
  const name = doc.uri.path.split('/').pop() ?? doc.uri.path;
  return {
    kind: 'python',
    uri: doc.uri,
    text: doc.getText(),
    lines,
    label: lines ? `${name}, lines ${lines.start}-${lines.end}` : `${name} (whole file)`,
  };
}

/** The run target for a line of a document (the CodeLens case): the whole file, or the cell and those above it. */
export async function targetForDocumentLine(uri: vscode.Uri, line: number): Promise<RunTarget | string> {
  if (uri.scheme === 'vscode-notebook-cell') {
    for (const nb of vscode.workspace.notebookDocuments) {
      const cell = nb.getCells().find((c) => c.document.uri.toString() === uri.toString());
      if (cell) return notebookTarget(nb, cell.index);
    }
    return 'the notebook of this cell is not open';
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  const name = doc.uri.path.split('/').pop() ?? doc.uri.path;
  return { kind: 'python', uri: doc.uri, text: doc.getText(), label: `${name} (whole file, for line ${line})` };
}
