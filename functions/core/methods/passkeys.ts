/**
 * Passkeys as a recovery method (issue 16): WebAuthn registration and authentication over @simplewebauthn/server.
 *
 * - The relying party is the service's own page: its id is the hostname of config.notifications.baseUrl, the origin a
 *   response must come from is that URL's origin, its name is the NetBIOS domain (as an authenticator app's issuer).
 * - The user handle is an opaque id derived from the objectGUID (a SHA-256 of it under a label), never the GUID itself:
 *   the same for every passkey of one account, so an authenticator replaces rather than piles up its own credentials.
 * - User verification is required everywhere: a passkey alone passes a reset because it is two factors (something held,
 *   unlocked by something known or something one is); a response without the UV flag is refused.
 * - Attestation none: the product trusts no authenticator model more than another.
 * - A challenge is 32 bytes from the CSPRNG, sent in the options and never stored: the caller keeps only its SHA-256
 *   (tokens.ts hashToken) on what holds the ceremony (the methods session for a registration, the flow for a reset),
 *   clears it with the write that uses it, and it expires with its holder. A response is checked by hashing the
 *   challenge it signed and comparing in constant time (@simplewebauthn/server's `expectedChallenge` as a function),
 *   so a copy of the table holds nothing a ceremony could be answered with.
 * - A signature counter must move forward unless both the stored one and the new one are 0 (authenticators that keep
 *   none); the new counter is stored with a conditional write on the old one (Store.usePasskey), so one assertion passes
 *   at most once.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateRegistrationOptions,
  type PublicKeyCredentialDescriptorJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Config } from '../config.js';
import type { EnrolledPasskey } from '../store.js';
import { matchesTokenHash } from '../tokens.js';
import { PASSKEY_CHALLENGE_BYTES } from './passkeyConstants.js';

export { MAX_PASSKEYS } from '../store.js';
export type { AuthenticationResponseJSON, RegistrationResponseJSON };

/** A credential as options name it (PublicKeyCredentialDescriptorJSON). */
export interface PasskeyDescriptor {
  id: string;
  type: 'public-key';
  transports?: AuthenticatorTransportFuture[];
}

/** The PublicKeyCredentialCreationOptionsJSON this service sends: every field spelled out, as the API documents it. */
export interface PasskeyCreationOptions {
  challenge: string;
  rp: { name: string; id: string };
  user: { id: string; name: string; displayName: string };
  pubKeyCredParams: { alg: number; type: 'public-key' }[];
  timeout: number;
  attestation: 'none';
  excludeCredentials: PasskeyDescriptor[];
  authenticatorSelection: { residentKey: 'preferred'; userVerification: 'required'; requireResidentKey: boolean };
  extensions: { credProps: boolean };
}

/** The PublicKeyCredentialRequestOptionsJSON this service sends. */
export interface PasskeyRequestOptions {
  challenge: string;
  rpId: string;
  allowCredentials: PasskeyDescriptor[];
  timeout: number;
  userVerification: 'required';
}

function descriptors(list: readonly PublicKeyCredentialDescriptorJSON[] | undefined): PasskeyDescriptor[] {
  return (list ?? []).map((d) => ({
    id: d.id,
    type: 'public-key',
    ...(d.transports ? { transports: [...d.transports] } : {}),
  }));
}

export { PASSKEY_CHALLENGE_BYTES, PASSKEY_NAME_MAX } from './passkeyConstants.js';

/** How long a browser is told the ceremony may take (the challenge itself lives as long as its holder). */
const CEREMONY_TIMEOUT_MS = 5 * 60_000;
/** ES256, EdDSA, RS256: what platform and roaming authenticators make. */
const ALGORITHMS = [-7, -8, -257];
const TRANSPORTS: readonly AuthenticatorTransportFuture[] = [
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
];

/** The relying party of this deployment: id the base URL's hostname, origin its origin, name the NetBIOS domain. */
export function relyingParty(config: Pick<Config, 'notifications' | 'domain'>): {
  id: string;
  origin: string;
  name: string;
} {
  const url = new URL(config.notifications.baseUrl);
  return { id: url.hostname, origin: url.origin, name: config.domain.netbiosName };
}

/** A new challenge, base64url, as it is kept and as it is sent. */
export function newPasskeyChallenge(): string {
  return randomBytes(PASSKEY_CHALLENGE_BYTES).toString('base64url');
}

