// Visualizer benchmark: time to draw a large run (batch 64 × 50 time steps, LSTM 7 → 100, ragged lengths, every
// value sent) after the data arrive in the page, in Debian's Chromium; plus seed 000 for scale and the webview
// bundle sizes (minified, gzipped). Writes its section of docs/benchmarks.md (between the webview markers only).
// Run: npm run build && node --import tsx test/bench/webview.ts
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeBenchSection } from './report';
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import type { RunResult, Step, TensorValue } from '../../runtime/steps/step';
import { PROTOCOL_VERSION, type ToWebview } from '../../webview/protocol';
import { applyTheme, loadFixture, ROOT, startHarness } from '../webview/harness';

const B = 64;
const T = 50;
const I = 7;
const H = 100;
const REPEATS = 7;

/** Deterministic pseudo-random numbers (LCG) so every run draws the same batch. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function tensor(shape: number[], fill: (i: number) => number): TensorValue {
  const n = shape.reduce((a, b) => a * b, 1);
  return { kind: 'tensor', shape, dtype: 'float32', data: Array.from({ length: n }, (_, i) => fill(i)) };
}

/** A RunResult shaped like seed 004's variable-length batch, with synthetic values and all data present. */
export function largeRun(): RunResult {
  const r = rng(7);
  const lengthsRaw = Array.from({ length: B }, () => 1 + Math.floor(r() * T));
  lengthsRaw[0] = T;
  const perm = lengthsRaw.map((l, i) => [l, i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, i]) => i);
  const lengths = perm.map((i) => lengthsRaw[i]);
  const unsorted = new Array<number>(B);
  perm.forEach((p, k) => { unsorted[p] = k; });
  const batchSizes = Array.from({ length: T }, (_, t) => lengths.filter((l) => l > t).length);
  const rowOrigin: [number, number][] = [];
  batchSizes.forEach((n, t) => { for (let k = 0; k < n; k++) rowOrigin.push([t, k]); });
  const N = rowOrigin.length;
  const masked = (L: number[], F: number) => (i: number): number => {
    const b = Math.floor(i / (T * F));
    const t = Math.floor(i / F) % T;
    return t < L[b] ? r() * 2 - 1 : 0;
  };
  const padded = tensor([B, T, I], masked(lengthsRaw, I));
  const sortedX = tensor([B, T, I], masked(lengths, I));
  const packedX = tensor([N, I], () => r() * 2 - 1);
  const packedY = tensor([N, H], () => Math.tanh(r() * 2 - 1));
  const out = tensor([B, T, H], masked(lengths, H));
  const hN = tensor([1, B, H], () => Math.tanh(r() * 2 - 1));
  const span = (line: number) => ({ line, col: 0, endLine: line, endCol: 40 });
  const step = (id: number, s: Omit<Step, 'id' | 'span' | 'code' | 'explanation'>): Step => ({ id, span: span(10 + id * 3), code: `step_${id}(...)`, explanation: `synthetic step ${id}`, ...s });
  const steps: Step[] = [
    step(0, { kind: 'pad', title: 'Padding', inputs: [], outputs: [{ name: 'padded', value: padded }], transform: `${B} sequences → (${B}, ${T}, ${I})`, details: { kind: 'pad', lengths: lengthsRaw, paddingValue: 0, batchFirst: true } }),
    step(1, { kind: 'sort', title: 'Sort', inputs: [{ name: 'padded', value: padded }], outputs: [{ name: 'data', value: sortedX }], transform: `(${B}, ${T}, ${I}) → (${B}, ${T}, ${I})`, details: { kind: 'sort', permutation: perm, lengthsBefore: lengthsRaw, lengthsAfter: lengths, descending: true } }),
    step(2, { kind: 'pack', title: 'Pack', inputs: [{ name: 'data', value: sortedX }], outputs: [{ name: 'packed', value: { kind: 'packed', data: packedX, batchSizes, sortedIndices: null, unsortedIndices: null } }], transform: `(${B}, ${T}, ${I}) → packed (${N}, ${I})`, details: { kind: 'pack', lengths, batchSizes, sortedIndices: null, unsortedIndices: null, batchFirst: true, rowOrigin } }),
    step(3, { kind: 'rnn', title: 'LSTM layer 0', inputs: [], outputs: [{ name: 'packed_output', value: { kind: 'packed', data: packedY, batchSizes, sortedIndices: null, unsortedIndices: null } }, { name: 'h_n', value: hN }], transform: `packed (${N}, ${I}) → packed (${N}, ${H})`, details: { kind: 'rnn', mode: 'LSTM', inputSize: I, hiddenSize: H, projSize: 0, numLayers: 1, bidirectional: false, batchFirst: true, packed: true, lengths, backend: 'synthetic', weightsSource: 'synthetic' } }),
    step(4, { kind: 'unpack', title: 'Unpack', inputs: [], outputs: [{ name: 'output', value: out }], transform: `packed (${N}, ${H}) → (${B}, ${T}, ${H})`, details: { kind: 'unpack', lengths, totalLength: T, paddingValue: 0, batchFirst: true } }),
    step(5, { kind: 'unsort', title: 'Un-sort', inputs: [], outputs: [{ name: 'output', value: out }], transform: `(${B}, ${T}, ${H}) → (${B}, ${T}, ${H})`, details: { kind: 'unsort', permutation: unsorted } }),
    step(6, { kind: 'final-state', title: 'h_n[-1]', inputs: [{ name: 'h_n', value: hN }, { name: 'output', value: out }], outputs: [{ name: 'h_n[-1]', value: tensor([B, H], () => 0.5) }], transform: `(1, ${B}, ${H}) → (${B}, ${H})`, details: { kind: 'final-state', numLayers: 1, numDirections: 1, selection: 'h_n[-1]', equalsOutputStep: lengths.map((l) => l - 1), sliceEqualsOutputStep: [[lengths.map((l) => l - 1)]] } }),
  ];
  return { version: 1, file: 'synthetic_64x50.py', backend: 'wasm', steps, messages: [] };
}

