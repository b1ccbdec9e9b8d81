// One driver for the annotated shape tests: every test/fixtures/shape-tests/*.py is analysed and each
// `# shape: SPEC` / `# error: TEXT` comment is checked against the engine's record / diagnostics on that line.
// The annotations come from real PyTorch (annotate.py runs the same tracer as the official fixtures); dims that
// static analysis cannot know were hand-edited to `?` (engine must say unknown/symbolic, never a number) or a
// symbolic name (engine must give exactly that name).
//   # shape: [3, 8, 5]            one tensor (dtype float32 unless written: `[3] int64`)
//   # shape: out=[2, 4, 5] h=(…)  several names on the line
//   # shape: packed data [18, 4] batch_sizes [3, 3, 2] sorted_indices [2, 0, 1]
//   # shape: ([1, 3, 5], [1, 3, 5])   a tuple / list
//   # shape: ?                    unknowable: no record, or one without a fully known shape
//   # shape: unstable             changes between executions: not checked
//   # error: <substring>          a shape error whose message contains the substring, located on the line
//   # joined: n=int value=? x=[?, 2] float32 t=[] int64 value=5
//                                 the value a hover shows for each name bound on the line (a loop target, a name
//                                 assigned in a loop or a function called twice) is the join over every execution
//                                 (annotate_joined.py: `?` = differs between executions, so the engine must not
//                                 claim a number there; a number must be matched exactly)
//   # hover NAME: TEXT            the hover of NAME on the line reads exactly `NAME: TEXT` (code nobody calls, analysed
//                                 with symbolic parameters: `# hover h: Tensor[float32] (2, len(lengths), hid)`);
//                                 several on a line: `# hover h: … # hover c: …`; symbolic_*.py files may have
//                                 no error/warning diagnostics but those their `# error:` lines expect
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePython, type ShapeRecord } from '../../runtime/analysis/api';
import type { Value } from '../../runtime/interp/values';

const dir = join(__dirname, '..', 'fixtures', 'shape-tests');

type Spec =
  | { kind: 'tensor'; dims: (number | string | '?')[]; dtype: string }
  | { kind: 'packed'; data: (number | string | '?')[]; batchSizes: (number | '?')[] | '?'; sortedIndices: number[] | null | '?' }
  | { kind: 'tuple'; items: Spec[] }
  | { kind: 'unknown' }
  | { kind: 'unstable' };

function parseDims(s: string): (number | string | '?')[] {
  const inner = s.trim().replace(/^\[/, '').replace(/\]$/, '').trim();
  if (inner === '') return [];
  return inner.split(',').map((d) => {
    const t = d.trim();
    if (t === '?') return '?';
    return /^-?\d+$/.test(t) ? Number(t) : t;
  });
}

/** Splits at top-level commas. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function parseSpec(s: string): Spec {
  const t = s.trim();
  if (t === '?') return { kind: 'unknown' };
  if (t === 'unstable') return { kind: 'unstable' };
  if (t.startsWith('(')) return { kind: 'tuple', items: splitTop(t.slice(1, -1)).map(parseSpec) };
  if (t.startsWith('packed')) {
    const data = /data (\[[^\]]*\])/.exec(t);
    const bs = /batch_sizes (\[[^\]]*\]|\?)/.exec(t);
    const si = /sorted_indices (\[[^\]]*\]|\?)/.exec(t);
    return {
      kind: 'packed',
      data: data ? parseDims(data[1]) : [],
      batchSizes: !bs || bs[1] === '?' ? '?' : (parseDims(bs[1]) as (number | '?')[]),
      sortedIndices: !si ? null : si[1] === '?' ? '?' : (parseDims(si[1]) as number[]),
    };
  }
  const m = /^(\[[^\]]*\])\s*(\w+)?$/.exec(t);
  if (!m) throw new Error(`bad shape annotation '${s}'`);
  return { kind: 'tensor', dims: parseDims(m[1]), dtype: m[2] ?? 'float32' };
}

/** `a=[…] b=(…)` → per-name specs; a bare spec → { '': spec }. */
function parseAnnotation(text: string): Map<string, Spec> {
  const out = new Map<string, Spec>();
  const starts: { name: string; at: number; specAt: number }[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (depth === 0 && (i === 0 || text[i - 1] === ' ')) {
      const m = /^(\w+)=/.exec(text.slice(i));
      if (m) starts.push({ name: m[1], at: i, specAt: i + m[0].length });
    }
  }
  if (starts.length === 0) {
    out.set('', parseSpec(text));
    return out;
  }
  starts.forEach((s, k) => out.set(s.name, parseSpec(text.slice(s.specAt, k + 1 < starts.length ? starts[k + 1].at : undefined))));
  return out;
}

