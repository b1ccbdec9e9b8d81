// The Step recogniser: turns what a run certainly executed (OpEvents from runtime/run/compute.ts, plus the
// interpreter's bindings for vocabularies and index lists) into the Steps of runtime/steps/step.ts. Steps come from
// what the code does, not from a template: a sort is a `sort` whose permutation is then applied to a batch, a pad
// is pad_sequence or a zero tensor filled by hand, a final state is a read of h_n (or of output at the last step).
import { Tensor } from '../tensor/tensor';
import type { RnnConfig } from '../rnn/module';
import type { Value as IValue, TensorValueA } from '../interp/values';
import type { CodeSpan, NamedValue, Step, StepDetails, StepKind, Value } from '../steps/step';
import { invertPermutation } from '../torch/packing';
import type { OpEvent, RunContext } from './compute';
import { dataOf, itemsOf, rnnConfigOf } from './compute';
import { assignRows } from './rows';
import { pythonValue, shapeText, transformText, tupleValue, tensorValue, packedValue, valueShapeText } from './present';

export interface BindingInfo {
  name: string;
  span: CodeSpan;
  value: IValue;
}

export interface RecogniseInput {
  ctx: RunContext;
  /** assignment targets in source order; their values are snapshots taken when the assignment ran */
  bindings: BindingInfo[];
  /** Name loads in source order, with the live object read there (later in-place writes included) */
  uses: BindingInfo[];
  codeOf: (span: CodeSpan) => string;
  valueLimit: number;
}

type Draft = Omit<Step, 'id' | 'code'>;

/** Interpreter value → Step value (tensors with data up to the limit; unknown dims as -1). */
export function toStepValue(v: IValue, limit: number, depth = 0): Value {
  switch (v.k) {
    case 'tensor': {
      if (v.data) return tensorValue(v.data, limit);
      return { kind: 'tensor', shape: (v.shape ?? []).map((d) => (typeof d === 'number' ? d : -1)), dtype: v.dtype ?? 'unknown', data: null };
    }
    case 'packed': {
      const d = v.data.data;
      const bs = v.batchSizes?.map((x) => (typeof x === 'number' ? x : -1)) ?? [];
      const idx = (x: typeof v.sortedIndices): number[] | null => (x === null || x === 'unknown' ? null : x.map((y) => (typeof y === 'number' ? y : -1)));
      if (d) return packedValue({ data: d, batchSizes: bs, sortedIndices: idx(v.sortedIndices), unsortedIndices: idx(v.unsortedIndices) }, limit);
      return { kind: 'packed', data: toStepValue(v.data, limit) as Value & { kind: 'tensor' }, batchSizes: bs, sortedIndices: idx(v.sortedIndices), unsortedIndices: idx(v.unsortedIndices) };
    }
    case 'list':
    case 'tuple': {
      if (v.items && depth < 4 && v.items.some((x) => x.k === 'tensor' || x.k === 'packed' || x.k === 'tuple')) {
        return tupleValue(v.items.slice(0, 64).map((x) => toStepValue(x, limit, depth + 1)));
      }
      const json = pyJson(v, 0);
      return pythonValue(json);
    }
    default:
      return pythonValue(pyJson(v, 0));
  }
}

function pyJson(v: IValue, depth: number): unknown {
  if (depth > 6) return null;
  switch (v.k) {
    case 'int':
    case 'float':
    case 'bool':
    case 'str':
      return v.v;
    case 'none':
      return null;
    case 'list':
    case 'tuple':
    case 'set':
      return v.items ? v.items.slice(0, 256).map((x) => pyJson(x, depth + 1)) : null;
    case 'dict': {
      if (!v.entries) return null;
      const o: Record<string, unknown> = {};
      for (const [k, [, val]] of v.entries) o[k.replace(/^'(.*)'$/, '$1')] = pyJson(val, depth + 1);
      return o;
    }
    case 'tensor':
      return v.data ? Array.from(v.data.data) : null;
    default:
      return null;
  }
}

const sameSpan = (a: CodeSpan, b: CodeSpan): boolean => a.line === b.line && a.col === b.col && a.endLine === b.endLine && a.endCol === b.endCol && a.cell === b.cell;
const contains = (outer: CodeSpan, inner: CodeSpan): boolean =>
  (outer.cell ?? 0) === (inner.cell ?? 0) &&
  (outer.line < inner.line || (outer.line === inner.line && outer.col <= inner.col)) &&
  (outer.endLine > inner.endLine || (outer.endLine === inner.endLine && outer.endCol >= inner.endCol));
const join = (a: CodeSpan, b: CodeSpan): CodeSpan => {
  const s: CodeSpan = { line: a.line, col: a.col, endLine: b.endLine, endCol: b.endCol };
  if (a.cell !== undefined) s.cell = a.cell;
  return s;
};
const order = (s: CodeSpan): number => ((s.cell ?? 0) * 1e6 + s.line) * 1e4 + s.col;

function tensorOf(v: IValue | undefined): Tensor | undefined {
  return dataOf(v);
}

function isPermutation(a: readonly number[]): boolean {
  const seen = new Array<boolean>(a.length).fill(false);
  for (const x of a) {
    if (!Number.isInteger(x) || x < 0 || x >= a.length || seen[x]) return false;
    seen[x] = true;
  }
  return true;
}

const arrEq = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const isIdentity = (a: readonly number[]): boolean => a.every((x, i) => x === i);
const list = (xs: readonly (number | string)[]): string => `[${xs.join(', ')}]`;

function lengthsFromPadded(t: Tensor, batchFirst: boolean, pad = 0): number[] {
  const [d0, d1] = t.shape;
  const B = batchFirst ? d0 : d1;
  const T = batchFirst ? d1 : d0;
  const inner = t.numel / (d0 * d1);
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    let last = 0;
    for (let s = 0; s < T; s++) {
      const off = (batchFirst ? b * T + s : s * B + b) * inner;
      for (let k = 0; k < inner; k++) {
        if (t.data[off + k] !== pad) {
          last = s + 1;
          break;
        }
      }
    }
    out.push(last);
  }
  return out;
}

