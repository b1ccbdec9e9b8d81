// Host side of the visualizer: a WebviewViewProvider for the "RNN Lens" panel view and an "open to the side"
// WebviewPanel, both showing webview/ (dist/webview.js) under a strict CSP. It keeps the current run, sends it to
// every open page (`show`), follows the editor cursor (`cursor`), reveals a step's code when the page asks
// (`reveal`), and can run an RNN inside the page (WebGPU with wasm fallback). The extension calls
// `registerVisualizer(context)` once and uses the returned API.
import * as vscode from 'vscode';
import type { CodeSpan, RunResult } from '../../runtime/steps/step';
import {
  dispatch, parseFromWebview, PROTOCOL_VERSION, type FromWebview, type Handlers, type RnnRunRequest, type RnnRunResponse,
  type SourceDocument, type ToWebview,
} from '../../webview/protocol';
import { buildWebviewHtml, makeNonce } from './html';

export const VISUALIZER_VIEW_ID = 'rnnLens.visualizer';
export const OPEN_TO_SIDE_COMMAND = 'rnnLens.visualizer.openToSide';
const PANEL_TYPE = 'rnnLens.visualizerPanel';
const RNN_TIMEOUT_MS = 120_000;

export interface RevealEvent {
  uri: vscode.Uri;
  span: CodeSpan;
  stepId: number;
}

export interface VisualizerApi {
  /** Shows a run for a document: opens/reveals the panel view and updates every open page in place. */
  show(result: RunResult, documentUri: vscode.Uri): Promise<void>;
  /** Empties the pages (with a hint of what to do). */
  clear(hint?: string): void;
  /** Opens the visualizer as an editor panel beside the active editor. */
  openToSide(): void;
  /** Fires after a step's code was revealed in the editor because the user picked the step in the page. */
  readonly onRevealLine: vscode.Event<RevealEvent>;
  /** Runs an RNN inside an open page with onnxruntime-web (WebGPU when the page has it, else wasm). */
  runRnnInWebview(request: RnnRunRequest, backend: 'webgpu' | 'wasm'): Promise<RnnRunResponse>;
  /** The live pages' last reported problems (for tests and the log). */
  readonly pageErrors: readonly string[];
}

/** One open page (the panel view or an editor panel). */
interface Page {
  webview: vscode.Webview;
  ready: boolean;
}

