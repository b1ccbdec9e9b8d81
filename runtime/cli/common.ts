// Shared pieces of the CLI subcommands: the Subcommand interface, a user-facing error type, argument parsing, and
// reading a source file with one-line refusals.
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export interface Subcommand {
  run(args: string[]): Promise<number>;
}

/** An error whose message is shown to the user as one line (no stack trace). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Parses `--name value`, `--name=value` and boolean `--name` flags; `booleanFlags` never take a value. */
export function parseArgs(args: string[], known: { valued: string[]; boolean: string[] }): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (known.boolean.includes(name)) {
        if (eq >= 0) throw new CliError(`--${name} takes no value`);
        flags.set(name, true);
      } else if (known.valued.includes(name)) {
        const value = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (value === undefined || value === '') throw new CliError(`--${name} needs a value`);
        flags.set(name, value);
      } else {
        throw new CliError(`unknown option --${name}`);
      }
    } else {
      positional.push(a);
    }
  }
  return { positional, flags };
}

/** Parses `A-B` (1-based, inclusive) line ranges. */
export function parseLineRange(text: string): { start: number; end: number } {
  const m = /^(\d+)-(\d+)$/.exec(text) ?? /^(\d+)$/.exec(text);
  if (!m) throw new CliError(`--lines expects A-B (1-based, inclusive), got '${text}'`);
  const start = Number(m[1]);
  const end = Number(m[2] ?? m[1]);
  if (start < 1 || end < start) throw new CliError(`--lines range '${text}' is empty or starts before line 1`);
  return { start, end };
}

/** Reads a Python source or notebook for a subcommand, refusing with one line what is not one: a missing path, a
 *  directory or device/pipe (`/dev/zero` would never end), a file above `maxBytes` (`purpose` says who refuses it;
 *  the read itself stops there, so a file whose size lies — procfs — cannot grow past it), or a binary file (a NUL in
 *  its first 8 KB). A UTF-8 byte order mark is dropped. */
export function readSourceFile(path: string, maxBytes: number, purpose: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new CliError(`cannot read '${path}': no such file`);
  }
  if (st.isDirectory()) throw new CliError(`'${path}' is a directory, not a .py or .ipynb file`);
  if (!st.isFile()) throw new CliError(`'${path}' is not a regular file (a device, pipe or socket), not a .py or .ipynb file`);
  const tooLarge = (): CliError => new CliError(`'${path}' is ${(Math.max(st.size, maxBytes + 1) / 1e6).toFixed(1)} MB: larger than the ${maxBytes / 1e6} MB ${purpose}`);
  if (st.size > maxBytes) throw tooLarge();
  const buf = readAtMost(path, maxBytes + 1);
  if (buf.length > maxBytes) throw tooLarge();
  if (buf.subarray(0, 8192).includes(0)) throw new CliError(`'${path}' is a binary file, not Python source`);
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The first `limit` bytes of a file (fewer when it is shorter). */
function readAtMost(path: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new CliError(`cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < limit) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}
