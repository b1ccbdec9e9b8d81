// Parsing Python with @lezer/python: error-tolerant (a syntax error becomes an error node, the rest still parses),
// incremental (a re-parse after an edit reuses the unchanged parts of the previous tree through TreeFragment), pure
// JavaScript (runs in Node, the extension host and a browser). Also the offset ↔ line/column index used everywhere.
import { parser } from '@lezer/python';
import { Tree, TreeFragment, type SyntaxNode } from '@lezer/common';

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
  private readonly starts: number[];
  /** `starts` (the line starts) when the caller has them (an edit within lines: LineIndex.afterEdit). */
  constructor(
    readonly text: string,
    starts?: number[],
  ) {
    if (starts) this.starts = starts;
    else {
      this.starts = [0];
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }

  /** The index of `text`, the previous text after `changes`, from the previous index: when no change removes or
   *  inserts a line break, line starts after a change just move by its length difference. Null otherwise. */
  static afterEdit(previous: LineIndex, text: string, changes: readonly TextChange[]): LineIndex | null {
    for (const c of changes) {
      if (previous.text.slice(c.fromA, c.toA).includes('\n') || text.slice(c.fromB, c.toB).includes('\n')) return null;
    }
    const sorted = [...changes].sort((a, b) => a.fromA - b.fromA);
    const starts = previous.starts.slice();
    let k = 0;
    let shift = 0;
    for (let i = 0; i < starts.length; i++) {
      while (k < sorted.length && sorted[k].fromA < starts[i]) {
        shift += sorted[k].toB - sorted[k].fromB - (sorted[k].toA - sorted[k].fromA);
        k++;
      }
      starts[i] += shift;
    }
    return new LineIndex(text, starts);
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
    const end = l < this.starts.length ? this.starts[l] - 1 : this.text.length;
    return Math.min(this.starts[l - 1] + col, end);
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
/** Bracket nesting beyond this is not parsed (lezer's tree building recurses per level). */
export const MAX_BRACKET_DEPTH = 200;

/** Blanks (with spaces, keeping offsets) every bracketed region nested deeper than MAX_BRACKET_DEPTH, from the start
 *  of the line where its outermost bracket opens to where it closes; returns the regions. Strings and comments are
 *  skipped roughly (quotes and #), which is enough to find pathological nesting. */
function neutralizeDeepNesting(text: string): { text: string; regions: { from: number; to: number }[] } {
  const regions: { from: number; to: number }[] = [];
  let depth = 0;
  let outerOpen = -1;
  let tooDeep = false;
  let quote = 0;
  // char codes (this scan runs on every parse): 92 \\, 10 \n, 35 #, 34 ", 39 ', 40 ( 91 [ 123 {, 41 ) 93 ] 125 }
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (quote) {
      if (ch === 92) i++;
      else if (ch === quote || ch === 10) quote = 0;
      continue;
    }
    if (ch === 35) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (ch === 34 || ch === 39) {
      quote = ch;
      continue;
    }
    if (ch === 40 || ch === 91 || ch === 123) {
      if (depth === 0) outerOpen = i;
      depth++;
      if (depth > MAX_BRACKET_DEPTH) tooDeep = true;
    } else if (ch === 41 || ch === 93 || ch === 125) {
      depth = Math.max(0, depth - 1);
      if (depth === 0 && tooDeep) {
        regions.push({ from: text.lastIndexOf('\n', outerOpen) + 1, to: i + 1 });
        tooDeep = false;
      }
    }
  }
  if (tooDeep) regions.push({ from: text.lastIndexOf('\n', outerOpen) + 1, to: text.length });
  if (regions.length === 0) return { text, regions };
  let out = '';
  let pos = 0;
  for (const r of regions) {
    out += text.slice(pos, r.from) + text.slice(r.from, r.to).replace(/[^\n]/g, ' ');
    pos = r.to;
  }
  return { text: out + text.slice(pos), regions };
}

/** Whether an edit leaves the bracket/string/comment structure that neutralizeDeepNesting scans as it was: no
 *  change removes or inserts a bracket, quote, #, backslash or line break, or follows a backslash. */
function keepsNesting(previous: string, text: string, changes: readonly TextChange[]): boolean {
  const special = /[()[\]{}#"'\\\n\r]/;
  return changes.every((c) => !special.test(previous.slice(c.fromA, c.toA)) && !special.test(text.slice(c.fromB, c.toB)) && previous.charCodeAt(c.fromA - 1) !== 92);
}

/** Error node types of the Python grammar, by type id. */
const ERROR_TYPES: boolean[] = parser.nodeSet.types.map((t) => t.isError);

/** Whether the tree has an error node anywhere: a scan of the tree buffers' type ids, much cheaper than a cursor
 *  walk (which then finds and locates them). */
function hasErrorNode(tree: Tree): boolean {
  const stack: Tree[] = [tree];
  while (stack.length) {
    const t = stack.pop()!;
    if (ERROR_TYPES[t.type.id]) return true;
    for (const c of t.children) {
      if (c instanceof Tree) stack.push(c);
      else {
        const buf = c.buffer;
        for (let i = 0; i < buf.length; i += 4) if (ERROR_TYPES[buf[i]]) return true;
      }
    }
  }
  return false;
}

export function parsePython(originalText: string, previous?: ParsedPython, changes?: readonly TextChange[]): ParsedPython {
  // a previous text without deep nesting and an edit that cannot change nesting: no need to scan again
  const unchangedNesting = previous && changes && !previous.errors.some((e) => e.message.startsWith('expression nested')) && keepsNesting(previous.text, originalText, changes);
  const deep = unchangedNesting ? { text: originalText, regions: [] } : neutralizeDeepNesting(originalText);
  const text = deep.text;
  let fragments: readonly TreeFragment[] | undefined;
  if (previous && changes && deep.regions.length === 0) {
    if (safeForIncremental(previous, text, changes)) fragments = TreeFragment.applyChanges(previous.fragments, changes);
    else {
      // an edit of line breaks / indentation: only whole top-level statements away from it are reused
      const widened = topLevelChange(previous, changes);
      if (widened) fragments = TreeFragment.applyChanges(previous.fragments, [widened]);
    }
  }
  const lines = (previous && changes && LineIndex.afterEdit(previous.lines, text, changes)) || new LineIndex(text);
  const errors: ParseError[] = [];
  for (const r of deep.regions) {
    const { line, col } = lines.position(r.from);
    errors.push({ line, col, from: r.from, to: r.to, message: `expression nested more than ${MAX_BRACKET_DEPTH} brackets deep: not analysed` });
  }
  let tree: Tree;
  try {
    tree = parser.parse(text, fragments);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    errors.push({ line: 1, col: 0, from: 0, to: 0, message: 'the file is too deeply nested to parse: not analysed' });
    tree = parser.parse('');
  }
  if (!hasErrorNode(tree)) {
    if (fragments && errors.length > deep.regions.length) return parsePython(originalText);
    return { text, tree, lines, errors, fragments: TreeFragment.addTree(tree, fragments ?? []) };
  }
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
      if (!cursor.parent()) {
        // an incremental parse that ends with syntax errors is redone from scratch: error recovery next to reused
        // fragments can nest statements differently than a fresh parse would
        if (fragments && errors.length > deep.regions.length) return parsePython(originalText);
        return { text, tree, lines, errors, fragments: TreeFragment.addTree(tree, fragments ?? []) };
      }
    }
  }
}

