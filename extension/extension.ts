// Entry point of the RNN Lens VS Code extension: activation wires the thin adapters (commands, hover, inlay hints,
// diagnostics, notebooks) to runtime/. Activation stays cheap: nothing heavy (onnxruntime, the run engine) is loaded
// here; those load on first use. Activation time is logged and returned in the extension's exports.
import * as vscode from 'vscode';
import { Log } from './log';
import { COMMAND_IDS, registerCommand } from './commands';
import { pickAndOpenExample } from './examples';

/** What the extension returns from activate(): used by the extension-host tests and by the visualizer seam. */
export interface RnnLensApi {
  /** Milliseconds activate() took (module load excluded; the tests measure that from outside). */
  readonly activationMs: number;
}

export function activate(context: vscode.ExtensionContext): RnnLensApi {
  const started = performance.now();
  const log = new Log();
  context.subscriptions.push(log);
  try {
    registerCommand(context, log, COMMAND_IDS.openExample, (file?: string) => pickAndOpenExample(context.extensionUri, file));
    registerCommand(context, log, COMMAND_IDS.showLog, () => log.show());
  } catch (err) {
    log.showError('activation failed', err);
    throw err;
  }
  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms (version ${String(context.extension.packageJSON.version)})`);
  return { activationMs };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