/** The WebAuthn user handle of an account: 32 bytes derived from its objectGUID, never the GUID itself. */
export function passkeyUserId(objectGuid: string): Uint8Array<ArrayBuffer> {
  const digest = createHash('sha256').update(`sspr-passkey-user:${objectGuid.toLowerCase()}`, 'utf8').digest();
  return new Uint8Array(digest);
}

/** Transports as the browser reported them, kept only when WebAuthn knows them. */
export function knownTransports(transports: readonly string[] | undefined): AuthenticatorTransportFuture[] {
  return (transports ?? []).filter((t): t is AuthenticatorTransportFuture =>
    (TRANSPORTS as readonly string[]).includes(t),
  );
}

/** PublicKeyCredentialCreationOptionsJSON for a new passkey of an account (its passkeys excluded). */
export async function passkeyRegistrationOptions(
  config: Pick<Config, 'notifications' | 'domain'>,
  account: { objectGuid: string; sAMAccountName: string },
  held: readonly EnrolledPasskey[],
  challenge: string,
): Promise<PasskeyCreationOptions> {
  const rp = relyingParty(config);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userID: passkeyUserId(account.objectGuid),
    userName: account.sAMAccountName,
    userDisplayName: account.sAMAccountName,
    challenge: Buffer.from(challenge, 'base64url'),
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: held.map((p) => ({ id: p.id, transports: knownTransports(p.transports) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    supportedAlgorithmIDs: ALGORITHMS,
  });
  return {
    challenge: options.challenge,
    rp: { name: options.rp.name, id: rp.id },
    user: { id: options.user.id, name: options.user.name, displayName: options.user.displayName },
    pubKeyCredParams: options.pubKeyCredParams.map((p) => ({ alg: p.alg, type: 'public-key' })),
    timeout: options.timeout ?? CEREMONY_TIMEOUT_MS,
    attestation: 'none',
    excludeCredentials: descriptors(options.excludeCredentials),
    authenticatorSelection: {
      residentKey: 'preferred',
      userVerification: 'required',
      requireResidentKey: options.authenticatorSelection?.requireResidentKey ?? false,
    },
    extensions: { credProps: true },
  };
}

/** A verified new credential, as it is stored (without its name and times). */
export interface VerifiedRegistration {
  id: string;
  publicKey: string;
  counter: number;
  transports: AuthenticatorTransportFuture[];
}

/**
 * The credential of a registration response, or null when it does not verify: another challenge (one whose hash is not
 * `challengeHash`) or origin or rpID, no user verification, a malformed or unsupported response. Never throws for what
 * the client sent.
 */
export async function verifyPasskeyRegistration(
  config: Pick<Config, 'notifications' | 'domain'>,
  response: RegistrationResponseJSON,
  challengeHash: string,
): Promise<VerifiedRegistration | null> {
  const rp = relyingParty(config);
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: (signed: string) => matchesTokenHash(signed, challengeHash),
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
    if (!result.verified) return null;
    const { credential } = result.registrationInfo;
    return {
      id: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: knownTransports(credential.transports ?? response.response.transports),
    };
  } catch {
    return null;
  }
}

/**
 * The passkey an assertion is right for and its new counter, or null: a credential the account does not hold, another
 * challenge (one whose hash is not `challengeHash`), origin or rpID, no user verification, a bad signature, a counter
 * that did not move forward. The new counter is not stored here: Store.usePasskey does it, conditional on the counter
 * read.
 */
export async function verifyPasskeyAssertion(
  config: Pick<Config, 'notifications' | 'domain'>,
  response: AuthenticationResponseJSON,
  held: readonly EnrolledPasskey[],
  challengeHash: string,
): Promise<{ passkey: EnrolledPasskey; newCounter: number } | null> {
  const passkey = held.find((p) => p.id === response.id && p.id === response.rawId);
  if (!passkey) return null;
  const rp = relyingParty(config);
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: (signed: string) => matchesTokenHash(signed, challengeHash),
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: {
        id: passkey.id,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
        counter: passkey.counter,
        transports: knownTransports(passkey.transports),
      },
    });
    if (!result.verified) return null;
    return { passkey, newCounter: result.authenticationInfo.newCounter };
  } catch {
    return null;
  }
}
