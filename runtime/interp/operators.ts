// Python operators over abstract values: arithmetic on ints/floats (symbolic sizes stay symbolic: B*2), strings,
// lists/tuples (+, * repetition), comparisons and membership; tensor operands go to the elementwise op rules
// (runtime/torch/ops/elementwise.ts) and `@` to matmul (runtime/torch/ops/linalg.ts).
import { ShapeError, symbolic } from '../shape/dim';
import { bool, CHARS_PER_ITEM, float, int, intFromDim, list, str, tensor, unknown, UNKNOWN, type Value } from './values';

/** Budget items for a string of `n` characters. */
const chars = (n: number): number => Math.ceil(n / CHARS_PER_ITEM);
import { tensorBinary } from '../torch/ops/elementwise';
import { matmulValues } from '../torch/ops/linalg';
import type { OpServices } from '../torch/ops/registry';
import { intArith, keyText } from './pyutil';

function num(v: Value): number | null {
  if (v.k === 'int' || v.k === 'float') return v.v;
  if (v.k === 'bool') return v.v === null ? null : v.v ? 1 : 0;
  return null;
}

function isNum(v: Value): boolean {
  return v.k === 'int' || v.k === 'float' || v.k === 'bool';
}

function pyMod(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}

export function binaryOp(s: OpServices, op: string, a: Value, b: Value, _inplace: boolean): Value {
  if (op === '@') return matmulValues(a, b);
  if (a.k === 'tensor' || b.k === 'tensor') {
    return tensorBinary(op, a, b) ?? (a.k === 'unknown' || b.k === 'unknown' ? tensor(null, null) : UNKNOWN);
  }
  const named = symbolicOperand(a, b);
  if (named) return named(op);
  if (isNum(a) && isNum(b)) {
    const isFloat = a.k === 'float' || b.k === 'float';
    const sym = !isFloat ? intArith(op, a.k === 'bool' ? int(num(a)) : a, b.k === 'bool' ? int(num(b)) : b) : null;
    if (sym && (sym.k !== 'int' || sym.v !== null || sym.sym)) return sym;
    const x = num(a);
    const y = num(b);
    const mk = (v: number | null, f: boolean): Value => (f ? float(v) : int(v));
    if (x === null || y === null) return op === '/' ? float(null) : mk(null, isFloat);
    switch (op) {
      case '+':
        return mk(x + y, isFloat);
      case '-':
        return mk(x - y, isFloat);
      case '*':
        return mk(x * y, isFloat);
      case '/':
        if (y === 0) throw new ShapeError('ZeroDivisionError: division by zero');
        return float(x / y);
      case '//':
        if (y === 0) throw new ShapeError('ZeroDivisionError: integer division or modulo by zero');
        return mk(Math.floor(x / y), isFloat);
      case '%':
        if (y === 0) return mk(null, isFloat);
        return mk(pyMod(x, y), isFloat);
      case '**':
        return y < 0 && !isFloat ? float(x ** y) : mk(x ** y, isFloat);
      case '&':
        return int(x & y);
      case '|':
        return int(x | y);
      case '^':
        return int(x ^ y);
      case '<<':
        return int(x << y);
      case '>>':
        return int(x >> y);
      default:
        return UNKNOWN;
    }
  }
  if (a.k === 'str' && b.k === 'str' && op === '+') return str(a.v !== null && b.v !== null && s.allow(chars(a.v.length + b.v.length)) ? a.v + b.v : null);
  if (a.k === 'str' && op === '%') return str(null);
  if (op === '*' && ((a.k === 'str' && b.k === 'int') || (a.k === 'int' && b.k === 'str'))) {
    const sv = a.k === 'str' ? a.v : b.k === 'str' ? b.v : null;
    const n = a.k === 'int' ? a.v : b.k === 'int' ? b.v : null;
    return str(sv !== null && n !== null && s.allow(chars(sv.length * Math.max(0, n))) ? sv.repeat(Math.max(0, n)) : null);
  }
  if ((a.k === 'list' || a.k === 'tuple') && op === '+' && b.k === a.k) {
    if (a.items && b.items && s.allow(a.items.length + b.items.length)) return { k: a.k, items: [...a.items, ...b.items] };
    const ea = a.items ? a.items[0] : a.elem;
    return { k: a.k, items: null, elem: ea ?? (b.items ? b.items[0] : b.elem) };
  }
  if (op === '*' && ((a.k === 'list' || a.k === 'tuple') && b.k === 'int' || (b.k === 'list' || b.k === 'tuple') && a.k === 'int')) {
    const seq = a.k === 'int' ? b : a;
    const n = a.k === 'int' ? a : b;
    if (seq.k !== 'list' && seq.k !== 'tuple') return UNKNOWN;
    const count = n.k === 'int' ? n.v : null;
    if (seq.items && count !== null && s.allow(Math.max(0, count) * seq.items.length)) {
      const out: Value[] = [];
      for (let i = 0; i < count; i++) out.push(...seq.items);
      return { k: seq.k, items: out };
    }
    return { k: seq.k, items: null, elem: seq.items ? seq.items[0] : seq.elem, len: null };
  }
  if (a.k === 'packed' || b.k === 'packed') throw new ShapeError(`unsupported operand type(s) for ${op}: 'PackedSequence'`);
  return unknown();
}

/** Arithmetic between sizes where one side is an unknown value the code names (an open parameter `hid`) and the
 *  other an int or another such name: the result is unknown too, named by the symbolic expression (`2*hid`,
 *  `hid//2`). The name only matters where the value is used as a size, i.e. where it is an int, and then it is
 *  exactly that int. */
