// Inlay hints: after each assignment target whose value the engine knows, its shape (`seq_tensor: (3, 8)`).
// Off with rnnLens.inlayHints.enabled; values whose shape is unknown get no hint (the engine leaves them out).
import * as vscode from 'vscode';
import { readConfig } from '../config';
import { inScope, type AnalysisService } from '../analysis/service';

export class ShapeInlayHintsProvider implements vscode.InlayHintsProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;

  constructor(private readonly service: AnalysisService) {}

  /** Asks VS Code to fetch hints again (after a new analysis or a settings change). */
  refresh(): void {
    this.changed.fire();
  }

  async provideInlayHints(document: vscode.TextDocument, range: vscode.Range): Promise<vscode.InlayHint[]> {
    if (!readConfig(document).inlayHintsEnabled) return [];
    const scoped = await this.service.analysisOf(document);
    if (!scoped) return [];
    const hints: vscode.InlayHint[] = [];
    for (const h of scoped.analysis.inlayHints) {
      if (!inScope(scoped.scope, h.cell)) continue;
      const pos = new vscode.Position(h.line - 1, h.col);
      if (!range.contains(pos)) continue;
      const hint = new vscode.InlayHint(pos, `: ${h.label}`, vscode.InlayHintKind.Type);
      hint.tooltip = 'Shape computed by RNN Lens (static analysis, no Python run)';
      hints.push(hint);
    }
    return hints;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