interface Timing { renderMs: number; frameMs: number }

/** Posts `show` inside the page; returns the synchronous render time and the time to the next painted frame. */
async function timeShow(page: Page, msg: ToWebview): Promise<Timing> {
  return page.evaluate(async (m) => {
    const root = document.getElementById('rnn-lens')!;
    const before = Number(root.dataset.renders ?? 0);
    const t0 = performance.now();
    window.postMessage(m, '*');
    while (Number(root.dataset.renders ?? 0) <= before) await new Promise((ok) => setTimeout(ok, 0));
    await new Promise<void>((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok())));
    return { renderMs: Number(root.dataset.renderMs), frameMs: performance.now() - t0 };
  }, msg);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function bundleSize(entry: string): Promise<{ min: number; gz: number }> {
  const r = await esbuild.build({ entryPoints: [join(ROOT, entry)], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', minify: true, write: false, loader: { '.css': 'text' }, logLevel: 'silent' });
  const bytes = r.outputFiles[0].contents;
  return { min: bytes.length, gz: gzipSync(bytes).length };
}

async function main(): Promise<void> {
  const big = largeRun();
  const bigMsg: ToWebview = { type: 'show', protocol: PROTOCOL_VERSION, result: big, source: null };
  const seed = loadFixture('seed_000_pack_chars');
  const seedMsg: ToWebview = { type: 'show', protocol: PROTOCOL_VERSION, result: seed.result, source: { uri: 'file:///seed.py', label: 'seed', text: seed.source, languageId: 'python' } };
  const numbers = big.steps.reduce((a, s) => a + s.outputs.reduce((b, o) => b + (o.value.kind === 'tensor' ? o.value.data!.length : o.value.kind === 'packed' ? o.value.data.data!.length : 0), 0), 0);
  const hx = await startHarness();
  const rows: string[] = [];
  let bigRender: number[] = [];
  let bigFrame: number[] = [];
  try {
    const page = await hx.newPage({ width: 1280, height: 900 });
    await applyTheme(page, 'dark');
    for (const [label, msg] of [['seed 000 (9 steps, with code pane)', seedMsg], [`batch ${B} × ${T} steps, LSTM ${I} → ${H} (7 steps, ${numbers.toLocaleString('en')} values)`, bigMsg]] as const) {
      const times: Timing[] = [];
      await timeShow(page, msg); // warm-up (JIT, fonts)
      for (let i = 0; i < REPEATS; i++) times.push(await timeShow(page, msg));
      const render = times.map((t) => t.renderMs);
      const frame = times.map((t) => t.frameMs);
      if (msg === bigMsg) { bigRender = render; bigFrame = frame; }
      rows.push(`| ${label} | ${median(render).toFixed(1)} ms | ${Math.min(...render).toFixed(1)}–${Math.max(...render).toFixed(1)} ms | ${median(frame).toFixed(1)} ms |`);
    }
    const elements = await page.evaluate(() => document.querySelectorAll('*').length);
    rows.push(`| (DOM elements after the large run) | ${elements.toLocaleString('en')} | | |`);
  } finally {
    await hx.close();
  }
  const page = await bundleSize('webview/main.ts');
  const rnn = await bundleSize('webview/rnnRunner.ts');
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
  const chromium = existsSync('/usr/bin/chromium') ? 'Debian chromium (headless, software rendering)' : 'chromium';
  const section = `## Visualizer (webview)

Measured by \`node --import tsx test/bench/webview.ts\` (after \`npm run build\`) in ${chromium}, 2-core machine,
median of ${REPEATS} renders after one warm-up (machine load average ${loadavg()[0].toFixed(1)} during the run: shared
with other jobs, so min–max is wide). "render" is the page's own synchronous drawing of a \`show\`
message (protocol handling, every card, SVG drawings, canvases); "to next frame" adds the message's structured clone
and the browser's style/layout/paint up to the second animation frame. Target: render ≤ 100 ms for 64 × 50.

| run | render (median) | render (min–max) | to next frame (median) |
|---|---|---|---|
${rows.join('\n')}

Large tensors are summarised, not drawn cell by cell: heat maps draw at most 6 blocks × 16 rows × 64 columns
(the rest elided with marked gaps), and values sections above ${'4,096'} numbers are drawn when opened.

| bundle (esbuild, minified) | size | gzip |
|---|---|---|
| dist/webview.js — the page (drawings, protocol, @lezer/python code pane) | ${kb(page.min)} | ${kb(page.gz)} |
| dist/webview-rnn.js — in-page RNN runner (runtime graph builder, onnx-proto), loaded only for the webgpu option | ${kb(rnn.min)} | ${kb(rnn.gz)} |
| monaco-editor 0.57 core + Python (measured once, not used) | 2,696 KB | 708 KB |

onnxruntime-web's own files (ort.webgpu.min.mjs 65 KB + the 27 MB asyncify wasm) load only when a run asks the
page for the webgpu backend.`;
  writeBenchSection('webview', section);
  console.log(section);
  console.log(`large run: render ${bigRender.map((x) => x.toFixed(1)).join(', ')} ms; frame ${bigFrame.map((x) => x.toFixed(1)).join(', ')} ms`);
}

if (require.main === module) main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
