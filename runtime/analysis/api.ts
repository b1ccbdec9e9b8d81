// The shape engine's public API, used by the CLI (`rnn-lens shapes`), the VS Code extension (hover, inlay hints,
// diagnostics) and the run engine (which reuses the interpreter with hooks). No vscode import: pure TypeScript.
//
//   const a = analyzePython(text);                 // a .py file (or { lines: {start, end} } for a selection)
//   const b = analyzeNotebook(ipynbJsonOrCells);  // a notebook: cells in order, shapes flow across cells
//   a.records        → ShapeRecord[]: one per bound Name of every assignment / for target (fixture schema + span)
//   a.hoverAt(l, c)  → { name, text, span } for any Name occurrence (assignment target, parameter or use)
//   a.inlayHints     → { line, col, label }[] after assignment targets with a known tensor/packed/tuple value
//   a.diagnostics    → shape errors (PyTorch's messages, located at the call), gotchas (RNNL0xx), limits
//   a.parseErrors    → located syntax errors (the rest of the file is still analysed)
//   describeValue(v) → 'Tensor[int64] (3, 8)', 'PackedSequence data (18, 4) batch_sizes [3,3,3,3,2,2,1,1]', …
//   a.reanalyze(newText, changes?) → incremental: reuses the previous parse tree (lezer TreeFragments) and replays
//                                    the top-level statements the edit cannot affect (runtime/interp/reuse.ts);
//                                    without `changes`, the texts are compared (textChange)
//   b.reanalyzeNotebook(newCells) → the same for a notebook, from its new cells (see below)
//
// Notebooks re-analysed: a notebook is analysed as one Python text (notebookSource: code cells in order, magics and
// `!shell` lines blanked, a blank line after each cell), so an edit of the notebook is an edit of that text. The old
// and new texts are compared (textChange: common prefix and suffix → one TextChange); that one change drives the
// incremental parse and statement reuse exactly as an editor change does for a .py file. This covers every way a
// notebook changes — typing in one cell (VS Code reports it per cell document, in that cell's coordinates), cells
// added, removed, moved, turned markdown, magics — without tracking cell edits. Offsets are all the engine keeps
// across analyses (statement records, bindings, uses, diagnostics); the position map (cell + line in cell) is the
// new notebook's, applied when records, hints, diagnostics and hovers are built, so replayed items land in their new
// cell. A notebook therefore keeps statement records (valgrind: +13 % instructions for a full analysis of a 45-cell
// notebook, docs/benchmarks.md shapes section) unless statementReuse is false; selections (`lines`) keep none, as
// nothing replays them.
//
// Positions: `line` is 1-based, `col` 0-based. For notebooks every position also carries `cell` (index in the
// notebook's cell list) and `line` is relative to that cell. Record `col` follows the fixture schema (Python's
// col_offset: UTF-8 bytes); spans use UTF-16 columns (editor columns).
import { parsePython, type ParsedPython, type TextChange } from '../python/parse';
import {
  lineRangeSource,
  notebookSource,
  parseIpynb,
  pythonSource,
  SourceError,
  textChange,
  type NotebookCell,
  type SourceText,
} from '../python/source';
import { Interpreter, type Binding, type InterpreterLimits } from '../interp/interpreter';
import type { ReuseInput } from '../interp/reuse';
import type { ImportContext, ModuleFile } from '../interp/imports';
import type { InterpreterHooks } from '../interp/hooks';
import type { CodeSpan } from '../steps/step';
import type { Value } from '../interp/values';
import { describeValue, explainSymbols, recordBody, type RecordBody } from './describe';
import { formatShape } from '../shape/dim';
import { detectGotchas } from '../diagnostics/gotchas';

export { describeValue, SourceError };
export type { Value, RecordBody, NotebookCell, InterpreterHooks, TextChange };

/** One record in the schema of ../shared/fixtures/shapes/README.md, plus where it is. */
export type ShapeRecord = {
  line: number;
  col: number;
  name: string;
  cell?: number;
  span: CodeSpan;
  /** Hover-style description of the value (`Tensor[int64] (3, 8)`); not part of the fixture schema. */
  text: string;
} & RecordBody;

