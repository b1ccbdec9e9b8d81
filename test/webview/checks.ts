// DOM checks shared by the visualizer's browser tests: each card's drawing compared with the step's own data
// (pad cells = B×T − sum(lengths), pack column heights = batch_sizes, packed rows by source sequence = rowOrigin,
// sort rows = permutation, RNN lanes and h_n read positions, unpack padding exactly 0, h_n slices = output cells),
// and that every row is coloured by the sequence Step.rows says it is (one colour per sequence across cards).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { PackedValue, RunResult, Step, TensorValue, Value } from '../../runtime/steps/step';
import { ROOT } from './harness';

export const SHOTS = join(ROOT, 'test-results/webview');

export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

function tensorIn(values: Step['outputs']): TensorValue | null {
  for (const nv of values) {
    const v: Value = nv.value;
    if (v.kind === 'tensor') return v;
    if (v.kind === 'tuple' && v.items[0]?.kind === 'tensor') return v.items[0];
  }
  return null;
}
function packedIn(values: Step['outputs']): PackedValue | null {
  for (const nv of values) if (nv.value.kind === 'packed') return nv.value;
  return null;
}

/** Attribute lists of the elements matching `sel` inside the card of step `id`. */
export async function attrs(page: Page, id: number, sel: string, names: string[]): Promise<Record<string, string | null>[]> {
  return page.$$eval(`.step-card[data-step-id="${id}"] ${sel}`, (els, ns) => els.map((e) => Object.fromEntries(ns.map((n) => [n, e.getAttribute(n)]))), names);
}
/** Screenshots of single cards: the sticky run header would cover a card scrolled under it, so unstick it. */
export async function cardShots(page: Page, name: string, kinds: string[], theme: string): Promise<void> {
  await page.evaluate(() => { const hd = document.querySelector<HTMLElement>('.run-header'); if (hd) hd.style.position = 'static'; });
  for (const kind of kinds) {
    const card = page.locator(`.step-card[data-kind="${kind}"]`).last();
    if (await card.count()) await card.screenshot({ path: join(SHOTS, `${name}-card-${kind}-${theme}.png`) });
  }
  await page.evaluate(() => { const hd = document.querySelector<HTMLElement>('.run-header'); if (hd) hd.style.position = ''; });
}

/** Cells a drawing stands for: per-cell rects say data-cells="1", row bars of large grids say how many. */
export async function cells(page: Page, id: number, sel: string): Promise<number> {
  return page.$$eval(`.step-card[data-step-id="${id}"] ${sel}`, (els) => els.reduce((a, e) => a + Number(e.getAttribute('data-cells')), 0));
}
export async function count(page: Page, id: number, sel: string): Promise<number> {
  return page.$$eval(`.step-card[data-step-id="${id}"] ${sel}`, (els) => els.length);
}

export const counter = { assertions: 0 };
export function eq<T>(actual: T, expected: T, what: string): void {
  counter.assertions++;
  assert.deepEqual(actual, expected, what);
}

