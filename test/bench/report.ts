// The benchmark report, docs/benchmarks.md: each benchmark script owns one section between
// `<!-- section:NAME -->` and `<!-- /section:NAME -->` and rewrites only that part (appending it when missing).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const benchmarksFile = join(__dirname, '..', '..', 'docs', 'benchmarks.md');

const HEADER = '# Benchmarks\n\nSpeed and memory of RNN Lens against PyTorch, measured in one run on the same machine. Each section is written by its own benchmark script (`npm run bench` and others); do not edit between the section markers by hand.\n';

/** Replaces (or appends) section `name` of docs/benchmarks.md with `body` (markdown, without the markers); returns
 *  the section as written. */
export function writeBenchSection(name: string, body: string): string {
  const open = `<!-- section:${name} -->`;
  const close = `<!-- /section:${name} -->`;
  const section = `${open}\n${body.trim()}\n${close}`;
  const doc = existsSync(benchmarksFile) ? readFileSync(benchmarksFile, 'utf8') : HEADER;
  const start = doc.indexOf(open);
  const end = doc.indexOf(close);
  const next = start >= 0 && end > start ? doc.slice(0, start) + section + doc.slice(end + close.length) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(benchmarksFile, next);
  return section;
}
