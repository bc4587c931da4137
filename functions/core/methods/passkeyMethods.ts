/**
 * Adding a passkey with a methods session (issue 16; the session: methodsSession.ts, removing one: enrollMethods.ts).
 * Its own module, so that only the two passkey functions bundle @simplewebauthn/server.
 *
 * - Begin: the options of a WebAuthn registration (core/methods/passkeys.ts); the SHA-256 of its 32-byte challenge,
 *   never the challenge, is kept on the session (a later begin replaces it) and expires with it. A session written
 *   before challenges were hashed holds one in clear, which is not read: it has no registration begun, its finish is
 *   WRONG_STEP (nothing counted) and the user begins again, which replaces the record without it.
 * - Finish: the challenge's hash is taken off the session and a wrong try counted in the same conditional write, before
 *   the credential is checked, so however many finishes race only one checks it; one that verifies gives the try back
 *   and is added (at most MAX_PASSKEYS, one write conditional on the enrollment's updatedAt); codes.maxTries failed
 *   tries end the session, as wrong authenticator codes do.
 */
import { SsprError, validationError } from '../errors.js';
import { auditor, type RequestSource } from '../request.js';
import type { RequestPorts } from '../requestPorts.js';
import { type Enrollment, MAX_PASSKEYS, type MethodsSession } from '../store.js';
import { hashToken } from '../tokens.js';
import {
  enrollmentFor,
  type OpenedSession,
  openMethodsSession,
  requireOffered,
  tellMethodChange,
} from './methodsSession.js';
import {
  newPasskeyChallenge,
  PASSKEY_NAME_MAX,
  type PasskeyCreationOptions,
  passkeyRegistrationOptions,
  type RegistrationResponseJSON,
  verifyPasskeyRegistration,
} from './passkeys.js';

/** Refuses a new passkey on an account that holds MAX_PASSKEYS already (VALIDATION, before anything is counted). */
function refuseBeyondLimit(enrollment: Enrollment | null): void {
  if ((enrollment?.passkeys?.length ?? 0) >= MAX_PASSKEYS) {
    throw validationError({ body: { message: 'passkey.limit', params: { max: MAX_PASSKEYS } } });
  }
}

/**
 * POST /api/methods/passkey/begin: the options of a WebAuthn registration; its challenge's hash is kept on the session
 * until a finish uses it (a later begin replaces it).
 */
export async function beginPasskey(
  input: { methodsToken: string },
  source: RequestSource,
  ports: RequestPorts,
): Promise<{ options: PasskeyCreationOptions }> {
  requireOffered(ports.config, 'passkey');
  const opened = await openMethodsSession(input.methodsToken, source, ports);
  const { account, session } = opened;
  const enrollment = await ports.store.getEnrollment(account.objectGuid);
  refuseBeyondLimit(enrollment);
  const challenge = newPasskeyChallenge();
  if (
    !(await ports.store.updateMethodsSession({
      ...session,
      passkeyChallengeHash: hashToken(challenge),
      version: session.version + 1,
    }))
  ) {
    throw new SsprError('WRONG_STEP');
  }
  await auditor(ports, source)(session.subject, 'passkey', 'begun');
  return {
    options: await passkeyRegistrationOptions(ports.config, account, enrollment?.passkeys ?? [], challenge),
  };
}

/**
 * POST /api/methods/passkey/finish: the credential made for the begun challenge is stored once it verifies. The
 * challenge is used up and a wrong try counted in one write before the credential is checked (so however many finishes
 * race, one checks it); a credential that verifies gives the try back.
 */
export async function finishPasskey(
  input: { methodsToken: string; name: string; credential: RegistrationResponseJSON },
  source: RequestSource,
  ports: RequestPorts,
): Promise<{ added: true; passkey: { id: string; name: string; addedAt: string } }> {
  requireOffered(ports.config, 'passkey');
  const name = input.name.trim();
  if (name.length < 1 || name.length > PASSKEY_NAME_MAX) {
    throw validationError({ name: { message: 'passkey.name', params: { max: PASSKEY_NAME_MAX } } });
  }
  const opened = await openMethodsSession(input.methodsToken, source, ports);
  const { account, now } = opened;
  const { store, config } = ports;
  const audit = auditor(ports, source);

  // Take the challenge's hash and count a try in one conditional write, read again when another request wrote between.
  let current: MethodsSession | null = opened.session;
  let challengeHash: string | null = null;
  for (let round = 0; round < config.codes.maxTries + 5 && challengeHash === null; round++) {
    if (!current || current.wrongTries >= config.codes.maxTries) throw new SsprError('FLOW_EXPIRED');
    const pending = current.passkeyChallengeHash ?? null;
    if (!pending) throw new SsprError('WRONG_STEP');
    const reserved = {
      ...current,
      passkeyChallengeHash: null,
      wrongTries: current.wrongTries + 1,
      version: current.version + 1,
    };
    if (await store.updateMethodsSession(reserved)) challengeHash = pending;
    else current = await store.getMethodsSession(opened.tokenHash, now);
  }
  if (challengeHash === null) throw new SsprError('WRONG_STEP');

  const verified = await verifyPasskeyRegistration(config, input.credential, challengeHash);
  if (!verified) {
    await audit(opened.session.subject, 'passkey', 'wrong');
    throw new SsprError('VERIFICATION_FAILED');
  }
  const enrollment = await enrollmentFor(account, source, ports, now);
  refuseBeyondLimit(enrollment);
  const added = await store.addPasskey(
    account.objectGuid,
    enrollment.updatedAt,
    { ...verified, name, addedAt: now, lastUsedAt: null },
    now,
  );
  if (!added) throw new SsprError('WRONG_STEP');
  await giveBackTry(opened, ports);
  await tellMethodChange(ports, opened, source, 'added', 'passkey');
  return { added: true, passkey: { id: verified.id, name, addedAt: new Date(now).toISOString() } };
}

/** The try a verified finish reserved goes back (a write lost to another request reads again). */
async function giveBackTry(opened: OpenedSession, ports: Pick<RequestPorts, 'store' | 'config'>): Promise<void> {
  const { store, config } = ports;
  for (let round = 0; round < config.codes.maxTries + 5; round++) {
    const current = await store.getMethodsSession(opened.tokenHash, opened.now);
    if (!current) return;
    const next = { ...current, wrongTries: Math.max(0, current.wrongTries - 1), version: current.version + 1 };
    if (await store.updateMethodsSession(next)) return;
  }
}