/** Checks every card's drawing against the step's data; returns how many checks ran. */
export async function checkDrawings(page: Page, run: RunResult): Promise<void> {
  eq(await page.$$eval('.step-card', (els) => els.length), run.steps.length, 'one card per step');
  const transforms = await page.$$eval('.step-card .transform', (els) => els.map((e) => e.textContent));
  eq(transforms, run.steps.map((s) => s.transform), 'each card header shows its transform');
  for (const step of run.steps) {
    const d = step.details;
    const id = step.id;
    const what = `step ${id} (${step.kind}, line ${step.span.line})`;
    switch (d.kind) {
      case 'vocab':
        eq(await page.$$eval(`.step-card[data-step-id="${id}"] .vocab-token`, (els) => els.map((e) => e.getAttribute('data-token'))), d.tokens, `${what}: vocabulary chips`);
        break;
      case 'index':
        for (let b = 0; b < d.sequences.length; b++) {
          const cells = await attrs(page, id, `.index-seq[data-b="${b}"] .index-cell`, ['data-index']);
          eq(cells.map((c) => Number(c['data-index'])), d.sequences[b].indices, `${what}: indices of sequence ${b}`);
        }
        break;
      case 'pad': {
        const out = tensorIn(step.outputs);
        assert.ok(out, `${what}: has an output tensor`);
        const T = out.shape[d.batchFirst ? 1 : 0];
        const B = out.shape[d.batchFirst ? 0 : 1];
        eq(d.lengths.length, B, `${what}: one length per batch row`);
        // Unknown lengths / T (-1, shape-only Steps) draw one 'unknown' band per row and no real or pad cells.
        const knownRows = T < 0 ? [] : d.lengths.filter((len) => len >= 0);
        eq(await cells(page, id, 'rect.cell.pad'), T < 0 ? 0 : knownRows.length * T - sum(knownRows), `${what}: pad cells = B×T − sum(lengths) over rows of known length`);
        eq(await cells(page, id, 'rect.cell.real'), sum(knownRows), `${what}: real cells = sum(lengths)`);
        eq(await count(page, id, 'rect.cell.unknown'), B - knownRows.length, `${what}: one unknown band per row of unknown length`);
        eq((await attrs(page, id, 'text.length-label', ['data-length'])).map((a) => Number(a['data-length'])), d.lengths, `${what}: lengths at the side`);
        if (out.data && out.shape.length === 2 && T >= 0) {
          // the pad cells of the data really hold the padding value
          for (let b = 0; b < B; b++) for (let t = d.lengths[b]; t < T; t++) eq(out.data[b * T + t], d.paddingValue, `${what}: data[${b}, ${t}] is padding`);
        }
        break;
      }
      case 'sort': {
        const rows = await attrs(page, id, 'rect.sort-row', ['data-pos', 'data-from', 'data-length']);
        eq(rows.map((r) => Number(r['data-from'])), d.permutation, `${what}: rows arrive from permutation`);
        eq(rows.map((r) => Number(r['data-length'])), d.lengthsAfter, `${what}: sorted lengths`);
        eq(d.permutation.map((p) => d.lengthsBefore[p]), d.lengthsAfter, `${what}: lengthsAfter = lengthsBefore[permutation]`);
        const pack = run.steps.find((s) => s.details.kind === 'pack' && s.id > id && (s.details as { sortedIndices: number[] | null }).sortedIndices);
        if (pack && step.title.includes('inside pack')) {
          eq(d.permutation, packedIn(pack.outputs)?.sortedIndices, `${what}: permutation = the PackedSequence's sorted_indices`);
        }
        break;
      }
      case 'pack': {
        const p = packedIn(step.outputs);
        assert.ok(p, `${what}: packed output`);
        // A pack the run followed by shapes only has an unknown row count (-1) and no batch_sizes: nothing is drawn.
        const packedRows = Math.max(p.data.shape[0], 0);
        eq(d.batchSizes, p.batchSizes, `${what}: details.batchSizes = PackedSequence.batch_sizes`);
        const large = await count(page, id, 'svg.pack-columns.large');
        if (!large) {
          const cols = await attrs(page, id, 'g.pack-column', ['data-t', 'data-count']);
          eq(cols.length, p.batchSizes.length, `${what}: one column per time step`);
          const heights: number[] = [];
          for (let t = 0; t < cols.length; t++) heights.push(await count(page, id, `g.pack-column[data-t="${t}"] rect.pack-cell`));
          eq(heights, p.batchSizes, `${what}: column heights = batch_sizes`);
          const rows = await attrs(page, id, 'rect.packed-row', ['data-row', 'data-t', 'data-seq']);
          eq(rows.length, packedRows, `${what}: one strip cell per packed data row`);
          eq(rows.length, sum(d.lengths), `${what}: packed rows = sum(lengths)`);
          eq(rows.map((r) => [Number(r['data-t']), Number(r['data-seq'])]), d.rowOrigin, `${what}: rows coloured by their source sequence`);
        } else {
          // large batches: one bar per sorted slot; a column's height is the number of bars crossing it
          const bars = (await attrs(page, id, 'rect.pack-slot', ['data-slot', 'data-seq', 'data-t0', 'data-cells'])).map((a) => ({ seq: Number(a['data-seq']), t0: Number(a['data-t0']), n: Number(a['data-cells']) }));
          const heights = p.batchSizes.map((_, t) => bars.filter((b) => b.t0 <= t && t < b.t0 + b.n).length);
          eq(heights, p.batchSizes, `${what}: column heights (bars crossing each column) = batch_sizes`);
          const drawnOrigin: [number, number][] = [];
          heights.forEach((hgt, t) => { for (let k = 0; k < hgt; k++) drawnOrigin.push([t, bars[k].seq]); });
          eq(drawnOrigin, d.rowOrigin, `${what}: packed rows read off the bars = rowOrigin`);
          eq(Number((await attrs(page, id, 'canvas.packed-rows-canvas', ['data-total-rows']))[0]['data-total-rows']), sum(d.lengths), `${what}: packed rows = sum(lengths)`);
          eq(packedRows, sum(d.lengths), `${what}: packed data rows = sum(lengths)`);
        }
        const sums = await attrs(page, id, '.pack-sum', ['data-sum-batch-sizes', 'data-sum-lengths']);
        eq([Number(sums[0]['data-sum-batch-sizes']), Number(sums[0]['data-sum-lengths'])], [sum(p.batchSizes), sum(d.lengths)], `${what}: sums shown`);
        // rowOrigin is the data's own provenance: packed row r equals input[b, t] (batch-first input)
        const x = tensorIn(step.inputs);
        if (x?.data && p.data.data && d.batchFirst && x.shape.length === 3) {
          const [, T, F] = x.shape;
          d.rowOrigin.forEach(([t, b], r) => {
            const want = x.data!.slice((b * T + t) * F, (b * T + t + 1) * F);
            eq(p.data.data!.slice(r * F, (r + 1) * F), want, `${what}: packed row ${r} = input[${b}, ${t}]`);
          });
        }
        break;
      }
      case 'rnn': {
        const D = d.bidirectional ? 2 : 1;
        eq(await count(page, id, 'g.rnn-lane'), d.numLayers * D, `${what}: one lane per layer and direction`);
        for (let l = 0; l < d.numLayers; l++) {
          for (let dir = 0; dir < D; dir++) {
            const lane = `g.rnn-lane[data-layer="${l}"][data-dir="${dir}"]`;
            // Unknown lengths (-1, shape-only Steps) draw an 'unknown' band: no run cells, no h_n read.
            const known = d.lengths.filter((len) => len >= 0);
            eq(await cells(page, id, `${lane} rect.run-cell.active`), sum(known), `${what}: layer ${l} dir ${dir} runs sum(known lengths) steps`);
            eq(await count(page, id, `${lane} rect.run-cell.unknown`), d.lengths.length - known.length, `${what}: layer ${l} dir ${dir} one unknown band per row of unknown length`);
            const reads = await attrs(page, id, `${lane} circle.hn-read`, ['data-b', 'data-t']);
            eq(reads.map((r) => Number(r['data-t'])), known.map((len) => (dir === 0 ? len - 1 : 0)), `${what}: layer ${l} dir ${dir} h_n read at ${dir ? 't = 0' : 'length − 1'}`);
          }
        }
        break;
      }
      case 'unpack': {
        const out = tensorIn(step.outputs);
        assert.ok(out);
        const B = d.lengths.length;
        const padCells = B * d.totalLength - sum(d.lengths);
        eq(await cells(page, id, 'rect.cell.pad'), padCells, `${what}: pad cells`);
        const check = await attrs(page, id, '.pad-check', ['data-checked', 'data-nonzero']);
        eq(Number(check[0]['data-checked']), padCells, `${what}: every padded step checked`);
        eq(Number(check[0]['data-nonzero']), 0, `${what}: padding exactly 0`);
        break;
      }
      case 'unsort': {
        const rows = await attrs(page, id, 'rect.unsort-row', ['data-from']);
        eq(rows.map((r) => Number(r['data-from'])), d.permutation, `${what}: rows come from unsorted_indices`);
        const rnn = run.steps.find((s) => s.details.kind === 'rnn' && s.id < id);
        const packed = rnn ? packedIn(rnn.outputs) : null;
        if (packed?.unsortedIndices) eq(d.permutation, packed.unsortedIndices, `${what}: permutation = unsorted_indices`);
        // un-sorting restores the caller's order: permutation is the inverse of sorted_indices
        if (packed?.sortedIndices) eq(d.permutation.map((k) => packed.sortedIndices![k]), d.permutation.map((_, i) => i), `${what}: sorted[unsorted[i]] = i`);
        break;
      }
      case 'final-state': {
        const sel = await attrs(page, id, 'rect.sel-equals', ['data-b', 'data-equals']);
        eq(sel.map((x) => x['data-equals']), d.equalsOutputStep.map((t) => (t === null ? 'none' : String(t))), `${what}: selected rows marked with the output step they equal`);
        const hn = step.inputs.map((nv) => nv.value).find((v): v is TensorValue => v.kind === 'tensor' && v.shape.length === 3 && v.shape[0] === d.numLayers * d.numDirections);
        const slices = await attrs(page, id, 'rect.hn-slice', ['data-layer', 'data-dir', 'data-b', 'data-equals']);
        if (!hn) {
          eq(slices.length, 0, `${what}: no h_n grid without h_n among the inputs`);
          break;
        }
        const B = hn.shape[1];
        eq(slices.length, d.numLayers * d.numDirections * B, `${what}: h_n drawn as layers × directions × batch`);
        const outStep = step.inputs.find((nv) => nv.value.kind === 'tensor' && nv.value.shape.length === 3 && nv.value !== hn);
        const out = outStep?.value.kind === 'tensor' ? outStep.value : null;
        for (const sl of slices) {
          const l = Number(sl['data-layer']);
          const dir = Number(sl['data-dir']);
          const b = Number(sl['data-b']);
          if (!d.sliceEqualsOutputStep) {
            eq(sl['data-equals'], 'unknown', `${what}: h_n[${l * d.numDirections + dir}, ${b}] not attributed without sliceEqualsOutputStep`);
            continue;
          }
          const want = d.sliceEqualsOutputStep[l][dir][b];
          eq(sl['data-equals'], want === null ? 'none' : String(want), `${what}: h_n[${l * d.numDirections + dir}, ${b}] marked`);
          if (want !== null && out?.data && hn.data) {
            const H = hn.shape[2];
            const [, T, DH] = out.shape;
            const slice = hn.data.slice(((l * d.numDirections + dir) * B + b) * H, ((l * d.numDirections + dir) * B + b + 1) * H);
            const cell = out.data.slice((b * T + want) * DH + dir * H, (b * T + want) * DH + (dir + 1) * H);
            eq(slice.every((v, i) => Math.abs(v - cell[i]) <= 1e-6), true, `${what}: h_n slice equals output[${b}, ${want}] in the data`);
          }
        }
        break;
      }
      case 'embed': case 'other':
        break;
      default:
        throw new Error(`unhandled kind ${(d as { kind: string }).kind}`);
    }
    if (step.rows) await checkRowSequences(page, step);
  }
}

