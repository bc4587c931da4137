/** Passkey constants shared by the modules that do not load @simplewebauthn/server (core/flow/passkeyStep.ts). */
export const PASSKEY_CHALLENGE_BYTES = 32;