function rowOrigin(batchSizes: readonly number[], sortedIndices: readonly number[] | null): [number, number][] {
  const rows: [number, number][] = [];
  batchSizes.forEach((bs, t) => {
    for (let k = 0; k < bs; k++) rows.push([t, sortedIndices ? sortedIndices[k] : k]);
  });
  return rows;
}

function lengthsFromBatchSizes(batchSizes: readonly number[], sortedIndices: readonly number[] | null): number[] {
  const B = batchSizes[0] ?? 0;
  const sorted = new Array<number>(B).fill(0);
  for (const bs of batchSizes) for (let k = 0; k < bs; k++) sorted[k]++;
  if (!sortedIndices) return sorted;
  const out = new Array<number>(B).fill(0);
  sortedIndices.forEach((orig, k) => (out[orig] = sorted[k]));
  return out;
}

const moduleTitle = (mode: string): string => (mode === 'LSTM' ? 'LSTM' : mode === 'GRU' ? 'GRU' : 'RNN');

export function recogniseSteps(inp: RecogniseInput): Step[] {
  const { ctx, bindings, valueLimit } = inp;
  const sv = (v: IValue): Value => toStepValue(v, valueLimit);
  const named = (name: string, v: IValue): NamedValue => ({ name, value: sv(v) });
  const drafts: Draft[] = [];
  const push = (d: Draft): void => void drafts.push(d);
  const evs = eventsOnce(ctx.events);
  const unknownWhy = unknownDataNote(evs);

  // vocabulary and indexing: lists the code looks tokens up in (vocab.index(tok)), and the index lists built so
  const vocabObjs = new Set<IValue>();
  for (const e of evs) if (e.op === 'list.index' && e.self) vocabObjs.add(e.self);
  const live = (b: BindingInfo): IValue => liveValue(inp, b);
  const vocabBindings = bindings.filter((b) => vocabObjs.has(live(b)) || (b.value.k === 'dict' && /2id|2ix|vocab|index/i.test(b.name) && dictIsIndex(b.value)));
  const vocabLines = new Map<string, string[]>();
  for (const vb of vocabBindings) {
    const tokens = vb.value.k === 'list' && vb.value.items ? vb.value.items.map((x) => (x.k === 'str' ? (x.v ?? '?') : '?')) : vb.value.k === 'dict' && vb.value.entries ? [...vb.value.entries.values()].map(([k]) => (k.k === 'str' ? (k.v ?? '?') : '?')) : [];
    if (tokens.length === 0) continue;
    vocabLines.set(vb.name, tokens);
    const pad = tokens[0];
    push({
      kind: 'vocab',
      title: 'Vocabulary',
      span: vb.span,
      inputs: [],
      outputs: [named(vb.name, vb.value)],
      transform: `→ ${tokens.length} tokens`,
      explanation: `${tokens.length} distinct tokens, each gets its position as index${/pad/i.test(pad) ? `; '${pad}' is index 0, so padding with 0 means padding with '${pad}'` : ''}`,
      details: { kind: 'vocab', tokens },
    });
  }
  for (const b of bindings) {
    if (!vocabBindings.length || b.value.k !== 'list' || !b.value.items || b.value.items.length === 0) continue;
    const code = inp.codeOf(b.span);
    const vocabName = [...vocabLines.keys()].find((n) => new RegExp(`\\b${n}\\s*(\\.index\\(|\\[)`).test(fullLine(inp, b.span)));
    if (!vocabName || !code) continue;
    const tokensOf = vocabLines.get(vocabName)!;
    const seqs = b.value.items.map((s) => (s.k === 'list' && s.items ? s.items.map((x) => (x.k === 'int' ? x.v : null)) : s.k === 'int' ? [s.v] : null));
    if (seqs.some((s) => !s || s.some((x) => x === null))) continue;
    const sequences = (seqs as number[][]).map((idx) => ({ tokens: idx.map((i) => tokensOf[i] ?? i), indices: idx }));
    const shortest = sequences.reduce((a, s) => (s.indices.length < a.indices.length ? s : a), sequences[0]);
    push({
      kind: 'index',
      title: 'Indexing',
      span: b.span,
      inputs: [],
      outputs: [named(b.name, b.value)],
      transform: `${sequences.length} token lists → ${sequences.length} index lists`,
      explanation: `each token is replaced by its index in ${vocabName}: '${shortest.tokens.join(shortest.tokens.every((t) => String(t).length === 1) ? '' : ' ')}' → ${list(shortest.indices)}`,
      details: { kind: 'index', sequences },
    });
  }

  // padding by hand: a zero tensor (batch, max length) filled by the code row by row
  for (const e of evs) {
    if (e.op !== 'torch.zeros') continue;
    const b = bindings.find((x) => x.span.line === e.span.line && x.span.cell === e.span.cell && x.value.k === 'tensor');
    if (!b) continue;
    const filled = live(b);
    const t = tensorOf(filled);
    if (!t || t.ndim !== 2 || t.dtype === 'float32') continue;
    const lengths = lengthsFromPadded(t, true);
    if (lengths.every((l) => l === 0)) continue;
    const pads = t.numel - lengths.reduce((a, c) => a + c, 0);
    push({
      kind: 'pad',
      title: 'Padding (by hand)',
      span: b.span,
      inputs: [],
      outputs: [named(b.name, filled)],
      transform: `→ ${shapeText(t.shape)}`,
      explanation: `a zero tensor of (batch, max length) = ${shapeText(t.shape)} is filled row by row with lengths ${list(lengths)}; ${pads} cells stay 0 (padding)`,
      details: { kind: 'pad', lengths, paddingValue: 0, batchFirst: true },
    });
  }

  // sorts: a descending sort whose permutation is then applied to a batch; un-sorts: the inverse applied
  const perms: { e: OpEvent; perm: number[]; before: number[]; after: number[]; used: boolean }[] = [];
  for (const e of evs) {
    if (/^(torch|Tensor)\.(sort|argsort)$/.test(e.op)) {
      const input = tensorOf(e.self ?? e.args[0]);
      const idx = e.op.endsWith('argsort') ? tensorOf(e.result) : tensorOf(itemsOf(e.result)?.[1]);
      if (!input || !idx || input.ndim !== 1 || !isPermutation(Array.from(idx.data))) continue;
      const perm = Array.from(idx.data);
      perms.push({ e, perm, before: Array.from(input.data), after: perm.map((i) => input.data[i]), used: false });
    }
  }
  const indexOf = (e: OpEvent): { target: IValue | undefined; idx: number[] } | null => {
    let target: IValue | undefined;
    let ix: Tensor | undefined;
    if (e.op === 'Tensor.__getitem__') {
      target = e.self;
      ix = tensorOf(e.args[0]);
    } else if (/index_select$/.test(e.op)) {
      target = e.op.startsWith('Tensor') ? e.self : e.args[0];
      const dim = e.op.startsWith('Tensor') ? e.args[0] : e.args[1];
      if (!dim || dim.k !== 'int' || dim.v !== 0) return null;
      ix = tensorOf(e.op.startsWith('Tensor') ? e.args[1] : e.args[2]);
    }
    if (!ix || ix.ndim !== 1 || !target || target.k !== 'tensor' || !target.shape || target.shape[0] !== ix.numel) return null;
    return { target, idx: Array.from(ix.data) };
  };
  for (const e of evs) {
    const ap = indexOf(e);
    if (!ap) continue;
    for (const p of perms) {
      if (p.e.seq >= e.seq || p.perm.length !== ap.idx.length || e.self === p.e.self) continue;
      if (arrEq(ap.idx, p.perm) && !isIdentity(p.perm)) {
        p.used = true;
        const name = inp.codeOf(e.span).split('[')[0].trim() || 'batch';
        push({
          kind: 'sort',
          title: 'Sort by length',
          span: join(p.e.span, e.span),
          inputs: [named(name, ap.target!)],
          outputs: [named(inp.codeOf(e.span), e.result)],
          transform: transformText(sv(ap.target!), sv(e.result)),
          explanation: `rows reordered by decreasing length ${list(p.after)}: new row k is old row ${list(p.perm)}[k]`,
          details: { kind: 'sort', permutation: p.perm, lengthsBefore: p.before, lengthsAfter: p.after, descending: true },
        });
        break;
      }
      if (arrEq(ap.idx, invertPermutation(p.perm)) && !isIdentity(p.perm)) {
        push({
          kind: 'unsort',
          title: 'Un-sort',
          span: e.span,
          inputs: [named('sorted', ap.target!)],
          outputs: [named(inp.codeOf(e.span), e.result)],
          transform: transformText(sv(ap.target!), sv(e.result)),
          explanation: `rows put back in the original order: row i comes from sorted row ${list(invertPermutation(p.perm))}[i]`,
          details: { kind: 'unsort', permutation: invertPermutation(p.perm) },
        });
        break;
      }
    }
  }

  // sorts whose permutation is not known (lengths unknown): a descending sort whose indices then index a batch
  for (const e of evs) {
    if (!/^(torch|Tensor)\.sort$/.test(e.op) || perms.some((p) => p.e === e)) continue;
    const idxV = itemsOf(e.result)?.[1];
    if (!idxV) continue;
    const desc = e.kwargs.get('descending');
    if (!desc || desc.k !== 'bool' || desc.v !== true) continue;
    const apply = evs.find((x) => x.seq > e.seq && ((x.op === 'Tensor.__getitem__' && x.args[0] === idxV) || (/index_select$/.test(x.op) && (x.args[1] === idxV || x.args[2] === idxV))));
    if (!apply) continue;
    const target = apply.op === 'Tensor.__getitem__' ? apply.self : apply.op.startsWith('Tensor') ? apply.self : apply.args[0];
    if (!target || target.k !== 'tensor') continue;
    push({
      kind: 'sort',
      title: e.certain ? 'Sort by length' : 'Sort by length (each batch of the loop)',
      span: join(e.span, apply.span),
      inputs: [named('batch', target)],
      outputs: [named(inp.codeOf(apply.span), apply.result)],
      transform: transformText(sv(target), sv(apply.result)),
      explanation: `rows reordered by decreasing length (sorted_idx from the descending sort); the lengths are unknown here${unknownWhy ? ` (${unknownWhy})` : ''}, so the permutation is too`,
      details: { kind: 'sort', permutation: [], lengthsBefore: [], lengthsAfter: [], descending: true },
    });
  }

  for (const e of evs) {
    switch (e.op) {
      case 'rnn.pad_sequence': {
        const out = tensorOf(e.result);
        const seqs = itemsOf(e.args[0] ?? e.kwargs.get('sequences')) ?? [];
        const lens = seqs.map((s) => (s.k === 'tensor' && s.shape && typeof s.shape[0] === 'number' ? s.shape[0] : -1));
        const bf = e.kwargs.get('batch_first') ?? e.args[1];
        const batchFirst = !!bf && bf.k === 'bool' && bf.v === true;
        const pads = out ? out.shape[0] * out.shape[1] - lens.reduce((a, c) => a + c, 0) : 0;
        const known = seqs.length > 0 && lens.every((l) => l >= 0);
        const resShape = e.result.k === 'tensor' ? e.result.shape : null;
        const batchDim = resShape ? resShape[batchFirst ? 0 : 1] : undefined;
        const nSeq = seqs.length > 0 ? String(seqs.length) : typeof batchDim === 'number' ? String(batchDim) : 'the';
        if (!known) {
          push({
            kind: 'pad',
            title: e.certain ? 'Padding' : 'Padding (each batch of the loop)',
            span: e.span,
            inputs: [{ name: 'sequences', value: sv(e.args[0] ?? e.kwargs.get('sequences')!) }],
            outputs: [named(inp.codeOf(e.span), e.result)],
            transform: `${nSeq} sequences → ${valueShapeText(sv(e.result))}`,
            explanation: `pad_sequence stacks ${nSeq} sequences and pads them with 0 to the longest one; their lengths are unknown here${unknownWhy ? ` (${unknownWhy})` : ''}, so the padded length is max(lengths), shown as -1`,
            details: { kind: 'pad', lengths: seqs.length > 0 ? lens : typeof batchDim === 'number' ? new Array<number>(batchDim).fill(-1) : [], paddingValue: 0, batchFirst },
          });
          break;
        }
        push({
          kind: 'pad',
          title: 'Padding',
          span: e.span,
          inputs: [{ name: 'sequences', value: sv(e.args[0]) }],
          outputs: [named(inp.codeOf(e.span), e.result)],
          transform: `${seqs.length} sequences → ${valueShapeText(sv(e.result))}`,
          explanation: `pad_sequence stacks the ${seqs.length} sequences of lengths ${list(lens)}${out ? ` into ${shapeText(out.shape)}, filling ${pads} time steps with 0` : ''}`,
          details: { kind: 'pad', lengths: lens, paddingValue: 0, batchFirst },
        });
        break;
      }
      case 'nn.Embedding.forward':
      case 'F.embedding': {
        const w = e.op === 'F.embedding' ? tensorOf(e.args[1]) : e.self?.k === 'nnmodule' ? tensorOf(e.self.attrs.get('weight')) : undefined;
        const cfgPad = e.self?.k === 'nnmodule' ? e.self.cfg.padding_idx : undefined;
        const paddingIdx = cfgPad && cfgPad.k === 'int' ? cfgPad.v : null;
        const [V, E] = w ? w.shape : [-1, -1];
        push({
          kind: 'embed',
          title: 'Embedding',
          span: e.span,
          inputs: [named('indices', e.args[0])],
          outputs: [named(inp.codeOf(e.span), e.result)],
          transform: transformText(sv(e.args[0]), sv(e.result)),
          explanation: `each index becomes a row of the ${V}×${E} embedding table${paddingIdx === null ? '; the pad index 0 also gets a (learned) vector because padding_idx is not set' : `; index ${paddingIdx} (padding) maps to zeros`}`,
          details: { kind: 'embed', numEmbeddings: V, embeddingDim: E, paddingIdx },
        });
        break;
      }
      case 'rnn.pack_padded_sequence':
      case 'rnn.pack_sequence': {
        const p = e.result;
        if (p.k !== 'packed') break;
        const pv = sv(p);
        if (pv.kind !== 'packed') break;
        const bs = pv.batchSizes;
        if (bs.length === 0 || bs.some((b) => b < 0)) {
          const es = e.kwargs.get('enforce_sorted') ?? e.args[3];
          const unsorted = !!es && es.k === 'bool' && es.v === false;
          push({
            kind: 'pack',
            title: e.certain ? 'Pack' : 'Pack (each batch of the loop)',
            span: e.span,
            inputs: [named('input', e.args[0] ?? e.kwargs.get('input')!)],
            outputs: [named(inp.codeOf(e.span), p)],
            transform: transformText(sv(e.args[0] ?? e.kwargs.get('input')!), pv),
            explanation: `time-major interleave: column t holds the batch_sizes[t] sequences still running, sum(batch_sizes) = sum(lengths) rows; the lengths are unknown here${unknownWhy ? ` (${unknownWhy})` : ''}, so batch_sizes and the packed row count are too${unsorted ? '; enforce_sorted=False: pack sorts by length itself (sorted_indices) and unpacking restores the order' : ''}`,
            details: { kind: 'pack', lengths: [], batchSizes: [], sortedIndices: null, unsortedIndices: null, batchFirst: (() => { const b = e.kwargs.get('batch_first') ?? e.args[2]; return !!b && b.k === 'bool' && b.v === true; })(), rowOrigin: [] },
          });
          break;
        }
        const lengths = lengthsFromBatchSizes(bs, pv.sortedIndices);
        const bfV = e.kwargs.get('batch_first') ?? e.args[2];
        const batchFirst = e.op === 'rnn.pack_padded_sequence' && !!bfV && bfV.k === 'bool' && bfV.v === true;
        if (pv.sortedIndices && !isIdentity(pv.sortedIndices)) {
          push({
            kind: 'sort',
            title: 'Sort (inside pack)',
            span: e.span,
            inputs: [named('input', e.args[0])],
            outputs: [],
            transform: transformText(sv(e.args[0]), sv(e.args[0])),
            explanation: `enforce_sorted=False: pack sorts the rows by decreasing length; sorted_indices = ${list(pv.sortedIndices)}`,
            details: { kind: 'sort', permutation: pv.sortedIndices, lengthsBefore: lengths, lengthsAfter: pv.sortedIndices.map((i) => lengths[i]), descending: true },
          });
        }
        const total = bs.reduce((a, c) => a + c, 0);
        const drops = bs.map((b, t) => (t > 0 && b < bs[t - 1] ? t : -1)).filter((t) => t >= 0);
        const firstDrop = drops[0];
        push({
          kind: 'pack',
          title: 'Pack',
          span: e.span,
          inputs: [named('input', e.args[0])],
          outputs: [named(inp.codeOf(e.span), p)],
          transform: transformText(sv(e.args[0]), pv),
          explanation: `time-major interleave: column t holds the batch_sizes[t] sequences still running; sum(batch_sizes) = ${total} = sum(lengths) = ${lengths.join(' + ')}${firstDrop !== undefined ? `; a sequence of length ${firstDrop} ends, so from time step ${firstDrop} on only ${bs[firstDrop]} remain: batch_sizes[${firstDrop}] = ${bs[firstDrop]}` : ''}`,
          details: { kind: 'pack', lengths, batchSizes: bs, sortedIndices: pv.sortedIndices, unsortedIndices: pv.unsortedIndices, batchFirst, rowOrigin: rowOrigin(bs, pv.sortedIndices) },
        });
        break;
      }
      case 'rnn.pad_packed_sequence': {
        const res = itemsOf(e.result);
        const pin = e.args[0] ?? e.kwargs.get('sequence');
        if (!res || !pin || pin.k !== 'packed') break;
        const pv = sv(pin);
        const out = tensorOf(res[0]);
        if (pv.kind !== 'packed') break;
        const lengths = lengthsFromBatchSizes(pv.batchSizes, pv.sortedIndices);
        const bfV = e.kwargs.get('batch_first') ?? e.args[1];
        const batchFirst = !!bfV && bfV.k === 'bool' && bfV.v === true;
        const T = out ? out.shape[batchFirst ? 1 : 0] : Math.max(...lengths);
        const padded = lengths.reduce((a, l) => a + (T - l), 0);
        const pvV = e.kwargs.get('padding_value') ?? e.args[2];
        const paddingValue = pvV && (pvV.k === 'int' || pvV.k === 'float') && pvV.v !== null ? pvV.v : 0;
        push({
          kind: 'unpack',
          title: 'Unpack',
          span: e.span,
          inputs: [named('packed', pin)],
          outputs: [named('output', res[0]), named('lengths', res[1])],
          transform: transformText(pv, sv(res[0])),
          explanation: `padded back to ${out ? shapeText(out.shape) : '(…)'}; the ${padded} padded time steps are exactly ${paddingValue}${T === Math.max(...lengths) ? ` and there are max(lengths) = ${T} steps` : ''}`,
          details: { kind: 'unpack', lengths, totalLength: T, paddingValue, batchFirst },
        });
        if (pv.unsortedIndices && !isIdentity(pv.unsortedIndices)) {
          push({
            kind: 'unsort',
            title: 'Un-sort (inside unpack)',
            span: e.span,
            inputs: [named('packed', pin)],
            outputs: [named('output', res[0])],
            transform: transformText(sv(res[0]), sv(res[0])),
            explanation: `pad_packed_sequence puts row i back from sorted row unsorted_indices[i] = ${list(pv.unsortedIndices)}: the caller's order is restored`,
            details: { kind: 'unsort', permutation: pv.unsortedIndices },
          });
        }
        break;
      }
      default:
        if (e.rnn) push(rnnStep(e, inp, sv));
        else if (/^nn\.(LSTM|GRU|RNN)\.forward$/.test(e.op)) {
          const d = symbolicRnnStep(e, inp, sv, unknownWhy);
          if (d) push(d);
        }
    }
  }
  drafts.push(...finalStates(inp, sv));
  // a shape-only step where the same code also ran with values (e.g. a collate_fn the DataLoader rule calls once by
  // shapes when it is built, then for real in the loop): keep the one with values
  const hasNumbers = (d: Draft): boolean => [...d.inputs, ...d.outputs].some((v) => valueHasNumbers(v.value));
  for (let i = drafts.length - 1; i >= 0; i--) {
    const d = drafts[i];
    if (!hasNumbers(d) && drafts.some((o) => o !== d && o.kind === d.kind && sameSpan(o.span, d.span) && hasNumbers(o))) drafts.splice(i, 1);
  }
  // execution order (a model's forward runs when the loop calls it, not where it is written): a step happens at the
  // last op inside its span (a sort happens when its permutation is applied); steps from bindings (vocabulary,
  // index lists) at the first op at or after them in the source
  const at = new Map<Draft, number>();
  for (const d of drafts) {
    let k = -1;
    for (const e of evs) if (contains(d.span, e.span) && e.seq > k) k = e.seq;
    if (k < 0) {
      let first = Infinity;
      for (const e of evs) if (order(e.span) >= order(d.span) && e.seq < first) first = e.seq;
      k = Number.isFinite(first) ? first - 0.5 : Number.MAX_SAFE_INTEGER;
    }
    at.set(d, k);
  }
  drafts.sort((a, b) => at.get(a)! - at.get(b)! || order(a.span) - order(b.span));
  return nameSequences(assignRows(drafts.map((d, id) => ({ id, ...d, code: inp.codeOf(d.span) }))));
}

