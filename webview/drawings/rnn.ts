// The RNN and final-state drawings. RNN: for every layer and direction a (batch × time) lane showing which time
// steps each sequence runs (only its own length when packed; all T, padding included, when not), the direction of
// the recurrence, and the cell where that direction's h_n is read (forward: last real step; backward: t = 0).
// Final state: h_n as layers × directions × batch slots, each marked with the output cell it equals.
import type { Step, StepDetails, TensorValue } from '../../runtime/steps/step';
import { attachTips, h, mk, s, svgCanvas, svgFrom, svgPoint } from '../dom';
import { PER_CELL_LIMIT } from './padding';
import { cellSize, seqClass, seqLegend, seqName, seqOf } from './context';

export function drawRnn(step: Step, d: Extract<StepDetails, { kind: 'rnn' }>): HTMLElement {
  const B = d.lengths.length;
  const T = Math.max(...d.lengths, 1);
  const D = d.bidirectional ? 2 : 1;
  const wrap = h('div', { class: 'drawing rnn' });
  const c = cellSize(T, B * d.numLayers * D);
  const left = 48;
  const top = 18;
  const perCell = B * T <= PER_CELL_LIMIT;
  for (let l = 0; l < d.numLayers; l++) {
    for (let dir = 0; dir < D; dir++) {
      const hIndex = l * D + dir;
      const W = Math.max(left + T * c + 70, 460);
      const H = top + B * c + 4;
      let m = mk('text', { class: 'lane-title', x: left, y: 12 },
        `layer ${l} · ${dir ? 'backward ←' : 'forward →'}${l > 0 ? ` · input = layer ${l - 1} output (${D * d.hiddenSize})` : ` · input ${d.inputSize}`} · h_n[${hIndex}]`);
      for (let b = 0; b < B; b++) {
        const y = top + b * c;
        const len = d.lengths[b];
        if (c >= 9 || b % 5 === 0) m += mk('text', { class: 'axis-label', x: left - 6, y: y + c * 0.7, 'text-anchor': 'end' }, `row ${b}`);
        if (len < 0) {
          // A length the run could not know (Steps followed by shapes only, docs/run-schema.md): no steps or h_n read
          // are drawn for this row, only a marked "unknown" band.
          m += mk('rect', { class: 'run-cell unknown', x: left, y, width: T * c - 1, height: c - 1, 'data-b': b, 'data-cells': 0 });
          m += mk('text', { class: 'length-label', x: left + T * c + 6, y: y + c * 0.7 }, 'length ?');
          continue;
        }
        if (perCell) {
          for (let t = 0; t < T; t++) {
            const active = t < len;
            m += mk('rect', { class: `run-cell ${active ? `active ${seqClass(seqOf(step, b))}` : 'idle'}`, x: left + t * c, y, width: c - 1, height: c - 1, 'data-b': b, 'data-t': t, 'data-cells': 1, ...(active ? { 'data-sequence': seqOf(step, b) } : {}) });
          }
        } else {
          m += mk('rect', { class: `run-cell active ${seqClass(seqOf(step, b))}`, x: left, y, width: len * c - 1, height: c - 1, 'data-b': b, 'data-cells': len, 'data-sequence': seqOf(step, b) });
          if (T > len) m += mk('rect', { class: 'run-cell idle', x: left + len * c, y, width: (T - len) * c - 1, height: c - 1, 'data-b': b, 'data-cells': T - len });
        }
        if (len > 1 && c >= 9) {
          const x0 = left + (dir ? len - 1 : 0) * c + c / 2;
          const x1 = left + (dir ? 0 : len - 1) * c + c / 2;
          m += mk('line', { class: 'run-arrow', x1: x0, y1: y + c / 2 - 0.5, x2: x1, y2: y + c / 2 - 0.5 });
        }
        const readT = dir ? 0 : len - 1;
        m += mk('circle', { class: 'hn-read', cx: left + readT * c + c / 2 - 0.5, cy: y + c / 2 - 0.5, r: Math.max(2, c * 0.3), 'data-b': b, 'data-t': readT, 'data-hn-index': hIndex });
        m += mk('text', { class: 'length-label', x: left + T * c + 6, y: y + c * 0.7 }, `h_n@t${readT}`);
      }
      const svg = svgFrom(W, H, 'rnn-lane-svg', `layer ${l} ${dir ? 'backward' : 'forward'}`, mk('g', { class: 'rnn-lane', 'data-layer': l, 'data-dir': dir, 'data-hn-index': hIndex }, m));
      attachTips(svg, (el, ev) => {
        const b = Number(el.getAttribute('data-b'));
        const t = el.hasAttribute('data-t') ? Number(el.getAttribute('data-t')) : Math.max(0, Math.min(T - 1, Math.floor((svgPoint(svg, ev).x - left) / c)));
        const who = step.rows ? ` (${seqName(step, b)})` : '';
        if (el.classList.contains('hn-read')) return `h_n[${hIndex}, ${b}] is read here: layer ${l} ${dir ? 'backward' : 'forward'}, row ${b}${who}, t = ${t}`;
        if (!el.classList.contains('run-cell')) return null;
        return t < d.lengths[b] ? `row ${b}${who} runs step t = ${t} (length ${d.lengths[b]})` : `row ${b}${who}: t = ${t} skipped (past length ${d.lengths[b]}; output is 0 here)`;
      });
      wrap.append(svg);
    }
  }
  if (step.rows) wrap.append(seqLegend(step, B, d.lengths));
  if (d.lengths.some((len) => len < 0)) {
    wrap.append(h('p', { class: 'fact unknown-lengths' }, 'Some lengths are unknown here (this code is followed by shapes only), so the steps those rows run are not drawn.'));
  }
  wrap.append(h('p', { class: 'fact' },
    `${d.mode} ${d.inputSize} → ${d.hiddenSize}${d.projSize ? ` (proj ${d.projSize})` : ''}, ${d.numLayers} layer${d.numLayers > 1 ? 's' : ''}, ${d.bidirectional ? 'bidirectional' : 'one direction'}, ${d.packed ? 'packed input: each row stops at its length' : 'NOT packed: every row runs all T steps'}; weights: ${d.weightsSource}; computed by ${d.backend}.`));
  return wrap;
}

