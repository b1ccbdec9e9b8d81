// The bridge between VS Code documents and the shape engine (runtime/analysis/api.ts): one analysis per Python file
// or per notebook (cells concatenated in order by the runtime, so shapes flow across cells), following the program's
// local imports (open documents first, then disk), cached per document version while the modules it read are
// unchanged, re-used incrementally after edits (a file: after single edits; a notebook: after any change of its cells,
// the engine diffs the concatenated cell text itself), and mapped between editor positions (0-based lines) and the
// engine's (1-based lines, notebook cell index). The engine module is loaded on first use, not at activation.
import * as vscode from 'vscode';
import type { Analysis, NotebookCell } from '../../runtime/analysis/api';
import type { CodeSpan } from '../../runtime/steps/step';
import type { ImportContext, ModuleParseCache } from '../../runtime/interp/imports';
import { currentModuleText, importsBeside } from '../../runtime/python/module-files';
import { readConfig } from '../config';
import type { Log } from '../log';

type Engine = typeof import('../../runtime/analysis/api');

/** Where a document sits for the engine: a whole Python file, or one cell of a notebook. */
export type DocumentScope =
  | { kind: 'python'; document: vscode.TextDocument }
  | { kind: 'notebook'; notebook: vscode.NotebookDocument; cell: number };

export interface ScopedAnalysis {
  analysis: Analysis;
  scope: DocumentScope;
}

interface CacheEntry {
  key: string;
  analysis: Analysis;
  /** The document or notebook analysed. An untitled URI (untitled:Untitled-1) is reused by the next new file, whose
   *  version starts at 1 again: the URI and version alone would hand it the closed file's analysis. */
  owner: vscode.TextDocument | vscode.NotebookDocument;
  /** The analysis time limit it ran with: a re-analysis keeps its analysis's options, so a changed setting means a
   *  fresh analysis. */
  timeMs: number;
}

