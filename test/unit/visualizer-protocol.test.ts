// The visualizer's page HTML (strict CSP, nonce, wasm only on request) and its message protocol validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWebviewHtml, makeNonce } from '../../extension/visualizer/html';
import { parseFromWebview, parseToWebview, PROTOCOL_VERSION } from '../../webview/protocol';

function csp(html: string): Map<string, string[]> {
  const m = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
  assert.ok(m, 'CSP meta present');
  return new Map(m[1].replace(/&#39;|&quot;/g, "'").split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
}

test('page CSP: nonce-only scripts and styles, nothing remote, no inline, no wasm unless asked', () => {
  const nonce = makeNonce();
  const html = buildWebviewHtml({ scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js', cspSource: 'https://*.vscode-cdn.net', nonce, allowWasm: false });
  const p = csp(html);
  assert.deepEqual(p.get('default-src'), ["'none'"]);
  assert.deepEqual(p.get('script-src'), [`'nonce-${nonce}'`]);
  assert.deepEqual(p.get('style-src'), ['https://*.vscode-cdn.net', `'nonce-${nonce}'`]);
  assert.deepEqual(p.get('connect-src'), ["'none'"]);
  assert.ok(!html.includes('unsafe-inline') && !html.includes('unsafe-eval'), 'no unsafe-inline / unsafe-eval');
  assert.match(html, new RegExp(`<script type="module" nonce="${nonce}" src="https://file\\+\\.vscode-resource`));
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'exactly one script, no inline code');
  assert.match(nonce, /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(makeNonce(), nonce);
});

test("page CSP with the in-page RNN: 'wasm-unsafe-eval' and fetches from the bundle origin only", () => {
  const p = csp(buildWebviewHtml({ scriptUri: 'x', cspSource: 'https://a.example', nonce: 'n', allowWasm: true, ortBaseUri: 'https://a.example/dist/ort/' }));
  assert.deepEqual(p.get('script-src'), ["'nonce-n'", "'wasm-unsafe-eval'", 'https://a.example']);
  assert.deepEqual(p.get('connect-src'), ['https://a.example']);
});

test('protocol: messages are validated, versions checked, unknown types refused with one line', () => {
  assert.deepEqual(parseFromWebview({ type: 'ready', protocol: PROTOCOL_VERSION }), { ok: true, message: { type: 'ready', protocol: PROTOCOL_VERSION } });
  assert.deepEqual(parseFromWebview({ type: 'ready', protocol: 0 }), { ok: false, error: `from webview: protocol version 0 received, ${PROTOCOL_VERSION} expected` });
  assert.deepEqual(parseToWebview({ type: 'explode' }), { ok: false, error: 'to webview: unknown message type "explode"' });
  assert.deepEqual(parseToWebview(null), { ok: false, error: 'to webview: message without a string "type"' });
  assert.equal(parseToWebview({ type: 'cursor', line: 3, uri: 'file:///a.py' }).ok, true);
});
