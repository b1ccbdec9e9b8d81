// torch.einsum: the equation's subscripts are checked against each operand's rank (PyTorch's message), sizes of a
// repeated subscript must agree or be 1 (broadcast), '...' covers the remaining dims (broadcast across operands),
// and the output is the explicit '->' part (ellipsis dims left out of it are summed) or, implicitly, the ellipsis dims then the subscripts used once, sorted.
// An equation the engine cannot read, or operands of different dtypes, give an unknown result rather than a guess.
import { ShapeError, broadcastShapes, type Dim } from '../../shape/dim';
import { tensor, type TensorValueA, type Value } from '../../interp/values';
import type { OpArgs, OpRegistry } from './registry';

interface Term {
  letters: string[];
  /** Index in `letters` where '...' stands, or -1. */
  ellipsisAt: number;
}

function parseTerm(s: string): Term | null {
  const t = s.replace(/\s+/g, '');
  const at = t.indexOf('...');
  if (at >= 0 && t.indexOf('...', at + 1) >= 0) return null;
  const plain = at >= 0 ? t.slice(0, at) + t.slice(at + 3) : t;
  if (!/^[a-zA-Z]*$/.test(plain)) return null;
  return { letters: [...plain], ellipsisAt: at >= 0 ? [...t.slice(0, at)].length : -1 };
}

function einsumRule(a: OpArgs): Value {
  const eqV = a.get(0, 'equation');
  if (!eqV || eqV.k !== 'str' || eqV.v === null) return tensor(null, null);
  let operands: Value[] = a.args.slice(1);
  if (operands.length === 1 && (operands[0].k === 'list' || operands[0].k === 'tuple')) {
    const items = a.services.items(operands[0]);
    if (!items) return tensor(null, null);
    operands = items;
  }
  const ts: TensorValueA[] = [];
  for (const o of operands) {
    if (o.k !== 'tensor') return tensor(null, null);
    ts.push(o);
  }
  const dtype = ts.every((t) => t.dtype !== null && t.dtype === ts[0].dtype) ? ts[0].dtype : null;
  const [lhs, rhs] = eqV.v.split('->');
  if (eqV.v.split('->').length > 2) return tensor(null, dtype);
  const terms = lhs.split(',').map(parseTerm);
  if (terms.some((t) => t === null) || terms.length !== ts.length) return tensor(null, dtype);
  const sizes = new Map<string, Dim>();
  const counts = new Map<string, number>();
  let ellipsis: Dim[] | null = [];
  let anyEllipsis = false;
  for (let i = 0; i < ts.length; i++) {
    const term = terms[i]!;
    const shape = ts[i].shape;
    if (shape === null) return tensor(null, dtype);
    if (term.ellipsisAt < 0 && term.letters.length !== shape.length) {
      throw new ShapeError(`einsum(): the number of subscripts in the equation (${term.letters.length}) does not match the number of dimensions (${shape.length}) for operand ${i} and no ellipsis was given`);
    }
    if (term.ellipsisAt >= 0 && term.letters.length > shape.length) {
      throw new ShapeError(`einsum(): the number of subscripts in the equation (${term.letters.length}) is more than the number of dimensions (${shape.length}) for operand ${i}`);
    }
    const nEll = shape.length - term.letters.length;
    const dimsOf: Dim[] = [];
    term.letters.forEach((_, j) => dimsOf.push(shape[term.ellipsisAt >= 0 && j >= term.ellipsisAt ? j + nEll : j]));
    if (term.ellipsisAt >= 0) {
      anyEllipsis = true;
      const ell = shape.slice(term.ellipsisAt, term.ellipsisAt + nEll);
      ellipsis = ellipsis === null ? null : broadcastShapes(ellipsis, ell);
    }
    // a subscript repeated inside one operand (a diagonal, 'ii') must have equal sizes there
    const seenHere = new Map<string, Dim>();
    term.letters.forEach((l, j) => {
      const d = dimsOf[j];
      const prevHere = seenHere.get(l);
      if (prevHere !== undefined && typeof prevHere === 'number' && typeof d === 'number' && prevHere !== d) {
        throw new ShapeError(`einsum(): subscript ${l} is repeated for operand ${i} but the sizes don't match, ${d} != ${prevHere}`);
      }
      seenHere.set(l, d);
      counts.set(l, (counts.get(l) ?? 0) + 1);
      if (!sizes.has(l)) {
        sizes.set(l, d);
        return;
      }
      const prev = sizes.get(l)!;
      if (typeof prev === 'number' && typeof d === 'number') {
        if (prev !== d && prev !== 1 && d !== 1) {
          throw new ShapeError(`einsum(): subscript ${l} has size ${d} for operand ${i} which does not broadcast with previously seen size ${prev}`);
        }
        if (prev === 1) sizes.set(l, d);
      } else if (typeof prev === 'number' && prev !== 1) {
        // the other is unknown: if the program runs it is prev or 1, so prev stands
      } else if (typeof d === 'number' && d !== 1) {
        if (prev === null || prev === 1 || typeof prev === 'string') sizes.set(l, d);
      } else if (prev !== d) {
        sizes.set(l, null);
      }
    });
  }
  let out: Term | null;
  if (rhs !== undefined) {
    out = parseTerm(rhs);
    if (out === null) return tensor(null, dtype);
    for (const l of out.letters) {
      if (!sizes.has(l)) throw new ShapeError(`einsum(): output subscript ${l} does not appear in the equation for any input operand`);
    }
  } else {
    const once = [...counts.entries()].filter(([, n]) => n === 1).map(([l]) => l);
    once.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    out = { letters: once, ellipsisAt: anyEllipsis ? 0 : -1 };
  }
  const shape: Dim[] = out.letters.map((l) => sizes.get(l) ?? null);
  if (out.ellipsisAt >= 0) {
    if (ellipsis === null) return tensor(null, dtype);
    shape.splice(out.ellipsisAt, 0, ...ellipsis);
  }
  return tensor(shape, dtype);
}

export function register(reg: OpRegistry): void {
  reg.def('torch.einsum', einsumRule);
}
