// Python builtins and the methods of str/list/dict/set/tuple, over abstract values: len, range, enumerate, zip, map,
// filter, sorted, reversed, sum, max, min, abs, round, list/tuple/dict/set/str/int/float/bool, iter/next, any/all,
// and the string/list/dict methods data-preparation code uses (split, join, lower, append, extend, items, get…).
// Results are exact when the inputs are known, of unknown length/value otherwise (never guessed).
import { ShapeError, symbolic, type Dim } from '../shape/dim';
import {
  NONE,
  UNKNOWN,
  bool,
  dimOf,
  float,
  int,
  intFromDim,
  join,
  list,
  seqElem,
  str,
  tuple,
  unknown,
  type SeqValue,
  type DictValue,
  type Value,
  pyStr,
  CHARS_PER_ITEM,
  MAX_KNOWN_ITEMS,
} from './values';
import { keyText } from './pyutil';
import { tensorBinary } from '../torch/ops/elementwise';
import { RE_FLAGS, reFindall, reFinds, reSplit, reSub, unicodeCategory, unicodeNormalize } from './regex';
import type { OpArgs, OpRegistry } from '../torch/ops/registry';



/** A number for ordering (ints, floats, bools, 0-d tensors with data), or null. */
function orderNum(v: Value): number | null {
  if (v.k === 'int' || v.k === 'float') return v.v;
  if (v.k === 'bool') return v.v === null ? null : v.v ? 1 : 0;
  if (v.k === 'tensor' && v.data && v.data.numel === 1) return v.data.data[0];
  return null;
}

function compareValues(x: Value, y: Value): number | null {
  if (x.k === 'str' && y.k === 'str') {
    if (x.v === null || y.v === null) return null;
    return x.v < y.v ? -1 : x.v > y.v ? 1 : 0;
  }
  if ((x.k === 'tuple' || x.k === 'list') && (y.k === 'tuple' || y.k === 'list')) {
    if (!x.items || !y.items) return null;
    for (let i = 0; i < Math.min(x.items.length, y.items.length); i++) {
      const c = compareValues(x.items[i], y.items[i]);
      if (c !== 0) return c;
    }
    return x.items.length - y.items.length;
  }
  const a = orderNum(x);
  const b = orderNum(y);
  if (a === null || b === null) return null;
  return a - b;
}

function unknownSeq(kind: 'list' | 'tuple', elem: Value | undefined, len: Dim = null): SeqValue {
  return { k: kind, items: null, elem, len };
}

function lenOf(a: OpArgs, v: Value): Value {
  switch (v.k) {
    case 'list':
    case 'tuple':
      return v.items ? int(v.items.length) : intFromDim(v.len ?? null);
    case 'str':
      return int(v.v === null ? null : [...v.v].length);
    case 'dict':
      return int(v.entries ? v.entries.size : null);
    case 'set':
      return int(v.items ? v.items.length : null);
    case 'tensor':
      if (v.shape === null) return int(null);
      if (v.shape.length === 0) throw new ShapeError('TypeError: len() of a 0-d tensor');
      return intFromDim(v.shape[0]);
    case 'packed':
      return int(4);
    case 'nnmodule': {
      const mods = v.attrs.get('_modules');
      const dict = v.attrs.get('_dict');
      if (dict && dict.k === 'dict') return int(dict.entries ? dict.entries.size : null);
      return mods && mods.k === 'list' && mods.items ? int(mods.items.length) : int(null);
    }
    case 'opaque': {
      const l = v.attrs.get('_len');
      return l ?? int(null);
    }
    case 'object': {
      const m = findMethod(v, '__len__');
      return m ? a.services.call(m, []) : int(null);
    }
    case 'unknown':
      return intFromDim(v.name ? symbolic(`len(${v.name})`) : null);
    default:
      return int(null);
  }
}

/** A bound user method of an object (walks the class bases). */
export function findMethod(o: Value, name: string): Value | null {
  if (o.k !== 'object') return null;
  let c: Value | undefined = o.cls;
  let guard = 0;
  while (c && c.k === 'class' && guard++ < 20) {
    const m = c.members.get(name);
    if (m && m.k === 'func') return { k: 'bound', fn: m, self: o };
    c = c.bases.find((b) => b.k === 'class');
  }
  return null;
}

function elemOf(a: OpArgs, v: Value): Value {
  switch (v.k) {
    case 'list':
    case 'tuple':
      return seqElem(v) ?? UNKNOWN;
    case 'str':
      return str(null);
    case 'opaque': {
      const its = v.attrs.get('_items');
      return v.attrs.get('_elem') ?? (its && its.k === 'list' ? (seqElem(its) ?? UNKNOWN) : UNKNOWN);
    }
    case 'object': {
      // a user iterable: what its __iter__ gives (a generator, a list, …)
      const m = findMethod(v, '__iter__');
      const r = m ? a.services.call(m, []) : UNKNOWN;
      return r !== v && r.k !== 'object' ? elemOf(a, r) : UNKNOWN;
    }
    case 'tensor': {
      if (!v.shape || v.shape.length === 0) return UNKNOWN;
      return { k: 'tensor', shape: v.shape.slice(1), dtype: v.dtype, facts: {} };
    }
    default:
      void a;
      return UNKNOWN;
  }
}