class Visualizer implements VisualizerApi, vscode.WebviewViewProvider {
  private readonly pages = new Set<Page>();
  private current: { result: RunResult; source: SourceDocument } | null = null;
  private readonly revealEmitter = new vscode.EventEmitter<RevealEvent>();
  readonly onRevealLine = this.revealEmitter.event;
  private nextRequest = 1;
  private readonly pending = new Map<number, { resolve: (r: RnnRunResponse) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private panel: vscode.WebviewPanel | null = null;
  private view: vscode.WebviewView | null = null;
  readonly pageErrors: string[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    context.subscriptions.push(this.revealEmitter);
    context.subscriptions.push(vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e)));
    context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('rnnLens.run.backend')) for (const page of this.pages) this.load(page);
    }));
  }

  // ---------------------------------------------------------------- pages

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const page = this.attach(view.webview);
    view.onDidDispose(() => {
      this.pages.delete(page);
      if (this.view === view) this.view = null;
    });
  }

  openToSide(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_TYPE, 'RNN Lens', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.webviewOptions());
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'icon.png');
    this.panel = panel;
    const page = this.attach(panel.webview);
    panel.onDidDispose(() => {
      this.pages.delete(page);
      this.panel = null;
    });
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'dist')],
    };
  }

  private attach(webview: vscode.Webview): Page {
    const page: Page = { webview, ready: false };
    this.load(page);
    this.pages.add(page);
    webview.onDidReceiveMessage((raw: unknown) => this.receive(page, raw));
    return page;
  }

  /** (Re)loads the page's HTML; the page then says `ready` and gets the current run again. */
  private load(page: Page): void {
    const webview = page.webview;
    page.ready = false;
    webview.options = this.webviewOptions();
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    // The page runs onnxruntime-web only for the "webgpu" run backend: only then does its CSP allow wasm.
    const allowWasm = vscode.workspace.getConfiguration('rnnLens').get<string>('run.backend', 'wasm') === 'webgpu';
    webview.html = buildWebviewHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      ortBaseUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'ort')).toString() + '/',
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      allowWasm,
    });
  }

  private post(page: Page, message: ToWebview): void {
    if (page.ready) void page.webview.postMessage(message);
  }

  private broadcast(message: ToWebview): void {
    for (const page of this.pages) this.post(page, message);
  }

  private showMessage(): ToWebview | null {
    return this.current ? { type: 'show', protocol: PROTOCOL_VERSION, result: this.current.result, source: this.current.source } : null;
  }

  // ---------------------------------------------------------------- messages from the page

  private receive(page: Page, raw: unknown): void {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.pageErrors.push(parsed.error);
      return;
    }
    const handlers: Handlers<FromWebview> = {
      ready: () => {
        page.ready = true;
        const show = this.showMessage();
        if (show) this.post(page, show);
      },
      reveal: (m) => { void this.reveal(m.stepId, m.span, m.uri); },
      'rnn-result': (m) => this.settle(m.requestId, (p) => p.resolve(m.response)),
      'rnn-error': (m) => this.settle(m.requestId, (p) => p.reject(new Error(m.message))),
      error: (m) => {
        this.pageErrors.push(m.message);
        void vscode.window.showWarningMessage(`RNN Lens visualizer: ${m.message}`);
      },
    };
    dispatch(handlers, parsed.message);
  }

  private settle(id: number, f: (p: { resolve: (r: RnnRunResponse) => void; reject: (e: Error) => void }) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    f(p);
  }

  private async reveal(stepId: number, span: CodeSpan, uriText: string | null): Promise<void> {
    const uri = uriText ? vscode.Uri.parse(uriText) : this.current ? vscode.Uri.parse(this.current.source.uri) : null;
    if (!uri) return;
    const range = new vscode.Range(span.line - 1, span.col, span.endLine - 1, span.endCol);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const editor = await vscode.window.showTextDocument(uri, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      preserveFocus: false,
      selection: new vscode.Selection(range.start, range.start),
    });
    // Reveal the span's whole lines from column 0: revealing up to its end column scrolls long lines sideways and
    // hides the start of the statement (the assigned name) the user clicked for.
    editor.revealRange(new vscode.Range(range.start.line, 0, range.end.line, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.revealEmitter.fire({ uri, span, stepId });
  }

  private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    if (!this.current || e.textEditor.document.uri.toString() !== this.current.source.uri) return;
    const line = e.selections[0]?.active.line;
    if (line === undefined) return;
    this.broadcast({ type: 'cursor', line: line + 1, uri: this.current.source.uri });
  }

  // ---------------------------------------------------------------- API

  async show(result: RunResult, documentUri: vscode.Uri): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(documentUri);
    const label = documentUri.path.split('/').pop() ?? documentUri.toString();
    this.current = { result, source: { uri: documentUri.toString(), label, text: doc.getText(), languageId: doc.languageId } };
    if (!this.panel && !this.view) {
      await vscode.commands.executeCommand(`${VISUALIZER_VIEW_ID}.focus`);
    } else {
      this.view?.show(true);
    }
    const show = this.showMessage();
    if (show) this.broadcast(show);
  }

  clear(hint = ''): void {
    this.current = null;
    this.broadcast({ type: 'clear', hint });
  }

  runRnnInWebview(request: RnnRunRequest, backend: 'webgpu' | 'wasm'): Promise<RnnRunResponse> {
    const page = [...this.pages].find((p) => p.ready);
    if (!page) return Promise.reject(new Error('no visualizer page is open to run the RNN in'));
    const requestId = this.nextRequest++;
    return new Promise<RnnRunResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`the visualizer did not answer within ${RNN_TIMEOUT_MS / 1000} s`));
      }, RNN_TIMEOUT_MS);
      this.pending.set(requestId, { resolve, reject, timer });
      this.post(page, { type: 'run-rnn', requestId, backend, request });
    });
  }

  dispose(): void {
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error('the visualizer was closed'));
    }
    this.pending.clear();
  }
}

/** Registers the panel view provider, the panel serializer-free "open to the side" command; returns the API. */
export function registerVisualizer(context: vscode.ExtensionContext): VisualizerApi {
  const visualizer = new Visualizer(context);
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(VISUALIZER_VIEW_ID, visualizer),
    vscode.commands.registerCommand(OPEN_TO_SIDE_COMMAND, () => visualizer.openToSide()),
    { dispose: () => visualizer.dispose() },
  );
  return visualizer;
}
