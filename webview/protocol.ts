// The one message protocol between the extension host (extension/visualizer/) and the visualizer page (webview/).
// Both sides import this file. Every message is a member of a discriminated union (`type`); each side handles them
// through a `Handlers` object with exactly one function per message type (the compiler checks it is complete) and
// validates what arrives with `parseToWebview` / `parseFromWebview` before dispatching. Bump PROTOCOL_VERSION on any
// incompatible change: the page announces its version in `ready` and the host refuses to talk to another one.

import type { CodeSpan, RunResult, TensorValue } from '../runtime/steps/step';

export const PROTOCOL_VERSION = 1;

/** The document a run came from, as the host knows it. `text` is the source shown in the code pane. */
export interface SourceDocument {
  uri: string;
  /** Short name for the header (file name, or "notebook.ipynb · cell 3"). */
  label: string;
  text: string;
  languageId: string;
}

/** An RNN to run inside the webview (WebGPU when available, else wasm): PyTorch-layout weights, time-major input. */
export interface RnnRunRequest {
  mode: 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  /** PyTorch parameter names (`weight_ih_l0`, `bias_hh_l1_reverse`, ...) → flat row-major values and shape. */
  weights: Record<string, TensorValue>;
  /** (T, B, inputSize), time-major. */
  input: TensorValue;
  /** Per batch row, 1 ≤ length ≤ T. */
  lengths: number[];
}

export interface RnnRunResponse {
  /** What actually executed (a requested 'webgpu' falls back to 'wasm' when navigator.gpu is missing). */
  backend: 'webgpu' | 'wasm';
  /** Why WebGPU was not used, when it was asked for and did not run. */
  fallbackReason?: string;
  /** (T, B, directions × hidden), padded positions exactly 0. */
  output: TensorValue;
  /** (layers × directions, B, hidden). */
  hN: TensorValue;
  /** LSTM only. */
  cN?: TensorValue;
  ms: number;
}

// ------------------------------------------------------------------ host → webview

export type ToWebview =
  /** Show a run (or re-run: the page updates in place, keeping the selected step when it still exists). */
  | { type: 'show'; protocol: number; result: RunResult; source: SourceDocument | null }
  /** The editor cursor moved: select the step whose code span holds this 1-based line (and notebook cell). */
  | { type: 'cursor'; line: number; cell?: number; uri: string }
  /** Nothing to show (document closed, run cleared): the page shows its empty state with this hint. */
  | { type: 'clear'; hint: string }
  /** Run an RNN with the page's onnxruntime-web (the "webgpu" backend option). */
  | { type: 'run-rnn'; requestId: number; backend: 'webgpu' | 'wasm'; request: RnnRunRequest };

// ------------------------------------------------------------------ webview → host

export type FromWebview =
  /** The page has loaded and speaks this protocol version; the host answers with the current state. */
  | { type: 'ready'; protocol: number }
  /** The user picked a step (click or Enter): reveal its code in the editor. */
  | { type: 'reveal'; stepId: number; span: CodeSpan; uri: string | null }
  | { type: 'rnn-result'; requestId: number; response: RnnRunResponse }
  | { type: 'rnn-error'; requestId: number; message: string }
  /** Something in the page failed; the host shows it (one line, no stack). */
  | { type: 'error'; message: string };

/** One handler per message type; the mapped type makes a missing or misspelt handler a compile error. */
export type Handlers<M extends { type: string }> = { [K in M['type']]: (message: Extract<M, { type: K }>) => void };

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

export function dispatch<M extends { type: string }>(handlers: Handlers<M>, message: M): void {
  const handler = handlers[message.type as M['type']] as (m: M) => void;
  handler(message);
}

const TO_WEBVIEW_TYPES: ReadonlySet<string> = new Set<ToWebview['type']>(['show', 'cursor', 'clear', 'run-rnn']);
const FROM_WEBVIEW_TYPES: ReadonlySet<string> = new Set<FromWebview['type']>(['ready', 'reveal', 'rnn-result', 'rnn-error', 'error']);

export type Parsed<M> = { ok: true; message: M } | { ok: false; error: string };

function parseWith<M>(raw: unknown, types: ReadonlySet<string>, side: string): Parsed<M> {
  if (typeof raw !== 'object' || raw === null || typeof (raw as { type?: unknown }).type !== 'string') {
    return { ok: false, error: `${side}: message without a string "type"` };
  }
  const type = (raw as { type: string }).type;
  if (!types.has(type)) return { ok: false, error: `${side}: unknown message type "${type}"` };
  const protocol = (raw as { protocol?: unknown }).protocol;
  if ((type === 'show' || type === 'ready') && protocol !== PROTOCOL_VERSION) {
    return { ok: false, error: `${side}: protocol version ${String(protocol)} received, ${PROTOCOL_VERSION} expected` };
  }
  return { ok: true, message: raw as M };
}

export function parseToWebview(raw: unknown): Parsed<ToWebview> {
  return parseWith<ToWebview>(raw, TO_WEBVIEW_TYPES, 'to webview');
}

export function parseFromWebview(raw: unknown): Parsed<FromWebview> {
  return parseWith<FromWebview>(raw, FROM_WEBVIEW_TYPES, 'from webview');
}
