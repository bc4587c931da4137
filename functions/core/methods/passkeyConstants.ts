/**
 * Passkey constants shared by the modules that do not load @simplewebauthn/server (core/flow/passkeyStep.ts, and the
 * web page: web/src/pages/passkeys.ts).
 */
export const PASSKEY_CHALLENGE_BYTES = 32;
/** A passkey's name, once trimmed. */
export const PASSKEY_NAME_MAX = 64;