function lengthOf(v: Value): Dim {
  if (v.k === 'list' || v.k === 'tuple') return v.items ? v.items.length : (v.len ?? null);
  if (v.k === 'tensor') return v.shape && v.shape.length ? v.shape[0] : null;
  if (v.k === 'str') return v.v === null ? null : v.v.length;
  if (v.k === 'opaque') return dimOf(v.attrs.get('_len') ?? UNKNOWN);
  return null;
}

function iterate(a: OpArgs, v: Value | undefined): { items: Value[] | null; elem: Value; len: Dim } {
  if (!v) return { items: null, elem: UNKNOWN, len: null };
  const items = a.services.items(v);
  if (items) return { items, elem: items.length ? items.reduce((p, q) => join(p, q)) : UNKNOWN, len: items.length };
  return { items: null, elem: elemOf(a, v), len: lengthOf(v) };
}

function minMax(a: OpArgs, wantMax: boolean): Value {
  const keyFn = a.kwargs.get('key');
  const candidates = a.args.length === 1 ? iterate(a, a.args[0]) : { items: a.args, elem: UNKNOWN, len: a.args.length };
  if (!candidates.items) return candidates.elem.k === 'int' ? int(null) : candidates.elem.k === 'float' ? float(null) : candidates.elem;
  if (candidates.items.length === 0) {
    if (a.kwargs.has('default')) return a.kwargs.get('default')!;
    throw new ShapeError(`ValueError: ${wantMax ? 'max' : 'min'}() arg is an empty sequence`);
  }
  let best = candidates.items[0];
  let bestKey = keyFn ? a.services.call(keyFn, [best]) : best;
  for (const c of candidates.items.slice(1)) {
    const k = keyFn ? a.services.call(keyFn, [c]) : c;
    const cmp = compareValues(k, bestKey);
    if (cmp === null) {
      let j = candidates.items[0];
      for (const x of candidates.items) j = join(j, x);
      return j.k === 'int' ? int(null) : j;
    }
    if (wantMax ? cmp > 0 : cmp < 0) {
      best = c;
      bestKey = k;
    }
  }
  return best;
}

function sortedRule(a: OpArgs, items: Value[], keyFn: Value | undefined, reverse: boolean | null): Value[] | null {
  if (reverse === null) return null;
  const keys = items.map((x) => (keyFn ? a.services.call(keyFn, [x]) : x));
  const idx = items.map((_, i) => i);
  let ok = true;
  idx.sort((p, q) => {
    const c = compareValues(keys[p], keys[q]);
    if (c === null) {
      ok = false;
      return 0;
    }
    return reverse ? -c || p - q : c || p - q;
  });
  // Python's sort is stable also with reverse=True: equal keys keep their order
  return ok ? idx.map((i) => items[i]) : null;
}

function toInt(v: Value | undefined): Value {
  if (!v) return int(0);
  switch (v.k) {
    case 'int':
      return v;
    case 'bool':
      return int(v.v === null ? null : v.v ? 1 : 0);
    case 'float':
      return int(v.v === null ? null : Math.trunc(v.v));
    case 'str': {
      if (v.v === null) return int(null);
      const n = Number(v.v.trim());
      if (!Number.isInteger(n)) throw new ShapeError(`ValueError: invalid literal for int() with base 10: '${v.v}'`);
      return int(n);
    }
    case 'tensor':
      return int(v.data && v.data.numel === 1 ? Math.trunc(v.data.data[0]) : null);
    case 'unknown':
      return v.name ? int(null, v.name) : int(null);
    default:
      return int(null);
  }
}

function strMethod(a: OpArgs, name: string): Value {
  const s = a.self;
  if (!s || s.k !== 'str') return UNKNOWN;
  const v = s.v;
  const arg = (i: number): string | null | undefined => {
    const x = a.get(i);
    if (x === undefined || x.k === 'none') return undefined;
    return x.k === 'str' ? x.v : null;
  };
  switch (name) {
    case 'split':
    case 'rsplit': {
      const sep = arg(0);
      if (v === null || sep === null) return unknownSeq('list', str(null));
      const parts = sep === undefined ? v.split(/\s+/).filter((p) => p.length > 0) : v.split(sep);
      return list(parts.map((p) => str(p)));
    }
    case 'splitlines':
      return v === null ? unknownSeq('list', str(null)) : list(v.split(/\r?\n/).map((p) => str(p)));
    case 'join': {
      const it = iterate(a, a.get(0));
      if (v === null || !it.items) return str(null);
      const parts = it.items.map(pyStrOnlyStr);
      if (parts.some((p) => p === null)) return str(null);
      const length = parts.reduce((n, p) => n + (p ?? '').length, v.length * Math.max(0, parts.length - 1));
      return str(a.services.allow(Math.ceil(length / CHARS_PER_ITEM)) ? parts.join(v) : null);
    }
    case 'lower':
      return str(v === null ? null : v.toLowerCase());
    case 'upper':
      return str(v === null ? null : v.toUpperCase());
    case 'strip':
    case 'lstrip':
    case 'rstrip': {
      const chars = arg(0);
      if (v === null || chars === null) return str(null);
      const set = chars === undefined ? ' \t\n\r\f\v' : chars;
      let i = 0;
      let j = v.length;
      if (name !== 'rstrip') while (i < j && set.includes(v[i])) i++;
      if (name !== 'lstrip') while (j > i && set.includes(v[j - 1])) j--;
      return str(v.slice(i, j));
    }
    case 'replace': {
      const x = arg(0);
      const y = arg(1);
      if (v === null || x === null || y === null || x === undefined || y === undefined) return str(null);
      const pieces = v.split(x);
      const length = v.length + (pieces.length - 1) * (y.length - x.length);
      return str(a.services.allow(Math.ceil(Math.max(0, length) / CHARS_PER_ITEM)) ? pieces.join(y) : null);
    }
    case 'startswith':
    case 'endswith': {
      const x = arg(0);
      if (v === null || x === null || x === undefined) return bool(null);
      return bool(name === 'startswith' ? v.startsWith(x) : v.endsWith(x));
    }
    case 'find':
    case 'index': {
      const x = arg(0);
      if (v === null || x === null || x === undefined) return int(null);
      return int(v.indexOf(x));
    }
    case 'count': {
      const x = arg(0);
      if (v === null || x === null || x === undefined || x === '') return int(null);
      return int(v.split(x).length - 1);
    }
    case 'isdigit':
      return bool(v === null ? null : /^\d+$/.test(v));
    case 'isalpha':
      return bool(v === null ? null : /^[A-Za-z]+$/.test(v));
    case 'title':
    case 'capitalize':
      return str(v === null ? null : v.charAt(0).toUpperCase() + (name === 'capitalize' ? v.slice(1).toLowerCase() : v.slice(1)));
    case 'format':
      return str(null);
    case 'encode':
      return UNKNOWN;
    default:
      return UNKNOWN;
  }
}

