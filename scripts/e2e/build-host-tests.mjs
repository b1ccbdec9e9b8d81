// Bundles the extension-host tests (test/e2e/host/*.ts) into out/test/host/ for VS Code's extension host:
// CommonJS for Node 20, `vscode` provided by the host, `mocha` loaded from node_modules at run time.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'test/e2e/host');
const out = join(root, 'out/test/host');
rmSync(out, { recursive: true, force: true });
const entryPoints = readdirSync(src)
  .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
  .map((f) => join(src, f));
await esbuild.build({
  entryPoints, outdir: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline',
  external: ['vscode', 'mocha'], logLevel: 'warning',
});
console.log(`built ${entryPoints.length} extension-host test bundles into ${out}`);