/** Explanations that name the sequences (from Step.rows labels): "'tiny' has 4 characters, so from time step 4 on
 *  only 2 sequences remain: batch_sizes[4] = 2", "'long_str' (row 0) runs 8 steps". */
function nameSequences(steps: Step[]): Step[] {
  const index = steps.find((s) => s.details.kind === 'index')?.details;
  const unit = index && index.kind === 'index' && index.sequences.every((q) => q.tokens.every((t) => typeof t === 'string' && t.length === 1)) ? 'characters' : 'tokens';
  const q = (label: string): string => `'${label}'`;
  return steps.map((step) => {
    const rows = step.rows;
    const d = step.details;
    if (!rows || !rows.every((r) => r.label)) return step;
    if (d.kind === 'pack' && d.lengths.length === rows.length && d.batchSizes.length > 0) {
      const drops: string[] = [];
      d.batchSizes.forEach((b, t) => {
        if (t === 0 || b >= d.batchSizes[t - 1]) return;
        const ended = rows.filter((_, i) => d.lengths[i] === t).map((r) => q(r.label!));
        if (ended.length === 0) return;
        const first = drops.length === 0;
        drops.push(`${ended.join(' and ')} ${ended.length > 1 ? 'have' : 'has'} ${t}${first ? ` ${unit}` : ''}, so from time step ${t} on only ${b} sequence${b === 1 ? '' : 's'} remain${b === 1 ? 's' : ''}: batch_sizes[${t}] = ${b}`);
      });
      if (drops.length === 0) return step;
      const base = step.explanation.replace(/; a sequence of length \d+ ends, so from time step \d+ on only \d+ remain: batch_sizes\[\d+\] = \d+$/, '');
      return { ...step, explanation: `${base}; ${drops.join('; ')}` };
    }
    if (d.kind === 'rnn' && d.packed && d.lengths.length === rows.length && d.lengths.every((l) => l >= 0)) {
      const runs = rows.map((r, i) => `${q(r.label!)} (row ${i}) runs ${d.lengths[i]} step${d.lengths[i] === 1 ? '' : 's'}`);
      return { ...step, explanation: step.explanation.replace(/^each sequence runs only its own time steps: .*?; h_n/, `each sequence runs only its own time steps: ${runs.join(', ')}; h_n`) };
    }
    return step;
  });
}