/** Every element of the card that carries data-sequence has that sequence's colour class, and the rows it stands
 *  for (data-b / data-seq = batch row; sort bars by position) are the sequences Step.rows gives. */
async function checkRowSequences(page: Page, step: Step): Promise<void> {
  const rows = step.rows!;
  const id = step.id;
  const what = `step ${id} (${step.kind}) rows`;
  const tagged = await attrs(page, id, '[data-sequence]:not(.no-equal):not(.unknown)', ['data-sequence', 'class']); // grey by design
  eq(tagged.every((t) => (t.class ?? '').split(/\s+/).includes(`seq-${Number(t['data-sequence']) % 8}`)), true, `${what}: colour class = sequence`);
  for (const [sel, key] of [['[data-b][data-sequence]', 'data-b'], ['[data-seq][data-sequence]', 'data-seq'], ['rect.order-bar.before', 'data-pos'], ['rect.order-bar.after', 'data-from']] as const) {
    const els = await attrs(page, id, sel, [key, 'data-sequence']);
    eq(els.map((e) => Number(e['data-sequence'])), els.map((e) => rows[Number(e[key])].sequence), `${what}: ${sel} by ${key}`);
  }
}

/** Computed fills of the drawn elements of original sequence `seq` in a card (grid rows' real cells, bars, pack
 *  cells, packed rows, active RNN cells, h_n slices that equal an output cell). */
