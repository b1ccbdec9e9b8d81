// Typed access to the rnnLens.* settings (declared in package.json "contributes.configuration"); every other file
// reads settings through here so names and defaults live in one place.
import * as vscode from 'vscode';

export type Backend = 'wasm' | 'reference' | 'webgpu';

export interface RnnLensConfig {
  inlayHintsEnabled: boolean;
  hoverEnabled: boolean;
  diagnosticsEnabled: boolean;
  codeLensEnabled: boolean;
  /** Milliseconds to wait after the last keystroke before re-analysing. */
  analysisDebounceMs: number;
  /** Files larger than this are not analysed (characters). */
  analysisMaxFileChars: number;
  /** The engine stops interpreting a document after this many milliseconds (the rest stays unknown). */
  analysisTimeLimitMs: number;
  backend: Backend;
  threads: number;
  runMaxElements: number;
  runTimeoutMs: number;
  /** Start the run worker (and onnxruntime-web) in the background once an open file has a packing or RNN call. */
  runPrewarm: boolean;
  /** Open the walkthrough and an example the first time RNN Lens activates. */
  walkthroughOnFirstInstall: boolean;
}

const SECTION = 'rnnLens';

export function readConfig(scope?: vscode.ConfigurationScope): RnnLensConfig {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const backend = c.get<string>('run.backend', 'wasm');
  return {
    inlayHintsEnabled: c.get<boolean>('inlayHints.enabled', true),
    hoverEnabled: c.get<boolean>('hover.enabled', true),
    diagnosticsEnabled: c.get<boolean>('diagnostics.enabled', true),
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
    analysisDebounceMs: clamp(c.get<number>('analysis.debounceMs', 250), 0, 5000),
    analysisMaxFileChars: clamp(c.get<number>('analysis.maxFileChars', 1_000_000), 1000, 50_000_000),
    analysisTimeLimitMs: clamp(c.get<number>('analysis.timeLimitMs', 1000), 50, 30_000),
    backend: backend === 'reference' || backend === 'webgpu' ? backend : 'wasm',
    threads: clamp(Math.round(c.get<number>('run.threads', 1)), 1, 16),
    runMaxElements: clamp(c.get<number>('run.maxElements', 10_000_000), 1000, 1_000_000_000),
    runTimeoutMs: clamp(c.get<number>('run.timeoutMs', 30_000), 100, 600_000),
    runPrewarm: c.get<boolean>('run.prewarm', true),
    walkthroughOnFirstInstall: c.get<boolean>('walkthrough.openOnFirstInstall', true),
  };
}

export async function setInlayHintsEnabled(enabled: boolean): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('inlayHints.enabled', enabled, vscode.ConfigurationTarget.Global);
}

export function affectsRnnLens(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}

function clamp(v: number, lo: number, hi: number): number {
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : lo;
}