/** The object a binding holds after the code's in-place writes: the value read at the last use of the same name
 *  before that name is bound again (the binding itself is a snapshot taken at assignment time). */
function liveValue(inp: RecogniseInput, b: BindingInfo): IValue {
  const next = inp.bindings.find((x) => x !== b && x.name === b.name && order(x.span) > order(b.span));
  let v = b.value;
  for (const u of inp.uses) {
    if (u.name !== b.name || order(u.span) <= order(b.span)) continue;
    if (next && order(u.span) >= order(next.span)) break;
    if (u.value.k === b.value.k) v = u.value;
  }
  return v;
}

function fullLine(inp: RecogniseInput, span: CodeSpan): string {
  return inp.codeOf({ line: span.line, col: 0, endLine: span.endLine, endCol: 10_000, cell: span.cell });
}

function dictIsIndex(v: IValue): boolean {
  if (v.k !== 'dict' || !v.entries || v.entries.size < 2) return false;
  const vals = [...v.entries.values()].map(([, x]) => (x.k === 'int' ? x.v : null));
  return vals.every((x, i) => x === i);
}

function rnnStep(e: OpEvent, inp: RecogniseInput, sv: (v: IValue) => Value): Draft {
  const r = e.rnn!;
  const c = r.config;
  const D = c.bidirectional ? 2 : 1;
  const res = itemsOf(e.result) ?? [];
  const state = res[1];
  const stateItems = state && state.k === 'tuple' ? itemsOf(state) : null;
  const outputs: NamedValue[] = [{ name: 'output', value: sv(res[0]) }];
  if (stateItems) {
    outputs.push({ name: 'h_n', value: sv(stateItems[0]) }, { name: 'c_n', value: sv(stateItems[1]) });
  } else if (state) outputs.push({ name: 'h_n', value: sv(state) });
  if (r.result.layers && (c.numLayers > 1 || D > 1)) {
    for (const l of r.result.layers) {
      outputs.push({ name: `layer ${l.layer} ${l.direction ? 'backward' : 'forward'} (time-major)`, value: tensorValue(l.output, inp.valueLimit) });
    }
  }
  const inV = e.args[0] ?? e.kwargs.get('input');
  const hN = r.result.hN;
  const steps = r.result.stepsPerSequence;
  const title = `${c.numLayers > 1 ? `${c.numLayers}-layer ` : ''}${D > 1 ? 'bidirectional ' : ''}${moduleTitle(c.mode)}${c.numLayers === 1 && D === 1 ? ' layer 0' : ''}`;
  const groups = new Map<number, number[]>();
  steps.forEach((s, b) => groups.set(s, [...(groups.get(s) ?? []), b]));
  const runs = [...groups.entries()].sort((a, b) => b[0] - a[0]).map(([s, rows]) => `row${rows.length > 1 ? 's' : ''} ${rows.join(', ')} run${rows.length > 1 ? '' : 's'} ${s} step${s === 1 ? '' : 's'}`);
  const explanation = r.inputPacked
    ? `each sequence runs only its own time steps: ${runs.join(', ')}; h_n of each row is the state at its last real step${D > 1 ? ' (forward) and at t = 0 (backward)' : ''}`
    : `not packed: every row runs all ${steps[0] ?? 0} steps, padding included${D > 1 ? '; the backward direction starts at the last (maybe padded) step' : ''}`;
  return {
    kind: 'rnn',
    title,
    span: e.span,
    inputs: [{ name: rnnInputName(inp, e), value: sv(inV!) }],
    outputs,
    transform: `${transformText(sv(inV!), sv(res[0]))}, h_n ${shapeText(hN.shape)}`,
    explanation: `${explanation}. Weights: ${r.weightsSource}`,
    details: rnnDetails(c, r.inputPacked, steps, r.result.backend, r.weightsSource),
    warnings: r.result.notes.map((n) => ({ code: 'RNNL-NOTE', message: n })),
  };
}

