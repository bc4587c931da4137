/**
 * A tiny element builder. Text always goes in as text nodes (never innerHTML), so nothing the API or a URL sends can
 * become markup; and no style attributes are ever written, so a strict CSP (`default-src 'self'`) holds.
 */
export type Child = Node | string | number | null | undefined | false | Child[];
type AttrValue = string | number | boolean | null | undefined;
export type Handlers = { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
/** Attributes by name (true = present, false/null/undefined = absent), plus `on` for event listeners. */
export interface Attrs {
  [name: string]: AttrValue | Handlers;
  on?: Handlers;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'on' || typeof value === 'object') continue;
    if (name === 'style') throw new Error('inline styles are not allowed (CSP)');
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  if (attrs.on) {
    for (const [type, listener] of Object.entries(attrs.on)) {
      element.addEventListener(type, listener as EventListener);
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces all children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let counter = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Moves focus to an element that is not normally focusable (a heading, an alert box) and scrolls it into view. */
export function focusElement(element: HTMLElement): void {
  if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
  element.focus({ preventScroll: false });
}
