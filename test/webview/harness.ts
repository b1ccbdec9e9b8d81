// Browser test harness for the visualizer page: a localhost static server for dist/ and the step fixtures, the page
// HTML built by the extension's own builder (same strict CSP + nonce as in VS Code), Debian's Chromium driven by
// playwright-core with a fresh profile, and helpers to post protocol messages, read what the page sent back and
// apply a VS Code theme. Everything started here is stopped by `close()`.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildWebviewHtml } from '../../extension/visualizer/html';
import type { FromWebview, ToWebview } from '../../webview/protocol';
import { THEMES } from './themes';

export const ROOT = resolve(__dirname, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.map': 'application/json', '.html': 'text/html', '.py': 'text/plain' };

export interface Harness {
  base: string;
  context: BrowserContext;
  newPage(opts?: { width?: number; height?: number; allowWasm?: boolean; nonce?: string }): Promise<Page>;
  close(): Promise<void>;
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

export async function startHarness(extraArgs: string[] = []): Promise<Harness> {
  if (!existsSync(join(ROOT, 'dist/webview.js'))) throw new Error('dist/webview.js missing: run `npm run build` first');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: run scripts/install-test-deps.sh (apt-get install -y chromium)`);
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const page = pages.get(url.pathname);
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(page);
      return;
    }
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    const allowed = rel.startsWith('dist/') || rel.startsWith('test/fixtures/steps/');
    const file = join(ROOT, rel);
    if (!allowed || !file.startsWith(ROOT) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const profile = mkdtempSync(join(tmpdir(), 'rnn-lens-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs],
      viewport: { width: 1280, height: 900 } });
  } catch (err) {
    server.close();
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  let n = 0;
  return {
    base,
    context,
    async newPage(opts = {}) {
      const path = `/page-${n++}.html`;
      pages.set(path, buildWebviewHtml({ scriptUri: `${base}/dist/webview.js`, cspSource: base, nonce: opts.nonce ?? `testnonce${n}`,
        allowWasm: opts.allowWasm ?? false, ortBaseUri: `${base}/dist/ort/` }));
      const page = await context.newPage();
      await page.setViewportSize({ width: opts.width ?? 1280, height: opts.height ?? 900 });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      (page as unknown as { rnnLensErrors: string[] }).rnnLensErrors = errors;
      await page.addInitScript(() => {
        const w = window as unknown as { __sent: unknown[] };
        w.__sent = [];
        window.addEventListener('rnn-lens-to-host', (e) => w.__sent.push((e as CustomEvent).detail));
      });
      await page.goto(base + path);
      await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'ready'));
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function pageErrors(page: Page): string[] {
  return (page as unknown as { rnnLensErrors: string[] }).rnnLensErrors;
}

export async function post(page: Page, message: ToWebview): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

export async function sent(page: Page): Promise<FromWebview[]> {
  return page.evaluate(() => (window as unknown as { __sent: FromWebview[] }).__sent);
}

export async function applyTheme(page: Page, name: keyof typeof THEMES): Promise<void> {
  const theme = THEMES[name];
  await page.evaluate((t) => {
    const html = document.documentElement;
    html.removeAttribute('style');
    for (const [k, v] of Object.entries(t.vars)) html.style.setProperty(k, v);
    document.body.className = t.bodyClass;
    document.body.setAttribute('data-vscode-theme-kind', t.kind);
  }, theme);
}

export function loadFixture(name: string): { result: import('../../runtime/steps/step').RunResult; source: string } {
  const result = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/steps', `${name}.json`), 'utf8'));
  // result.file is 'cases/<seed>.py'; the one copy of the seed scripts is test/fixtures/shapes/cases.
  const source = readFileSync(join(ROOT, 'test/fixtures/shapes', result.file), 'utf8');
  return { result, source };
}
