/**
 * An authenticator app's key for people: the otpauth URI as a QR code drawn in the page, and the key as text in groups
 * of four (the methods page's add-an-app step).
 */
import { encode } from 'uqr';

const SVG = 'http://www.w3.org/2000/svg';

/**
 * The otpauth URI as a QR code: an SVG of one path (no inline style, so the strict CSP holds), named by its <title>
 * for screen readers, which are pointed at the key as text instead.
 */
export function qrCode(uri: string, label: string, id: string): SVGSVGElement {
  const { data, size } = encode(uri, { ecc: 'M', border: 4 });
  let d = '';
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    });
  });
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', `${id}-title`);
  svg.setAttribute('class', 'qr');
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.id = id;
  const title = document.createElementNS(SVG, 'title');
  title.id = `${id}-title`;
  title.textContent = label;
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', String(size));
  background.setAttribute('height', String(size));
  background.setAttribute('fill', '#ffffff');
  const modules = document.createElementNS(SVG, 'path');
  modules.setAttribute('d', d);
  modules.setAttribute('fill', '#000000');
  svg.append(title, background, modules);
  return svg;
}

/** An authenticator key as people type it: groups of four. */
export function groupsOfFour(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ');
}
