// Tiny DOM helpers for the visualizer page: element builders for HTML and SVG, and the one shared tooltip that shows
// a cell's value on hover (drawings register a function from a hovered element to its text).

const SVG_NS = 'http://www.w3.org/2000/svg';

type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** An SVG that scales down to narrow widths but never grows past its natural size. */
export function svgCanvas(width: number, height: number, cls: string, label: string): SVGSVGElement {
  const el = s('svg', { class: cls, viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label });
  el.style.maxWidth = `${width}px`;
  el.style.width = '100%';
  el.style.height = 'auto';
  return el;
}

/** Escapes text for markup. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One element as markup. Large drawings are built as strings and parsed once (innerHTML on the <svg>): thousands of
 *  createElementNS/setAttribute calls cost 10× more. Attribute values and text are escaped. */
export function mk(name: string, attrs: Attrs, inner = ''): string {
  let out = `<${name}`;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    out += v === true ? ` ${k}` : ` ${k}="${esc(String(v))}"`;
  }
  return `${out}>${inner}</${name}>`;
}

/** An svgCanvas whose content is the given markup. */
export function svgFrom(width: number, height: number, cls: string, label: string, markup: string): SVGSVGElement {
  const el = svgCanvas(width, height, cls, label);
  el.innerHTML = markup;
  return el;
}

/** The pointer position in an SVG's own (viewBox) coordinates. */
export function svgPoint(svg: SVGSVGElement, ev: MouseEvent): { x: number; y: number } {
  const m = svg.getScreenCTM();
  if (!m) return { x: 0, y: 0 };
  const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
  return { x: p.x, y: p.y };
}

/** Hover texts: a drawing attaches `tipFor` to its root; hovering any element under it with data-tip-key asks it. */
export type TipSource = (target: Element, ev: MouseEvent) => string | null;
const tipSources = new WeakMap<Element, TipSource>();

export function attachTips(root: Element, source: TipSource): void {
  tipSources.set(root, source);
}

/** Installs the page's single tooltip element and its delegated listeners; returns it (for canvases to drive). */
export function installTooltip(host: HTMLElement): Tooltip {
  const el = h('div', { class: 'tooltip', role: 'tooltip', hidden: true });
  host.append(el);
  const tooltip = new Tooltip(el);
  host.addEventListener('mouseover', (ev) => {
    const target = ev.target as Element | null;
    if (!target || !(target instanceof Element)) return;
    for (let node: Element | null = target; node; node = node.parentElement) {
      const src = tipSources.get(node);
      if (src) {
        const text = src(target, ev);
        if (text) tooltip.show(text, ev.clientX, ev.clientY);
        else tooltip.hide();
        return;
      }
    }
    tooltip.hide();
  });
  host.addEventListener('mousemove', (ev) => {
    const target = ev.target as Element | null;
    if (target instanceof Element && target.hasAttribute('data-cells') && target.getAttribute('data-cells') !== '1') {
      for (let node: Element | null = target; node; node = node.parentElement) {
        const src = tipSources.get(node);
        if (src) {
          const text = src(target, ev);
          if (text) tooltip.show(text, ev.clientX, ev.clientY);
          return;
        }
      }
    }
    if (!el.hidden) tooltip.move(ev.clientX, ev.clientY);
  });
  host.addEventListener('mouseleave', () => tooltip.hide());
  return tooltip;
}

export class Tooltip {
  constructor(readonly el: HTMLElement) {}
  show(text: string, x: number, y: number): void {
    this.el.textContent = text;
    this.el.hidden = false;
    this.move(x, y);
  }
  move(x: number, y: number): void {
    const w = this.el.offsetWidth;
    const left = Math.max(4, Math.min(x + 12, window.innerWidth - w - 4));
    this.el.style.left = `${left}px`;
    this.el.style.top = `${y + 16}px`;
  }
  hide(): void {
    this.el.hidden = true;
  }
}