export class AnalysisService implements vscode.Disposable {
  private engine: Engine | undefined;
  private readonly cache = new Map<string, CacheEntry>();
  /** Parse trees of the module files analyses import, kept while their text is unchanged. */
  private readonly moduleTrees: ModuleParseCache = new Map();
  private readonly tooLargeLogged = new Set<string>();
  private readonly failedKeys = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly log: Log) {
    this.subscriptions.push(
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri.toString())),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.forget(nb.uri.toString())),
    );
  }

  /** Loads the engine module (once). Kept out of activation so activation stays fast. */
  async loadEngine(): Promise<Engine> {
    if (!this.engine) {
      const started = performance.now();
      this.engine = await import('../../runtime/analysis/api');
      this.log.info(`shape engine loaded in ${(performance.now() - started).toFixed(1)} ms`);
    }
    return this.engine;
  }

  /** The scope of a document the engine can analyse, or undefined (not Python, not a code cell). */
  scopeOf(document: vscode.TextDocument): DocumentScope | undefined {
    if (document.uri.scheme === 'vscode-notebook-cell') {
      for (const notebook of vscode.workspace.notebookDocuments) {
        const cell = notebook.getCells().find((c) => c.document === document);
        if (cell) return cell.kind === vscode.NotebookCellKind.Code ? { kind: 'notebook', notebook, cell: cell.index } : undefined;
      }
      return undefined;
    }
    return document.languageId === 'python' ? { kind: 'python', document } : undefined;
  }

  /** The (cached) analysis of the file or notebook the document belongs to; undefined when it is not analysed. */
  async analysisOf(document: vscode.TextDocument): Promise<ScopedAnalysis | undefined> {
    const scope = this.scopeOf(document);
    if (!scope) return undefined;
    const analysis = scope.kind === 'python' ? await this.analyzeFile(scope.document) : await this.analyzeNotebook(scope.notebook);
    return analysis ? { analysis, scope } : undefined;
  }

  async analyzeFile(document: vscode.TextDocument): Promise<Analysis | undefined> {
    const id = document.uri.toString();
    const key = `py:${document.version}`;
    const cached = this.ownEntry(id, document);
    if (cached?.key === key && this.dependenciesUnchanged(cached.analysis)) return cached.analysis;
    const text = document.getText();
    if (this.tooLarge(id, text.length)) return undefined;
    const engine = await this.loadEngine();
    const limits = { timeMs: readConfig(document).analysisTimeLimitMs };
    // the cached analysis of an earlier version re-analysed incrementally: the engine compares its text with this one
    // (every edit since, typed or pasted, in one or several ranges, as one change), re-parses only around the change
    // and replays the statements it cannot affect
    const analysis = this.guard(id, key, () => {
      if (cached && cached.timeMs === limits.timeMs) return cached.analysis.reanalyze(text);
      return engine.analyzePython(text, { limits, imports: this.importsOf(document.uri) });
    });
    if (analysis) this.store(id, key, analysis, document, limits.timeMs);
    return analysis;
  }

  async analyzeNotebook(notebook: vscode.NotebookDocument): Promise<Analysis | undefined> {
    const id = notebook.uri.toString();
    const cellsOfNotebook = notebook.getCells();
    const key = `nb:${cellsOfNotebook.map((c) => `${c.kind}.${c.document.languageId}.${c.document.version}`).join(',')}`;
    const cached = this.ownEntry(id, notebook);
    if (cached?.key === key && this.dependenciesUnchanged(cached.analysis)) return cached.analysis;
    const cells: NotebookCell[] = cellsOfNotebook.map((c) => ({
      kind: c.kind === vscode.NotebookCellKind.Code ? 'code' : 'markdown',
      source: c.document.getText(),
      language: c.document.languageId,
    }));
    if (this.tooLarge(id, cells.reduce((n, c) => n + c.source.length, 0))) return undefined;
    const engine = await this.loadEngine();
    const limits = { timeMs: readConfig(notebook.uri).analysisTimeLimitMs };
    // the cached analysis of an earlier version of this notebook (cells edited, added, removed, moved…) re-analysed
    // incrementally: the engine compares the old and new cell texts, re-parses only around the change and replays
    // the statements it cannot affect
    const previous = cached && cached.timeMs === limits.timeMs ? cached.analysis : undefined;
    const analysis = this.guard(id, key, () => (previous ? previous.reanalyzeNotebook(cells) : engine.analyzeNotebook(cells, { limits, imports: this.importsOf(notebook.uri) })));
    if (analysis) this.store(id, key, analysis, notebook, limits.timeMs);
    return analysis;
  }

  /** Local imports of a file or notebook on disk are looked up in its folder, then in its workspace folder (as
   *  `python -m` from there finds them), in the open documents first (their unsaved text), then on disk. Untitled
   *  and virtual documents have no folder: their imports stay unknown. */
  private importsOf(uri: vscode.Uri): ImportContext | undefined {
    if (uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const roots = folder && folder.uri.scheme === 'file' ? [folder.uri.fsPath] : undefined;
    return importsBeside(uri.fsPath, openDocumentText, this.moduleTrees, roots);
  }

  /** Whether every module file an analysis read still has the text it read (open document or disk). */
  private dependenciesUnchanged(analysis: Analysis): boolean {
    return analysis.dependencies.every((d) => currentModuleText(d.path, openDocumentText) === d.text);
  }

  /** Open files and notebooks whose cached analysis read the module file at `fsPath` (they show its shapes). */
  dependentsOf(fsPath: string): (vscode.TextDocument | vscode.NotebookDocument)[] {
    const out: (vscode.TextDocument | vscode.NotebookDocument)[] = [];
    for (const e of this.cache.values()) if (!e.owner.isClosed && e.analysis.dependencies.some((d) => d.path === fsPath)) out.push(e.owner);
    return out;
  }

  /** The cache entry of this very document (not of a closed one that had the same URI). */
  private ownEntry(id: string, owner: vscode.TextDocument | vscode.NotebookDocument): CacheEntry | undefined {
    const entry = this.cache.get(id);
    return entry?.owner === owner ? entry : undefined;
  }

  /** Runs the engine; an unexpected failure is logged and shown once per document version, never swallowed. */
  private guard(id: string, key: string, run: () => Analysis): Analysis | undefined {
    const started = performance.now();
    try {
      const a = run();
      const { replayed, interpreted } = a.interpreter.reuseStats;
      this.log.info(`analysed ${shortName(id)} in ${(performance.now() - started).toFixed(1)} ms (parse ${a.timings.parseMs.toFixed(1)}, interpret ${a.timings.interpretMs.toFixed(1)}; top-level statements replayed ${replayed}, interpreted ${interpreted})`);
      return a;
    } catch (err) {
      const k = `${id}#${key}`;
      if (!this.failedKeys.has(k)) {
        this.failedKeys.add(k);
        this.log.showError(`could not analyse ${shortName(id)}`, err);
      }
      return undefined;
    }
  }

  /** Caches an analysis, unless its document was closed meanwhile (a provider request can arrive after the close
   *  event: caching then would outlive forget()). */
  private store(id: string, key: string, analysis: Analysis, owner: vscode.TextDocument | vscode.NotebookDocument, timeMs: number): void {
    if (owner.isClosed) return;
    this.cache.set(id, { key, analysis, owner, timeMs });
  }

  private tooLarge(id: string, chars: number): boolean {
    const max = readConfig().analysisMaxFileChars;
    if (chars <= max) return false;
    if (!this.tooLargeLogged.has(id)) {
      this.tooLargeLogged.add(id);
      this.log.warn(`${shortName(id)} has ${chars} characters, more than rnnLens.analysis.maxFileChars (${max}): not analysed`);
    }
    return true;
  }

  /** Drops every cached analysis (a new Python file may be a module an analysis could not find before). */
  forgetAll(): void {
    this.cache.clear();
  }

  private forget(id: string): void {
    this.cache.delete(id);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.cache.clear();
  }
}

/** Engine position (1-based line, cell) of an editor position in a scope. */
export function enginePosition(scope: DocumentScope, pos: vscode.Position): { line: number; col: number; cell?: number } {
  return scope.kind === 'notebook' ? { line: pos.line + 1, col: pos.character, cell: scope.cell } : { line: pos.line + 1, col: pos.character };
}

/** Editor range of an engine span (1-based lines, 0-based columns). */
export function spanRange(span: CodeSpan): vscode.Range {
  return new vscode.Range(Math.max(0, span.line - 1), span.col, Math.max(0, span.endLine - 1), span.endCol);
}

/** True when an engine item (which carries `cell` for notebooks) belongs to the scope's document. */
export function inScope(scope: DocumentScope, cell: number | undefined): boolean {
  return scope.kind === 'notebook' ? cell === scope.cell : cell === undefined;
}

/** The text of an open file document at a file-system path (with its unsaved changes). */
function openDocumentText(fsPath: string): string | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === fsPath)?.getText();
}

function shortName(id: string): string {
  return decodeURIComponent(id.split('/').pop() ?? id);
}
