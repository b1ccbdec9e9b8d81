// Entry point of the RNN Lens VS Code extension: activation wires the thin adapters (commands, hover, inlay hints,
// diagnostics, notebooks) to runtime/. Activation stays cheap: nothing heavy (onnxruntime, the run engine) is loaded
// here; those load on first use. Activation time is logged and returned in the extension's exports.
import * as vscode from 'vscode';
import { Log } from './log';
import { COMMAND_IDS, registerCommand } from './commands';
import { pickAndOpenExample } from './examples';
import { readConfig, setInlayHintsEnabled } from './config';
import { RunStatus } from './statusBar';
import { runSelection, type RunSelectionResult } from './run/runSelection';

/** What the extension returns from activate(): used by the extension-host tests and by the visualizer seam. */
export interface RnnLensApi {
  /** Milliseconds activate() took (module load excluded; the tests measure that from outside). */
  readonly activationMs: number;
  /** True while a run (or another long task) shows the status bar item. */
  isBusy(): boolean;
}

export function activate(context: vscode.ExtensionContext): RnnLensApi {
  const started = performance.now();
  const log = new Log();
  context.subscriptions.push(log);
  const status = new RunStatus(COMMAND_IDS.showLog);
  context.subscriptions.push(status);
  try {
    registerCommand(context, log, COMMAND_IDS.openExample, (file?: string) => pickAndOpenExample(context.extensionUri, file));
    registerCommand(context, log, COMMAND_IDS.showLog, () => log.show());
    registerCommand(context, log, COMMAND_IDS.toggleInlayHints, async () => {
      const enabled = !readConfig().inlayHintsEnabled;
      await setInlayHintsEnabled(enabled);
      void vscode.window.setStatusBarMessage(`RNN Lens: inlay hints ${enabled ? 'on' : 'off'}`, 3000);
      return enabled;
    });
    registerCommand(context, log, COMMAND_IDS.runSelection, (): Promise<RunSelectionResult | undefined> => runSelection({ log, status }));
    registerCommand(context, log, COMMAND_IDS.showVisualizer, async () => {
      // Seam for the visualizer (extension/visualizer/, its own issue): it registers the view and replaces this.
      await vscode.window.showInformationMessage('RNN Lens: the visualizer is not part of this build yet.');
      return false;
    });
  } catch (err) {
    log.showError('activation failed', err);
    throw err;
  }
  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms (version ${String(context.extension.packageJSON.version)})`);
  return { activationMs, isBusy: () => status.visible };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