export interface Diagnostic {
  /** 'RNNL001'… for gotchas (see docs/gotchas.md), 'RNNL-SHAPE' for shape errors, 'RNNL-SYNTAX', 'RNNL-LIMIT'… */
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  span: CodeSpan;
  /** Link to the explanation (docs/gotchas.md#anchor) for gotchas. */
  href?: string;
  related?: { message: string; span: CodeSpan }[];
  /** A mechanical fix: replace `span` with `text` (and each of `also` with its text, in the same edit). */
  fix?: { title: string; span: CodeSpan; text: string; also?: { span: CodeSpan; text: string }[] };
}

export interface HoverInfo {
  name: string;
  /** Pylance-like compact text: `seq_tensor: Tensor[int64] (3, 8)`. */
  text: string;
  /** Extra explanation lines (RNN output layouts, h_n/c_n meaning). */
  detail?: string;
  span: CodeSpan;
  value: Value;
}

export interface InlayHint {
  line: number;
  col: number;
  cell?: number;
  label: string;
}

export interface AnalyzeOptions {
  /** Only lines A-B (1-based, inclusive) of a .py text are analysed (a selection). */
  lines?: { start: number; end: number };
  limits?: Partial<InterpreterLimits>;
  hooks?: InterpreterHooks;
  /** reanalyze() replays the top-level statements an edit cannot affect (default true; false interprets the whole
   *  module again, e.g. to measure the difference). */
  statementReuse?: boolean;
  /** The analysed file's directory and how to read the files next to it: `import model` / `from .x import y` of
   *  the program's own modules are followed (runtime/interp/imports.ts). Without it they are unknown. */
  imports?: ImportContext;
}

export interface Analysis {
  readonly records: ShapeRecord[];
  readonly diagnostics: Diagnostic[];
  readonly inlayHints: InlayHint[];
  readonly parseErrors: Diagnostic[];
  /** Value description for the Name at a position (the position may be anywhere inside the name). */
  hoverAt(line: number, col: number, cell?: number): HoverInfo | null;
  /** The abstract value of the Name at a position. */
  valueAt(line: number, col: number, cell?: number): Value | null;
  /** Re-analyses after an edit of a .py text, reusing the unchanged parts of the parse tree and the statements the
   *  edit cannot affect. `changes` default to the one change between this analysis's text and `text` (textChange:
   *  any number of edits since, as one range). For a notebook or a selection: a fresh analysis of `text` as a .py
   *  file; notebooks use reanalyzeNotebook. */
  reanalyze(text: string, changes?: readonly TextChange[]): Analysis;
  /** Re-analyses a notebook from its new cells (or .ipynb JSON), reusing the parse tree and the statements the edit
   *  cannot affect (a fresh analysis when this is not a notebook analysis). */
  reanalyzeNotebook(notebook: string | readonly NotebookCell[]): Analysis;
  /** The interpreter (bindings, op sites) for the run engine. */
  readonly interpreter: Interpreter;
  readonly source: SourceText;
  /** The program's other files this analysis read (local imports), in load order. */
  readonly dependencies: readonly ModuleFile[];
  /** (Run engine) the user-coordinates span of [from, to) offsets of the analysed text (interpreter bindings). */
  span(from: number, to: number): CodeSpan;
  /** Time spent (ms): parse, interpret. */
  readonly timings: { parseMs: number; interpretMs: number };
}

/** Analyses a Python file (or a line range of it). Never throws on bad input: syntax errors become parseErrors. */
export function analyzePython(text: string, opts: AnalyzeOptions = {}): Analysis {
  const source = opts.lines ? lineRangeSource(text, opts.lines.start, opts.lines.end) : pythonSource(text);
  return analyzeSource(source, opts);
}

/** Analyses a notebook: `.ipynb` JSON text, or cells (as VS Code's notebook API gives them). Malformed JSON throws
 *  SourceError with a one-line message. */
export function analyzeNotebook(notebook: string | readonly NotebookCell[], opts: AnalyzeOptions = {}): Analysis {
  const cells = typeof notebook === 'string' ? parseIpynb(notebook) : notebook;
  return analyzeSource(notebookSource(cells), opts);
}

export function analyzeSource(source: SourceText, opts: AnalyzeOptions = {}, previous?: ParsedPython, changes?: readonly TextChange[]): Analysis {
  const t0 = performance.now();
  const parsed = parsePython(source.text, previous, changes);
  const t1 = performance.now();
  return new AnalysisImpl(source, parsed, opts, t1 - t0);
}

