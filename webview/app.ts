// The visualizer page's controller: receives protocol messages, renders the run (header, code pane, one card per
// Step), keeps the selection in sync with the editor (click/Enter → reveal; cursor → select), updates in place on
// re-run, re-draws on theme change, and runs RNNs in the page when asked (WebGPU with wasm fallback).
import type { RunResult, Step } from '../runtime/steps/step';
import { createCodePane, type CodePane } from './codePane';
import { h, installTooltip, type Tooltip } from './dom';
import { drawStep, drawValues } from './drawings/index';
import type { DrawContext } from './drawings/context';
import { readPalette } from './palette';
import { dispatch, parseToWebview, PROTOCOL_VERSION, type FromWebview, type Handlers, type SourceDocument, type ToWebview } from './protocol';

export interface HostApi {
  postMessage(message: FromWebview): void;
}

const EMPTY_HINT = 'No run yet. Select the code that builds your batch and runs the LSTM/GRU/RNN (or put the cursor in a ' +
  'notebook cell), then run "RNN Lens: Run Selection" from the command palette. Each step of the pipeline — padding, ' +
  'sorting, packing, the RNN, unpacking — appears here with its data.';

export class App {
  private result: RunResult | null = null;
  private source: SourceDocument | null = null;
  private selected: number | null = null;
  private cards = new Map<number, HTMLElement>();
  private codePane: CodePane | null = null;
  private readonly tooltip: Tooltip;
  private readonly main: HTMLElement;
  private readonly status: HTMLElement;
  /** Time the last `show` took to render synchronously (ms), for the benchmark and the status line. */
  lastRenderMs = 0;

  constructor(private readonly root: HTMLElement, private readonly host: HostApi, private readonly runRnn: (m: Extract<ToWebview, { type: 'run-rnn' }>) => void) {
    this.main = h('main', { class: 'app' });
    this.status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
    root.append(this.main, this.status);
    this.tooltip = installTooltip(root);
    this.renderEmpty(EMPTY_HINT);
    new MutationObserver(() => this.rerender()).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  }

  readonly handlers: Handlers<ToWebview> = {
    show: (m) => {
      this.result = m.result;
      this.source = m.source;
      this.rerender();
    },
    cursor: (m) => {
      if (!this.result) return;
      if (this.source && m.uri !== this.source.uri) return;
      const hit = stepAtLine(this.result.steps, m.line, m.cell);
      if (hit) this.select(hit.id, { reveal: false, focus: false });
    },
    clear: (m) => {
      this.result = null;
      this.source = null;
      this.selected = null;
      this.renderEmpty(m.hint || EMPTY_HINT);
    },
    'run-rnn': (m) => this.runRnn(m),
  };

  /** Entry point for window 'message' events. */
  receive(raw: unknown): void {
    const parsed = parseToWebview(raw);
    if (!parsed.ok) {
      this.host.postMessage({ type: 'error', message: parsed.error });
      return;
    }
    try {
      dispatch(this.handlers, parsed.message);
    } catch (err) {
      this.host.postMessage({ type: 'error', message: `visualizer: ${(err as Error).message}` });
    }
  }

