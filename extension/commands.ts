// Command registration: every RNN Lens command goes through `registerCommand` here, which logs the call and turns
// any failure into a message the user sees (and the log keeps the stack). Command ids match package.json.
import * as vscode from 'vscode';
import type { Log } from './log';

export const COMMAND_IDS = {
  openExample: 'rnnLens.openExample',
  showShapeAtCursor: 'rnnLens.showShapeAtCursor',
  toggleInlayHints: 'rnnLens.toggleInlayHints',
  runSelection: 'rnnLens.runSelection',
  showVisualizer: 'rnnLens.showVisualizer',
  showLog: 'rnnLens.showLog',
} as const;

export type CommandId = (typeof COMMAND_IDS)[keyof typeof COMMAND_IDS];

export function registerCommand<A extends unknown[], R>(
  context: vscode.ExtensionContext,
  log: Log,
  id: CommandId,
  handler: (...args: A) => Promise<R> | R,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: A): Promise<R | undefined> => {
      log.info(`command ${id}`);
      try {
        return await handler(...args);
      } catch (err) {
        log.showError(`command ${id} failed`, err);
        return undefined;
      }
    }),
  );
}