function checkDims(want: (number | string | '?')[], got: unknown, where: string): void {
  assert.ok(Array.isArray(got), `${where}: expected dims ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  const g = got as unknown[];
  assert.equal(g.length, want.length, `${where}: rank ${g.length} instead of ${want.length} (${JSON.stringify(g)})`);
  want.forEach((w, i) => {
    if (w === '?') assert.ok(g[i] === null || typeof g[i] === 'string', `${where}: dim ${i} should be unknown, engine guessed ${g[i]}`);
    else assert.equal(g[i], w, `${where}: dim ${i} is ${JSON.stringify(g[i])}, PyTorch says ${w} (${JSON.stringify(g)})`);
  });
}

function checkSpec(spec: Spec, rec: Record<string, unknown> | undefined, where: string): void {
  switch (spec.kind) {
    case 'unstable':
      return;
    case 'unknown': {
      if (!rec) return;
      const s = JSON.stringify(rec);
      assert.ok(/null|"[A-Za-z_]/.test(s.replace(/"kind":"\w+"|"dtype":"\w+"|"name":"\w+"/g, '')), `${where}: should be unknown, engine claims ${s}`);
      return;
    }
    case 'tensor':
      assert.ok(rec, `${where}: no record (PyTorch: tensor ${JSON.stringify(spec.dims)})`);
      assert.equal(rec.kind, 'tensor', `${where}: kind ${rec.kind} instead of tensor`);
      checkDims(spec.dims, rec.shape, where);
      assert.equal(rec.dtype, spec.dtype, `${where}: dtype`);
      return;
    case 'packed':
      assert.ok(rec, `${where}: no record (PyTorch: packed)`);
      assert.equal(rec.kind, 'packed', `${where}: kind ${rec.kind} instead of packed`);
      checkDims(spec.data, rec.data_shape, `${where} data`);
      if (spec.batchSizes === '?') assert.ok(rec.batch_sizes === null || (rec.batch_sizes as unknown[]).some((d) => typeof d !== 'number'), `${where}: batch_sizes should be unknown`);
      else checkDims(spec.batchSizes, rec.batch_sizes, `${where} batch_sizes`);
      if (spec.sortedIndices === '?') assert.ok(!Array.isArray(rec.sorted_indices) || (rec.sorted_indices as unknown[]).some((d) => typeof d !== 'number'), `${where}: sorted_indices should be unknown`);
      else if (spec.sortedIndices === null) assert.equal(rec.sorted_indices, null, `${where}: sorted_indices should be None`);
      else checkDims(spec.sortedIndices, rec.sorted_indices, `${where} sorted_indices`);
      return;
    case 'tuple': {
      assert.ok(rec, `${where}: no record (PyTorch: tuple)`);
      assert.equal(rec.kind, 'tuple', `${where}: kind ${rec.kind} instead of tuple`);
      const items = rec.items as Record<string, unknown>[];
      assert.equal(items.length, spec.items.length, `${where}: ${items.length} items instead of ${spec.items.length}`);
      spec.items.forEach((s, i) => checkSpec(s, items[i], `${where}[${i}]`));
      return;
    }
  }
}

type JoinedSpec =
  | { kind: 'int'; value: number | '?' }
  | { kind: 'tensor'; dims: (number | string | '?')[]; dtype: string; value: number | '?' | null };

/** `n=int value=? x=[?, 2] float32 t=[] int64 value=5` → per-name specs. */
function parseJoined(text: string): Map<string, JoinedSpec> {
  const out = new Map<string, JoinedSpec>();
  const re = /(\w+)=(int value=(\?|-?\d+)|\[([^\]]*)\] (\w+)(?: value=(\?|-?[\d.]+))?)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[2].startsWith('int')) out.set(m[1], { kind: 'int', value: m[3] === '?' ? '?' : Number(m[3]) });
    else out.set(m[1], { kind: 'tensor', dims: parseDims(`[${m[4]}]`), dtype: m[5], value: m[6] === undefined ? null : m[6] === '?' ? '?' : Number(m[6]) });
  }
  return out;
}

function checkJoined(spec: JoinedSpec, v: Value | null, where: string): void {
  assert.ok(v, `${where}: no value to hover`);
  if (spec.kind === 'int') {
    assert.equal(v.k, 'int', `${where}: ${v.k} instead of int`);
    if (v.k !== 'int') return;
    if (spec.value === '?') assert.equal(v.v, null, `${where}: the value differs between executions, the engine claims ${v.v}`);
    else assert.equal(v.v, spec.value, `${where}: value`);
    return;
  }
  assert.equal(v.k, 'tensor', `${where}: ${v.k} instead of a tensor`);
  if (v.k !== 'tensor') return;
  checkDims(spec.dims, v.shape, where);
  assert.equal(v.dtype, spec.dtype, `${where}: dtype`);
  if (spec.value === '?') assert.equal(v.data, undefined, `${where}: the data differs between executions, the engine claims ${v.data?.toArray()}`);
  else if (typeof spec.value === 'number') assert.deepEqual(v.data?.toArray(), [spec.value], `${where}: value`);
}

/** `# hover NAME: TEXT` annotations of a line (several may follow each other). */
function hoverAnnotations(line: string): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const at = line.indexOf('# hover ');
  if (at < 0) return out;
  for (const part of line.slice(at).split(/#\s*hover\s+/).slice(1)) {
    const m = /^(\w+):\s*(.*?)\s*$/.exec(part);
    if (m) out.push({ name: m[1], text: m[2] });
  }
  return out;
}

const files = readdirSync(dir).filter((f) => f.endsWith('.py')).sort();

test('there are annotated shape tests', () => {
  assert.ok(files.length >= 5);
});

for (const file of files) {
  test(`shape annotations: ${file}`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const a = analyzePython(text);
    const byLine = new Map<number, ShapeRecord[]>();
    for (const r of a.records) byLine.set(r.line, [...(byLine.get(r.line) ?? []), r]);
    let checked = 0;
    text.split('\n').forEach((line, i) => {
      const ln = i + 1;
      const shape = /#\s*shape:\s*(.+)$/.exec(line);
      const error = /#\s*error:\s*(.+)$/.exec(line);
      if (error) {
        const want = error[1].trim();
        const diags = a.diagnostics.filter((d) => d.span.line === ln && d.severity === 'error');
        assert.ok(diags.some((d) => d.message.includes(want)), `${file}:${ln}: expected an error containing '${want}', got ${JSON.stringify(diags.map((d) => d.message))}`);
        checked++;
      }
      if (!shape) return;
      const recs = (byLine.get(ln) ?? []).sort((p, q) => p.col - q.col);
      for (const [name, spec] of parseAnnotation(shape[1].trim())) {
        const rec = name === '' ? recs[0] : recs.find((r) => r.name === name);
        const { span: _s, text: _t, ...body } = rec ?? ({} as ShapeRecord);
        checkSpec(spec, rec ? (body as Record<string, unknown>) : undefined, `${file}:${ln}${name ? ` ${name}` : ''}`);
        checked++;
      }
    });
    text.split('\n').forEach((line, i) => {
      const joined = /#\s*joined:\s*(\w+=.+)$/.exec(line);
      if (!joined) return;
      for (const [name, spec] of parseJoined(joined[1])) {
        const col = new RegExp(`\\b${name}\\b`).exec(line)?.index ?? -1;
        assert.ok(col >= 0, `${file}:${i + 1}: ${name} is not on the line`);
        checkJoined(spec, a.valueAt(i + 1, col), `${file}:${i + 1} ${name}`);
        checked++;
      }
    });
    text.split('\n').forEach((line, i) => {
      for (const h of hoverAnnotations(line)) {
        const col = new RegExp(`\\b${h.name}\\b`).exec(line)?.index ?? -1;
        assert.ok(col >= 0, `${file}:${i + 1}: ${h.name} is not on the line`);
        assert.equal(a.hoverAt(i + 1, col)?.text, `${h.name}: ${h.text}`, `${file}:${i + 1} hover of ${h.name}`);
        checked++;
      }
    });
    if (file.startsWith('symbolic_')) {
      // code analysed with symbolic parameters claims no error or warning that could be false for some argument
      const lines = text.split('\n');
      const claimed = a.diagnostics.filter((d) => d.severity !== 'info' && !/#\s*error:/.test(lines[d.span.line - 1] ?? ''));
      assert.deepEqual(claimed.map((d) => `${d.span.line}: ${d.code} ${d.message}`), [], `${file}: diagnostics in speculative code`);
    }
    assert.ok(checked > 0, `${file} has no annotations`);
  });
}
