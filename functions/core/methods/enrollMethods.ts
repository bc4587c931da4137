/**
 * Adding and removing recovery methods with a methods session (issue 16 item 2; the session: methodsSession.ts).
 *
 * - Recovery codes: a new set of 10 replaces the old one whole; the codes are in this response only, the store keeps
 *   their keyed hashes (core/methods/recoveryCodes.ts).
 * - An authenticator app: begin makes a seed and keeps it sealed with the authenticator key on the session only;
 *   confirm stores it on the enrollment once the user typed a current code, with that code's time step as the last one
 *   used, so the same code is refused at a reset. Each confirm counts a wrong try on the session before the code is
 *   checked (one conditional write), so however many confirms race, at most codes.maxTries codes are checked; then the
 *   session ends.
 * - Remove: the authenticator, the recovery codes or one passkey go; one that would leave the account no alternative
 *   of the policy it can complete needs `confirm: "leave-no-recovery"` (core/methods/recoverability.ts).
 *
 * Every change is one write conditional on the enrollment's updatedAt: a concurrent change is WRONG_STEP, never
 * overwritten. Every change is audited and told to the user on every channel.
 */
import { randomBytes } from 'node:crypto';
import { SsprError, validationError } from '../errors.js';
import type { NoticeMethod } from '../notifications.js';
import { auditor, type RequestSource } from '../request.js';
import type { RequestPorts } from '../requestPorts.js';
import type { MethodsSession, SealedAuthenticatorSecret } from '../store.js';
import {
  authenticatorSecretBase32,
  authenticatorUri,
  isTotpCodeFormat,
  newAuthenticatorSecret,
  normalizeTotpCode,
  openAuthenticatorSecret,
  sealAuthenticatorSecret,
  TOTP_DIGITS,
  verifyTotp,
} from './authenticator.js';
import {
  enrollmentFor,
  type MethodsSummary,
  methodsSummary,
  type OpenedSession,
  openMethodsSession,
  requireOffered,
  tellMethodChange,
} from './methodsSession.js';
import { removalAllowed } from './recoverability.js';
import { issueRecoveryCodes } from './recoveryCodes.js';

/** POST /api/methods/recovery-codes: a new set, shown once. */
export async function issueRecoveryCodeSet(
  input: { methodsToken: string },
  source: RequestSource,
  ports: RequestPorts,
): Promise<{ codes: string[]; issuedAt: string }> {
  requireOffered(ports.config, 'recoveryCode');
  const opened = await openMethodsSession(input.methodsToken, source, ports);
  const { account, now } = opened;
  const [pepper, enrollment] = await Promise.all([ports.secrets.pepper(), enrollmentFor(account, source, ports, now)]);
  const issued = issueRecoveryCodes(pepper, account.objectGuid, now);
  if (!(await ports.store.setRecoveryCodes(account.objectGuid, enrollment.updatedAt, issued.set, now))) {
    throw new SsprError('WRONG_STEP');
  }
  await tellMethodChange(ports, opened, source, 'added', 'recoveryCodes');
  return { codes: issued.shown, issuedAt: new Date(now).toISOString() };
}

/** POST /api/methods/authenticator/begin: a new seed, kept sealed on the session until a code confirms it. */
export async function beginAuthenticator(
  input: { methodsToken: string },
  source: RequestSource,
  ports: RequestPorts,
): Promise<{ secret: string; otpauthUri: string }> {
  requireOffered(ports.config, 'authenticator');
  const opened = await openMethodsSession(input.methodsToken, source, ports);
  const { account, session } = opened;
  const key = await ports.secrets.authenticatorKey();
  const secret = newAuthenticatorSecret();
  const next: MethodsSession = {
    ...session,
    pendingAuthenticator: sealAuthenticatorSecret(key, secret, account.objectGuid),
    version: session.version + 1,
  };
  if (!(await ports.store.updateMethodsSession(next))) throw new SsprError('WRONG_STEP');
  await auditor(ports, source)(session.subject, 'authenticator', 'begun');
  return {
    secret: authenticatorSecretBase32(secret),
    otpauthUri: authenticatorUri(secret, ports.config.domain.netbiosName, account.sAMAccountName),
  };
}

/** POST /api/methods/authenticator/confirm: the begun seed is stored once the user typed a current code of it. */
export async function confirmAuthenticator(
  input: { methodsToken: string; code: string },
  source: RequestSource,
  ports: RequestPorts,
): Promise<{ added: true; addedAt: string }> {
  requireOffered(ports.config, 'authenticator');
  const code = normalizeTotpCode(input.code);
  // The shape is checked before anything is counted or read (not a wrong try).
  if (!isTotpCodeFormat(code)) {
    throw validationError({ code: { message: 'code.format', params: { length: TOTP_DIGITS } } });
  }
  const opened = await openMethodsSession(input.methodsToken, source, ports);
  const { account, now } = opened;
  const { reserved, pending } = await reserveTry(opened, ports);
  const audit = auditor(ports, source);

  const key = await ports.secrets.authenticatorKey();
  const secret = openAuthenticatorSecret(key, pending, account.objectGuid);
  // Sealed by begin for this account: one that does not open was sealed under another key (rotated since).
  if (!secret) throw new Error('the pending authenticator seed does not open');
  const step = verifyTotp(secret, code, now, null);
  if (step === null) {
    await audit(reserved.subject, 'authenticator', 'wrong');
    throw new SsprError('VERIFICATION_FAILED');
  }

  const enrollment = await enrollmentFor(account, source, ports, now);
  const added = await ports.store.setAuthenticator(
    account.objectGuid,
    enrollment.updatedAt,
    // lastUsedStep is the step just matched: the code typed here is never accepted again, at a reset neither.
    { id: randomBytes(12).toString('base64url'), sealed: pending, addedAt: now, lastUsedStep: step },
    now,
  );
  if (!added) throw new SsprError('WRONG_STEP');
  await endPending(opened, pending, ports);
  await tellMethodChange(ports, opened, source, 'added', 'authenticator');
  return { added: true, addedAt: new Date(now).toISOString() };
}

