// Helpers the extension-host tests share: the extension under test, the examples folder, waiting for a condition.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'rnn-lens.rnn-lens';

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  return ext;
}

/** The workspace folder (a copy of examples/ the driver made for this run). */
export function workspaceUri(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test VS Code has no workspace folder open');
  return folder.uri;
}

export function exampleInWorkspace(file: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceUri(), file);
}

/** Polls `probe` until it returns a value that is not undefined (providers compute asynchronously). */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** Writes a measurement next to the results file so the driver can report it (benchmarks, not assertions). */
export function recordMetric(name: string, value: unknown): void {
  const results = process.env.RNN_LENS_E2E_RESULTS;
  if (!results) return;
  const file = join(dirname(results), `metric-${name}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value));
}
