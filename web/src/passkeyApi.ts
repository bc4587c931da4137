/**
 * The passkey routes as the page uses them (issue 16; docs/openapi.json): registration with a methods session
 * (POST /api/methods/passkey/begin and /finish), removal of one passkey by its id (POST /api/methods/remove), and the
 * assertion that answers a reset's passkey step (POST /api/reset/passkey). Same rules as api.ts: never throws.
 */
import {
  type ApiResult,
  type Challenge,
  call,
  isChallenge,
  isRecord,
  isRecoveryMethods,
  type Passkey,
  type RecoveryMethods,
} from './api.js';
import type { Language } from './i18n.js';
import type { CreationOptionsJSON, CredentialJSON } from './webauthn.js';

const isBegun = (v: unknown): v is { options: CreationOptionsJSON } =>
  isRecord(v) &&
  isRecord(v.options) &&
  typeof v.options.challenge === 'string' &&
  isRecord(v.options.rp) &&
  isRecord(v.options.user) &&
  Array.isArray(v.options.pubKeyCredParams);
const isAdded = (v: unknown): v is { added: true; passkey: Passkey } =>
  isRecord(v) &&
  v.added === true &&
  isRecord(v.passkey) &&
  typeof v.passkey.id === 'string' &&
  typeof v.passkey.name === 'string' &&
  typeof v.passkey.addedAt === 'string';
const isRemoved = (v: unknown): v is { removed: true; methods: RecoveryMethods } =>
  isRecord(v) && v.removed === true && isRecoveryMethods(v.methods);
const isChallengeBody = (v: unknown): v is { challenge: Challenge } => isRecord(v) && isChallenge(v.challenge);

/** POST /api/methods/passkey/begin: the options of a registration; the session keeps its challenge until finish. */
export function beginPasskey(
  methodsToken: string,
  language: Language,
): Promise<ApiResult<{ options: CreationOptionsJSON }>> {
  return call('POST', '/api/methods/passkey/begin', language, isBegun, { methodsToken });
}

/** POST /api/methods/passkey/finish: the new credential, named, stored once it verifies (its challenge is used up). */
export function finishPasskey(
  methodsToken: string,
  name: string,
  credential: CredentialJSON,
  language: Language,
): Promise<ApiResult<{ added: true; passkey: Passkey }>> {
  return call('POST', '/api/methods/passkey/finish', language, isAdded, { methodsToken, name, credential });
}

/** POST /api/methods/remove with `method: "passkey"`: one passkey goes, named by its id. */
export function removePasskey(
  methodsToken: string,
  id: string,
  language: Language,
  leaveNoRecovery = false,
): Promise<ApiResult<{ removed: true; methods: RecoveryMethods }>> {
  return call('POST', '/api/methods/remove', language, isRemoved, {
    methodsToken,
    method: 'passkey',
    id,
    // Confirms a removal refused as the account's last way back (methodsSafety.ts).
    ...(leaveNoRecovery ? { confirm: 'leave-no-recovery' } : {}),
  });
}

/** POST /api/reset/passkey: the assertion that answers the flow's passkey step; the next challenge. */
export function answerPasskey(
  flowId: string,
  credential: CredentialJSON,
  language: Language,
): Promise<ApiResult<{ challenge: Challenge }>> {
  return call('POST', '/api/reset/passkey', language, isChallengeBody, { flowId, credential });
}
