// Source kinds of the shape engine: a Python file, a line range of one, or a Jupyter notebook. Every kind becomes one
// Python text (line numbers preserved: lines that are not analysed are blanked, never removed) plus a position map
// back to the user's coordinates (file line, or notebook cell + line in cell). textChange() gives the edit between two
// such texts (a notebook's re-analysis compares its old and new concatenated text: runtime/analysis/api.ts).
import type { TextChange } from './parse';

export interface SourcePosition {
  /** 1-based line in the file, or in the cell for notebooks. */
  line: number;
  /** 0-based column (UTF-16 code units). */
  col: number;
  /** 0-based index of the cell in the notebook's `cells` array (notebooks only). */
  cell?: number;
}

export interface SourceText {
  /** The Python text that is parsed; one line per original line. */
  text: string;
  kind: 'python' | 'notebook';
  /** Maps a 1-based line of `text` to the user's line (and cell). */
  mapLine(line: number): { line: number; cell?: number };
  /** Characters removed at the start of an analysed line (dedented selections); user col = col + colShift. */
  colShift(line: number): number;
  /** Inverse of mapLine: the 1-based line of `text` for a user position, or null if it is not analysed. */
  unmapLine(line: number, cell?: number): number | null;
  /** Located messages about the source itself (skipped magics, malformed cells…). */
  notes: { line: number; cell?: number; message: string }[];
}

/** A notebook cell as VS Code or a .ipynb gives it. */
export interface NotebookCell {
  kind: 'code' | 'markdown' | 'raw';
  source: string;
  /** Language of a code cell; non-Python code cells are skipped. Defaults to python. */
  language?: string;
}

export class SourceError extends Error {}

export function pythonSource(text: string): SourceText {
  return {
    text,
    kind: 'python',
    mapLine: (line) => ({ line }),
    unmapLine: (line) => line,
    colShift: () => 0,
    notes: [],
  };
}

/** Only lines start..end (1-based, inclusive) of `text` are analysed — plus the file's top-level imports above them,
 *  so `torch`/`nn` mean what they mean in the file; the selection's common indentation is removed so a selection
 *  inside a function body still parses. Line numbers stay those of the file. */
export function lineRangeSource(text: string, start: number, end: number): SourceText {
  const lines = text.split(/\r?\n/);
  if (start > lines.length) throw new SourceError(`--lines ${start}-${end}: the file has only ${lines.length} lines`);
  const last = Math.min(end, lines.length);
  const picked = lines.slice(start - 1, last);
  let indent = Infinity;
  for (const l of picked) {
    if (l.trim() === '' || l.trimStart().startsWith('#')) continue;
    indent = Math.min(indent, l.length - l.trimStart().length);
  }
  if (!Number.isFinite(indent)) indent = 0;
  const keepImport = new Set<number>();
  for (let i = 0; i < start - 1; i++) {
    if (!/^(import\s|from\s+\S+\s+import\s)/.test(lines[i])) continue;
    keepImport.add(i);
    if (lines[i].includes('(') && !lines[i].includes(')')) {
      for (let j = i + 1; j < start - 1; j++) {
        keepImport.add(j);
        if (lines[j].includes(')')) break;
      }
    } else {
      for (let j = i; j < start - 2 && lines[j].trimEnd().endsWith('\\'); j++) keepImport.add(j + 1);
    }
  }
  const out = lines.map((l, i) => {
    if (keepImport.has(i)) return l;
    if (i < start - 1 || i >= last) return '';
    return l.slice(Math.min(indent, l.length - l.trimStart().length));
  });
  return {
    text: out.join('\n'),
    kind: 'python',
    mapLine: (line) => ({ line }),
    unmapLine: (line) => (line >= start && line <= last ? line : null),
    colShift: (line) => (line >= start && line <= last && !keepImport.has(line - 1) ? Math.min(indent, lines[line - 1].length - lines[line - 1].trimStart().length) : 0),
    notes: [],
  };
}

const CELL_MAGICS_WITH_PYTHON_BODY = new Set(['time', 'timeit', 'capture', 'prun']);

/** IPython-only lines that are not Python: line magics, shell escapes, help queries. */
function isIpythonLine(line: string): boolean {
  const t = line.trimStart();
  // the help-query patterns only for lines with a '?' (this runs on every line of every re-analysed notebook)
  return t.startsWith('%') || t.startsWith('!') || (t.includes('?') && (/^[\w.]+\?{1,2}\s*$/.test(t) || /^\?{1,2}[\w.]+\s*$/.test(t)));
}

/** Cells → one Python text. Magic and shell lines become blank lines (positions of the rest are unchanged);
 *  cells with a non-Python cell magic (%%bash…) are skipped with a note. */