/**
 * Counts one wrong try on the session before the code is checked: one write conditional on the version read, read
 * again when another request wrote in between. Refused once codes.maxTries tries are counted (the session has ended:
 * 410), or when nothing was begun (WRONG_STEP).
 */
async function reserveTry(
  opened: OpenedSession,
  ports: Pick<RequestPorts, 'store' | 'config'>,
): Promise<{ reserved: MethodsSession; pending: SealedAuthenticatorSecret }> {
  const { store, config } = ports;
  let current: MethodsSession | null = opened.session;
  // A round is lost only to another request's write, and at most maxTries reservations (and a begin or two) succeed.
  for (let round = 0; round < config.codes.maxTries + 5; round++) {
    if (!current || current.wrongTries >= config.codes.maxTries) throw new SsprError('FLOW_EXPIRED');
    const pending = current.pendingAuthenticator;
    if (!pending) throw new SsprError('WRONG_STEP');
    const reserved = { ...current, wrongTries: current.wrongTries + 1, version: current.version + 1 };
    if (await store.updateMethodsSession(reserved)) return { reserved, pending };
    current = await store.getMethodsSession(opened.tokenHash, opened.now);
  }
  throw new SsprError('WRONG_STEP');
}

/**
 * The confirmed seed leaves the session, and the try it reserved goes back. Only while the session still holds that
 * seed (a later begin made another): a write lost to another request reads again.
 */
async function endPending(
  opened: OpenedSession,
  pending: SealedAuthenticatorSecret,
  ports: Pick<RequestPorts, 'store' | 'config'>,
): Promise<void> {
  const { store, config } = ports;
  for (let round = 0; round < config.codes.maxTries + 5; round++) {
    const current = await store.getMethodsSession(opened.tokenHash, opened.now);
    if (!current || current.pendingAuthenticator?.ct !== pending.ct) return;
    const next = {
      ...current,
      pendingAuthenticator: null,
      wrongTries: Math.max(0, current.wrongTries - 1),
      version: current.version + 1,
    };
    if (await store.updateMethodsSession(next)) return;
  }
}

/**
 * POST /api/methods/remove: the authenticator, the recovery codes or one passkey (by its id) go. A removal after which
 * the account could complete no alternative of the policy is refused (VALIDATION naming `confirm`) unless the request
 * confirms it. The check reads the enrollment the write is conditional on, so a change in between is WRONG_STEP, never
 * a removal checked against another state.
 */
export async function removeMethod(
  input: { methodsToken: string; method: NoticeMethod; id?: string | undefined; confirm?: string | undefined },
  source: RequestSource,
  ports: RequestPorts,
): Promise<{ removed: true; methods: MethodsSummary }> {
  // A passkey is named by its id; the other methods are one each and take none.
  if ((input.method === 'passkey') !== (input.id !== undefined)) {
    throw validationError({ id: { message: 'passkey.id' } });
  }
  const opened = await openMethodsSession(input.methodsToken, source, ports);
  const { account, now } = opened;
  const enrollment = await ports.store.getEnrollment(account.objectGuid);
  const held =
    input.method === 'passkey'
      ? enrollment?.passkeys?.some((p) => p.id === input.id)
      : input.method === 'authenticator'
        ? enrollment?.authenticator
        : enrollment?.recoveryCodes;
  // Nothing of that method to remove: the request does not fit the account as it is.
  if (!enrollment || !held) throw new SsprError('WRONG_STEP');
  const removal =
    input.method === 'passkey' ? { method: 'passkey' as const, id: input.id ?? '' } : { method: input.method };
  if (!removalAllowed(account, enrollment, removal, ports.config, input.confirm)) {
    throw validationError({ confirm: { message: 'method.lastWayBack' } });
  }
  const removed =
    removal.method === 'passkey'
      ? await ports.store.removePasskey(account.objectGuid, enrollment.updatedAt, removal.id, now)
      : removal.method === 'authenticator'
        ? await ports.store.setAuthenticator(account.objectGuid, enrollment.updatedAt, null, now)
        : await ports.store.setRecoveryCodes(account.objectGuid, enrollment.updatedAt, null, now);
  if (!removed) throw new SsprError('WRONG_STEP');
  await tellMethodChange(ports, opened, source, 'removed', input.method);
  return {
    removed: true,
    methods: methodsSummary(ports.config, account, await ports.store.getEnrollment(account.objectGuid)),
  };
}
