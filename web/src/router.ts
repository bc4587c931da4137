/**
 * Routes live in the hash (`#/enroll`), so the static bucket needs no rewrite rules. A link from outside may use the
 * query instead: `?cmd=enroll&username=jsmith` opens Enroll with the username filled in; an unknown cmd opens the menu.
 * `#/not-me?token=…` is the "This wasn't me" link of a notice (pages/notMe.ts); it is not a link-out.
 */
export const ROUTES = ['menu', 'enroll', 'reset', 'unlock', 'change', 'methods', 'not-me'] as const;
export type Route = (typeof ROUTES)[number];

function isRoute(value: string): value is Route {
  return (ROUTES as readonly string[]).includes(value);
}

export function hrefFor(route: Route): string {
  return route === 'menu' ? '#/' : `#/${route}`;
}

/** `#/enroll` → enroll; anything else that starts with `#/` → menu; other hashes (in-page anchors) → undefined. */
export function routeFromHash(hash: string): Route | undefined {
  if (hash === '' || hash === '#') return 'menu';
  if (!hash.startsWith('#/')) return undefined;
  const name = hash.slice(2).split(/[/?]/)[0] ?? '';
  return isRoute(name) && name !== 'menu' ? name : 'menu';
}

export interface LinkOut {
  route: Route;
  username?: string;
}

/** Reads `?cmd=…&username=…`; undefined when there is no cmd at all. */
export function linkOutFromQuery(search: string): LinkOut | undefined {
  const params = new URLSearchParams(search);
  const cmd = params.get('cmd');
  if (cmd === null) return undefined;
  const name = cmd.trim().toLowerCase();
  if (!isRoute(name) || name === 'menu' || name === 'not-me') return { route: 'menu' };
  // A username is at most a UPN (user@domain, ≤ 256 characters in practice); anything longer is not one.
  const username = params.get('username')?.trim().slice(0, 256);
  return username ? { route: name, username } : { route: name };
}
