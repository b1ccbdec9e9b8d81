// Subscripts: `x[i]`, `x[a:b]`, `d[k]` on Python containers, user objects with __getitem__, ModuleList/Sequential,
// PackedSequence (a namedtuple) — and tensors, delegated to the tensor indexing rule (runtime/torch/ops/indexing.ts).
// Also item assignment (`x[i] = v`, `d[k] = v`, `t[idx, :n] = …`).
import { ShapeError } from '../shape/dim';
import { NONE, UNKNOWN, int, join, seqElem, str, unknown, type SeqValue, type Value } from './values';
import { tensorIndex, tensorSetIndex } from '../torch/ops/indexing';
import type { OpServices } from '../torch/ops/registry';
import { keyText } from './pyutil';
import { packedAttr } from '../torch/ops/attributes';

interface Host {
  getAttr(obj: Value, name: string, node: never): Value;
}

function sliceBounds(idx: Value, len: number): number[] | null {
  if (idx.k !== 'opaque' || idx.cls !== 'slice') return null;
  const g = (n: string): number | null | undefined => {
    const v = idx.attrs.get(n);
    if (!v || v.k === 'none') return undefined;
    return v.k === 'int' ? v.v : null;
  };
  const start = g('start');
  const stop = g('stop');
  const step = g('step') ?? 1;
  if (start === null || stop === null || step === null || step === 0) return null;
  const out: number[] = [];
  const norm = (v: number | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    if (v < 0) v += len;
    return step > 0 ? Math.min(Math.max(v, 0), len) : Math.min(Math.max(v, -1), len - 1);
  };
  if (step > 0) {
    for (let i = norm(start, 0); i < norm(stop, len); i += step) out.push(i);
  } else {
    for (let i = norm(start, len - 1); i > norm(stop, -1); i += step) out.push(i);
  }
  return out;
}

export function indexValue(s: OpServices, obj: Value, idx: Value, host: Host): Value {
  switch (obj.k) {
    case 'tensor':
      return tensorIndex(obj, idx);
    case 'list':
    case 'tuple': {
      if (idx.k === 'opaque' && idx.cls === 'slice') {
        if (!obj.items) return { k: obj.k, items: null, elem: obj.elem };
        const b = sliceBounds(idx, obj.items.length);
        if (!b) return { k: obj.k, items: null, elem: seqElem(obj) };
        const r: SeqValue = { k: obj.k, items: b.map((i) => obj.items![i]) };
        if (obj.isSize) r.isSize = true;
        return r;
      }
      if (idx.k === 'int' || idx.k === 'bool') {
        const i = idx.k === 'int' ? idx.v : idx.v === null ? null : idx.v ? 1 : 0;
        if (!obj.items || i === null) return obj.items ? (seqElem(obj) ?? UNKNOWN) : (obj.elem ?? UNKNOWN);
        const n = obj.items.length;
        const j = i < 0 ? i + n : i;
        if (j < 0 || j >= n) throw new ShapeError(`IndexError: ${obj.k} index out of range`);
        return obj.items[j];
      }
      if (idx.k === 'tensor' && idx.shape && idx.shape.length === 0 && idx.data) return indexValue(s, obj, int(idx.data.data[0]), host);
      return obj.items ? (seqElem(obj) ?? UNKNOWN) : (obj.elem ?? UNKNOWN);
    }
    case 'str': {
      if (obj.v === null) return str(null);
      if (idx.k === 'int' && idx.v !== null) {
        const j = idx.v < 0 ? idx.v + obj.v.length : idx.v;
        if (j < 0 || j >= obj.v.length) throw new ShapeError('IndexError: string index out of range');
        return str(obj.v[j]);
      }
      const b = sliceBounds(idx, obj.v.length);
      return str(b ? b.map((i) => obj.v![i]).join('') : null);
    }
    case 'dict': {
      const k = keyText(idx);
      if (!obj.entries) return obj.elem ?? (obj.counter ? int(null) : obj.missing ? joinMissing(s, obj.missing) : UNKNOWN);
      if (k === null) {
        let e: Value | undefined;
        for (const [, [, v]] of obj.entries) e = e ? join(e, v) : v;
        if (obj.counter) e = e ? join(e, int(0)) : int(0);
        else if (obj.missing) {
          // a defaultdict may store a new key: its contents are no longer known
          const made = joinMissing(s, obj.missing);
          e = e ? join(e, made) : made;
          obj.entries = null;
          obj.elem = e;
        }
        return e ?? UNKNOWN;
      }
      const hit = obj.entries.get(k);
      if (!hit && obj.counter) return int(0);
      if (!hit && obj.missing) {
        // defaultdict: the factory's value, stored under the key
        const made = s.call(obj.missing, []);
        obj.entries.set(k, [idx, made]);
        return made;
      }
      if (!hit) {
        if (s) s.note(`KeyError: ${k.slice(1)}`);
        return unknown('missing key');
      }
      return hit[1];
    }
    case 'packed': {
      const names = ['data', 'batch_sizes', 'sorted_indices', 'unsorted_indices'];
      if (idx.k === 'int' && idx.v !== null) {
        const j = idx.v < 0 ? idx.v + 4 : idx.v;
        if (j >= 0 && j < 4) return packedAttr(obj, names[j]);
      }
      return UNKNOWN;
    }
    case 'nnmodule': {
      const mods = obj.attrs.get('_modules');
      if (mods && (mods.k === 'list' || mods.k === 'tuple')) {
        if (idx.k === 'opaque' && idx.cls === 'slice') {
          const sub = indexValue(s, mods, idx, host);
          return { k: 'nnmodule', kind: obj.kind, cfg: obj.cfg, attrs: new Map([['_modules', sub]]) };
        }
        return indexValue(s, mods, idx, host);
      }
      const dict = obj.attrs.get('_dict');
      if (dict && dict.k === 'dict') return indexValue(s, dict, idx, host);
      return UNKNOWN;
    }
    case 'object':
    case 'opaque': {
      const getitem = host.getAttr(obj, '__getitem__', undefined as never);
      if (getitem.k === 'bound' || (getitem.k === 'builtin' && obj.k === 'opaque')) return s.call(getitem, [idx]);
      return UNKNOWN;
    }
    case 'unknown':
      return UNKNOWN;
    case 'none':
      throw new ShapeError("TypeError: 'NoneType' object is not subscriptable");
    default:
      return UNKNOWN;
  }
}