/** A re-analysis after an edit: incremental parse, and the previous analysis's statement records for reuse. */
function reanalyzeSource(source: SourceText, opts: AnalyzeOptions, previous: ParsedPython, changes: readonly TextChange[] | undefined, reuse: ReuseInput | undefined, described: Map<Value, Described>): Analysis {
  const t0 = performance.now();
  const parsed = parsePython(source.text, previous, changes);
  const t1 = performance.now();
  return new AnalysisImpl(source, parsed, opts, t1 - t0, reuse, described);
}

/** What a record shows of a binding's value (computed from the value alone). */
interface Described {
  body: RecordBody | null;
  text: string;
  label: string | null;
}

class AnalysisImpl implements Analysis {
  readonly records: ShapeRecord[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly inlayHints: InlayHint[] = [];
  readonly parseErrors: Diagnostic[] = [];
  readonly interpreter: Interpreter;
  get dependencies(): readonly ModuleFile[] {
    return this.interpreter.dependencies;
  }
  readonly timings: { parseMs: number; interpretMs: number };
  /** Descriptions by value object, for the next re-analysis. */
  private readonly described = new Map<Value, Described>();

  constructor(
    readonly source: SourceText,
    private readonly parsed: ParsedPython,
    private readonly opts: AnalyzeOptions,
    parseMs: number,
    reuse?: ReuseInput,
    previousDescribed?: Map<Value, Described>,
  ) {
    const t0 = performance.now();
    this.interpreter = new Interpreter(parsed, {
      limits: opts.limits,
      hooks: opts.hooks,
      spanOf: (from, to) => this.span(from, to),
      reuse,
      imports: opts.imports,
      // statement records only where a re-analysis can replay them (a whole .py file or a notebook, reuse on):
      // recording costs about a fifth of the interpretation (+13 % instructions for a whole notebook analysis)
      record: !opts.lines && opts.statementReuse !== false,
    });
    this.interpreter.run();
    this.timings = { parseMs, interpretMs: performance.now() - t0 };
    // a value object of the previous analysis is in the same state now unless something replayed was mutated
    this.collect(this.interpreter.tainted ? undefined : previousDescribed);
  }

  /** A user-coordinates span of [from, to) in the analysed text. */
  span(from: number, to: number): CodeSpan {
    const a = this.parsed.lines.position(from);
    const b = this.parsed.lines.position(Math.max(from, to));
    const ma = this.source.mapLine(a.line);
    const mb = this.source.mapLine(b.line);
    const sa = this.source.colShift(a.line);
    const sb = this.source.colShift(b.line);
    const s: CodeSpan = { line: ma.line, col: a.col + sa, endLine: mb.cell === ma.cell ? mb.line : ma.line, endCol: mb.cell === ma.cell ? b.col + sb : a.col + sa };
    if (ma.cell !== undefined) s.cell = ma.cell;
    return s;
  }

  private collect(previousDescribed: Map<Value, Described> | undefined): void {
    const lines = this.parsed.lines;
    const bindings: Binding[] = [];
    for (const b of this.interpreter.bindings.values()) if (b.recorded || b.speculative) bindings.push(b);
    bindings.sort((p, q) => p.from - q.from);
    for (const b of bindings) {
      let d = this.described.get(b.snapshot) ?? previousDescribed?.get(b.snapshot);
      if (!d) {
        const body = recordBody(b.snapshot);
        const names = body ? rnnTupleNames(b.snapshot) : undefined;
        const text = body ? describeValue(b.snapshot, names) : '';
        d = { body, text, label: body ? inlayLabel(b.snapshot, names ? undefined : text) : null };
      }
      this.described.set(b.snapshot, d);
      const { body, text, label } = d;
      if (!body) continue;
      const span = this.span(b.from, b.to);
      if (b.speculative) {
        // code nobody calls: an inlay hint of its symbolic shape, no fixture record
        if (label) this.inlayHints.push(span.cell !== undefined ? { line: span.line, col: span.endCol, cell: span.cell, label } : { line: span.line, col: span.endCol, label });
        continue;
      }
      const shift = this.source.colShift(lines.position(b.from).line);
      const rec = { line: span.line, col: lines.byteColumn(b.from) + shift, name: b.name, ...body, span, text } as ShapeRecord;
      if (span.cell !== undefined) rec.cell = span.cell;
      this.records.push(rec);
      if (label) {
        const h: InlayHint = { line: span.line, col: span.endCol, label };
        if (span.cell !== undefined) h.cell = span.cell;
        this.inlayHints.push(h);
      }
    }
    for (const e of this.parsed.errors) {
      this.parseErrors.push({ code: 'RNNL-SYNTAX', severity: 'error', message: e.message, span: this.span(e.from, Math.max(e.to, e.from + 1)) });
    }
    for (const d of this.interpreter.diagnostics) {
      if (d.code === 'RNNL-NOTE' || d.code === 'RNNL-INTERNAL') continue;
      const diag: Diagnostic = { code: d.code, severity: d.severity, message: d.message, span: this.span(d.from, d.to) };
      const doc = DIAGNOSTIC_DOCS[d.code];
      if (doc) diag.href = `docs/gotchas.md#${doc}`;
      else if (d.code === 'RNNL-SHAPE') diag.href = 'docs/gotchas.md#rnnl-shape';
      if (d.code === 'RNNL002' && this.parsed.text[d.to - 1] === ')') {
        // insert `, enforce_sorted=False` before the call's closing parenthesis
        diag.fix = { title: 'Pass enforce_sorted=False (PyTorch sorts and un-sorts for you)', span: this.span(d.to - 1, d.to - 1), text: ', enforce_sorted=False' };
      }
      this.diagnostics.push(diag);
    }
    for (const g of detectGotchas(this.parsed, this.interpreter)) {
      const diag: Diagnostic = { code: g.code, severity: g.severity, message: g.message, span: this.span(g.from, g.to), href: g.href };
      if (g.fix) {
        diag.fix = { title: g.fix.title, span: this.span(g.fix.from, g.fix.to), text: g.fix.text };
        if (g.fix.also?.length) diag.fix.also = g.fix.also.map((e) => ({ span: this.span(e.from, e.to), text: e.text }));
      }
      this.diagnostics.push(diag);
    }
    for (const n of this.source.notes) {
      const span: CodeSpan = { line: n.line, col: 0, endLine: n.line, endCol: 0 };
      if (n.cell !== undefined) span.cell = n.cell;
      this.diagnostics.push({ code: 'RNNL-SOURCE', severity: 'info', message: n.message, span });
    }
  }

  private offsetAt(line: number, col: number, cell?: number): number | null {
    const l = this.source.unmapLine(line, cell);
    if (l === null) return null;
    return this.parsed.lines.offset(l, Math.max(0, col - this.source.colShift(l)));
  }

  private nameAt(line: number, col: number, cell?: number): { from: number; to: number; name: string; value: Value } | null {
    const off = this.offsetAt(line, col, cell);
    if (off === null) return null;
    // the name token containing the offset (or ending at it)
    let node = this.parsed.tree.resolveInner(off, 1);
    if (node.name !== 'VariableName' && node.name !== 'PropertyName') node = this.parsed.tree.resolveInner(off, -1);
    if (node.name !== 'VariableName') {
      if (node.name === 'PropertyName' && node.parent) {
        // an attribute of an object in code nobody calls (`self.lstm` in a speculative forward): `self.lstm: nn.LSTM(…)`
        const m = this.interpreter.memberUses.get(node.from);
        const objNode = node.parent.firstChild;
        if (!m || !objNode || objNode.name === 'CallExpression') return null;
        const obj = this.parsed.text.slice(objNode.from, objNode.to);
        return { from: node.from, to: node.to, name: obj.length <= 40 && !obj.includes('\n') ? `${obj}.${this.parsed.text.slice(node.from, node.to)}` : this.parsed.text.slice(node.from, node.to), value: m.value };
      }
      return null;
    }
    const name = this.parsed.text.slice(node.from, node.to);
    const b = this.interpreter.bindings.get(node.from);
    if (b) return { from: node.from, to: node.to, name, value: b.snapshot };
    const u = this.interpreter.uses.get(node.from);
    if (u) return { from: node.from, to: node.to, name, value: u.value };
    return null;
  }

  valueAt(line: number, col: number, cell?: number): Value | null {
    return this.nameAt(line, col, cell)?.value ?? null;
  }

  hoverAt(line: number, col: number, cell?: number): HoverInfo | null {
    const hit = this.nameAt(line, col, cell);
    if (!hit) return null;
    const names = rnnTupleNames(hit.value);
    const text = `${hit.name}: ${describeValue(hit.value, names)}`;
    const detail = [explainValue(hit.value), explainSymbols(hit.value)].filter((x) => x !== undefined).join(' ') || undefined;
    const info: HoverInfo = { name: hit.name, text, span: this.span(hit.from, hit.to), value: hit.value };
    if (detail) info.detail = detail;
    return info;
  }

  reanalyze(text: string, changes: readonly TextChange[] = textChange(this.source.text, text)): Analysis {
    if (this.source.kind !== 'python' || this.opts.lines) return analyzePython(text, this.opts);
    return reanalyzeSource(pythonSource(text), this.opts, this.parsed, changes, this.reuseInput(changes), this.described);
  }

  reanalyzeNotebook(notebook: string | readonly NotebookCell[]): Analysis {
    const source = notebookSource(typeof notebook === 'string' ? parseIpynb(notebook) : notebook);
    if (this.source.kind !== 'notebook') return analyzeSource(source, this.opts);
    const changes = textChange(this.source.text, source.text);
    return reanalyzeSource(source, this.opts, this.parsed, changes, this.reuseInput(changes), this.described);
  }

  /** This analysis's statement records for a re-analysis after `changes` (taken once), if it kept any. */
  private reuseInput(changes: readonly TextChange[] | undefined): ReuseInput | undefined {
    const state = this.interpreter.reuseState;
    return changes && state && !state.consumed && this.opts.statementReuse !== false ? { state, changes } : undefined;
  }
}

/** Anchors in docs/gotchas.md of the codes raised by op rules. */
const DIAGNOSTIC_DOCS: Record<string, string> = {
  RNNL002: 'rnnl002',
  RNNL004: 'rnnl004',
};

/** Inlay label: the compact shape part only (`(3, 8)`, `packed (18, 4)`, `((1, 3, 5), (1, 3, 5))`). `described` is
 *  describeValue(v) when the caller already has it. */
function inlayLabel(v: Value, described?: string): string | null {
  if (v.k !== 'tensor' && v.k !== 'packed' && v.k !== 'tuple' && v.k !== 'list') return null;
  if (v.k === 'tensor' && !v.shape) return null;
  const d = described ?? describeValue(v);
  if (v.k === 'tensor') return v.shape ? d.replace(/^Tensor\[[\w?]+\] /, '').replace(/ = .*$/, '') : null;
  // batch_sizes unknown (code analysed with symbolic sizes): the data's shape is all there is to show
  if (v.k === 'packed') return v.batchSizes === null ? `packed ${formatShape(v.data.shape)}` : `packed ${d.replace(/^PackedSequence /, '')}`;
  if (v.k === 'tuple' || v.k === 'list') return d.replace(/Tensor\[(float32|\?)\] /g, '').replace(/Tensor\[(\w+)\] /g, '$1 ');
  return null;
}

/** Item labels for the (output, (h_n, c_n)) results of RNN modules. */
function rnnTupleNames(v: Value): string[] | undefined {
  if (v.k !== 'tuple' || !v.items) return undefined;
  const f = v.items.map((x) => (x.k === 'tensor' ? x.facts.origin : undefined));
  if (f.length === 2 && f[0] === 'LSTM.h_n' && f[1] === 'LSTM.c_n') return ['h_n', 'c_n'];
  if (f.length === 2 && f[0] === 'pad_packed_sequence') return ['padded', 'lengths'];
  return undefined;
}

/** A one-paragraph explanation of RNN-specific values for hovers. */
function explainValue(v: Value): string | undefined {
  const t = v.k === 'tuple' && v.items ? v.items[0] : v;
  if (t && t.k === 'tensor' && t.facts.rnn && (t.facts.origin?.endsWith('h_n') || t.facts.origin?.endsWith('c_n'))) {
    const r = t.facts.rnn;
    const D = r.bidirectional ? 2 : 1;
    const parts = [`${t.facts.origin?.endsWith('c_n') ? 'c_n' : 'h_n'} is (num_layers*num_directions = ${r.numLayers}*${D}, batch, hidden) — batch_first=${r.batchFirst ? 'True' : 'False'} does not change it.`];
    if (r.bidirectional) parts.push('[-1] is the last layer\'s backward direction, [-2] its forward one; view(num_layers, 2, batch, hidden) separates them.');
    else if (r.numLayers > 1) parts.push('[0] is the first layer, [-1] the top layer.');
    return parts.join(' ');
  }
  if (v.k === 'tensor' && v.facts.padded) {
    return 'Padded: positions past each sequence\'s length are padding (zeros after pad_packed_sequence).';
  }
  if (v.k === 'packed') {
    return 'PackedSequence.data is time-major and interleaved: batch_sizes[t] sequences are still running at step t.';
  }
  return undefined;
}
