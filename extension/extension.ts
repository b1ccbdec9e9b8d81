// Entry point of the RNN Lens VS Code extension: activation wires the thin adapters (commands, hover, inlay hints,
// diagnostics, quick fixes, CodeLens, notebooks) to runtime/. Activation stays cheap: the shape engine loads on first
// use (the first hover or analysis), onnxruntime and the run engine only when a run needs them. Activation time is
// logged and returned in the extension's exports.
import * as vscode from 'vscode';
import { Log } from './log';
import { COMMAND_IDS, registerCommand } from './commands';
import { pickAndOpenExample, type OpenExampleOptions } from './examples';
import { welcomeOnFirstActivation } from './welcome';
import { affectsRnnLens, readConfig, setInlayHintsEnabled } from './config';
import { RunStatus } from './statusBar';
import { runSelection, type RunSelectionArgs, type RunSelectionResult } from './run/runSelection';
import { RunService } from './run/runService';
import { RunPrewarmer } from './run/prewarm';
import { AnalysisService } from './analysis/service';
import { GotchaDocs } from './docsLinks';
import { ShapeHoverProvider, shapeAt } from './providers/hover';
import { ShapeInlayHintsProvider } from './providers/inlayHints';
import { DiagnosticsPublisher } from './providers/diagnostics';
import { RnnQuickFixProvider } from './providers/codeActions';
import { VisualizeCodeLensProvider } from './providers/codeLens';
import { registerVisualizer, VISUALIZER_VIEW_ID } from './visualizer';

/** What the extension returns from activate(): used by the extension-host tests and by the visualizer seam. */
export interface RnnLensApi {
  /** Milliseconds activate() took (module load excluded; the tests measure that from outside). */
  readonly activationMs: number;
  /** True while a run (or another long task) shows the status bar item. */
  isBusy(): boolean;
  /** Fires after a document or notebook was analysed and its diagnostics published. */
  readonly onDidAnalyse: vscode.Event<vscode.Uri>;
  /** The run worker for the current settings: not started, loading onnxruntime-web, or ready (prewarm, runs). */
  runWorkerState(): 'none' | 'starting' | 'ready';
}

/** Python files on disk or unsaved, and the Python cells of notebooks. */
const PYTHON: vscode.DocumentSelector = [
  { language: 'python', scheme: 'file' },
  { language: 'python', scheme: 'untitled' },
  { language: 'python', scheme: 'vscode-notebook-cell' },
];

/** Watches the workspace's Python files: a change or deletion re-analyses the open files that import the file, a new
 *  file every open Python file (an import that was unknown may now resolve). */
function pythonFilesWatcher(analysis: AnalysisService, diagnostics: DiagnosticsPublisher): vscode.Disposable {
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.py');
  return vscode.Disposable.from(
    watcher,
    watcher.onDidChange((uri) => diagnostics.scheduleDependents(uri)),
    watcher.onDidDelete((uri) => diagnostics.scheduleDependents(uri)),
    watcher.onDidCreate(() => {
      analysis.forgetAll();
      diagnostics.refreshAll();
    }),
  );
}