export function setIndexValue(
  s: OpServices,
  obj: Value,
  idx: Value,
  value: Value,
  weak: boolean,
  mutateSeq: (seq: SeqValue, items: Value[] | null, added: Value | undefined) => void,
): void {
  switch (obj.k) {
    case 'tensor':
      tensorSetIndex(obj, idx, value, weak);
      return;
    case 'list': {
      if (!obj.items) {
        mutateSeq(obj, null, value);
        return;
      }
      if (idx.k === 'int' && idx.v !== null) {
        const n = obj.items.length;
        const j = idx.v < 0 ? idx.v + n : idx.v;
        if (j < 0 || j >= n) throw new ShapeError('IndexError: list assignment index out of range');
        const items = [...obj.items];
        items[j] = weak ? join(items[j], value) : value;
        obj.items = items;
        return;
      }
      mutateSeq(obj, null, value);
      return;
    }
    case 'dict': {
      const k = keyText(idx);
      if (!obj.entries || k === null) {
        obj.entries = null;
        return;
      }
      const old = obj.entries.get(k);
      if (weak && !old) {
        // a key added on a path that may not run: which keys the dict holds is no longer known (len, keys(),
        // values() would otherwise count it for sure)
        let e: Value = value;
        for (const [, [, v]] of obj.entries) e = join(e, v);
        obj.entries = null;
        obj.elem = e;
        return;
      }
      obj.entries.set(k, [idx, weak && old ? join(old[1], value) : value]);
      return;
    }
    default:
      void s;
      void NONE;
      return;
  }
}

/** What `d[k]` gives on a defaultdict / Counter of unknown contents: a stored value (unknown) or the factory's. */
function joinMissing(s: OpServices, factory: Value): Value {
  const made = s.call(factory, []);
  return made.k === 'int' ? int(null) : made.k === 'list' ? { k: 'list', items: null } : UNKNOWN;
}
