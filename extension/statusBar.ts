// The status bar item: shown only while RNN Lens is running something (a run, a long analysis), with a spinner and
// what it is doing; click opens the log. `track` wraps a task so the item can never be left spinning.
import * as vscode from 'vscode';

export class RunStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private active = 0;

  constructor(showLogCommand: string) {
    this.item = vscode.window.createStatusBarItem('rnnLens.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'RNN Lens';
    this.item.command = showLogCommand;
  }

  /** Shows `label` while `task` runs; hides when no task is left, also when the task fails. */
  async track<T>(label: string, task: () => Promise<T>): Promise<T> {
    this.active++;
    this.item.text = `$(sync~spin) RNN Lens: ${label}`;
    this.item.tooltip = `RNN Lens is ${label} — click to open the log`;
    this.item.show();
    try {
      return await task();
    } finally {
      this.active--;
      if (this.active === 0) this.item.hide();
    }
  }

  get visible(): boolean {
    return this.active > 0;
  }

  dispose(): void {
    this.item.dispose();
  }
}
