// The visualizer page's HTML: a strict Content-Security-Policy with a per-load nonce, one module script from the
// bundle folder, no inline code, no remote resources. 'wasm-unsafe-eval' is allowed only when the page may run
// onnxruntime-web (the in-page WebGPU/wasm RNN). Pure function (no vscode import) so the browser tests load the
// very same page.

export interface WebviewHtmlOptions {
  /** URL of dist/webview.js as the webview sees it (webview.asWebviewUri). */
  scriptUri: string;
  /** webview.cspSource: the origin the webview's local resources come from. */
  cspSource: string;
  nonce: string;
  /** True when the page may run onnxruntime-web (needs 'wasm-unsafe-eval' and fetches of its .wasm/.mjs). */
  allowWasm: boolean;
  /** URL of dist/ort/ (onnxruntime-web's wasm files), when allowWasm. */
  ortBaseUri?: string;
  title?: string;
}

export function buildWebviewHtml(o: WebviewHtmlOptions): string {
  const wasm = o.allowWasm ? " 'wasm-unsafe-eval'" : '';
  const csp = [
    "default-src 'none'",
    `img-src ${o.cspSource} data:`,
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `font-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'${wasm}${o.allowWasm ? ` ${o.cspSource}` : ''}`,
    o.allowWasm ? `connect-src ${o.cspSource}` : "connect-src 'none'",
    o.allowWasm ? `worker-src ${o.cspSource} blob:` : "worker-src 'none'",
  ].join('; ');
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="rnn-lens-nonce" content="${esc(o.nonce)}">
${o.ortBaseUri ? `<meta name="rnn-lens-ort-base" content="${esc(o.ortBaseUri)}">\n` : ''}<title>${esc(o.title ?? 'RNN Lens')}</title>
</head>
<body>
<div id="rnn-lens"></div>
<script type="module" nonce="${esc(o.nonce)}" src="${esc(o.scriptUri)}"></script>
</body>
</html>
`;
}

/** A fresh nonce: 32 characters from a CSPRNG. */
export function makeNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64').replace(/[+/=]/g, (c) => (c === '+' ? '-' : c === '/' ? '_' : ''));
}