  ready(): void {
    this.host.postMessage({ type: 'ready', protocol: PROTOCOL_VERSION });
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  private renderEmpty(hint: string): void {
    this.cards.clear();
    this.codePane = null;
    this.main.replaceChildren(h('div', { class: 'empty-state' }, h('h2', {}, 'RNN Lens'), h('p', {}, hint)));
  }

  private rerender(): void {
    if (!this.result) return;
    const t0 = performance.now();
    const scroller = this.main.querySelector('.steps');
    const scrollTop = scroller ? scroller.scrollTop : 0;
    const run = this.result;
    const ctx: DrawContext = { run, tooltip: this.tooltip, palette: readPalette(document.body) };
    if (this.selected !== null && !run.steps.some((st) => st.id === this.selected)) this.selected = null;
    if (this.selected === null && run.steps.length) this.selected = run.steps[0].id;

    const header = h('header', { class: 'run-header' },
      h('span', { class: 'run-file' }, this.source?.label ?? run.file),
      h('span', { class: `badge backend backend-${run.backend}`, 'data-backend': run.backend, title: 'which backend computed the numbers' }, run.backend),
      h('span', { class: 'run-count' }, `${run.steps.length} step${run.steps.length === 1 ? '' : 's'}`));
    const messages = run.messages.length
      ? h('ul', { class: 'run-messages' }, ...run.messages.map((msg) => h('li', { class: `msg ${msg.severity}` },
        `${msg.severity}${msg.span ? ` (line ${msg.span.line})` : ''}: ${msg.message}`)))
      : null;
    const list = h('div', { class: 'steps', role: 'listbox', 'aria-label': 'steps of the run', tabindex: -1 });
    this.cards.clear();
    for (const step of run.steps) {
      const card = this.renderCard(step, ctx);
      this.cards.set(step.id, card);
      list.append(card);
    }
    if (!run.steps.length) list.append(h('div', { class: 'empty-state' }, h('p', {}, 'The run produced no steps. ' + EMPTY_HINT)));
    list.addEventListener('keydown', (ev) => this.onKey(ev));
    const panes = h('div', { class: 'panes' });
    if (this.source && this.source.text) {
      this.codePane = createCodePane(this.source.text, this.source.languageId, run.steps, (id) => this.select(id, { reveal: true, focus: true }));
      panes.append(h('section', { class: 'code-col', 'aria-label': 'code' }, this.codePane.el));
    } else {
      this.codePane = null;
    }
    panes.append(list);
    this.main.replaceChildren(header, ...(messages ? [messages] : []), panes);
    this.applySelection(false, false);
    // Scrolling reads layout: leave it to the next frame so drawing the run does not wait for a synchronous layout.
    requestAnimationFrame(() => {
      list.scrollTop = scrollTop;
      this.scrollToSelection();
    });
    this.lastRenderMs = performance.now() - t0;
    this.root.dataset.renderMs = this.lastRenderMs.toFixed(2);
    this.root.dataset.renders = String(Number(this.root.dataset.renders ?? 0) + 1);
  }

  private renderCard(step: Step, ctx: DrawContext): HTMLElement {
    const line = step.span.cell !== undefined ? `cell ${step.span.cell + 1}, line ${step.span.line}` : `line ${step.span.line}`;
    const header = h('header', { class: 'card-head' },
      h('span', { class: `kind kind-${step.kind}` }, step.kind),
      h('span', { class: 'title' }, step.title),
      h('code', { class: 'transform' }, step.transform),
      h('span', { class: 'line-link', title: 'Enter or click: reveal in the editor' }, line));
    const card = h('article', { class: 'step-card', role: 'option', 'aria-selected': 'false', tabindex: -1, 'data-step-id': step.id, 'data-kind': step.kind,
      'aria-label': `${step.title}: ${step.transform}` },
      header,
      h('p', { class: 'explanation' }, step.explanation),
      step.warnings?.length ? h('ul', { class: 'warnings' }, ...step.warnings.map((w) => h('li', { class: 'warning', 'data-code': w.code }, h('b', {}, w.code), ` ${w.message}`))) : null);
    let drawing: HTMLElement | null = null;
    let values: HTMLElement | null = null;
    try {
      drawing = drawStep(step, ctx);
      values = drawValues(step, ctx);
    } catch (err) {
      drawing = h('p', { class: 'draw-error' }, `could not draw this step: ${(err as Error).message}`);
    }
    if (drawing) card.append(drawing);
    if (values) card.append(values);
    card.addEventListener('click', (ev) => {
      if ((ev.target as Element).closest('summary, details')) return;
      this.select(step.id, { reveal: true, focus: true });
    });
    return card;
  }

  private onKey(ev: KeyboardEvent): void {
    if (!this.result || !this.result.steps.length) return;
    if ((ev.target as Element).closest('summary')) return;
    const ids = this.result.steps.map((st) => st.id);
    const i = Math.max(0, ids.indexOf(this.selected ?? ids[0]));
    let next: number | null = null;
    switch (ev.key) {
      case 'ArrowDown': case 'ArrowRight': next = ids[Math.min(ids.length - 1, i + 1)]; break;
      case 'ArrowUp': case 'ArrowLeft': next = ids[Math.max(0, i - 1)]; break;
      case 'Home': next = ids[0]; break;
      case 'End': next = ids[ids.length - 1]; break;
      case 'Enter': case ' ':
        ev.preventDefault();
        this.select(ids[i], { reveal: true, focus: true });
        return;
      default: return;
    }
    ev.preventDefault();
    this.select(next, { reveal: false, focus: true });
  }

  select(id: number, opts: { reveal: boolean; focus: boolean }): void {
    this.selected = id;
    this.applySelection(opts.focus);
    const step = this.result?.steps.find((st) => st.id === id);
    if (opts.reveal && step) this.host.postMessage({ type: 'reveal', stepId: id, span: step.span, uri: this.source?.uri ?? null });
  }

  private applySelection(focus: boolean, scroll = true): void {
    for (const [id, card] of this.cards) {
      const on = id === this.selected;
      card.classList.toggle('selected', on);
      card.setAttribute('aria-selected', String(on));
      card.tabIndex = on ? 0 : -1;
      if (on && focus) card.focus({ preventScroll: true });
    }
    this.codePane?.select(this.selected, scroll);
    if (scroll) this.scrollToSelection();
  }

  private scrollToSelection(): void {
    if (this.selected === null) return;
    this.cards.get(this.selected)?.scrollIntoView?.({ block: 'nearest' });
    this.codePane?.select(this.selected, true);
  }
}

/** The step whose span holds `line` (the innermost one when spans nest). */
export function stepAtLine(steps: readonly Step[], line: number, cell?: number): Step | null {
  let best: Step | null = null;
  for (const st of steps) {
    if (cell !== undefined && st.span.cell !== undefined && st.span.cell !== cell) continue;
    if (line < st.span.line || line > st.span.endLine) continue;
    if (!best || st.span.endLine - st.span.line < best.span.endLine - best.span.line) best = st;
  }
  return best;
}