export function notebookSource(cells: readonly NotebookCell[]): SourceText {
  const out: string[] = [];
  const map: { cell: number; line: number }[] = [];
  const starts = new Map<number, number>();
  const notes: SourceText['notes'] = [];
  cells.forEach((cell, index) => {
    if (cell.kind !== 'code') return;
    if (cell.language && cell.language !== 'python') return;
    const lines = cell.source.split(/\r?\n/);
    const first = lines[0]?.trim() ?? '';
    let skipCell = false;
    if (first.startsWith('%%')) {
      const magic = first.slice(2).split(/\s/)[0];
      if (!CELL_MAGICS_WITH_PYTHON_BODY.has(magic)) {
        skipCell = true;
        notes.push({ cell: index, line: 1, message: `cell magic %%${magic}: cell not analysed` });
      }
    }
    starts.set(index, out.length + 1);
    lines.forEach((l, i) => {
      out.push(skipCell || isIpythonLine(l) ? '' : l);
      map.push({ cell: index, line: i + 1 });
    });
    // a blank separator line so that an unterminated construct in one cell does not swallow the next one
    out.push('');
    map.push({ cell: index, line: lines.length + 1 });
  });
  return {
    text: out.join('\n'),
    kind: 'notebook',
    mapLine: (line) => map[line - 1] ?? { line },
    colShift: () => 0,
    unmapLine: (line, cell) => {
      if (cell === undefined) return null;
      const s = starts.get(cell);
      return s === undefined ? null : s + line - 1;
    },
    notes,
  };
}

const DIFF_CHUNK = 256;

/** The edit between two texts as at most one change: the common prefix and suffix are kept, what lies between is
 *  the change ([] when the texts are equal). Any edit of a notebook — typing in a cell (VS Code reports it per cell
 *  document), cells added, removed, moved or turned markdown, a line turned into a blank magic line — is one change
 *  of its concatenated text this way, in the coordinates the incremental parse and statement reuse need. Where an
 *  edit is ambiguous (a character typed next to the same character) either reading is a correct description. */
export function textChange(previous: string, text: string): TextChange[] {
  if (previous === text) return [];
  const max = Math.min(previous.length, text.length);
  // whole chunks first (startsWith/endsWith compare natively: a notebook's text is tens of kB), then characters
  let prefix = 0;
  while (prefix + DIFF_CHUNK <= max && previous.startsWith(text.slice(prefix, prefix + DIFF_CHUNK), prefix)) prefix += DIFF_CHUNK;
  while (prefix < max && previous.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  const maxSuffix = max - prefix;
  while (suffix + DIFF_CHUNK <= maxSuffix && previous.endsWith(text.slice(text.length - suffix - DIFF_CHUNK, text.length - suffix), previous.length - suffix)) suffix += DIFF_CHUNK;
  while (suffix < maxSuffix && previous.charCodeAt(previous.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  return [{ fromA: prefix, toA: previous.length - suffix, fromB: prefix, toB: text.length - suffix }];
}

function joinSource(src: unknown): string {
  if (typeof src === 'string') return src;
  if (Array.isArray(src) && src.every((s) => typeof s === 'string')) return src.join('');
  throw new SourceError('a cell "source" must be a string or a list of strings');
}

/** Parses .ipynb JSON (nbformat 4, and the v3 `worksheets` layout) into cells; malformed input → SourceError with a
 *  one-line reason. */
export function parseIpynb(json: string): NotebookCell[] {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new SourceError(`not a valid notebook: JSON parse error (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new SourceError('not a valid notebook: the top level must be a JSON object');
  }
  const d = doc as Record<string, unknown>;
  let rawCells: unknown = d.cells;
  if (rawCells === undefined && Array.isArray(d.worksheets)) {
    rawCells = (d.worksheets as { cells?: unknown }[]).flatMap((w) => (Array.isArray(w?.cells) ? w.cells : []));
  }
  if (!Array.isArray(rawCells)) throw new SourceError('not a valid notebook: no "cells" list');
  const meta = d.metadata as Record<string, unknown> | undefined;
  const lang = (meta?.kernelspec as Record<string, unknown> | undefined)?.language;
  const nbLanguage = typeof lang === 'string' ? lang.toLowerCase() : undefined;
  return rawCells.map((c, i) => {
    if (typeof c !== 'object' || c === null) throw new SourceError(`not a valid notebook: cell ${i} is not an object`);
    const cell = c as Record<string, unknown>;
    const type = cell.cell_type;
    const kind: NotebookCell['kind'] = type === 'code' ? 'code' : type === 'markdown' ? 'markdown' : 'raw';
    const source = joinSource(cell.source ?? cell.input ?? '');
    return { kind, source, language: kind === 'code' ? (nbLanguage ?? 'python') : undefined };
  });
}
