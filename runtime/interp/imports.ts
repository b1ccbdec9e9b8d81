// Local imports of the analysed program: `from model import Encoder`, `import utils.data as D`, `from .layers import
// Highway` inside a package. Python looks first in the directory the script runs from (sys.path[0]; a notebook's
// folder); so does this. A module found there is read through a host (the CLI reads the disk, the editor prefers its
// open documents), parsed, and interpreted once per analysis by its own Interpreter, which the program's interpreter
// calls into (runtime/interp/interpreter.ts). Anything else (libraries, a module that is not there) keeps the engine's
// library rules or stays unknown. Bounded: at most MAX_MODULES modules and MAX_TOTAL_CHARS characters per analysis.
import type { ParsedPython } from '../python/parse';
import { Scope } from './scope';
import type { OpaqueValue } from './values';

/** A Python file of the program. `path` names it in messages and for the host; `text` is what is analysed. */
export interface ModuleFile {
  path: string;
  text: string;
}

/** What a directory holds under a module name: a package directory (with its `__init__.py`, or a namespace package
 *  without one), a module file `name.py`, or such a file that is not read (`why`: too large, not text, not a file). */
export type ModuleEntry =
  | { kind: 'module'; file: ModuleFile }
  | { kind: 'package'; dir: string; init: ModuleFile | null }
  | { kind: 'unread'; path: string; why: string };

/** How the analysis reads the program's other files. Synchronous: the analysis itself is. */
export interface ModuleHost {
  /** `dir/name/` (a package: Python prefers it) or `dir/name.py`, or null when neither exists or cannot be read. */
  find(dir: string, name: string): ModuleEntry | null;
  /** The folder `path` names, relative to `dir` unless absolute (a `sys.path.append('../src')` argument). */
  resolve(dir: string, path: string): string;
}

/** Where the analysed file lives, and how to read its neighbours. */
export interface ImportContext {
  host: ModuleHost;
  /** The directory of the analysed file or notebook (sys.path[0]). */
  dir: string;
  /** Folders searched after `dir` for top-level modules (the editor adds the workspace folder, as `python -m` run
   *  from it or an IDE's default search path would find `src.model` from `src/train.py`). */
  roots?: readonly string[];
  /** Parse trees of module files kept across analyses (by path; used while the text is the same): the editor
   *  re-analyses a file on every edit, its modules mostly unchanged. */
  parsed?: ModuleParseCache;
}

/** Parse trees of module files by path, with the text each was parsed from. */
export type ModuleParseCache = Map<string, { text: string; parsed: ParsedPython }>;

/** At most this many module trees are kept in a ModuleParseCache (the oldest go first). */
export const MAX_CACHED_MODULES = 200;

/** One module of the program, loaded (or being loaded: a cyclic import sees what is defined so far). */
export interface LoadedModule {
  /** Dotted name (`utils.data`), also its `__name__`. */
  name: string;
  /** The module object: its attributes are its global variables (the very map of its module scope). */
  value: OpaqueValue;
  scope: Scope;
  /** A package's directory (its submodules live there); null for a plain module. */
  dir: string | null;
  /** The package relative imports inside it start from ('' for a top-level plain module: it has none). */
  pkg: string;
  file: ModuleFile | null;
}

export const MAX_MODULES = 40;
export const MAX_MODULE_CHARS = 1_000_000;
export const MAX_TOTAL_CHARS = 3_000_000;

/** Top-level names never looked up next to the file: the engine's own library rules are what they mean (a project
 *  does not shadow torch or numpy), and built-in modules cannot be shadowed in Python either. */
const NEVER_LOCAL = new Set(['torch', 'numpy', 'torchvision', 'torchaudio', 'torchtext', 'sys', 'builtins', '__future__', 'typing']);

/** Runs a module file in a fresh interpreter whose module scope is `mod.scope`. */
export type ModuleRunner = (file: ModuleFile, mod: LoadedModule, by: unknown) => void;

export class Importer {
  /** Loaded modules by dotted name. */
  readonly modules = new Map<string, LoadedModule>();
  /** The interpreter of each module scope (the program's own included), for calls across modules. */
  readonly homes = new Map<Scope, unknown>();
  /** Files read, in load order (dependencies of the analysis). */
  readonly files: ModuleFile[] = [];
  private chars = 0;
  private readonly found = new Map<string, ModuleEntry | null>();
  /** sys.path as the program changed it: the file's folder first, then what `sys.path.append/insert` added. */
  private readonly roots: string[];

  constructor(
    readonly ctx: ImportContext,
    private readonly runModule: ModuleRunner,
  ) {
    this.roots = [ctx.dir, ...(ctx.roots ?? []).filter((r) => r !== ctx.dir)];
  }