export async function sequenceFills(page: Page, id: number, seq: number): Promise<string[]> {
  return page.$$eval(`.step-card[data-step-id="${id}"] rect[data-sequence="${seq}"]:not(.no-equal):not(.unknown), .step-card[data-step-id="${id}"] g[data-sequence="${seq}"] rect.real`,
    (els) => [...new Set(els.map((e) => getComputedStyle(e).fill))]);
}

/** One sequence followed through every card: the elements at the rows where Step.rows puts it carry its sequence
 *  number, and all of them — pad, sort, embed values aside, pack, RNN, unpack, un-sort, final state — have ONE fill,
 *  different from every other sequence's. Returns the cards it was found in. */
export async function checkSequenceFollowed(page: Page, run: RunResult, seq: number): Promise<string[]> {
  const fills = new Set<string>();
  const seen: string[] = [];
  for (const step of run.steps) {
    const b = step.rows?.findIndex((r) => r.sequence === seq) ?? -1;
    if (b < 0 || step.kind === 'embed' || step.kind === 'index') continue;
    const own = await sequenceFills(page, step.id, seq);
    if (!own.length) continue;
    own.forEach((f) => fills.add(f));
    seen.push(step.kind);
    const others = new Set<string>();
    for (const r of step.rows!) if (r.sequence !== seq && r.sequence % 8 !== seq % 8) (await sequenceFills(page, step.id, r.sequence)).forEach((f) => others.add(f));
    eq(own.some((f) => others.has(f)), false, `step ${step.id} (${step.kind}): sequence ${seq}'s colour differs from the other sequences'`);
  }
  eq(fills.size, 1, `sequence ${seq} has one colour in every card (${[...fills].join(' / ')})`);
  return seen;
}


