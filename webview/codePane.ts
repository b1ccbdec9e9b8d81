// The read-only code pane: the run's source highlighted with @lezer/python (the same parser the shape engine uses;
// monaco-editor was measured at 2.76 MB minified for its core + Python and is not needed for a read-only view),
// every step's lines marked, and each step's shape transformation written after its first line. Clicking a marked
// line selects its step.
import { classHighlighter, highlightTree } from '@lezer/highlight';
import { parser } from '@lezer/python';
import type { Step } from '../runtime/steps/step';
import { h } from './dom';

export interface CodePane {
  el: HTMLElement;
  /** Marks the step's lines; with `scroll`, also scrolls them into view (reads layout). */
  select(stepId: number | null, scroll: boolean): void;
}

/** Splits `text` into lines of highlighted spans (class names from @lezer/highlight's classHighlighter). */
function highlightLines(text: string, python: boolean): HTMLElement[] {
  const lines: HTMLElement[] = [h('span', { class: 'code-text' })];
  const push = (chunk: string, cls: string): void => {
    const parts = chunk.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) lines.push(h('span', { class: 'code-text' }));
      if (part) lines[lines.length - 1].append(cls ? h('span', { class: cls }, part) : document.createTextNode(part));
    });
  };
  if (!python || text.length > 400_000) {
    push(text, '');
    return lines;
  }
  const tree = parser.parse(text);
  let pos = 0;
  highlightTree(tree, classHighlighter, (from, to, classes) => {
    if (from > pos) push(text.slice(pos, from), '');
    push(text.slice(from, to), classes);
    pos = to;
  });
  if (pos < text.length) push(text.slice(pos), '');
  return lines;
}

export function createCodePane(text: string, languageId: string, steps: Step[], onPick: (stepId: number) => void): CodePane {
  const lines = highlightLines(text, languageId === 'python' || languageId === '');
  const stepsByLine = new Map<number, Step[]>();
  for (const st of steps) {
    for (let l = st.span.line; l <= st.span.endLine; l++) {
      const list = stepsByLine.get(l) ?? [];
      list.push(st);
      stepsByLine.set(l, list);
    }
  }
  const rows: HTMLElement[] = [];
  const body = h('div', { class: 'code-body', role: 'presentation' });
  lines.forEach((content, i) => {
    const n = i + 1;
    const here = stepsByLine.get(n) ?? [];
    const starts = steps.filter((st) => st.span.line === n);
    const row = h('div', { class: `code-line${here.length ? ' in-step' : ''}`, 'data-line': n, ...(here.length ? { 'data-steps': here.map((x) => x.id).join(' ') } : {}) },
      h('span', { class: 'gutter' }, String(n)), content,
      ...starts.map((st) => h('span', { class: 'code-transform', 'data-step-id': st.id, title: st.explanation }, `${st.title}: ${st.transform}`)));
    if (here.length) row.addEventListener('click', () => onPick(here[here.length - 1].id));
    rows.push(row);
    body.append(row);
  });
  const el = h('pre', { class: 'code-pane', 'aria-label': 'source of the run' }, body);
  return {
    el,
    select(stepId, scroll) {
      let first: HTMLElement | null = null;
      for (const r of rows) {
        const ids = (r.dataset.steps ?? '').split(' ');
        const on = stepId !== null && ids.includes(String(stepId));
        r.classList.toggle('selected', on);
        if (on && !first) first = r;
      }
      if (first && scroll) {
        const top = first.offsetTop - el.clientHeight / 3;
        el.scrollTo({ top: Math.max(0, top) });
      }
    },
  };
}