function valueHasNumbers(v: Value): boolean {
  switch (v.kind) {
    case 'tensor':
      return v.data !== null;
    case 'packed':
      return v.data.data !== null;
    case 'tuple':
      return v.items.some(valueHasNumbers);
    case 'python':
      return false;
  }
}

/** Events once each: a call the interpreter followed abstractly may be recorded once per abstract iteration (same
 *  op at the same span); the last recording holds the joined shapes. Certain events are all kept (in order). */
function eventsOnce(events: readonly OpEvent[]): OpEvent[] {
  const last = new Map<string, OpEvent>();
  for (const e of events) if (!e.certain) last.set(`${e.op}@${e.span.cell ?? ''}:${e.span.line}:${e.span.col}:${e.span.endLine}:${e.span.endCol}`, e);
  const keep = new Set(last.values());
  return events.filter((e) => e.certain || keep.has(e));
}

/** Why data is unknown, when the program draws from a random generator RNN Lens does not model (numpy's, Python's). */
function unknownDataNote(events: readonly OpEvent[]): string | null {
  const r = events.find((e) => /^(np\.random|random)\./.test(e.op));
  if (!r) return null;
  return `they come from ${r.op}(…) at line ${r.span.line}: ${r.op.startsWith('np.') ? 'numpy' : 'Python'}'s random generator is not modelled, and RNN Lens does not invent numbers`;
}

