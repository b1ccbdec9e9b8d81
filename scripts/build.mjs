// Build script: bundles the extension host code (Node CJS), the CLI (Node CJS) and the webview page (browser ESM)
// with esbuild, and copies onnxruntime-web's wasm files next to the bundles. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// onnxruntime-web's glue reads import.meta.url; in a CJS bundle we point it at the bundle's own file.
const importMetaShim = { 'import.meta.url': 'importMetaUrl' };
const importMetaBanner = { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" };

const nodeCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify: production,
  logLevel: 'info',
  define: importMetaShim,
  banner: importMetaBanner,
};

const builds = [
  { ...nodeCommon, entryPoints: { extension: join(root, 'extension/extension.ts') }, outdir: dist, external: ['vscode'] },
  { ...nodeCommon, entryPoints: { cli: join(root, 'runtime/cli.ts') }, outdir: dist },
  // the run worker thread the extension starts on the first run (extension/run/runWorker.ts): the run engine and
  // onnxruntime-web live only there, never in the extension host's thread
  { ...nodeCommon, entryPoints: { 'run-worker': join(root, 'extension/run/runWorker.ts') }, outdir: dist },
  {
    bundle: true, platform: 'browser', format: 'esm', target: 'es2022', sourcemap: true, minify: production,
    logLevel: 'info', entryPoints: { webview: join(root, 'webview/main.ts'), 'webview-rnn': join(root, 'webview/rnnRunner.ts') }, outdir: dist,
    loader: { '.css': 'text' },
  },
].filter((b) => Object.values(b.entryPoints).every((p) => existsSync(p)));

function copyOrtFiles() {
  const src = join(root, 'node_modules/onnxruntime-web/dist');
  const out = join(dist, 'ort');
  mkdirSync(out, { recursive: true });
  for (const f of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.jsep.wasm', 'ort-wasm-simd-threaded.jsep.mjs',
    // the visualizer page's WebGPU build of onnxruntime-web (webview/rnnRunner.ts) and the asyncify wasm it runs on
    'ort.webgpu.min.mjs', 'ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs']) {
    if (existsSync(join(src, f))) cpSync(join(src, f), join(out, f));
  }
}

mkdirSync(dist, { recursive: true });
copyOrtFiles();
if (watch) {
  for (const b of builds) {
    const ctx = await esbuild.context(b);
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