function pyStrOnlyStr(v: Value): string | null {
  return v.k === 'str' ? v.v : null;
}

function listMethod(a: OpArgs, name: string): Value {
  const l = a.self;
  if (!l || (l.k !== 'list' && l.k !== 'tuple')) return UNKNOWN;
  const mutate = (items: Value[] | null, added?: Value): void => {
    if (l.k !== 'list') return;
    a.services.mutateSeq(l, items, added);
  };
  switch (name) {
    case 'append': {
      const v = a.get(0) ?? UNKNOWN;
      mutate(l.items ? [...l.items, v] : null, v);
      return NONE;
    }
    case 'extend': {
      const it = iterate(a, a.get(0));
      mutate(l.items && it.items ? [...l.items, ...it.items] : null, it.items ? (it.items.length ? it.elem : undefined) : it.elem);
      return NONE;
    }
    case 'insert': {
      const i = toInt(a.get(0));
      const v = a.get(1) ?? UNKNOWN;
      if (l.items && i.k === 'int' && i.v !== null) {
        const items = [...l.items];
        items.splice(i.v < 0 ? Math.max(0, items.length + i.v) : i.v, 0, v);
        mutate(items, v);
      } else mutate(null, v);
      return NONE;
    }
    case 'pop': {
      if (!l.items) return l.elem ?? UNKNOWN;
      const i = a.get(0) ? toInt(a.get(0)) : int(-1);
      if (i.k !== 'int' || i.v === null) {
        const e = seqElem(l) ?? UNKNOWN;
        mutate(null, undefined);
        return e;
      }
      if (l.items.length === 0) throw new ShapeError('IndexError: pop from empty list');
      const j = i.v < 0 ? i.v + l.items.length : i.v;
      const items = [...l.items];
      const [v] = items.splice(j, 1);
      mutate(items);
      return v ?? UNKNOWN;
    }
    case 'reverse':
      mutate(l.items ? [...l.items].reverse() : null);
      return NONE;
    case 'sort': {
      if (!l.items) return NONE;
      const r = sortedRule(a, l.items, a.kwargs.get('key'), a.kwargs.has('reverse') ? (a.kwargs.get('reverse')!.k === 'bool' ? (a.kwargs.get('reverse') as { v: boolean | null }).v : null) : false);
      mutate(r, r ? undefined : seqElem(l));
      return NONE;
    }
    case 'copy':
      return { ...l, items: l.items ? [...l.items] : null };
    case 'clear':
      mutate([]);
      return NONE;
    case 'index': {
      const v = a.get(0);
      const k = v ? keyText(v) : null;
      if (!l.items || k === null) return int(null);
      for (let i = 0; i < l.items.length; i++) {
        const ik = keyText(l.items[i]);
        if (ik === null) return int(null);
        if (ik === k) return int(i);
      }
      throw new ShapeError(`ValueError: ${pyStr(v!) ?? 'value'} is not in list`);
    }
    case 'count': {
      const v = a.get(0);
      const k = v ? keyText(v) : null;
      if (!l.items || k === null) return int(null);
      let n = 0;
      for (const it of l.items) {
        const ik = keyText(it);
        if (ik === null) return int(null);
        if (ik === k) n++;
      }
      return int(n);
    }
    case 'remove':
      mutate(null, undefined);
      return NONE;
    default:
      return UNKNOWN;
  }
}

/** Counter counting: adds 1 per item of `src` (false when an item or key is unknown: the counts are then unknown). */
function counterAdd(a: OpArgs, counter: DictValue, src: Value): boolean {
  const it = iterate(a, src);
  if (!it.items || !counter.entries || !a.services.allow(it.items.length)) return false;
  for (const item of it.items) {
    const k = keyText(item);
    if (k === null) return false;
    const old = counter.entries.get(k);
    const n = old ? old[1] : int(0);
    counter.entries.set(k, [item, n.k === 'int' && n.v !== null ? int(n.v + 1) : int(null)]);
  }
  return true;
}

