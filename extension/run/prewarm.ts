// Starts the run worker in the background once RNN code is open: when a Python file or notebook shown in an editor
// whose analysis has a packing or LSTM/GRU/RNN call (the same sites the "Visualize" CodeLens marks) has been analysed and the host has
// been quiet for PREWARM_DELAY_MS, the worker starts and loads onnxruntime-web, so the first Run Selection does not
// wait for that load (1–2.5 s in code-server). Files without such a call never start it; rnnLens.run.prewarm=false
// turns it off. After a crash or a settings change the next analysed RNN file warms the new worker.
import * as vscode from 'vscode';
import type { Analysis } from '../../runtime/analysis/api';
import { readConfig } from '../config';
import type { AnalysisService } from '../analysis/service';
import { lensSites } from '../providers/codeLens';
import type { RunService } from './runService';

/** Quiet time after an analysis before the worker starts, so opening a window or a burst of typing comes first. */
export const PREWARM_DELAY_MS = 2000;

export class RunPrewarmer implements vscode.Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly service: AnalysisService,
    private readonly runs: RunService,
    private readonly log: (line: string) => void,
  ) {}

  /** Called after a document or notebook was analysed (DiagnosticsPublisher.onDidAnalyse) or shown in an editor. */
  async onAnalysed(uri: vscode.Uri): Promise<void> {
    const config = readConfig(uri);
    if (this.timer || !config.runPrewarm || this.runs.workerState(config) !== 'none') return;
    const analysis = await this.analysisOf(uri);
    if (!analysis || lensSites(analysis).length === 0 || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = readConfig(uri);
      if (!now.runPrewarm || this.runs.workerState(now) !== 'none') return;
      this.log(`prewarming the run worker: ${vscode.workspace.asRelativePath(uri)} has RNN code`);
      this.runs.prewarm(now);
    }, PREWARM_DELAY_MS);
  }

  /** The analysis of the file or notebook at `uri` when it is shown in an editor (a document VS Code merely keeps
   *  loaded after its editor closed, re-analysed after a settings change, does not count). */
  private async analysisOf(uri: vscode.Uri): Promise<Analysis | undefined> {
    const key = uri.toString();
    const notebook = vscode.window.visibleNotebookEditors.find((e) => e.notebook.uri.toString() === key)?.notebook;
    if (notebook) return this.service.analyzeNotebook(notebook);
    const document = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === key)?.document;
    return document ? this.service.analyzeFile(document) : undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