export function activate(context: vscode.ExtensionContext): RnnLensApi {
  const started = performance.now();
  const log = new Log();
  context.subscriptions.push(log);
  try {
    const status = new RunStatus(COMMAND_IDS.showLog);
    const analysis = new AnalysisService(log);
    const docs = new GotchaDocs(context.extensionUri);
    const inlayHints = new ShapeInlayHintsProvider(analysis);
    const codeLens = new VisualizeCodeLensProvider(analysis);
    const diagnostics = new DiagnosticsPublisher(analysis, docs, log);
    context.subscriptions.push(status, analysis, inlayHints, codeLens, diagnostics);
    context.subscriptions.push(
      vscode.languages.registerHoverProvider(PYTHON, new ShapeHoverProvider(analysis)),
      vscode.languages.registerInlayHintsProvider(PYTHON, inlayHints),
      vscode.languages.registerCodeLensProvider(PYTHON, codeLens),
      vscode.languages.registerCodeActionsProvider(PYTHON, new RnnQuickFixProvider(analysis), { providedCodeActionKinds: RnnQuickFixProvider.kinds }),
      diagnostics.onDidAnalyse(() => {
        inlayHints.refresh();
        codeLens.refresh();
      }),
      // a module changed on disk (another tool, a save of a file not open here) or appeared: its importers again
      pythonFilesWatcher(analysis, diagnostics),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!affectsRnnLens(e)) return;
        inlayHints.refresh();
        codeLens.refresh();
        diagnostics.refreshAll();
      }),
    );

    registerCommand(context, log, COMMAND_IDS.openExample, (file?: string, options?: OpenExampleOptions) => pickAndOpenExample(context, file, options));
    registerCommand(context, log, COMMAND_IDS.showLog, () => log.show());
    registerCommand(context, log, COMMAND_IDS.toggleInlayHints, async () => {
      const enabled = !readConfig().inlayHintsEnabled;
      await setInlayHintsEnabled(enabled);
      void vscode.window.setStatusBarMessage(`RNN Lens: inlay hints ${enabled ? 'on' : 'off'}`, 3000);
      return enabled;
    });
    registerCommand(context, log, COMMAND_IDS.showShapeAtCursor, async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showWarningMessage('RNN Lens: open a Python file or notebook and put the cursor on a variable.');
        return undefined;
      }
      const h = await shapeAt(analysis, editor.document, editor.selection.active);
      const text = h ? (h.detail ? `${h.text} — ${h.detail}` : h.text) : 'no shape known for the word at the cursor';
      void vscode.window.showInformationMessage(`RNN Lens: ${text}`);
      return h?.text;
    });
    // The visualizer (extension/visualizer/, its own issue) owns the panel view; Run Selection feeds it each run.
    const visualizer = registerVisualizer(context);
    const runs = new RunService((line) => log.info(line));
    const prewarmer = new RunPrewarmer(analysis, runs, (line) => log.info(line));
    const prewarm = (uri: vscode.Uri): void => {
      prewarmer.onAnalysed(uri).catch((err: unknown) => log.warn(`run worker prewarm: ${err instanceof Error ? err.message : String(err)}`));
    };
    context.subscriptions.push(
      runs,
      prewarmer,
      diagnostics.onDidAnalyse((uri) => prewarm(uri)),
      // an editor that shows an already analysed document (the analysis can finish before the editor appears)
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => prewarm(e.document.uri))),
      vscode.window.onDidChangeVisibleNotebookEditors((editors) => editors.forEach((e) => prewarm(e.notebook.uri))),
    );
    registerCommand(context, log, COMMAND_IDS.runSelection, (args?: RunSelectionArgs): Promise<RunSelectionResult | undefined> =>
      runSelection({ log, status, runs, visualizer }, args),
    );
    registerCommand(context, log, COMMAND_IDS.showVisualizer, async () => {
      await vscode.commands.executeCommand(`${VISUALIZER_VIEW_ID}.focus`);
      for (const e of visualizer.pageErrors) log.warn(`visualizer page: ${e}`);
      return true;
    });

    diagnostics.refreshAll();
    // Not awaited: activation stays quick; the walkthrough opens once the editors have settled.
    welcomeOnFirstActivation(context).then(
      (outcome) => log.info(`welcome walkthrough: ${outcome}`),
      (err: unknown) => log.showError('opening the welcome walkthrough failed', err),
    );
    const activationMs = performance.now() - started;
    log.info(`activated in ${activationMs.toFixed(1)} ms (version ${String(context.extension.packageJSON.version)})`);
    return { activationMs, isBusy: () => status.visible, onDidAnalyse: diagnostics.onDidAnalyse, runWorkerState: () => runs.workerState(readConfig()) };
  } catch (err) {
    log.showError('activation failed', err);
    throw err;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
