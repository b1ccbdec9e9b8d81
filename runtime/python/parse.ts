// Parsing Python with @lezer/python: error-tolerant (a syntax error becomes an error node, the rest still parses),
// incremental (a re-parse after an edit reuses the unchanged parts of the previous tree through TreeFragment), pure
// JavaScript (runs in Node, the extension host and a browser). Also the offset ↔ line/column index used everywhere.
import { parser } from '@lezer/python';
import { TreeFragment, type SyntaxNode, type Tree } from '@lezer/common';

export interface ParseError {
  /** 1-based line, 0-based column (UTF-16) in the parsed text. */
  line: number;
  col: number;
  from: number;
  to: number;
  message: string;
}

/** Offset → (line, col) over one text, by binary search over the line starts. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  get lineCount(): number {
    return this.starts.length;
  }
  /** 1-based line and 0-based UTF-16 column of an offset. */
  position(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo] };
  }
  /** Offset of a 1-based line and 0-based column (clamped to the text). */
  offset(line: number, col: number): number {
    const l = Math.max(1, Math.min(line, this.starts.length));
    return Math.min(this.starts[l - 1] + col, this.text.length);
  }
  /** Column in UTF-8 bytes (Python's col_offset) of an offset. */
  byteColumn(offset: number): number {
    const { line, col } = this.position(offset);
    const start = this.starts[line - 1];
    let bytes = 0;
    for (let i = start; i < start + col; i++) {
      const c = this.text.charCodeAt(i);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (c >= 0xd800 && c < 0xdc00) {
        bytes += 4;
        i++;
      } else bytes += 3;
    }
    return bytes;
  }
  lineText(line: number): string {
    const s = this.starts[line - 1] ?? this.text.length;
    const e = line < this.starts.length ? this.starts[line] - 1 : this.text.length;
    return this.text.slice(s, e);
  }
}

export interface ParsedPython {
  text: string;
  tree: Tree;
  lines: LineIndex;
  errors: ParseError[];
  /** Fragments for the next incremental parse. */
  fragments: readonly TreeFragment[];
}

/** A text change for incremental re-parsing: the range [fromA, toA) of the old text became [fromB, toB) of the new. */
export interface TextChange {
  fromA: number;
  toA: number;
  fromB: number;
  toB: number;
}

const MAX_ERRORS = 50;

export function parsePython(text: string, previous?: ParsedPython, changes?: readonly TextChange[]): ParsedPython {
  let fragments: readonly TreeFragment[] | undefined;
  if (previous && changes) fragments = TreeFragment.applyChanges(previous.fragments, changes);
  const tree = parser.parse(text, fragments);
  const lines = new LineIndex(text);
  const errors: ParseError[] = [];
  const cursor = tree.cursor();
  // iterative walk: deeply nested input must not overflow the stack
  for (;;) {
    if (cursor.type.isError) {
      if (errors.length < MAX_ERRORS) {
        const { line, col } = lines.position(cursor.from);
        const near = text.slice(cursor.from, Math.min(cursor.to, cursor.from + 20)).split('\n')[0];
        const message = near.trim()
          ? `syntax error: invalid syntax near '${near.trim()}'`
          : cursor.from >= text.length
            ? 'syntax error: unexpected end of input'
            : 'syntax error: invalid syntax';
        const prev = errors[errors.length - 1];
        if (!prev || prev.line !== line) errors.push({ line, col, from: cursor.from, to: cursor.to, message });
      }
    }
    if (cursor.firstChild()) continue;
    while (!cursor.nextSibling()) {
      if (!cursor.parent()) return { text, tree, lines, errors, fragments: TreeFragment.addTree(tree, fragments ?? []) };
    }
  }
}

/** Children of a node as an array (named nodes and punctuation alike). */
export function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

export function nodeText(text: string, node: SyntaxNode): string {
  return text.slice(node.from, node.to);
}
