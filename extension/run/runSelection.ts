// The "RNN Lens: Run Selection" command: works out what to run (run/target.ts), and with the status bar item shown
// gives what this build can: the shape of every assignment in the selection from the shape engine, listed in the
// RNN Lens output channel. Executing the pipeline with numbers needs the run engine (runtime/run, its own issue),
// which is not in this build yet; the command says so plainly instead of pretending to run anything.
import * as vscode from 'vscode';
import type { Log } from '../log';
import type { RunStatus } from '../statusBar';
import type { AnalysisService } from '../analysis/service';
import { activeRunTarget, targetForDocumentLine, type RunTarget } from './target';

export interface RunSelectionResult {
  target: { kind: RunTarget['kind']; label: string; lines?: { start: number; end: number }; cellIndex?: number };
  /** Shapes of the target's assignments, as `line name: description` (line within the cell for notebooks). */
  shapes: string[];
  executed: boolean;
  message: string;
}

/** Argument the "Visualize" CodeLens passes: run the file (or cell) of `uri` with `line` in focus. */
export interface RunSelectionArgs {
  uri: string;
  line: number;
}

export async function runSelection(deps: { log: Log; status: RunStatus; analysis: AnalysisService }, args?: RunSelectionArgs): Promise<RunSelectionResult | undefined> {
  const target = args ? await targetForDocumentLine(vscode.Uri.parse(args.uri), args.line) : activeRunTarget();
  if (typeof target === 'string') {
    void vscode.window.showWarningMessage(`RNN Lens: ${target}.`);
    return undefined;
  }
  return deps.status.track(`running ${target.label}`, async () => {
    deps.log.info(`run selection: ${target.label}`);
    const engine = await deps.analysis.loadEngine();
    // The whole file (or the cells up to the current one) is analysed so that imports and definitions above the
    // selection are known; only the selection's own assignments are listed.
    const analysis =
      target.kind === 'python'
        ? engine.analyzePython(target.text)
        : engine.analyzeNotebook(target.cells.map((c) => ({ kind: c.kind, source: c.source, language: c.language })));
    const inTarget = (line: number, cell: number | undefined): boolean =>
      target.kind === 'notebook' ? cell === target.cellIndex : !target.lines || (line >= target.lines.start && line <= target.lines.end);
    const shapes: string[] = [];
    for (const r of analysis.records) {
      if (!inTarget(r.span.line, r.span.cell)) continue;
      const hover = analysis.hoverAt(r.span.line, r.span.col, r.span.cell);
      if (hover) shapes.push(`${r.span.line} ${hover.text}`);
    }
    const summary: RunSelectionResult['target'] =
      target.kind === 'python' ? { kind: 'python', label: target.label, lines: target.lines } : { kind: 'notebook', label: target.label, cellIndex: target.cellIndex };
    deps.log.info(`shapes in ${target.label}:\n${shapes.map((s) => `  line ${s}`).join('\n') || '  (no tensor assignments)'}`);
    const message = `${target.label}: ${shapes.length} tensor shapes listed in the RNN Lens log. Executing the pipeline with numbers needs the run engine, which is not in this build yet.`;
    void vscode.window.showInformationMessage(`RNN Lens: ${message}`, 'Show Log').then((c) => {
      if (c === 'Show Log') deps.log.show();
    });
    return { target: summary, shapes, executed: false, message };
  });
}
