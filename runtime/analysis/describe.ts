// Rendering of abstract values: the compact hover/inlay text (`Tensor[int64] (3, 8)`, `PackedSequence data (18, 4)
// batch_sizes [3,3,3,3,2,2,1,1]`, `(h_n (1, 3, 5), c_n (1, 3, 5))`) and the record bodies of the shapes fixture
// schema (../shared/fixtures/shapes/README.md), where a dim is a number, a string (symbolic) or null (unknown).
import { formatDim, formatShape, type Dim } from '../shape/dim';
import { assertNever, type PackedValueA, type TensorValueA, type Value } from '../interp/values';

export type RecordBody =
  | { kind: 'tensor'; shape: Dim[] | null; dtype: string | null }
  | {
      kind: 'packed';
      data_shape: Dim[] | null;
      batch_sizes: Dim[] | null;
      sorted_indices?: Dim[] | null;
      unsorted_indices?: Dim[] | null;
    }
  | { kind: 'tuple'; items: RecordBody[] };

const MAX_RECORD_ITEMS = 64;

/** The fixture-schema record body of a value, or null when the value is not a tensor / PackedSequence / (nested)
 *  tuple or list made only of those (or when too little is known to even say that). */
export function recordBody(v: Value, depth = 0): RecordBody | null {
  if (depth > 8) return null;
  switch (v.k) {
    case 'tensor':
      if (v.numpy) return null;
      return { kind: 'tensor', shape: v.shape ? [...v.shape] : null, dtype: v.dtype };
    case 'packed': {
      const body: RecordBody = {
        kind: 'packed',
        data_shape: v.data.shape ? [...v.data.shape] : null,
        batch_sizes: v.batchSizes ? [...v.batchSizes] : null,
      };
      if (v.sortedIndices !== 'unknown') body.sorted_indices = v.sortedIndices ? [...v.sortedIndices] : null;
      if (v.unsortedIndices !== 'unknown') body.unsorted_indices = v.unsortedIndices ? [...v.unsortedIndices] : null;
      return body;
    }
    case 'list':
    case 'tuple': {
      if (v.items === null || v.items.length === 0 || v.items.length > MAX_RECORD_ITEMS || v.isSize) return null;
      const items: RecordBody[] = [];
      for (const it of v.items) {
        const b = recordBody(it, depth + 1);
        if (!b) return null;
        items.push(b);
      }
      return { kind: 'tuple', items };
    }
    case 'unknown':
    case 'none':
    case 'bool':
    case 'int':
    case 'float':
    case 'str':
    case 'dict':
    case 'set':
    case 'nnmodule':
    case 'class':
    case 'object':
    case 'func':
    case 'bound':
    case 'builtin':
    case 'ns':
    case 'opaque':
      return null;
    default:
      return assertNever(v);
  }
}

function dimList(dims: readonly Dim[] | null, max = 24): string {
  if (dims === null) return '?';
  const shown = dims.slice(0, max).map(formatDim).join(',');
  return `[${shown}${dims.length > max ? ',…' : ''}]`;
}

function describeTensor(t: TensorValueA): string {
  const head = t.numpy ? `ndarray[${t.dtype ?? '?'}]` : `Tensor[${t.dtype ?? '?'}]`;
  let s = `${head} ${formatShape(t.shape)}`;
  if (t.data && t.data.numel <= 16 && t.data.ndim <= 1 && (t.dtype === 'int64' || t.dtype === 'int32' || t.dtype === 'bool')) {
    s += ` = ${t.data.ndim === 0 ? String(t.data.data[0]) : `[${t.data.toArray().join(', ')}]`}`;
  }
  return s;
}

function describePacked(p: PackedValueA): string {
  let s = `PackedSequence data ${formatShape(p.data.shape)} batch_sizes ${dimList(p.batchSizes)}`;
  if (p.sortedIndices === 'unknown') s += ' sorted_indices ?';
  else if (p.sortedIndices !== null) s += ` sorted_indices ${dimList(p.sortedIndices)}`;
  return s;
}

function pyRepr(v: Value, depth: number): string {
  const s = describeValue(v, undefined, depth + 1);
  return s;
}