/** The name of an RNN call's input as written in the code (`lstm(packed, h0)` → `packed`). */
function rnnInputName(inp: RecogniseInput, e: OpEvent): string {
  return inp.codeOf(e.span).replace(/^.*?\(/, '').replace(/[,)].*$/, '') || 'input';
}

/** The configuration part of an RNN Step: the module's settings, whether the input was packed, the rows' lengths. */
function rnnDetails(c: RnnConfig, packed: boolean, lengths: number[], backend: string, weightsSource: string): StepDetails {
  return {
    kind: 'rnn',
    mode: c.mode,
    inputSize: c.inputSize,
    hiddenSize: c.hiddenSize,
    projSize: c.projSize,
    numLayers: c.numLayers,
    bidirectional: c.bidirectional,
    batchFirst: c.batchFirst,
    packed,
    lengths,
    backend,
    weightsSource,
  };
}

/** An RNN call whose weights or input have no values: the Step has the shapes, the configuration and no numbers. */
function symbolicRnnStep(e: OpEvent, inp: RecogniseInput, sv: (v: IValue) => Value, unknownWhy: string | null): Draft | null {
  const m = e.self;
  if (!m || m.k !== 'nnmodule') return null;
  const c = rnnConfigOf(m);
  if (!c) return null;
  const res = itemsOf(e.result) ?? [];
  const inV = e.args[0] ?? e.kwargs.get('input');
  if (!inV || !res[0]) return null;
  const D = c.bidirectional ? 2 : 1;
  const state = res[1];
  const stateItems = state && state.k === 'tuple' ? itemsOf(state) : null;
  const outputs: NamedValue[] = [{ name: 'output', value: sv(res[0]) }];
  if (stateItems) outputs.push({ name: 'h_n', value: sv(stateItems[0]) }, { name: 'c_n', value: sv(stateItems[1]) });
  else if (state) outputs.push({ name: 'h_n', value: sv(state) });
  const packed = inV.k === 'packed';
  const hV = outputs[1]?.value;
  const title = `${c.numLayers > 1 ? `${c.numLayers}-layer ` : ''}${D > 1 ? 'bidirectional ' : ''}${moduleTitle(c.mode)}${c.numLayers === 1 && D === 1 ? ' layer 0' : ''}`;
  const B = hV && hV.kind === 'tensor' ? hV.shape[1] : -1;
  const why = !e.certain
    ? 'it runs inside a loop the run follows by shapes only (e.g. over a DataLoader), so no numbers are shown'
    : `its input has no known values${unknownWhy ? ` (${unknownWhy})` : ''}, so no numbers are shown`;
  return {
    kind: 'rnn',
    title,
    span: e.span,
    inputs: [{ name: rnnInputName(inp, e), value: sv(inV) }],
    outputs,
    transform: `${transformText(sv(inV), sv(res[0]))}${hV && hV.kind === 'tensor' ? `, h_n ${shapeText(hV.shape)}` : ''}`,
    explanation: `${packed ? 'each sequence runs only its own time steps (packed input); h_n of each row is the state at its last real step' : 'not packed: every row runs all time steps, padding included'}; ${why}`,
    details: rnnDetails(c, packed, B >= 0 ? new Array<number>(B).fill(-1) : [], 'none', 'not computed'),
  };
}

