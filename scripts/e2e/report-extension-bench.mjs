// Writes the extension's section of docs/benchmarks.md (between <!-- section:extension --> markers, leaving the
// other sections alone) from the last e2e run: activation time and hover round trip measured inside code-server's
// extension host (test-results/metric-*.json), and the sizes of the .vsix and of the bundled extension.
// Usage: npm run test:e2e, then node scripts/e2e/report-extension-bench.mjs [E2E_SECONDS].
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (f) => JSON.parse(readFileSync(join(root, 'test-results', f), 'utf8'));
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const activation = read('metric-activation.json');
const hover = existsSync(join(root, 'test-results/metric-hover.json')) ? read('metric-hover.json') : null;
const vsix = statSync(join(root, 'rnn-lens.vsix')).size;
const bundle = statSync(join(root, '.cache/e2e/vsix/extension/dist/extension.js')).size;
const listing = execFileSync('unzip', ['-l', join(root, 'rnn-lens.vsix')], { encoding: 'utf8' });
const files = listing.split('\n').filter((l) => /\sextension\//.test(l)).length;
const e2eSeconds = process.argv[2];

const section = `<!-- section:extension -->
## VS Code extension (issue 6)

Measured by the e2e run (code-server 4.100.3, Node 20, this 2-core machine) on ${new Date().toISOString().slice(0, 10)}.

| what | value |
|---|---|
| \`extension.activate()\` called from the extension host (module load + activate) | ${activation.activateCallMs.toFixed(1)} ms |
| inside \`activate()\` (registering providers and commands) | ${activation.insideActivateMs.toFixed(1)} ms |
| loaded at activation | the extension bundle only; the shape engine is evaluated on first use, onnxruntime never at activation |
| hover request round trip on \`${hover?.file ?? '-'}\` (first / next) | ${hover ? `${hover.firstHoverMs.toFixed(1)} ms / ${hover.cachedHoverMs.toFixed(1)} ms` : '-'} |
| \`rnn-lens.vsix\` | ${kb(vsix)} (${files} files; onnxruntime-web's wasm binaries in dist/ort, for the run engine and the visualizer's WebGPU/wasm backend, are almost all of it) |
| \`dist/extension.js\` inside it (minified, shape engine included) | ${kb(bundle)} |
${e2eSeconds ? `| whole e2e run (package, extension-host suite, UI suite; code-server already installed) | ${e2eSeconds} s |\n` : ''}<!-- /section:extension -->`;

const file = join(root, 'docs/benchmarks.md');
let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
const re = /<!-- section:extension -->[\s\S]*?<!-- \/section:extension -->/;
text = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`;
writeFileSync(file, text);
console.log(section);
