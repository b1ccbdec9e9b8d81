// Test helper for the re-analysis tests: everything a client sees of an analysis as plain data (records, inlay
// hints, diagnostics, parse errors and the hover of every Name occurrence), so an incremental re-analysis can be
// compared with a fresh analysis of the same text by deepEqual.
import type { Analysis } from '../../../runtime/analysis/api';

export function observable(a: Analysis, text: string): unknown {
  const hovers: unknown[] = [];
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    for (const m of l.matchAll(/[A-Za-z_]\w*/g)) {
      const h = a.hoverAt(i + 1, m.index ?? 0);
      if (h) hovers.push([i + 1, m.index, h.name, h.text, h.detail ?? null, h.span]);
    }
  });
  return {
    records: a.records,
    inlayHints: a.inlayHints,
    diagnostics: a.diagnostics,
    parseErrors: a.parseErrors,
    hovers,
  };
}
