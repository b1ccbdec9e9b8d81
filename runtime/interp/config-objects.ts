// Configuration objects scripts build their hyper-parameters with: types.SimpleNamespace / argparse.Namespace
// (attributes from keyword arguments) and argparse.ArgumentParser, whose parse_args() gives the options' defaults
// — the script run with no command-line arguments, as `python script.py` (and the tracer) run it. Values a parser
// would compute from given arguments, positional/required options, and defaults passed through a type the engine
// cannot apply stay unknown.
import { NONE, UNKNOWN, bool, float, int, list, str, tuple, type DictValue, type OpaqueValue, type Value } from './values';
import type { OpArgs, OpRegistry } from '../torch/ops/registry';

const PARSER = 'argparse.ArgumentParser';

function namespace(attrs: Map<string, Value>): OpaqueValue {
  return { k: 'opaque', cls: 'argparse.Namespace', attrs };
}

/** The options registered so far: dest → default, kept on the parser object (insertion order). */
function optionsOf(parser: Value | undefined): DictValue | null {
  if (!parser || parser.k !== 'opaque' || parser.cls !== PARSER) return null;
  const o = parser.attrs.get('_option_defaults');
  return o && o.k === 'dict' ? o : null;
}

/** `--emb-dim` → `emb_dim`; the first long flag wins, then the first short one. */
function destOf(flags: string[]): string | null {
  const long = flags.find((f) => f.startsWith('--'));
  const pick = long ?? flags.find((f) => f.startsWith('-'));
  if (!pick) return null;
  return pick.replace(/^-+/, '').replace(/-/g, '_');
}

/** argparse converts a string default through `type`; the engine does it for int/float/str, else unknown. */
function typedDefault(dflt: Value, type: Value | undefined): Value {
  if (dflt.k !== 'str' || !type) return dflt;
  if (type.k !== 'builtin') return UNKNOWN;
  if (dflt.v === null) return UNKNOWN;
  if (type.name === 'str') return dflt;
  if (type.name === 'int') return /^\s*[-+]?\d+\s*$/.test(dflt.v) ? int(Number(dflt.v)) : UNKNOWN;
  if (type.name === 'float') return Number.isFinite(Number(dflt.v)) && dflt.v.trim() !== '' ? float(Number(dflt.v)) : UNKNOWN;
  return UNKNOWN;
}

function addArgument(a: OpArgs): Value {
  const opts = optionsOf(a.self);
  if (!opts || !opts.entries) return NONE;
  const flags: string[] = [];
  for (const f of a.args) {
    if (f.k !== 'str' || f.v === null) {
      opts.entries = null;
      return NONE;
    }
    flags.push(f.v);
  }
  const destV = a.kwargs.get('dest');
  const dest = destV ? (destV.k === 'str' ? destV.v : null) : destOf(flags);
  if (dest === null) {
    // a positional argument (or a dest the engine cannot read): parse_args() of no arguments would fail on it
    const name = flags[0] && !flags[0].startsWith('-') ? flags[0] : null;
    if (name !== null) opts.entries.set(JSON.stringify(name), [str(name), UNKNOWN]);
    else opts.entries = null;
    return NONE;
  }
  const action = a.kwargs.get('action');
  const required = a.kwargs.get('required');
  let value: Value;
  if (required && !(required.k === 'bool' && required.v === false)) value = UNKNOWN;
  else if (a.kwargs.has('default')) value = typedDefault(a.kwargs.get('default')!, a.kwargs.get('type'));
  else if (action && action.k === 'str' && action.v === 'store_true') value = bool(false);
  else if (action && action.k === 'str' && action.v === 'store_false') value = bool(true);
  else if (action && (action.k !== 'str' || action.v === null)) value = UNKNOWN;
  else value = NONE;
  // a later add_argument with the same dest keeps the first default unless it gives one (argparse: first set wins)
  const key = JSON.stringify(dest);
  if (!opts.entries.has(key)) opts.entries.set(key, [str(dest), value]);
  return NONE;
}

/** parse_args() / parse_args([]): the defaults. Given arguments are not parsed (unknown namespace). */
function parseArgs(a: OpArgs): Value {
  const opts = optionsOf(a.self);
  const given = a.get(0, 'args');
  const noArgs = given === undefined || given.k === 'none' || ((given.k === 'list' || given.k === 'tuple') && given.items !== null && given.items.length === 0);
  if (!opts || !opts.entries || !noArgs) return UNKNOWN;
  const attrs = new Map<string, Value>();
  for (const [, [k, v]] of opts.entries) if (k.k === 'str' && k.v !== null) attrs.set(k.v, v);
  return namespace(attrs);
}

export function register(reg: OpRegistry): void {
  reg.def(['types.SimpleNamespace', 'argparse.Namespace'], (a) => namespace(new Map(a.kwargs)));
  reg.def(PARSER, () => ({ k: 'opaque', cls: PARSER, attrs: new Map<string, Value>([['_option_defaults', { k: 'dict', entries: new Map() }]]) }));
  reg.def(`${PARSER}.add_argument`, addArgument);
  reg.def(`${PARSER}.parse_args`, parseArgs);
  reg.def(`${PARSER}.parse_known_args`, (a) => tuple([parseArgs(a), list([])]));
  reg.def([`${PARSER}.set_defaults`], (a) => {
    const opts = optionsOf(a.self);
    if (opts && opts.entries) for (const [k, v] of a.kwargs) opts.entries.set(JSON.stringify(k), [str(k), v]);
    return NONE;
  });
  reg.def([`${PARSER}.add_argument_group`, `${PARSER}.add_mutually_exclusive_group`], (a) => a.self ?? UNKNOWN);
}