/** Counter.most_common(n): (key, count) pairs by count, highest first, ties in first-seen order (a stable sort). */
function mostCommon(a: OpArgs, d: DictValue): Value {
  const nV = a.get(0, 'n');
  const pair = tuple([UNKNOWN, int(null)]);
  if (!d.entries) return unknownSeq('list', pair);
  const rows = [...d.entries.values()];
  const counts = rows.map(([, v]) => (v.k === 'int' ? v.v : null));
  const n = nV === undefined || nV.k === 'none' ? rows.length : nV.k === 'int' ? nV.v : null;
  if (counts.some((c) => c === null) || n === null) return unknownSeq('list', tuple([UNKNOWN, int(null)]), n === null ? null : Math.min(Math.max(n, 0), rows.length));
  const order = rows.map((_, i) => i).sort((i, j) => counts[j]! - counts[i]! || i - j);
  return list(order.slice(0, Math.max(n, 0)).map((i) => tuple([rows[i][0], rows[i][1]])));
}

function dictMethod(a: OpArgs, name: string): Value {
  const d = a.self;
  if (!d || d.k !== 'dict') return UNKNOWN;
  const e = d.entries;
  if (d.counter) {
    // Counter methods (a Counter is a dict with 0 for missing keys)
    if (name === 'most_common') return mostCommon(a, d);
    if (name === 'update' && a.get(0) && a.get(0)!.k !== 'dict') {
      if (!counterAdd(a, d, a.get(0)!)) {
        d.entries = null;
        d.elem = int(null);
      }
      return NONE;
    }
  }
  switch (name) {
    case 'keys':
      return e ? list([...e.values()].map(([k]) => k)) : unknownSeq('list', UNKNOWN);
    case 'values':
      return e ? list([...e.values()].map(([, v]) => v)) : unknownSeq('list', d.elem ?? UNKNOWN);
    case 'items':
      return e ? list([...e.values()].map(([k, v]) => tuple([k, v]))) : unknownSeq('list', tuple([UNKNOWN, d.elem ?? UNKNOWN]));
    case 'get': {
      const key = a.get(0);
      const dflt = a.get(1) ?? NONE;
      const k = key ? keyText(key) : null;
      if (!e || k === null) return unknown();
      const hit = e.get(k);
      return hit ? hit[1] : dflt;
    }
    case 'setdefault': {
      const key = a.get(0);
      const dflt = a.get(1) ?? NONE;
      const k = key ? keyText(key) : null;
      if (!e || k === null || !key) return unknown();
      const hit = e.get(k);
      if (hit) return hit[1];
      e.set(k, [key, dflt]);
      return dflt;
    }
    case 'update': {
      const other = a.get(0);
      if (!e) return NONE;
      if (other && other.k === 'dict' && other.entries) for (const [k, kv] of other.entries) e.set(k, kv);
      else if (other) d.entries = null;
      for (const [k, v] of a.kwargs) e.set(JSON.stringify(k), [str(k), v]);
      return NONE;
    }
    case 'pop': {
      const key = a.get(0);
      const k = key ? keyText(key) : null;
      if (!e || k === null) return unknown();
      const hit = e.get(k);
      e.delete(k);
      return hit ? hit[1] : (a.get(1) ?? unknown());
    }
    case 'copy':
      return { k: 'dict', entries: e ? new Map(e) : null, ...(d.missing ? { missing: d.missing } : {}), ...(d.counter ? { counter: true } : {}) };
    default:
      return UNKNOWN;
  }
}