/** Cards whose drawings show batch rows in sequence colours (embed: values only; index: token chips). */
const rowCards = (run: RunResult): string[] => run.steps.filter((s) => s.rows && s.kind !== 'embed' && s.kind !== 'index').map((s) => s.kind);

const seqAttr = async (page: Page, stepId: number, sel: string): Promise<string[]> => (await attrs(page, stepId, sel, ['data-sequence'])).map((a) => a['data-sequence']!);

/** Seed 000 (sort by hand, then pack): 'medium' (sequence 2) is pad row 2, sort after-row 1, pack/RNN/unpack row 1,
 *  named in the legends, and has one colour in every card; so do 'long_str' and 'tiny'. */
export async function checkSeed000Medium(page: Page, run: RunResult): Promise<void> {
  const id = (kind: string): number => run.steps.find((s) => s.kind === kind)!.id;
  eq(await seqAttr(page, id('pad'), 'g.grid-row[data-b="2"]'), ['2'], "pad row 2 is 'medium'");
  eq(await seqAttr(page, id('sort'), 'rect.sort-row[data-pos="1"]'), ['2'], "sort: after-row 1 is 'medium'");
  eq(await seqAttr(page, id('sort'), 'rect.order-bar.before[data-pos="2"]'), ['2'], "sort: before-row 2 is 'medium'");
  eq(await seqAttr(page, id('pack'), 'rect.pack-cell[data-seq="1"]'), ['2', '2', '2', '2', '2', '2'], "pack: batch row 1's 6 cells are 'medium'");
  eq((await seqAttr(page, id('pack'), 'rect.packed-row[data-sequence="2"]')).length, 6, "pack: 6 packed rows of 'medium'");
  eq(await page.textContent(`.step-card[data-step-id="${id('pack')}"] .legend-item[data-seq="1"]`), "'medium' · len 6", 'pack legend names the sequence');
  eq([...new Set(await seqAttr(page, id('rnn'), 'rect.run-cell.active[data-b="1"]'))], ['2'], "RNN lane row 1 is 'medium'");
  eq(await seqAttr(page, id('unpack'), 'g.grid-row[data-b="1"]'), ['2'], "unpack row 1 is 'medium'");
  eq(await page.textContent(`.step-card[data-step-id="${id('pad')}"] .legend-item[data-seq="1"]`), "'tiny' · len 4", 'pad legend names the sequence');
  for (const k of [2, 1, 0]) eq(await checkSequenceFollowed(page, run, k), rowCards(run), `sequence ${k}: one colour in every batched card`);
}

/** Seed 002 (enforce_sorted=False, sorted_indices = [2, 0, 1]): sequence 1 ([4, 5], length 2) is sorted to position 2
 *  inside pack and un-sorted back to row 1; every sequence keeps one colour through all cards. */
export async function checkSeed002Orders(page: Page, run: RunResult): Promise<void> {
  const id = (kind: string): number => run.steps.find((s) => s.kind === kind)!.id;
  eq(await seqAttr(page, id('pad'), 'g.grid-row[data-b="1"]'), ['1'], 'pad row 1 is sequence 1');
  eq(await seqAttr(page, id('sort'), 'rect.sort-row[data-pos="2"]'), ['1'], 'sort inside pack: position 2 is sequence 1');
  eq(await seqAttr(page, id('pack'), 'rect.pack-cell[data-seq="1"]'), ['1', '1'], 'pack: batch row 1 cells are sequence 1');
  eq(await seqAttr(page, id('unsort'), 'rect.order-bar.before[data-pos="2"]'), ['1'], 'un-sort: sorted position 2 is sequence 1');
  eq(await seqAttr(page, id('unsort'), 'rect.unsort-row[data-pos="1"]'), ['1'], 'un-sort: restored row 1 is sequence 1');
  eq(await page.textContent(`.step-card[data-step-id="${id('pack')}"] .legend-item[data-seq="1"]`), 'sequence 1 · len 2', 'no strings in this run: "sequence k"');
  for (const k of [0, 1, 2]) eq(await checkSequenceFollowed(page, run, k), rowCards(run), `sequence ${k}: one colour in every batched card`);
}