/** Reads of the final state: h_n[...] / h_n.view(...) / cat of h_n slices / output[:, -1] on a padded output. */
function finalStates(inp: RecogniseInput, sv: (v: IValue) => Value): Draft[] {
  const { ctx } = inp;
  // value → the RNN event it was read from, how (h_n or the output), and the RNN value the read started at
  const derived = new Map<IValue, { ev: OpEvent; via: 'h_n' | 'output'; src: IValue }>();
  const candidates: { e: OpEvent; rnnEv: OpEvent; via: 'h_n' | 'output'; src: IValue }[] = [];
  for (const e of eventsOnce(ctx.events)) {
    if (!/^(Tensor\.(__getitem__|view|reshape|squeeze|permute|transpose|contiguous)|torch\.(cat|stack|gather)|Tensor\.gather)$/.test(e.op)) continue;
    const srcs = [e.self, ...e.args, ...e.args.flatMap((a) => itemsOf(a) ?? [])].filter((x): x is IValue => !!x);
    let found: { ev: OpEvent; via: 'h_n' | 'output'; src: IValue } | undefined;
    for (const s of srcs) {
      const p = ctx.produced.get(s);
      if (p && p.role === 'h_n') found = { ev: p.event, via: 'h_n', src: s };
      else if (derived.has(s)) found = derived.get(s);
      else if (p && (p.role === 'unpacked' || p.role === 'output') && s === e.self && /__getitem__|gather/.test(e.op)) found = { ev: p.event, via: 'output', src: s };
    }
    if (!found) continue;
    derived.set(e.result, found);
    const after = inp.codeOf({ line: e.span.endLine, col: e.span.endCol, endLine: e.span.endLine, endCol: e.span.endCol + 8, cell: e.span.cell });
    if (/^\s*\.(size|shape|dim)\b/.test(after)) continue;
    candidates.push({ e, rnnEv: found.ev, via: found.via, src: found.src });
  }
  // keep the outermost expression of nested reads (cat([h[0], h[1]]) → the cat)
  const kept = candidates.filter((c) => !candidates.some((o) => o !== c && contains(o.e.span, c.e.span) && !sameSpan(o.e.span, c.e.span)));
  const out: Draft[] = [];
  for (const { e, rnnEv, via, src } of kept) {
    const r = rnnEv.rnn;
    const res = tensorOf(e.result);
    if (!r) {
      const d = symbolicFinalState(e, rnnEv, via, src, inp, sv);
      if (d) out.push(d);
      continue;
    }
    const c = r.config;
    const D = c.bidirectional ? 2 : 1;
    const code = inp.codeOf(e.span);
    const lengths = r.result.stepsPerSequence;
    // which output time step each batch row's selected vector equals (forward half, or backward half at t = 0)
    const padded = unpackedOutput(rnnEv);
    const equals: (number | null)[] = [];
    if (res && padded) {
      const B = lengths.length;
      const R = c.projSize > 0 ? c.projSize : c.hiddenSize;
      const rows = res.ndim >= 2 && res.shape[res.ndim - 2] === B ? res : null;
      for (let b = 0; b < B && rows; b++) {
        const vec = rows.data.subarray(b * rows.shape[rows.ndim - 1], (b + 1) * rows.shape[rows.ndim - 1]);
        let found: number | null = null;
        // real steps only: a padded step's zeros (or a step run on padding) is not a state of the sequence
        for (let t = 0; t < Math.min(padded.T, lengths[b]) && found === null; t++) {
          for (let half = 0; half < D && found === null; half++) {
            if (vec.length !== R && vec.length !== D * R) continue;
            const w = vec.length === R ? R : D * R;
            let ok = true;
            for (let j = 0; j < w && ok; j++) ok = Math.abs(padded.at(b, t, (vec.length === R ? half * R : 0) + j) - vec[j]) < 1e-6;
            if (ok) found = t;
          }
        }
        equals.push(found);
      }
    }
    const sel = code.replace(/\s+/g, ' ');
    const isGather = /gather/.test(code);
    const warn = via === 'output' && !isGather && lengths.some((l) => l !== Math.max(...lengths)) && /-1/.test(code);
    const lastReal = lengths.map((l) => l - 1);
    const eqText = list(equals.map((x) => (x === null ? '–' : x)));
    const explanation = via === 'output'
      ? isGather
        ? `${sel} picks each row's output at its own time step: ${equals.length && equals.every((x, b) => x === lastReal[b]) ? `lengths - 1 = ${list(lastReal)}, the last REAL step of every row (what h_n[-1] holds for a one-direction last layer)` : `steps ${eqText} (the last real steps are lengths - 1 = ${list(lastReal)})`}`
        : warn
          ? `${sel} takes the LAST padded step: for rows shorter than ${Math.max(...lengths)} it is ${r.inputPacked ? 'padding (zeros)' : 'a step run on padding'}, not the last real step (lengths ${list(lengths)}): row b equals output[b, ${eqText}] ('–' = no real step); use h_n[-1] or gather at lengths - 1`
          : `${sel}: ${equals.length ? `row b equals output[b, ${eqText}]` : 'a slice of the output'} (the last real steps are lengths - 1 = ${list(lastReal)})`
      : `${sel}: h_n is (layers×directions, batch, hidden) = ${shapeText(r.result.hN.shape)}${D > 1 ? '; h_n[-1] is the LAST layer\'s BACKWARD direction (it equals output at t = 0), the forward one is h_n[-2]' : ''}${equals.length ? `; row b equals output[b, ${eqText}] (the last REAL step of each row is lengths-1 = ${list(lastReal)})` : ''}`;
    const inputV = via === 'output' ? sv(src) : tensorValue(r.result.hN, inp.valueLimit);
    out.push({
      kind: 'final-state',
      title: via === 'output' ? `Final step ${sel}` : `Final state ${sel}`,
      span: e.span,
      inputs: [{ name: via === 'output' ? 'output' : 'h_n', value: inputV }],
      outputs: [{ name: code, value: sv(e.result) }],
      transform: transformText(inputV, sv(e.result)),
      explanation,
      details: { kind: 'final-state', numLayers: c.numLayers, numDirections: D, selection: sel, equalsOutputStep: equals } as StepDetails,
      ...(warn ? { warnings: [{ code: 'RNNL001', message: `${sel} on a padded output reads padding for the shorter sequences` }] } : {}),
    });
  }
  return out;
}