export function register(reg: OpRegistry): void {
  reg.def('len', (a) => lenOf(a, a.get(0) ?? UNKNOWN));
  reg.def('range', (a) => {
    const ns = a.args.map((v) => toInt(v));
    let start: Value = int(0);
    let stop: Value;
    let step: Value = int(1);
    if (ns.length === 1) stop = ns[0];
    else {
      [start, stop] = ns;
      if (ns.length >= 3) step = ns[2];
    }
    const s0 = start.k === 'int' ? start.v : null;
    const s1 = stop.k === 'int' ? stop.v : null;
    const st = step.k === 'int' ? step.v : null;
    if (s0 === null || s1 === null || st === null) {
      const len: Dim = ns.length === 1 && stop.k === 'int' && stop.sym ? stop.sym : null;
      return unknownSeq('list', int(null), len);
    }
    if (st === 0) throw new ShapeError('ValueError: range() arg 3 must not be zero');
    const n = Math.max(0, Math.ceil((s1 - s0) / st));
    if (n > MAX_KNOWN_ITEMS || !a.services.allow(n)) return unknownSeq('list', int(null), n);
    return list(Array.from({ length: n }, (_, i) => int(s0 + i * st)));
  });
  reg.def('enumerate', (a) => {
    const it = iterate(a, a.get(0));
    const startV = toInt(a.get(1, 'start') ?? int(0));
    const start = startV.k === 'int' ? startV.v : null;
    if (!it.items) return unknownSeq('list', tuple([int(null), it.elem]), it.len);
    return list(it.items.map((x, i) => tuple([int(start === null ? null : start + i), x])));
  });
  reg.def('zip', (a) => {
    const its = a.args.map((v) => iterate(a, v));
    if (its.length === 0) return list([]);
    if (its.every((i) => i.items)) {
      const n = Math.min(...its.map((i) => i.items!.length));
      return list(Array.from({ length: n }, (_, k) => tuple(its.map((i) => i.items![k]))));
    }
    const lens = its.map((i) => (i.items ? i.items.length : i.len));
    const len = lens.every((l) => typeof l === 'number') ? Math.min(...(lens as number[])) : lens.every((l) => l === lens[0]) ? lens[0] : null;
    return unknownSeq('list', tuple(its.map((i) => i.elem)), len);
  });
  reg.def('map', (a) => {
    const fn = a.get(0);
    const its = a.args.slice(1).map((v) => iterate(a, v));
    if (!fn || its.length === 0) return unknownSeq('list', UNKNOWN);
    if (its.every((i) => i.items)) {
      const n = Math.min(...its.map((i) => i.items!.length));
      return list(Array.from({ length: n }, (_, k) => a.services.call(fn, its.map((i) => i.items![k]))));
    }
    return unknownSeq('list', a.services.call(fn, its.map((i) => i.elem)), its[0].len);
  });
  reg.def('filter', (a) => {
    const fn = a.get(0);
    const it = iterate(a, a.get(1));
    if (!it.items || !fn) return unknownSeq('list', it.elem);
    const out: Value[] = [];
    for (const x of it.items) {
      const keep = fn.k === 'none' ? x : a.services.call(fn, [x]);
      const t = truthyLocal(keep);
      if (t === null) return unknownSeq('list', it.elem);
      if (t) out.push(x);
    }
    return list(out);
  });
  reg.def('sorted', (a) => {
    const it = iterate(a, a.get(0));
    const revV = a.kwargs.get('reverse');
    const rev = revV === undefined ? false : revV.k === 'bool' ? revV.v : revV.k === 'int' ? (revV.v === null ? null : revV.v !== 0) : null;
    if (!it.items) return unknownSeq('list', it.elem, it.len);
    const r = sortedRule(a, it.items, a.kwargs.get('key'), rev);
    if (r) return list(r);
    // order unknown, count known: every position holds one of the items (their join)
    const each = it.items.length <= 256 ? seqElem(list(it.items)) : undefined;
    return each && a.services.allow(it.items.length) ? list(it.items.map(() => each)) : unknownSeq('list', it.elem, it.items.length);
  });
  reg.def('reversed', (a) => {
    const it = iterate(a, a.get(0));
    return it.items ? list([...it.items].reverse()) : unknownSeq('list', it.elem, it.len);
  });
  reg.def('sum', (a) => {
    const it = iterate(a, a.get(0));
    let acc: Value = a.get(1, 'start') ?? int(0);
    if (!it.items) {
      if (it.elem.k === 'tensor') return { k: 'tensor', shape: it.elem.shape, dtype: it.elem.dtype, facts: {} };
      return it.elem.k === 'float' ? float(null) : it.elem.k === 'int' || it.elem.k === 'bool' ? int(null) : UNKNOWN;
    }
    for (const x of it.items) {
      if (acc.k === 'tensor' || x.k === 'tensor') acc = tensorBinary('+', acc, x) ?? UNKNOWN;
      else if ((acc.k === 'int' || acc.k === 'float' || acc.k === 'bool') && (x.k === 'int' || x.k === 'float' || x.k === 'bool')) {
        const p = orderNum(acc);
        const q = orderNum(x);
        const isF = acc.k === 'float' || x.k === 'float';
        acc = p === null || q === null ? (isF ? float(null) : int(null)) : isF ? float(p + q) : int(p + q);
      } else if ((acc.k === 'list' || acc.k === 'tuple') && (x.k === 'list' || x.k === 'tuple')) {
        acc = acc.items && x.items ? { k: acc.k, items: [...acc.items, ...x.items] } : unknownSeq(acc.k, seqElem(x));
      } else return UNKNOWN;
    }
    return acc;
  });
  reg.def('max', (a) => minMax(a, true));
  reg.def('min', (a) => minMax(a, false));
  reg.def('abs', (a) => {
    const v = a.get(0) ?? UNKNOWN;
    if (v.k === 'int') return int(v.v === null ? null : Math.abs(v.v));
    if (v.k === 'float') return float(v.v === null ? null : Math.abs(v.v));
    if (v.k === 'tensor') return { k: 'tensor', shape: v.shape, dtype: v.dtype, facts: {} };
    return UNKNOWN;
  });
  reg.def('round', (a) => {
    const v = a.get(0) ?? UNKNOWN;
    const nd = a.get(1);
    const x = orderNum(v);
    if (nd && nd.k !== 'none') return float(null);
    return int(x === null ? null : Math.round(x));
  });
  reg.def('pow', (a) => {
    const x = orderNum(a.get(0) ?? UNKNOWN);
    const y = orderNum(a.get(1) ?? UNKNOWN);
    return x === null || y === null ? UNKNOWN : Number.isInteger(x ** y) && a.get(0)?.k === 'int' ? int(x ** y) : float(x ** y);
  });
  reg.def('divmod', (a) => {
    const x = orderNum(a.get(0) ?? UNKNOWN);
    const y = orderNum(a.get(1) ?? UNKNOWN);
    if (x === null || y === null || y === 0) return tuple([int(null), int(null)]);
    return tuple([int(Math.floor(x / y)), int(x - Math.floor(x / y) * y)]);
  });
  reg.def('list', (a) => {
    const v = a.get(0);
    if (!v) return list([]);
    const it = iterate(a, v);
    return it.items ? list([...it.items]) : unknownSeq('list', it.elem, it.len);
  });
  reg.def('tuple', (a) => {
    const v = a.get(0);
    if (!v) return tuple([]);
    const it = iterate(a, v);
    return it.items ? tuple([...it.items]) : unknownSeq('tuple', it.elem, it.len);
  });
  reg.def(['set', 'frozenset'], (a) => {
    const v = a.get(0);
    if (!v) return { k: 'set', items: [] };
    const it = iterate(a, v);
    if (!it.items) return { k: 'set', items: null };
    const seen = new Map<string, Value>();
    for (const x of it.items) {
      const k = keyText(x);
      if (k === null) return { k: 'set', items: null };
      if (!seen.has(k)) seen.set(k, x);
    }
    return { k: 'set', items: [...seen.values()] };
  });
  reg.def('dict', (a) => {
    const entries = new Map<string, [Value, Value]>();
    const v = a.get(0);
    if (v) {
      if (v.k === 'dict') {
        if (!v.entries) return { k: 'dict', entries: null };
        for (const [k, e] of v.entries) entries.set(k, e);
      } else {
        const it = iterate(a, v);
        if (!it.items) return { k: 'dict', entries: null };
        for (const pair of it.items) {
          const kv = a.services.items(pair);
          if (!kv || kv.length !== 2) return { k: 'dict', entries: null };
          const k = keyText(kv[0]);
          if (k === null) return { k: 'dict', entries: null };
          entries.set(k, [kv[0], kv[1]]);
        }
      }
    }
    for (const [k, val] of a.kwargs) entries.set(keyText(str(k))!, [str(k), val]);
    return { k: 'dict', entries };
  });
  reg.def('collections.OrderedDict', (a) => a.services.call({ k: 'builtin', name: 'dict' }, a.args, a.kwargs));
  // collections.defaultdict(factory, …): a dict whose missing keys get factory() (stored) on d[k]
  reg.def('collections.defaultdict', (a) => {
    const factory = a.get(0, 'default_factory');
    const d = a.services.call({ k: 'builtin', name: 'dict' }, a.args.slice(1), a.kwargs);
    if (d.k !== 'dict') return UNKNOWN;
    return factory && factory.k !== 'none' ? { ...d, missing: factory } : d;
  });
  // collections.Counter(iterable | mapping): counts in first-seen order; missing keys count 0
  reg.def('collections.Counter', (a) => {
    const src = a.get(0);
    const entries = new Map<string, [Value, Value]>();
    const counter: DictValue = { k: 'dict', entries, counter: true };
    if (src && src.k !== 'none') {
      if (src.k === 'dict') return src.entries ? { k: 'dict', entries: new Map(src.entries), counter: true } : { k: 'dict', entries: null, elem: int(null), counter: true };
      if (!counterAdd(a, counter, src)) return { k: 'dict', entries: null, elem: int(null), counter: true };
    }
    for (const [k, v] of a.kwargs) entries.set(keyText(str(k))!, [str(k), v]);
    return counter;
  });
  reg.def('str', (a) => str(a.get(0) ? pyStr(a.get(0)!) : ''));
  reg.def('repr', (a) => {
    const v = a.get(0);
    return str(v && v.k === 'str' && v.v !== null ? `'${v.v}'` : v ? pyStr(v) : null);
  });
  reg.def('int', (a) => toInt(a.get(0)));
  reg.def('float', (a) => {
    const v = a.get(0);
    if (!v) return float(0);
    if (v.k === 'str') return float(v.v === null ? null : Number(v.v));
    const x = orderNum(v);
    return float(x);
  });
  reg.def('bool', (a) => bool(a.get(0) ? truthyLocal(a.get(0)!) : false));
  reg.def(['print', 'input_none'], () => NONE);
  reg.def('iter', (a) => a.get(0) ?? UNKNOWN);
  reg.def('next', (a) => {
    const v = a.get(0) ?? UNKNOWN;
    // a DataLoader whose first batch is known: next(iter(loader)) loads only that one
    const first = v.k === 'opaque' ? v.attrs.get('_first') : undefined;
    if (first) return first;
    const it = iterate(a, v);
    if (it.items) return it.items[0] ?? a.get(1) ?? UNKNOWN;
    return it.elem;
  });
  reg.def(['any', 'all'], (a) => {
    const it = iterate(a, a.get(0));
    if (!it.items) return bool(null);
    const ts = it.items.map(truthyLocal);
    if (ts.some((t) => t === null)) return bool(null);
    return bool(a.op === 'any' ? ts.some((t) => t) : ts.every((t) => t));
  });
  reg.def('ord', (a) => {
    const v = a.get(0);
    return int(v && v.k === 'str' && v.v !== null && v.v.length === 1 ? v.v.codePointAt(0)! : null);
  });
  reg.def('chr', (a) => {
    const v = a.get(0);
    return str(v && v.k === 'int' && v.v !== null ? String.fromCodePoint(v.v) : null);
  });
  reg.def(['open', 'input', 'vars', 'dir', 'globals', 'locals', 'exec', 'eval', 'format', 'callable', 'object', 'slice', 'bytes'], () => UNKNOWN);
  // type(x): the class of a value whose class is known (compared with == / is against nn.Conv2d, int, a user class)
  reg.def('type', (a) => {
    const v = a.get(0);
    if (!v || a.args.length !== 1) return UNKNOWN;
    switch (v.k) {
      case 'nnmodule':
        return { k: 'builtin', name: `nn.${v.kind}` };
      case 'object':
        return v.cls;
      case 'int':
      case 'float':
      case 'str':
      case 'bool':
      case 'list':
      case 'tuple':
      case 'dict':
      case 'set':
        return { k: 'builtin', name: v.k };
      case 'tensor':
        // an nn.Parameter's type is Parameter, a numpy array's ndarray
        return v.numpy || v.facts.parameter ? UNKNOWN : { k: 'builtin', name: 'torch.Tensor' };
      default:
        return UNKNOWN;
    }
  });
  for (const m of ['split', 'rsplit', 'splitlines', 'join', 'lower', 'upper', 'strip', 'lstrip', 'rstrip', 'replace', 'startswith', 'endswith', 'find', 'index', 'count', 'isdigit', 'isalpha', 'title', 'capitalize', 'format', 'encode']) {
    reg.def(`str.${m}`, (a) => strMethod(a, m));
  }
  for (const m of ['append', 'extend', 'insert', 'pop', 'reverse', 'sort', 'copy', 'clear', 'index', 'count', 'remove']) {
    reg.def(`list.${m}`, (a) => listMethod(a, m));
  }
  for (const m of ['index', 'count']) reg.def(`tuple.${m}`, (a) => listMethod(a, m));
  for (const m of ['keys', 'values', 'items', 'get', 'setdefault', 'update', 'pop', 'copy', 'most_common']) reg.def(`dict.${m}`, (a) => dictMethod(a, m));
  reg.def('set.add', (a) => {
    const s = a.self;
    const v = a.get(0);
    if (s && s.k === 'set' && s.items && v) {
      const k = keyText(v);
      if (k === null) s.items = null;
      else if (!s.items.some((x) => keyText(x) === k)) s.items = [...s.items, v];
    }
    return NONE;
  });
  reg.def('set.update', (a) => {
    const s = a.self;
    if (s && s.k === 'set') s.items = null;
    return NONE;
  });
  reg.def('itertools.zip_longest', (a) => {
    const its = a.args.map((v) => iterate(a, v));
    const fill = a.kwargs.get('fillvalue') ?? NONE;
    if (its.length === 0) return list([]);
    if (!its.every((i) => i.items)) return unknownSeq('list', tuple(its.map((i) => join(i.elem, fill))));
    const n = Math.max(...its.map((i) => i.items!.length));
    return list(Array.from({ length: n }, (_, k) => tuple(its.map((i) => (k < i.items!.length ? i.items![k] : fill)))));
  });
  reg.def(['itertools.chain'], (a) => {
    const its = a.args.map((v) => iterate(a, v));
    if (its.every((i) => i.items)) return list(its.flatMap((i) => i.items!));
    return unknownSeq('list', its.length ? its.map((i) => i.elem).reduce((p, q) => join(p, q)) : UNKNOWN);
  });
  // chain.from_iterable(xss): the items of each item of xss, in order
  reg.def(['itertools.chain.from_iterable'], (a) => {
    const outer = iterate(a, a.get(0, 'iterable') ?? UNKNOWN);
    if (outer.items) {
      const its = outer.items.map((v) => iterate(a, v));
      if (its.every((i) => i.items)) return list(its.flatMap((i) => i.items!));
      return unknownSeq('list', its.length ? its.map((i) => i.elem).reduce((p, q) => join(p, q)) : UNKNOWN);
    }
    return unknownSeq('list', iterate(a, outer.elem).elem);
  });
  // random / math: values unknown (random) or computed (math), types known
  reg.def(['random.randint', 'random.randrange', 'random.getrandbits'], () => int(null));
  reg.def(['random.random', 'random.uniform', 'random.gauss', 'random.normalvariate'], () => float(null));
  // re / unicodedata over known strings (runtime/interp/regex.ts); a Pattern from re.compile carries its source
  const reArgs = (a: OpArgs, names: string[]): { pattern: string; flags: number; rest: Value[] } | null => {
    let pat = a.self ?? a.get(0, 'pattern');
    let flagsV = a.kwargs.get('flags');
    const offset = a.self ? 0 : 1;
    if (pat && pat.k === 'opaque' && pat.cls === 're.Pattern') {
      flagsV = pat.attrs.get('flags');
      pat = pat.attrs.get('pattern');
    }
    if (!pat || pat.k !== 'str' || pat.v === null) return null;
    const flags = flagsV === undefined ? 0 : reFlag(flagsV);
    if (flags === null) return null;
    return { pattern: pat.v, flags, rest: names.map((n, i) => a.get(offset + i, n) ?? NONE) };
  };
  const strOf = (v: Value): string | null => (v.k === 'str' ? v.v : null);
  reg.def(['re.compile'], (a) => {
    const pat = a.get(0, 'pattern');
    const fl = a.get(1, 'flags');
    return { k: 'opaque', cls: 're.Pattern', attrs: new Map<string, Value>([['pattern', pat ?? UNKNOWN], ['flags', fl ?? int(0)]]) };
  });
  reg.def(['re.sub', 're.Pattern.sub'], (a) => {
    const r = reArgs(a, ['repl', 'string', 'count']);
    if (!r) return str(null);
    const [repl, text, countV] = r.rest;
    const count = countV.k === 'none' ? 0 : countV.k === 'int' ? countV.v : null;
    const rs = strOf(repl);
    const ts = strOf(text);
    return str(rs === null || ts === null || count === null ? null : reSub(r.pattern, rs, ts, count, r.flags));
  });
  reg.def(['re.findall', 're.Pattern.findall'], (a) => {
    const r = reArgs(a, ['string']);
    const ts = r ? strOf(r.rest[0]) : null;
    const found = r && ts !== null ? reFindall(r.pattern, ts, r.flags) : null;
    if (!found || !a.services.allow(found.length)) return { k: 'list', items: null, elem: str(null) };
    return list(found.map((m) => (typeof m === 'string' ? str(m) : tuple(m.map((g) => str(g))))));
  });
  reg.def(['re.split', 're.Pattern.split'], (a) => {
    const r = reArgs(a, ['string', 'maxsplit']);
    const ts = r ? strOf(r.rest[0]) : null;
    const maxV = r ? r.rest[1] : NONE;
    const max = maxV.k === 'none' ? 0 : maxV.k === 'int' ? maxV.v : null;
    const parts = r && ts !== null && max !== null ? reSplit(r.pattern, ts, max, r.flags) : null;
    if (!parts || !a.services.allow(parts.length)) return { k: 'list', items: null, elem: str(null) };
    return list(parts.map((p) => str(p)));
  });
  for (const kind of ['match', 'search', 'fullmatch'] as const) {
    reg.def([`re.${kind}`, `re.Pattern.${kind}`], (a) => {
      const r = reArgs(a, ['string']);
      const ts = r ? strOf(r.rest[0]) : null;
      const hit = r && ts !== null ? reFinds(kind, r.pattern, ts, r.flags) : null;
      return hit === null ? UNKNOWN : hit ? { k: 'opaque', cls: 're.Match', attrs: new Map() } : NONE;
    });
  }
  reg.def('unicodedata.normalize', (a) => {
    const form = a.get(0, 'form');
    const s = a.get(1, 'unistr');
    return str(form && form.k === 'str' && form.v !== null && s && s.k === 'str' && s.v !== null ? unicodeNormalize(form.v, s.v) : null);
  });
  reg.def('unicodedata.category', (a) => {
    const c = a.get(0, 'chr');
    return str(c && c.k === 'str' && c.v !== null ? unicodeCategory(c.v) : null);
  });
  reg.def('random.seed', () => NONE);
  // hash(x) / id(x): ints whose values are per process
  reg.def(['hash', 'id'], () => int(null));
  // random.Random(seed): an object whose methods are the module's functions (same rules, values unknown)
  reg.def('random.Random', () => ({ k: 'opaque', cls: 'random', attrs: new Map() }));
  // random.shuffle(x) / np.random.shuffle(x): the same items (rows) in an order the engine cannot know, so every
  // position holds one of them (their join) and known values are dropped
  reg.def(['random.shuffle', 'np.random.shuffle'], (a) => {
    const x = a.get(0, 'x');
    if (!x) return NONE;
    if (x.k === 'list' && x.items && x.items.length > 1) {
      const each = seqElem(list(x.items.slice(0, 256)));
      a.services.mutateSeq(x, x.items.length <= 256 && each ? x.items.map(() => each) : null, each);
    } else if (x.k === 'tensor' && x.shape && !(x.shape.length && x.shape[0] === 1)) delete x.data;
    return NONE;
  });
  reg.def('random.choice', (a) => {
    const it = iterate(a, a.get(0));
    return it.elem;
  });
  reg.def(['random.sample', 'random.choices'], (a) => {
    const it = iterate(a, a.get(0));
    const k = a.get(1, 'k');
    return unknownSeq('list', it.elem, k ? dimOf(k) : null);
  });
  const mathFn = (f: (x: number) => number, asInt: boolean) => (a: OpArgs): Value => {
    const x = orderNum(a.get(0) ?? UNKNOWN);
    if (x === null) return asInt ? int(null) : float(null);
    return asInt ? int(f(x)) : float(f(x));
  };
  reg.def('math.sqrt', mathFn(Math.sqrt, false));
  reg.def('math.exp', mathFn(Math.exp, false));
  reg.def('math.log', mathFn(Math.log, false));
  reg.def('math.ceil', mathFn(Math.ceil, true));
  reg.def('math.floor', mathFn(Math.floor, true));
  reg.def(['tqdm', 'tqdm.tqdm', 'tqdm.auto.tqdm', 'tqdm.notebook.tqdm', 'tqdm.tqdm_notebook'], (a) => a.get(0) ?? UNKNOWN);
}

function truthyLocal(v: Value): boolean | null {
  switch (v.k) {
    case 'none':
      return false;
    case 'bool':
      return v.v;
    case 'int':
    case 'float':
      return v.v === null ? null : v.v !== 0;
    case 'str':
      return v.v === null ? null : v.v.length > 0;
    case 'list':
    case 'tuple':
      return v.items ? v.items.length > 0 : null;
    default:
      return null;
  }
}

/** A re flags argument: an int, re.IGNORECASE-style constants, or their | (null when not known). */
function reFlag(v: Value): number | null {
  if (v.k === 'int') return v.v;
  if (v.k === 'builtin' && v.name.startsWith('re.') && !v.self) return RE_FLAGS[v.name.slice(3)] ?? null;
  return null;
}