/** Compact, Pylance-like description of a value. `names` labels tuple items (e.g. ['h_n', 'c_n']). */
export function describeValue(v: Value, names?: readonly string[], depth = 0): string {
  if (depth > 4) return '…';
  switch (v.k) {
    case 'tensor':
      return describeTensor(v);
    case 'packed':
      return describePacked(v);
    case 'list':
    case 'tuple': {
      if (v.isSize && v.items) return `torch.Size([${v.items.map((x) => (x.k === 'int' ? formatDim(x.v ?? x.sym ?? null) : '?')).join(', ')}])`;
      const [open, close] = v.k === 'list' ? ['[', ']'] : ['(', v.items?.length === 1 ? ',)' : ')'];
      if (v.items === null) {
        const len = v.len === undefined || v.len === null ? '?' : String(v.len);
        return `${v.k}[${v.elem ? pyRepr(v.elem, depth) : '?'}] × ${len}`;
      }
      const shown = v.items.slice(0, 8).map((x, i) => {
        const d = pyRepr(x, depth);
        return names?.[i] ? `${names[i]} ${d.replace(/^Tensor\[float32\] /, '')}` : d;
      });
      return `${open}${shown.join(', ')}${v.items.length > 8 ? `, … (${v.items.length} items)` : ''}${close}`;
    }
    case 'unknown':
      return v.why ? `unknown (${v.why})` : 'unknown';
    case 'none':
      return 'None';
    case 'bool':
      return v.v === null ? 'bool' : v.v ? 'True' : 'False';
    case 'int':
      return v.v !== null ? String(v.v) : v.sym ? `int ${v.sym}` : 'int';
    case 'float':
      return v.v !== null ? String(v.v) : 'float';
    case 'str':
      return v.v !== null ? JSON.stringify(v.v.length > 40 ? `${v.v.slice(0, 40)}…` : v.v) : 'str';
    case 'dict':
      return v.entries ? `dict (${v.entries.size} items)` : 'dict';
    case 'set':
      return v.items ? `set (${v.items.length} items)` : 'set';
    case 'nnmodule': {
      // a size the code names (an open parameter `hid`, `2*hid`) reads as its name
      const cfg = Object.entries(v.cfg)
        .filter(([, x]) => x.k !== 'unknown' || x.name)
        .map(([k, x]) => `${k}=${x.k === 'unknown' ? x.name : x.k === 'int' && x.v === null && x.sym ? x.sym : describeValue(x, undefined, depth + 1)}`)
        .join(', ');
      return `nn.${v.kind}(${cfg})`;
    }
    case 'class':
      return `class ${v.name}`;
    case 'object':
      return v.speculative ? `${v.cls.name} object (symbolic: the file never creates one)` : `${v.cls.name} object`;
    case 'func':
      return v.isLambda ? 'lambda' : `def ${v.name}(…)`;
    case 'bound':
      return `method ${v.fn.name}`;
    case 'builtin':
      return `function ${v.name}`;
    case 'ns':
      return `module ${v.path}`;
    case 'opaque':
      return v.cls;
    default:
      return assertNever(v);
  }
}

/** The symbolic dims a value shows (tensor shapes, a PackedSequence's data, tuple/list items), in order. */
function symbolicDims(v: Value, out: Set<string>, depth = 0): void {
  if (depth > 4 || out.size > 12) return;
  if (v.k === 'tensor' && v.shape) for (const d of v.shape) if (typeof d === 'string') out.add(d);
  if (v.k === 'packed') symbolicDims(v.data, out, depth + 1);
  if ((v.k === 'tuple' || v.k === 'list') && v.items) for (const it of v.items.slice(0, 8)) symbolicDims(it, out, depth + 1);
}

/** Where the symbolic sizes of a value come from, for the hover: `len(lengths)` is the number of sequences in
 *  `lengths`, `max(lengths)` the longest of them, a plain name the value the code gives it (a parameter of code the
 *  file does not call, or a size read with `B, T = x.shape` / `x.size(0)`); undefined when every dim is a number or
 *  unknown. */
export function explainSymbols(v: Value): string | undefined {
  const dims = new Set<string>();
  symbolicDims(v, dims);
  if (dims.size === 0) return undefined;
  const lens: string[] = [];
  const maxes: string[] = [];
  const names: string[] = [];
  for (const d of dims) {
    for (const atom of d.match(/len\([\w.]+\)|max\([\w.]+\)|[A-Za-z_][\w.]*/g) ?? []) {
      const inner = /^(len|max)\(([\w.]+)\)$/.exec(atom);
      if (inner && inner[1] === 'len' && !lens.includes(inner[2])) lens.push(inner[2]);
      else if (inner && inner[1] === 'max' && !maxes.includes(inner[2])) maxes.push(inner[2]);
      else if (!inner && !names.includes(atom)) names.push(atom);
    }
  }
  const parts: string[] = [];
  for (const l of lens) parts.push(`len(${l}) = the number of sequences (batch size) in ${l}`);
  for (const l of maxes) parts.push(`max(${l}) = the longest length in ${l} (padded time steps)`);
  if (names.length) parts.push(`${names.join(', ')} = the size${names.length > 1 ? 's' : ''} held by the variable${names.length > 1 ? 's' : ''} of that name (a parameter, or read from a shape)`);
  return `Symbolic sizes: ${parts.join('; ')}.`;
}
