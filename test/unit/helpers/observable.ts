// Test helper for the re-analysis tests: everything a client sees of an analysis as plain data (records, inlay
// hints, diagnostics, parse errors and the hover of every Name occurrence), so an incremental re-analysis can be
// compared with a fresh analysis of the same text (or notebook cells) by deepEqual.
import type { Analysis, NotebookCell } from '../../../runtime/analysis/api';

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

/** The same for a notebook analysis: the hover at every Name occurrence of every cell (cell + line, as the editor
 *  asks). */
export function observableNotebook(a: Analysis, cells: readonly NotebookCell[]): unknown {
  const hovers: unknown[] = [];
  cells.forEach((cell, index) => {
    cell.source.split(/\r?\n/).forEach((l, i) => {
      for (const m of l.matchAll(/[A-Za-z_]\w*/g)) {
        const h = a.hoverAt(i + 1, m.index ?? 0, index);
        if (h) hovers.push([index, i + 1, m.index, h.name, h.text, h.detail ?? null, h.span]);
      }
    });
  });
  return { records: a.records, inlayHints: a.inlayHints, diagnostics: a.diagnostics, parseErrors: a.parseErrors, hovers };
}