export function drawFinalState(step: Step, d: Extract<StepDetails, { kind: 'final-state' }>): HTMLElement {
  const L = d.numLayers;
  const D = d.numDirections;
  const eq = d.sliceEqualsOutputStep;
  // h_n itself: the input tensor shaped (layers × directions, B, H)
  const hn = step.inputs.map((nv) => nv.value).find((v): v is TensorValue => v.kind === 'tensor' && v.shape.length === 3 && v.shape[0] === L * D) ?? null;
  const B = hn ? hn.shape[1] : eq ? eq[0][0].length : d.equalsOutputStep.length;
  const c = Math.max(10, Math.min(40, Math.floor(640 / Math.max(B, 1))));
  const left = 150;
  const top = 18;
  const rows = (hn ? L * D : 0) + (d.equalsOutputStep.length ? 1 : 0);
  const wrap = h('div', { class: 'drawing final-state' });
  if (rows > 0) {
    const W = left + B * c + 8;
    const H = top + rows * (c + 6) + 4;
    const svg = svgCanvas(W, H, 'hn-grid', `h_n: ${L} layers × ${D} directions × ${B} rows`);
    if (B <= 40) for (let b = 0; b < B; b++) svg.append(s('text', { class: 'axis-label', x: left + b * c + c / 2, y: top - 5, 'text-anchor': 'middle' }, `b${b}`));
    const cellText = (t: number | null | undefined, x: number, y: number): void => {
      if (t !== null && t !== undefined && c >= 22) svg.append(s('text', { class: 'cell-text', x: x + c / 2 - 1, y: y + c * 0.65, 'text-anchor': 'middle' }, `t${t}`));
    };
    let row = 0;
    if (hn) {
      for (let l = 0; l < L; l++) {
        for (let dir = 0; dir < D; dir++, row++) {
          const i = l * D + dir;
          const y = top + row * (c + 6);
          svg.append(s('text', { class: 'axis-label', x: left - 8, y: y + c * 0.65, 'text-anchor': 'end' }, `h_n[${i}] layer ${l} ${D === 2 ? (dir ? 'bwd' : 'fwd') : ''}`));
          for (let b = 0; b < B; b++) {
            const t = eq ? eq[l]?.[dir]?.[b] ?? null : undefined;
            const cls = t === undefined ? 'unknown' : t === null ? 'no-equal' : `equal ${seqClass(seqOf(step, b))}`;
            svg.append(s('rect', { class: `hn-slice ${cls}`, x: left + b * c, y, width: c - 2, height: c,
              'data-layer': l, 'data-dir': dir, 'data-b': b, 'data-sequence': seqOf(step, b), 'data-equals': t === undefined ? 'unknown' : t ?? 'none' }));
            cellText(t, left + b * c, y);
          }
        }
      }
    }
    if (d.equalsOutputStep.length) {
      const y = top + row * (c + 6);
      svg.append(s('text', { class: 'axis-label', x: left - 8, y: y + c * 0.65, 'text-anchor': 'end' }, 'selected = output at'));
      d.equalsOutputStep.forEach((t, b) => {
        svg.append(s('rect', { class: `sel-equals ${t === null ? 'no-equal' : `equal ${seqClass(seqOf(step, b))}`}`, x: left + b * c, y, width: c - 2, height: c, 'data-b': b, 'data-sequence': seqOf(step, b), 'data-equals': t ?? 'none' }));
        cellText(t, left + b * c, y);
      });
    }
    attachTips(svg, (el) => {
      const b = el.getAttribute('data-b');
      const t = el.getAttribute('data-equals');
      const who = step.rows && b !== null ? ` (${seqName(step, Number(b))})` : '';
      if (el.classList.contains('sel-equals')) return t === 'none' ? `${d.selection} row ${b}${who} equals no output cell` : `${d.selection} row ${b}${who} = output[${b}, ${t}]`;
      if (!el.classList.contains('hn-slice')) return null;
      const l = Number(el.getAttribute('data-layer'));
      const dir = Number(el.getAttribute('data-dir'));
      const half = D === 2 ? (dir ? ', backward half' : ', forward half') : '';
      const i = l * D + dir;
      if (t === 'unknown') return `h_n[${i}, ${b}]${who} (layer ${l}${D === 2 ? (dir ? ' backward' : ' forward') : ''})`;
      return t === 'none'
        ? `h_n[${i}, ${b}]${who} (layer ${l}) equals no output cell: only the last layer's states appear in output`
        : `h_n[${i}, ${b}]${who} = output[${b}, ${t}${half}]`;
    });
    wrap.append(svg);
    if (step.rows && step.rows.length === B) wrap.append(seqLegend(step, B));
  }
  wrap.append(h('p', { class: 'fact' }, `selected: ${d.selection}${d.equalsOutputStep.length ? `; equals output at time steps [${d.equalsOutputStep.map((x) => x ?? '—').join(', ')}]` : ''}`));
  return wrap;
}