  /** `sys.path.append(path)` (at null) or `sys.path.insert(at, path)`: a folder to look for top-level modules in,
   *  relative paths taken from the file's folder (the working directory of a script run from it, of a notebook). */
  addRoot(path: string, at: number | null): void {
    if (this.roots.length >= 16 || path.length > 4096) return;
    const dir = this.ctx.host.resolve(this.ctx.dir, path);
    if (at === null || at >= this.roots.length) this.roots.push(dir);
    else this.roots.splice(Math.max(0, at < 0 ? this.roots.length + at : at), 0, dir);
  }

  /** Whether a module other than the program itself was loaded. */
  get loadedAny(): boolean {
    return this.modules.size > 0;
  }

  /** The module `parts` (level 0: absolute; level n ≥ 1: relative to the package `fromPkg`, as in `from ..x import y`)
   *  and its parent packages, loaded; each submodule is an attribute of its parent. Null when it is not a module of
   *  the program (a library); a string says why a module of the program is not analysed. `by`: the importing
   *  interpreter (the module runs with its certainty). */
  load(parts: readonly string[], level: number, fromPkg: string | null, by: unknown): LoadedModule | string | null {
    let full: string[];
    if (level > 0) {
      // a script (fromPkg null) or a top-level module ('') has no package: Python raises ImportError
      if (!fromPkg) return null;
      const pkg = fromPkg.split('.');
      if (level > pkg.length) return null;
      full = [...pkg.slice(0, pkg.length - (level - 1)), ...parts];
    } else {
      if (parts.length === 0) return null;
      full = [...parts];
    }
    if (full.length === 0) return this.modules.get(fromPkg ?? '') ?? null;
    let parent: LoadedModule | null = null;
    for (let i = 1; i <= full.length; i++) {
      const name = full.slice(0, i).join('.');
      let mod = this.modules.get(name) ?? null;
      if (!mod) {
        if (parent && parent.dir === null) return null;
        const entry = parent && parent.dir !== null ? this.find(parent.dir, full[i - 1]) : this.locate(full[i - 1]);
        if (!entry) return null;
        const loaded = this.create(name, entry, parent, by);
        if (typeof loaded === 'string') return loaded;
        mod = loaded;
      }
      parent = mod;
    }
    return parent;
  }

  /** Where top-level module `name` is: the first folder of sys.path that has it; null for the names never looked
   *  up locally (torch, numpy, built-in modules) and for names no folder has. */
  locate(name: string): ModuleEntry | null {
    if (NEVER_LOCAL.has(name)) return null;
    for (const d of this.roots) {
      const entry = this.find(d, name);
      if (entry) return entry;
    }
    return null;
  }

  /** A module's path as messages show it: relative to the analysed file's folder when it is under it. */
  shownPath(path: string): string {
    const dir = this.ctx.dir;
    return dir && path.startsWith(dir) && (path[dir.length] === '/' || path[dir.length] === '\\') ? path.slice(dir.length + 1) : path;
  }

  private find(dir: string, name: string): ModuleEntry | null {
    const key = `${dir}\u0000${name}`;
    if (this.found.has(key)) return this.found.get(key) ?? null;
    const entry = this.ctx.host.find(dir, name);
    this.found.set(key, entry);
    return entry;
  }

  private create(name: string, entry: ModuleEntry, parent: LoadedModule | null, by: unknown): LoadedModule | string {
    if (entry.kind === 'unread') return `${entry.path} ${entry.why}: it is not analysed`;
    const file = entry.kind === 'module' ? entry.file : entry.init;
    if (this.modules.size >= MAX_MODULES) return `more than ${MAX_MODULES} modules of the program are imported: ${name} is not analysed`;
    if (file && file.text.length > MAX_MODULE_CHARS) return `${file.path} has ${file.text.length} characters (more than ${MAX_MODULE_CHARS}): it is not analysed`;
    if (file && this.chars + file.text.length > MAX_TOTAL_CHARS) return `the program's imported modules exceed ${MAX_TOTAL_CHARS} characters: ${name} is not analysed`;
    const scope = new Scope('module', null);
    const value: OpaqueValue = { k: 'opaque', cls: 'module', attrs: scope.vars };
    const isPackage = entry.kind === 'package';
    const lastDot = name.lastIndexOf('.');
    const mod: LoadedModule = { name, value, scope, dir: isPackage ? entry.dir : null, pkg: isPackage ? name : lastDot < 0 ? '' : name.slice(0, lastDot), file };
    this.modules.set(name, mod);
    // bound in its parent before it runs (Python binds after; only a cyclic import could tell the difference)
    if (parent) parent.value.attrs.set(name.slice(lastDot + 1), value);
    if (file) {
      this.chars += file.text.length;
      this.files.push(file);
      this.runModule(file, mod, by);
    }
    return mod;
  }
}
