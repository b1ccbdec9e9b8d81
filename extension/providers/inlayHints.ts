// Inlay hints: after each assignment target whose value the engine knows, its shape (`seq_tensor: (3, 8)`), made
// compact enough for VS Code's default hint length (inlayLabel.ts: `packed (18, 4) bs[3,3,3,3,2,2,1,1]`), with the
// full description in the tooltip; on a line with several hints the longest shorten until the line fits (fitLine).
// Off with rnnLens.inlayHints.enabled; values whose shape is unknown get no hint.
import * as vscode from 'vscode';
import { readConfig } from '../config';
import { inScope, type AnalysisService } from '../analysis/service';
import { compactInlayLabel, fitLine, type CompactHint } from './inlayLabel';

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
    const records = new Map(scoped.analysis.records.map((r) => [`${r.cell ?? ''}:${r.span.line}:${r.span.endCol}`, r]));
    const perLine = new Map<number, { pos: vscode.Position; compact: CompactHint; described: boolean }[]>();
    for (const h of scoped.analysis.inlayHints) {
      if (!inScope(scoped.scope, h.cell)) continue;
      const pos = new vscode.Position(h.line - 1, h.col);
      if (!range.contains(pos)) continue;
      const record = records.get(`${h.cell ?? ''}:${h.line}:${h.col}`);
      const line = perLine.get(pos.line) ?? [];
      line.push({ pos, compact: compactInlayLabel(h.label, record?.name ?? '', record?.text, record), described: record !== undefined });
      perLine.set(pos.line, line);
    }
    const hints: vscode.InlayHint[] = [];
    for (const line of perLine.values()) {
      const labels = fitLine(line.map((x) => x.compact));
      line.forEach((x, i) => {
        const hint = new vscode.InlayHint(x.pos, `: ${labels[i]}`, vscode.InlayHintKind.Type);
        const tooltip = new vscode.MarkdownString();
        if (x.described) tooltip.appendCodeblock(x.compact.tooltip, 'python');
        tooltip.appendMarkdown('*Shape computed by RNN Lens (static analysis, no Python run)*');
        hint.tooltip = tooltip;
        hints.push(hint);
      });
    }
    return hints;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