function symbolicOperand(a: Value, b: Value): ((op: string) => Value) | null {
  const isNamed = (v: Value): boolean => v.k === 'unknown' && v.name !== undefined;
  if (!(isNamed(a) && (isNamed(b) || b.k === 'int')) && !(isNamed(b) && a.k === 'int')) return null;
  return (op) => {
    const r = intArith(op, asSymInt(a), asSymInt(b));
    return r && r.k === 'int' && r.v === null && r.sym ? { k: 'unknown', name: r.sym } : unknown();
  };
}

function asSymInt(v: Value): Value {
  return v.k === 'unknown' && v.name !== undefined ? int(null, v.name) : v;
}

export function unaryOp(_s: OpServices, op: string, v: Value): Value {
  if (v.k === 'tensor') {
    if (op === 'not') {
      if (v.shape && v.shape.some((d) => typeof d === 'number' && d !== 1) && v.shape.length > 0) {
        throw new ShapeError('Boolean value of Tensor with more than one value is ambiguous');
      }
      return bool(null);
    }
    if (op === '~') return tensor(v.shape, v.dtype);
    const r = tensorBinary('*', v, int(op === '-' ? -1 : 1));
    return r && r.k === 'tensor' ? { ...r, dtype: v.dtype } : tensor(v.shape, v.dtype);
  }
  if (v.k === 'int') {
    if (op === '-') return v.v !== null ? int(-v.v) : intFromDim(v.sym ? symbolic(`-${v.sym}`) : null);
    if (op === '+') return v;
    if (op === '~') return int(v.v === null ? null : ~v.v);
  }
  if (v.k === 'float') return float(v.v === null ? null : op === '-' ? -v.v : v.v);
  if (v.k === 'bool') return int(v.v === null ? null : op === '-' ? -(v.v ? 1 : 0) : v.v ? 1 : 0);
  return UNKNOWN;
}

function contains(container: Value, item: Value): boolean | null {
  const k = keyText(item);
  switch (container.k) {
    case 'list':
    case 'tuple':
    case 'set': {
      if (!container.items || k === null) return null;
      let maybe = false;
      for (const it of container.items) {
        const ik = keyText(it);
        if (ik === null) maybe = true;
        else if (ik === k) return true;
      }
      return maybe ? null : false;
    }
    case 'dict':
      if (!container.entries || k === null) return null;
      return container.entries.has(k);
    case 'str':
      if (container.v === null || item.k !== 'str' || item.v === null) return null;
      return container.v.includes(item.v);
    default:
      return null;
  }
}

export function compareOp(_s: OpServices, op: string, a: Value, b: Value): Value {
  if (op === 'in' || op === 'not in') {
    const r = contains(b, a);
    return bool(r === null ? null : op === 'in' ? r : !r);
  }
  if (op === 'is' || op === 'is not') {
    let r: boolean | null = null;
    if (a.k === 'none' || b.k === 'none') {
      if (a.k === 'unknown' || b.k === 'unknown') r = null;
      else r = a.k === b.k;
    } else if (a.k === 'bool' && b.k === 'bool' && a.v !== null && b.v !== null) r = a.v === b.v;
    else if (a === b) r = true;
    else r = sameClass(a, b);
    return bool(r === null ? null : op === 'is' ? r : !r);
  }
  if (a.k === 'tensor' || b.k === 'tensor') return tensorBinary(op, a, b) ?? bool(null);
  const x = num(a);
  const y = num(b);
  if (isNum(a) && isNum(b)) {
    if (x === null || y === null) {
      if (op === '==' && a.k === 'int' && b.k === 'int' && a.sym && a.sym === b.sym) return bool(true);
      return bool(null);
    }
    const f = { '<': x < y, '>': x > y, '<=': x <= y, '>=': x >= y, '==': x === y, '!=': x !== y, '<>': x !== y }[op];
    return bool(f ?? null);
  }
  if (a.k === 'str' && b.k === 'str') {
    if (a.v === null || b.v === null) return bool(null);
    const f = { '<': a.v < b.v, '>': a.v > b.v, '<=': a.v <= b.v, '>=': a.v >= b.v, '==': a.v === b.v, '!=': a.v !== b.v }[op];
    return bool(f ?? null);
  }
  if (op === '==' || op === '!=') {
    const cls = sameClass(a, b);
    if (cls !== null) return bool(op === '==' ? cls : !cls);
    const ka = keyText(a);
    const kb = keyText(b);
    if (ka !== null && kb !== null) return bool(op === '==' ? ka === kb : ka !== kb);
    if (a.k === 'none' || b.k === 'none') {
      if (a.k === 'unknown' || b.k === 'unknown') return bool(null);
      return bool(op === '==' ? a.k === b.k : a.k !== b.k);
    }
    if ((a.k === 'list' || a.k === 'tuple') && (b.k === 'list' || b.k === 'tuple') && a.items && b.items) {
      if (a.items.length !== b.items.length) return bool(op !== '==');
    }
  }
  return bool(null);
}

export { list };

/** Whether two class values are the same class (type(m) == nn.Conv2d, type(o) is MyClass); null when either is not a
 *  known class: a builtin type name without a receiver, or a user class. */
function sameClass(a: Value, b: Value): boolean | null {
  const isType = (v: Value): boolean => (v.k === 'builtin' && v.self === undefined) || v.k === 'class';
  if (!isType(a) || !isType(b)) return null;
  if (a.k === 'builtin' && b.k === 'builtin') return a.name === b.name;
  return a === b;
}