/** A final-state read of an RNN call without values: which slice it takes, in shapes; which step it equals is unknown. */
function symbolicFinalState(e: OpEvent, rnnEv: OpEvent, via: 'h_n' | 'output', src: IValue, inp: RecogniseInput, sv: (v: IValue) => Value): Draft | null {
  const m = rnnEv.self;
  const c = m && m.k === 'nnmodule' ? rnnConfigOf(m) : null;
  if (!c) return null;
  const D = c.bidirectional ? 2 : 1;
  const code = inp.codeOf(e.span);
  const sel = code.replace(/\s+/g, ' ');
  const inV = rnnEv.args[0] ?? rnnEv.kwargs.get('input');
  const packed = inV?.k === 'packed';
  const srcV = sv(src);
  const outV = sv(e.result);
  const B = srcV.kind === 'tensor' ? srcV.shape[via === 'output' ? (c.batchFirst ? 0 : 1) : 1] : -1;
  const lastStep = via === 'output' && /-1/.test(code);
  // a padded output read at the last step: rows shorter than the batch's longest read padding (or a padded step)
  const mayReadPadding = via === 'output' && lastStep && (packed || inp.ctx.events.some((x) => x.op === 'rnn.pad_sequence' && x.seq < rnnEv.seq));
  const explanation = via === 'output'
    ? `${sel} takes the LAST padded time step for every row${mayReadPadding ? `: rows shorter than the longest sequence get ${packed ? 'padding (zeros)' : 'a step run on padding'}, not their last real step; use h_n[-1] or gather at lengths - 1` : ' (all rows have the same length here, so it is each row\'s last real step)'}`
    : `${sel}: h_n is (layers×directions, batch, hidden)${srcV.kind === 'tensor' ? ` = ${shapeText(srcV.shape)}` : ''}; ${D > 1 ? 'h_n[-1] is the LAST layer\'s BACKWARD direction, the forward one is h_n[-2]' : c.numLayers > 1 ? 'h_n[-1] is the last layer' : 'h_n[-1] is the only layer'}${packed ? ', at each row\'s own last real step (packed input)' : ''}; no numbers: the RNN call has no values here`;
  return {
    kind: 'final-state',
    title: via === 'output' ? `Final step ${sel}` : `Final state ${sel}`,
    span: e.span,
    inputs: [{ name: via === 'output' ? 'output' : 'h_n', value: srcV }],
    outputs: [{ name: code, value: outV }],
    transform: transformText(srcV, outV),
    explanation,
    details: { kind: 'final-state', numLayers: c.numLayers, numDirections: D, selection: sel, equalsOutputStep: B >= 0 ? new Array<number | null>(B).fill(null) : [] },
    ...(mayReadPadding ? { warnings: [{ code: 'RNNL001', message: `${sel} on a padded output reads padding for the shorter sequences` }] } : {}),
  };
}

/** The RNN's output as a (batch, time, features) accessor, padded, in the caller's order. */
function unpackedOutput(ev: OpEvent): { T: number; at(b: number, t: number, j: number): number } | null {
  const r = ev.rnn!.result;
  const out = r.output;
  if (out instanceof Tensor) {
    const bf = ev.rnn!.config.batchFirst;
    if (out.ndim !== 3) return null;
    const [d0, d1, F] = out.shape;
    return bf ? { T: d1, at: (b, t, j) => out.data[(b * d1 + t) * F + j] } : { T: d0, at: (b, t, j) => out.data[(t * d1 + b) * F + j] };
  }
  const F = out.data.shape[1];
  const B = out.batchSizes[0] ?? 0;
  const rowOf = new Map<string, number>();
  let r0 = 0;
  out.batchSizes.forEach((bs, t) => {
    for (let k = 0; k < bs; k++, r0++) rowOf.set(`${out.sortedIndices ? out.sortedIndices[k] : k}:${t}`, r0);
  });
  void B;
  return {
    T: out.batchSizes.length,
    at: (b, t, j) => {
      const row = rowOf.get(`${b}:${t}`);
      return row === undefined ? 0 : out.data.data[row * F + j];
    },
  };
}

export type { StepKind, TensorValueA };
