// Record comparison exactly as ../shared/fixtures/shapes/score.mjs does it (exact / partial / wrong / missing), for
// the unit tests of the shape engine (the scorer itself is a copy under test/fixtures/shapes/score.mjs).
export type Grade = 'exact' | 'partial' | 'wrong' | 'missing';

const EXACT = 0;
const PARTIAL = 1;
const WRONG = 2;

type Rec = Record<string, unknown>;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isUnknown = (v: unknown): boolean => v === null || v === undefined || typeof v === 'string';

function cmpScalar(e: unknown, a: unknown): number {
  if (isUnknown(a)) return PARTIAL;
  if (isNum(a) || typeof a === 'boolean') return a === e ? EXACT : WRONG;
  return WRONG;
}

function cmpList(e: unknown, a: unknown): number {
  if (e === null || e === undefined) return a === null || a === undefined ? EXACT : WRONG;
  if (!Array.isArray(a)) return isUnknown(a) ? PARTIAL : WRONG;
  const el = e as unknown[];
  if (a.length !== el.length) return WRONG;
  let r = EXACT;
  for (let i = 0; i < el.length; i++) r = Math.max(r, cmpScalar(el[i], a[i]));
  return r;
}

function cmpRecord(e: Rec, a: Rec | undefined): number {
  if (!a || typeof a !== 'object' || a.kind !== e.kind) return WRONG;
  if (e.kind === 'tensor') {
    if (!Array.isArray(a.shape)) return isUnknown(a.shape) ? PARTIAL : WRONG;
    const dt = a.dtype === null || a.dtype === undefined ? PARTIAL : a.dtype === e.dtype ? EXACT : WRONG;
    return Math.max(cmpList(e.shape, a.shape), dt);
  }
  if (e.kind === 'packed') {
    let r = !Array.isArray(a.data_shape) ? (isUnknown(a.data_shape) ? PARTIAL : WRONG) : cmpList(e.data_shape, a.data_shape);
    for (const f of ['batch_sizes', 'sorted_indices', 'unsorted_indices']) {
      if (e[f] !== null && e[f] !== undefined) r = Math.max(r, cmpList(e[f], a[f]));
      else if (f in a) r = Math.max(r, cmpList(e[f], a[f]));
    }
    return r;
  }
  if (e.kind === 'tuple') {
    if (!Array.isArray(a.items)) return isUnknown(a.items) ? PARTIAL : WRONG;
    const ei = e.items as Rec[];
    if (a.items.length !== ei.length) return WRONG;
    let r = EXACT;
    for (let i = 0; i < ei.length; i++) r = Math.max(r, cmpRecord(ei[i], a.items[i] as Rec));
    return r;
  }
  return WRONG;
}

/** Grades every stable expected record against the actual records (matched on line + name, col breaks ties). */
export function grade(expected: Rec[], actual: Rec[]): { rec: Rec; grade: Grade; got?: Rec }[] {
  const out: { rec: Rec; grade: Grade; got?: Rec }[] = [];
  for (const e of expected) {
    if (e.stable === false) continue;
    const cands = actual.filter((a) => a.line === e.line && a.name === e.name);
    const got = cands.find((a) => a.col === e.col) ?? cands[0];
    if (!got) {
      out.push({ rec: e, grade: 'missing' });
      continue;
    }
    const r = cmpRecord(e, got);
    out.push({ rec: e, grade: r === EXACT ? 'exact' : r === PARTIAL ? 'partial' : 'wrong', got });
  }
  return out;
}
