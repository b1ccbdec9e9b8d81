// The "RNN Lens" output channel: every log line and every error the extension meets goes here, with a timestamp.
// Errors meant for the user are also shown as a notification (showError), never swallowed.
import * as vscode from 'vscode';

export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('RNN Lens', { log: true });
  }

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  /** Logs the error with its stack and shows a one-line message to the user, with a button to open the log. */
  showError(what: string, err: unknown): void {
    const message = errorMessage(err);
    this.channel.error(`${what}: ${err instanceof Error && err.stack ? err.stack : message}`);
    void vscode.window.showErrorMessage(`RNN Lens: ${what}: ${message}`, 'Show Log').then((choice) => {
      if (choice === 'Show Log') this.channel.show(true);
    });
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/** The first line of an error's message (the user sees one line; the log keeps the stack). */
export function errorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0];
}
