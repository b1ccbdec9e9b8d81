// Quick fixes for RNN Lens diagnostics whose fix is mechanical: the engine's own fix when it gives one (replace a
// span with a text, plus the further replacements it names, e.g. RNNL001 naming h_n where the RNN result is unpacked), and for unsorted lengths (RNNL002) adding `enforce_sorted=False` to the pack call it points at.
import * as vscode from 'vscode';
import type { Diagnostic as EngineDiagnostic } from '../../runtime/analysis/api';
import { inScope, spanRange, type AnalysisService } from '../analysis/service';
import { DIAGNOSTIC_SOURCE } from './diagnostics';

export const UNSORTED_LENGTHS_CODE = 'RNNL002';

export class RnnQuickFixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly service: AnalysisService) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    const scoped = await this.service.analysisOf(document);
    if (!scoped) return [];
    const actions: vscode.CodeAction[] = [];
    for (const shown of ours) {
      const code = typeof shown.code === 'object' ? String(shown.code.value) : String(shown.code);
      const engineDiag = scoped.analysis.diagnostics.find((d) => d.code === code && inScope(scoped.scope, d.span.cell) && spanRange(d.span).isEqual(shown.range));
      if (!engineDiag) continue;
      const action = quickFix(document, engineDiag, (cell) => (scoped.scope.kind === 'notebook' && cell !== undefined ? scoped.scope.notebook.cellAt(cell).document.uri : document.uri));
      if (!action) continue;
      action.diagnostics = [shown];
      actions.push(action);
    }
    return actions;
  }
}

/** `uriOf(cell)`: the document an engine span lies in (a notebook fix may also edit the cell holding the RNN call). */
function quickFix(document: vscode.TextDocument, d: EngineDiagnostic, uriOf: (cell: number | undefined) => vscode.Uri): vscode.CodeAction | undefined {
  if (d.fix) {
    const action = new vscode.CodeAction(d.fix.title, vscode.CodeActionKind.QuickFix);
    action.edit = new vscode.WorkspaceEdit();
    action.edit.replace(document.uri, spanRange(d.fix.span), d.fix.text);
    for (const e of d.fix.also ?? []) action.edit.replace(uriOf(e.span.cell), spanRange(e.span), e.text);
    action.isPreferred = true;
    return action;
  }
  if (d.code === UNSORTED_LENGTHS_CODE) {
    const range = spanRange(d.span);
    const call = document.getText(range);
    if (!call.endsWith(')') || /\benforce_sorted\s*=/.test(call)) return undefined;
    const close = range.end.translate(0, -1);
    const action = new vscode.CodeAction('Pass enforce_sorted=False (PyTorch sorts and un-sorts for you)', vscode.CodeActionKind.QuickFix);
    action.edit = new vscode.WorkspaceEdit();
    action.edit.insert(document.uri, close, ', enforce_sorted=False');
    action.isPreferred = true;
    return action;
  }
  return undefined;
}
