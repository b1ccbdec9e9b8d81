// Entry of the visualizer page (bundled to dist/webview.js): injects the stylesheet, starts the App, wires the
// VS Code webview API (acquireVsCodeApi) and window 'message' events to it, and announces `ready`.
import css from './styles.css';
import { App, type HostApi } from './app';
import type { runRnnInPage as RunRnnInPage } from './rnnRunner';

declare function acquireVsCodeApi(): HostApi;

function start(): void {
  const style = document.createElement('style');
  const nonce = document.querySelector<HTMLMetaElement>('meta[name="rnn-lens-nonce"]')?.content;
  if (nonce) style.nonce = nonce;
  style.textContent = css;
  document.head.append(style);
  const host: HostApi = typeof acquireVsCodeApi === 'function'
    ? acquireVsCodeApi()
    : { postMessage: (m) => window.dispatchEvent(new CustomEvent('rnn-lens-to-host', { detail: m })) };
  const root = document.getElementById('rnn-lens') ?? document.body;
  const app: App = new App(root, host, (m) => {
    // The runner (runtime graph builder + onnxruntime-web) is its own bundle, loaded only when a run asks for it.
    const runner = import(/* webpackIgnore: true */ new URL('./webview-rnn.js', import.meta.url).href) as Promise<{ runRnnInPage: typeof RunRnnInPage }>;
    void runner.then((mod) => mod.runRnnInPage(m.request, m.backend, (text) => app.setStatus(text))).then(
      (response) => host.postMessage({ type: 'rnn-result', requestId: m.requestId, response }),
      (err: unknown) => host.postMessage({ type: 'rnn-error', requestId: m.requestId, message: err instanceof Error ? err.message : String(err) }),
    );
  });
  window.addEventListener('message', (ev: MessageEvent) => app.receive(ev.data));
  (window as unknown as { rnnLensApp?: App }).rnnLensApp = app;
  app.ready();
}

start();
