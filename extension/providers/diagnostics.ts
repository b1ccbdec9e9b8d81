// Diagnostics: the engine's shape errors and RNN gotchas in the Problems panel, each with its code linked to its
// explanation in docs/gotchas.md. Re-analysis is debounced (rnnLens.analysis.debounceMs) after typing; notebooks
// are analysed as a whole and their diagnostics published on each cell.
import * as vscode from 'vscode';
import type { Diagnostic as EngineDiagnostic } from '../../runtime/analysis/api';
import { readConfig } from '../config';
import { spanRange, type AnalysisService } from '../analysis/service';
import type { GotchaDocs } from '../docsLinks';
import type { Log } from '../log';

export const DIAGNOSTIC_SOURCE = 'RNN Lens';

const SEVERITY: Record<EngineDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class DiagnosticsPublisher implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('rnn-lens');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly analysed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a document or notebook was (re-)analysed and its diagnostics published. */
  readonly onDidAnalyse = this.analysed.event;

  constructor(
    private readonly service: AnalysisService,
    private readonly docs: GotchaDocs,
    private readonly log: Log,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        this.schedule(e.document);
        if (e.document.uri.scheme === 'file') this.scheduleDependents(e.document.uri);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.clearDocument(d.uri)),
      vscode.workspace.onDidOpenNotebookDocument((nb) => this.scheduleNotebook(nb, 0)),
      vscode.workspace.onDidChangeNotebookDocument((e) => this.scheduleNotebook(e.notebook)),
      vscode.workspace.onDidCloseNotebookDocument((nb) => nb.getCells().forEach((c) => this.clearDocument(c.document.uri))),
    );
  }

  /** A module file changed (typed in, or changed on disk): the open files and notebooks that import it again. */
  scheduleDependents(uri: vscode.Uri): void {
    for (const d of this.service.dependentsOf(uri.fsPath)) {
      if ('getCells' in d) this.scheduleNotebook(d);
      else this.schedule(d);
    }
  }

  /** Analyses everything already open (at activation and after a settings change). */
  refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
    for (const nb of vscode.workspace.notebookDocuments) this.scheduleNotebook(nb, 0);
  }

  private schedule(document: vscode.TextDocument, delay = readConfig(document).analysisDebounceMs): void {
    const scope = this.service.scopeOf(document);
    if (!scope) return;
    if (scope.kind === 'notebook') return this.scheduleNotebook(scope.notebook, delay);
    this.debounce(document.uri.toString(), delay, () => this.publishFile(document));
  }

  private scheduleNotebook(notebook: vscode.NotebookDocument, delay = readConfig(notebook.uri).analysisDebounceMs): void {
    this.debounce(notebook.uri.toString(), delay, () => this.publishNotebook(notebook));
  }

  private debounce(id: string, delay: number, run: () => Promise<void>): void {
    const old = this.timers.get(id);
    if (old) clearTimeout(old);
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        run().catch((err: unknown) => this.log.showError('publishing diagnostics failed', err));
      }, delay),
    );
  }

  private async publishFile(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) return;
    if (!readConfig(document).diagnosticsEnabled) {
      this.collection.delete(document.uri);
      return;
    }
    const analysis = await this.service.analyzeFile(document);
    if (!analysis) return;
    const all = [...analysis.parseErrors, ...analysis.diagnostics];
    this.collection.set(document.uri, await Promise.all(all.map((d) => this.toVscode(d))));
    this.analysed.fire(document.uri);
  }

  private async publishNotebook(notebook: vscode.NotebookDocument): Promise<void> {
    if (notebook.isClosed) return;
    if (!readConfig(notebook.uri).diagnosticsEnabled) {
      for (const c of notebook.getCells()) this.collection.delete(c.document.uri);
      return;
    }
    const analysis = await this.service.analyzeNotebook(notebook);
    if (!analysis) return;
    // the cells the analysis was made of (read in the same turn: cells added meanwhile would shift the indices;
    // that change schedules its own publish)
    const cells = notebook.getCells();
    const perCell = new Map<number, vscode.Diagnostic[]>();
    for (const d of [...analysis.parseErrors, ...analysis.diagnostics]) {
      const cell = d.span.cell ?? 0;
      const list = perCell.get(cell) ?? [];
      list.push(await this.toVscode(d));
      perCell.set(cell, list);
    }
    for (const c of cells) this.collection.set(c.document.uri, perCell.get(c.index) ?? []);
    this.analysed.fire(notebook.uri);
  }

  private async toVscode(d: EngineDiagnostic): Promise<vscode.Diagnostic> {
    const diag = new vscode.Diagnostic(spanRange(d.span), d.message, SEVERITY[d.severity]);
    diag.source = DIAGNOSTIC_SOURCE;
    diag.code = { value: d.code, target: await this.docs.target(d.code, d.href) };
    return diag;
  }

  private clearDocument(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
    this.analysed.dispose();
  }
}
