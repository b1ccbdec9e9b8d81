// The "RNN Lens: Run Selection" command: works out what to run (run/target.ts), runs it with the status bar item
// shown, and reports the outcome. The run engine (runtime/run, its own issue) is not in this build yet: until it is,
// the command says so plainly instead of pretending to run anything.
import * as vscode from 'vscode';
import type { Log } from '../log';
import type { RunStatus } from '../statusBar';
import { activeRunTarget, type RunTarget } from './target';

export interface RunSelectionResult {
  target: { kind: RunTarget['kind']; label: string; lines?: { start: number; end: number }; cellIndex?: number };
  executed: boolean;
  message: string;
}

export async function runSelection(deps: { log: Log; status: RunStatus }): Promise<RunSelectionResult | undefined> {
  const target = activeRunTarget();
  if (typeof target === 'string') {
    void vscode.window.showWarningMessage(`RNN Lens: ${target}.`);
    return undefined;
  }
  return deps.status.track(`running ${target.label}`, async () => {
    deps.log.info(`run selection: ${target.label}`);
    const summary: RunSelectionResult['target'] =
      target.kind === 'python' ? { kind: 'python', label: target.label, lines: target.lines } : { kind: 'notebook', label: target.label, cellIndex: target.cellIndex };
    const message = `Run Selection (${target.label}): executing the pipeline needs the run engine, which is not in this build yet.`;
    deps.log.warn(message);
    void vscode.window.showInformationMessage(`RNN Lens: ${message}`);
    return { target: summary, executed: false, message };
  });
}
