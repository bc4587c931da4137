/** The API's routes (DESIGN §1). The local server and the CDK app both read this table. */
export const ROUTES = [
  { method: 'GET', path: '/api/health', name: 'health' },
  { method: 'GET', path: '/api/config', name: 'config' },
  { method: 'POST', path: '/api/enroll', name: 'enroll' },
  { method: 'POST', path: '/api/enroll/verify', name: 'verifyContact' },
  { method: 'POST', path: '/api/reset/start', name: 'startReset' },
  { method: 'POST', path: '/api/reset/answer', name: 'answer' },
  { method: 'POST', path: '/api/reset/choose', name: 'chooseMethod' },
  { method: 'POST', path: '/api/reset/passkey', name: 'resetPasskey' },
  { method: 'POST', path: '/api/reset/code', name: 'sendCode' },
  { method: 'POST', path: '/api/reset/password', name: 'setPassword' },
  { method: 'POST', path: '/api/unlock', name: 'unlock' },
  { method: 'POST', path: '/api/change', name: 'changePassword' },
  { method: 'POST', path: '/api/methods/session', name: 'methodsSession' },
  { method: 'POST', path: '/api/methods/recovery-codes', name: 'methodsRecoveryCodes' },
  { method: 'POST', path: '/api/methods/authenticator/begin', name: 'methodsAuthenticatorBegin' },
  { method: 'POST', path: '/api/methods/authenticator/confirm', name: 'methodsAuthenticatorConfirm' },
  { method: 'POST', path: '/api/methods/passkey/begin', name: 'methodsPasskeyBegin' },
  { method: 'POST', path: '/api/methods/passkey/finish', name: 'methodsPasskeyFinish' },
  { method: 'POST', path: '/api/methods/remove', name: 'methodsRemove' },
  { method: 'POST', path: '/api/repudiate', name: 'repudiate' },
] as const;

export type RouteName = (typeof ROUTES)[number]['name'];

export type RouteMatch =
  | { kind: 'route'; name: RouteName }
  | { kind: 'wrong-method'; allow: string[] }
  | { kind: 'none' };

export function matchRoute(method: string, path: string): RouteMatch {
  const candidates = ROUTES.filter((route) => route.path === path);
  const exact = candidates.find((route) => route.method === method.toUpperCase());
  if (exact) return { kind: 'route', name: exact.name };
  if (candidates.length > 0) return { kind: 'wrong-method', allow: candidates.map((route) => route.method) };
  return { kind: 'none' };
}
