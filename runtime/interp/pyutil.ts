// Small Python-semantics helpers shared by the interpreter and the operators: dict/set key identity and integer
// arithmetic that keeps symbolic sizes symbolic.
import { dimAdd, dimFloorDiv, dimMul, dimSub, type Dim } from '../shape/dim';
import { intFromDim, type Value } from './values';

/** A stable text for dict keys and set members (Python equality for str/int/float/bool/None/tuples of those). */
export function keyText(v: Value): string | null {
  switch (v.k) {
    case 'str':
      return v.v === null ? null : `s${JSON.stringify(v.v)}`;
    case 'int':
    case 'float':
      return v.v === null ? null : `n${v.v}`;
    case 'bool':
      return v.v === null ? null : `n${v.v ? 1 : 0}`;
    case 'none':
      return 'None';
    case 'tuple': {
      if (!v.items) return null;
      const parts = v.items.map(keyText);
      return parts.some((p) => p === null) ? null : `t(${parts.join(',')})`;
    }
    default:
      return null;
  }
}

export function intArith(op: string, a: Value, b: Value): Value | null {
  if (a.k !== 'int' || b.k !== 'int') return null;
  const da: Dim = a.v ?? a.sym ?? null;
  const db: Dim = b.v ?? b.sym ?? null;
  switch (op) {
    case '+':
      return intFromDim(dimAdd(da, db));
    case '-':
      return intFromDim(dimSub(da, db));
    case '*':
      return intFromDim(dimMul(da, db));
    case '//':
      return intFromDim(dimFloorDiv(da, db));
    default:
      return null;
  }
}

