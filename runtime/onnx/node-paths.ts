// Node-only: where onnxruntime-web's .wasm/.mjs files are. The bundled CLI/extension (dist/*.js) ships them in
// dist/ort/ (scripts/build.mjs copies them); under tsx (tests) ORT finds them in node_modules by itself.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The wasmPaths prefix for ort.env.wasm.wasmPaths, or undefined to let ORT use its own package folder. */
export function nodeOrtWasmPaths(): string | undefined {
  const bundled = join(__dirname, 'ort');
  if (existsSync(join(bundled, 'ort-wasm-simd-threaded.wasm'))) return pathToFileURL(bundled + '/').href;
  return undefined;
}
