/**
 * The answer to an authenticator or recovery-code step (POST /api/reset/answer): a code the user holds rather than one
 * sent. The rules of sent codes hold (failures.ts): each answer is claimed on the flow, a failure of kind `code` is
 * reserved for the user before the check and given back when it was right, so racing flows never get more codes
 * checked than `codes.maxTries` in the window; a right code is used up with a conditional write before the flow moves
 * on (an authenticator's time step, a recovery code's hash), so one code passes at most one flow.
 */

import { randomBytes } from 'node:crypto';
import { decoyObjectGuid } from '../decoys.js';
import { validationError } from '../errors.js';
import {
  isTotpCodeFormat,
  normalizeTotpCode,
  openAuthenticatorSecret,
  TOTP_DIGITS,
  verifyTotp,
} from '../methods/authenticator.js';
import { findRecoveryCode, isRecoveryCodeFormat, RECOVERY_CODE_COUNT } from '../methods/recoveryCodes.js';
import { auditor, type RequestSource } from '../request.js';
import type { RequestPorts } from '../requestPorts.js';
import type { Enrollment, Flow, FlowStep, SealedAuthenticatorSecret } from '../store.js';
import { reserveFailure, settleCheck, type Verdict } from './failures.js';
import { writeFlow } from './flowState.js';
import { stepAfter } from './steps.js';

export type PossessionStep = 'authenticator' | 'recoveryCode';

/** Checks the code of an authenticator or recovery-code step; returns the flow as it is after it. */
export async function answerPossession(
  flow: Flow & { step: PossessionStep },
  typed: string,
  source: RequestSource,
  ports: RequestPorts,
): Promise<Flow> {
  const { config, store } = ports;
  const method = flow.step;
  // Not a code at all: refused and not counted, so a typo never costs a try.
  if (method === 'authenticator' && !isTotpCodeFormat(normalizeTotpCode(typed))) {
    throw validationError({ answer: { message: 'code.format', params: { length: TOTP_DIGITS } } });
  }
  if (method === 'recoveryCode' && !isRecoveryCodeFormat(typed)) {
    throw validationError({ answer: { message: 'recoveryCode.format' } });
  }
  const audit = auditor(ports, source);
  const claimed = await writeFlow(ports, flow, { pending: source.requestId });

  const decoyKey = await ports.secrets.decoyKey();
  const [enrollment, reservation] = await Promise.all([
    store.getEnrollment(flow.objectGuid ?? decoyObjectGuid(decoyKey, flow.subject)),
    reserveFailure(ports, flow, 'code'),
  ]);
  // A decoy, and a code whose failure could not be reserved, are never checked (and never pass).
  const checked = !flow.decoy && reservation.reserved && flow.objectGuid !== null && enrollment !== null;
  const right = checked
    ? await useCode(method, typed, enrollment, flow.objectGuid as string, ports)
    : await standInCheck(method, typed, ports);
  const verdict = await settleCheck(
    ports,
    flow,
    'code',
    reservation,
    right,
    { event: method, right: 'verified' },
    audit,
    source,
  );

  return writeFlow(ports, claimed, { pending: null, ...afterPossession(flow, method, verdict, config.codes.maxTries) });
}

/**
 * A code that is not checked (a decoy's, or one whose failure could not be reserved) costs what a real user's wrong
 * code costs: the same secret read, a seed opening and the TOTP comparison over the window, or the keyed hash compared
 * with a set of hashes, on stand-ins that never match. Without it a real user's wrong app code answered 1.12 times a
 * decoy's (npm run bench, section 6, on an idle machine), which told the name exists.
 */
async function standInCheck(method: PossessionStep, typed: string, ports: RequestPorts): Promise<false> {
  if (method === 'authenticator') {
    const key = await ports.secrets.authenticatorKey();
    const secret = openAuthenticatorSecret(key, STAND_IN_SEAL, STAND_IN_GUID) ?? STAND_IN_SECRET;
    verifyTotp(secret, normalizeTotpCode(typed), ports.clock.now(), null);
    return false;
  }
  findRecoveryCode(await ports.secrets.pepper(), STAND_IN_GUID, typed, STAND_IN_HASHES);
  return false;
}

/** Stand-ins of random bytes made at load: a seal no key opens, a seed, and a full set of code hashes. */
const STAND_IN_GUID = '00000000-0000-4000-8000-000000000000';
const STAND_IN_SECRET = randomBytes(20);
const STAND_IN_SEAL: SealedAuthenticatorSecret = {
  v: 1,
  keyVersion: 1,
  iv: randomBytes(12).toString('base64url'),
  ct: randomBytes(20).toString('base64url'),
  tag: randomBytes(16).toString('base64url'),
};
const STAND_IN_HASHES = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomBytes(32).toString('base64url'));

/** Whether the code is right, used up in the same breath (a conditional write: a parallel use of it loses). */
async function useCode(
  method: PossessionStep,
  typed: string,
  enrollment: Enrollment,
  objectGuid: string,
  ports: RequestPorts,
): Promise<boolean> {
  const now = ports.clock.now();
  if (method === 'authenticator') {
    const authenticator = enrollment.authenticator;
    if (!authenticator) return false;
    const secret = openAuthenticatorSecret(await ports.secrets.authenticatorKey(), authenticator.sealed, objectGuid);
    if (!secret) {
      ports.logger.error('authenticator seed does not open', { errorName: 'SealError' });
      return false;
    }
    const step = verifyTotp(secret, normalizeTotpCode(typed), now, authenticator.lastUsedStep);
    return step !== null && (await ports.store.useAuthenticatorStep(objectGuid, authenticator.id, step));
  }
  const hashes = enrollment.recoveryCodes?.hashes ?? [];
  const found = findRecoveryCode(await ports.secrets.pepper(), objectGuid, typed, hashes);
  return found !== null && (await ports.store.useRecoveryCode(objectGuid, found));
}

/**
 * The flow after one possession code: right passes the method and the flow goes on as the policy says; wrong counts a
 * try on the flow (codes.maxTries, shared with sent codes); a refused one ends a real flow, and moves a decoy on as a
 * wrong one does, so a blocked account's flow (a decoy) fails where an unknown name's does.
 */
export function afterPossession(
  flow: Flow,
  method: PossessionStep | 'passkey',
  verdict: Verdict,
  maxTries: number,
): Pick<Flow, 'codeTries' | 'step' | 'passed'> {
  if (verdict === 'right') {
    const passed = [...flow.passed, method];
    return { codeTries: flow.codeTries, step: stepAfter(flow.alternatives, passed), passed };
  }
  if (verdict === 'refused' && !flow.decoy) return { codeTries: flow.codeTries, step: 'failed', passed: flow.passed };
  const codeTries = flow.codeTries + 1;
  const step: FlowStep = verdict === 'blocking' || codeTries >= maxTries ? 'failed' : method;
  return { codeTries, step, passed: flow.passed };
}

/** Whether a flow's step is one of these. */
export function isPossessionStep(flow: Flow): flow is Flow & { step: PossessionStep } {
  return flow.step === 'authenticator' || flow.step === 'recoveryCode';
}
