// The file-system side of local imports (the CLI, the extension, tests): finds `name/` packages and `name.py` modules
// in a directory and reads them (UTF-8; unreadable, binary, oversized files and devices are named, not read), or takes
// a file's text from an overlay (the editor's open documents, with unsaved changes). The engine's side is
// runtime/interp/imports.ts.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MAX_MODULE_CHARS, type ImportContext, type ModuleEntry, type ModuleFile, type ModuleHost, type ModuleParseCache } from '../interp/imports';

/** The text of a file the caller holds (an open editor document), or undefined to read the disk. */
export type TextOverlay = (path: string) => string | undefined;

function readModule(path: string, overlay?: TextOverlay): ModuleFile | { path: string; why: string } | null {
  const open = overlay?.(path);
  if (open !== undefined) return { path, text: open };
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return st.isDirectory() ? null : { path, why: 'is not a regular file (a device, pipe or socket)' };
    size = st.size;
  } catch {
    // not there: not a module of the program
    return null;
  }
  // larger files are not read at all
  if (size > MAX_MODULE_CHARS * 3) return { path, why: `has ${size} bytes (more than ${MAX_MODULE_CHARS} characters)` };
  try {
    const text = readFileSync(path, 'utf8');
    return text.includes('\u0000') ? { path, why: 'is not a text file' } : { path, text };
  } catch (e) {
    return { path, why: `cannot be read (${(e as Error).message.split('\n')[0]})` };
  }
}

function entryOf(m: ModuleFile | { path: string; why: string }): ModuleEntry {
  return 'text' in m ? { kind: 'module', file: m } : { kind: 'unread', path: m.path, why: m.why };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    // not there
    return false;
  }
}

/** Modules on disk, or in `overlay` first. */
export function diskModuleHost(overlay?: TextOverlay): ModuleHost {
  return {
    find(dir: string, name: string): ModuleEntry | null {
      const pkg = join(dir, name);
      const init = readModule(join(pkg, '__init__.py'), overlay);
      if (init && 'text' in init) return { kind: 'package', dir: pkg, init };
      if (init) return entryOf(init);
      const file = readModule(`${pkg}.py`, overlay);
      if (file) return entryOf(file);
      // a directory without __init__.py is a namespace package (Python 3.3+)
      return isDirectory(pkg) ? { kind: 'package', dir: pkg, init: null } : null;
    },
    resolve: (dir: string, path: string): string => resolve(dir, path),
  };
}

/** The current text of a module file: the overlay's, else the disk's (null when neither has it). */
export function currentModuleText(path: string, overlay?: TextOverlay): string | null {
  const m = readModule(path, overlay);
  return m && 'text' in m ? m.text : null;
}

/** Local imports of the file at `path` are looked up next to it. */
export function importsBeside(path: string, overlay?: TextOverlay, parsed?: ModuleParseCache, roots?: readonly string[]): ImportContext {
  return { host: diskModuleHost(overlay), dir: dirname(resolve(path)), parsed, roots };
}