/** One change widened to whole top-level statements of the previous tree (plus one more on each side): the nodes
 *  left outside it are complete top-level statements, which parse the same whatever the edit did to the lines and
 *  indentation inside the widened range. Null when that cannot be done safely (several changes, syntax errors). */
function topLevelChange(previous: ParsedPython, changes: readonly TextChange[]): TextChange | null {
  if (changes.length !== 1 || previous.errors.length > 0) return null;
  const c = changes[0];
  const tops: { from: number; to: number }[] = [];
  for (let n = previous.tree.topNode.firstChild; n; n = n.nextSibling) tops.push({ from: n.from, to: n.to });
  let first = tops.findIndex((t) => t.to >= c.fromA);
  let last = -1;
  for (let i = tops.length - 1; i >= 0; i--) {
    if (tops[i].from <= c.toA) {
      last = i;
      break;
    }
  }
  if (first < 0) first = tops.length;
  first = Math.max(0, first - 1);
  last = Math.min(tops.length - 1, last + 1);
  const from = first < tops.length ? Math.min(tops[first].from, c.fromA) : c.fromA;
  const to = last >= 0 ? Math.max(tops[last].to, c.toA) : c.toA;
  const delta = c.toB - c.fromB - (c.toA - c.fromA);
  return { fromA: from, toA: to, fromB: from, toB: to + delta };
}

/** Whether reusing the previous tree around the change gives the same tree as a fresh parse. Python's blocks come
 *  from indentation (lezer's context tracker), and a tree with error nodes can carry wrongly nested fragments: a
 *  change that touches a line break or a line's leading whitespace reuses only whole top-level statements away from
 *  it (topLevelChange; test/unit/parse-incremental.test.ts), one that follows a parse with errors re-parses from
 *  scratch
 *  (test/unit/shape-reanalyze.test.ts compares incremental and fresh analyses after random edits). */
function safeForIncremental(previous: ParsedPython, text: string, changes: readonly TextChange[]): boolean {
  if (previous.errors.length > 0) return false;
  const touchesLayout = (t: string, from: number, to: number): boolean => {
    // the changed range, widened to the start of its line: only non-blank text may precede it on the line
    let i = from - 1;
    while (i >= 0 && (t.charCodeAt(i) === 32 || t.charCodeAt(i) === 9)) i--;
    if (i < 0 || t.charCodeAt(i) === 10 || t.charCodeAt(i) === 13) return true;
    for (let j = from; j < to; j++) {
      const c = t.charCodeAt(j);
      if (c === 10 || c === 13 || c === 92 /* backslash continuation */) return true;
    }
    return false;
  };
  return changes.every((c) => !touchesLayout(previous.text, c.fromA, c.toA) && !touchesLayout(text, c.fromB, c.toB));
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
