/**
 * The browser's side of a passkey (WebAuthn Level 3): options arrive from the API as JSON with base64url strings
 * (PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON) and the credential goes back as JSON
 * (RegistrationResponseJSON / AuthenticationResponseJSON). Browsers that have PublicKeyCredential.parse…FromJSON and
 * credential.toJSON() do the conversion themselves; for the others (Safari before 18.4, Firefox before 119) the same
 * conversion is written out here. A ceremony never throws: it resolves to the credential's JSON or to why there is none.
 */

/** Options of a passkey registration, as POST /api/methods/passkey/begin sends them. */
export type CreationOptionsJSON = PublicKeyCredentialCreationOptionsJSON;
/** Options of a passkey assertion, as a reset's passkey step sends them. */
export type RequestOptionsJSON = PublicKeyCredentialRequestOptionsJSON;

/** RegistrationResponseJSON or AuthenticationResponseJSON: what the API takes as `credential`. */
export type CredentialJSON = Record<string, unknown> & { id: string; rawId: string; type: string };

/**
 * Why a ceremony gave no credential: `unsupported` (no WebAuthn here), `notAllowed` (cancelled, timed out, or the
 * device could not verify the user: WebAuthn does not tell which, on purpose), `exists` (this device already holds a
 * passkey of the account), `failed` (anything else the browser refused, e.g. an insecure page).
 */
export type CeremonyRefusal = 'unsupported' | 'notAllowed' | 'exists' | 'failed';
export type CeremonyResult = { ok: true; credential: CredentialJSON } | { ok: false; refusal: CeremonyRefusal };

/** The static helpers of Level 3, which older browsers lack (lib.dom declares them as always there). */
interface JsonHelpers {
  parseCreationOptionsFromJSON?: (options: CreationOptionsJSON) => PublicKeyCredentialCreationOptions;
  parseRequestOptionsFromJSON?: (options: RequestOptionsJSON) => PublicKeyCredentialRequestOptions;
}

/** Whether this browser can make and use passkeys at all (a secure page with WebAuthn). */
export function webauthnAvailable(): boolean {
  return (
    typeof window !== 'undefined' &&
    window.isSecureContext &&
    typeof window.PublicKeyCredential === 'function' &&
    typeof navigator.credentials?.create === 'function' &&
    typeof navigator.credentials?.get === 'function'
  );
}

export function base64urlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesToBase64url(buffer: ArrayBuffer | ArrayBufferView): string {
  const bytes =
    buffer instanceof ArrayBuffer
      ? new Uint8Array(buffer)
      : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function descriptor(json: PublicKeyCredentialDescriptorJSON): PublicKeyCredentialDescriptor {
  return {
    id: base64urlToBytes(json.id),
    type: json.type as PublicKeyCredentialType,
    ...(json.transports ? { transports: json.transports as AuthenticatorTransport[] } : {}),
  };
}

/** parseCreationOptionsFromJSON, written out: the challenge, the user id and excluded credential ids become bytes. */
export function creationOptionsFromJSON(json: CreationOptionsJSON): PublicKeyCredentialCreationOptions {
  const { challenge, user, excludeCredentials, ...rest } = json;
  return {
    ...rest,
    attestation: json.attestation as AttestationConveyancePreference | undefined,
    challenge: base64urlToBytes(challenge),
    user: { ...user, id: base64urlToBytes(user.id) },
    ...(excludeCredentials ? { excludeCredentials: excludeCredentials.map(descriptor) } : {}),
  } as PublicKeyCredentialCreationOptions;
}

/** parseRequestOptionsFromJSON, written out: the challenge and the allowed credential ids become bytes. */
export function requestOptionsFromJSON(json: RequestOptionsJSON): PublicKeyCredentialRequestOptions {
  const { challenge, allowCredentials, ...rest } = json;
  return {
    ...rest,
    userVerification: json.userVerification as UserVerificationRequirement | undefined,
    challenge: base64urlToBytes(challenge),
    ...(allowCredentials ? { allowCredentials: allowCredentials.map(descriptor) } : {}),
  } as PublicKeyCredentialRequestOptions;
}

/** credential.toJSON(), written out, for a registration or an assertion (unknown members are left out). */
export function credentialToJSON(credential: PublicKeyCredential): CredentialJSON {
  const response = credential.response;
  const common = {
    id: credential.id,
    rawId: bytesToBase64url(credential.rawId),
    type: credential.type,
    ...(credential.authenticatorAttachment ? { authenticatorAttachment: credential.authenticatorAttachment } : {}),
    clientExtensionResults: credential.getClientExtensionResults(),
  };
  if ('attestationObject' in response) {
    const attestation = response as AuthenticatorAttestationResponse;
    const publicKey = attestation.getPublicKey?.();
    return {
      ...common,
      response: {
        clientDataJSON: bytesToBase64url(attestation.clientDataJSON),
        attestationObject: bytesToBase64url(attestation.attestationObject),
        authenticatorData: bytesToBase64url(attestation.getAuthenticatorData()),
        transports: attestation.getTransports?.() ?? [],
        publicKeyAlgorithm: attestation.getPublicKeyAlgorithm(),
        ...(publicKey ? { publicKey: bytesToBase64url(publicKey) } : {}),
      },
    };
  }
  const assertion = response as AuthenticatorAssertionResponse;
  return {
    ...common,
    response: {
      clientDataJSON: bytesToBase64url(assertion.clientDataJSON),
      authenticatorData: bytesToBase64url(assertion.authenticatorData),
      signature: bytesToBase64url(assertion.signature),
      ...(assertion.userHandle ? { userHandle: bytesToBase64url(assertion.userHandle) } : {}),
    },
  };
}

function helpers(): JsonHelpers {
  return window.PublicKeyCredential as unknown as JsonHelpers;
}

function toJSON(credential: PublicKeyCredential): CredentialJSON {
  const native = (credential as { toJSON?: () => CredentialJSON }).toJSON;
  return typeof native === 'function' ? native.call(credential) : credentialToJSON(credential);
}

function refusalOf(error: unknown): CeremonyRefusal {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'AbortError') return 'notAllowed';
  if (name === 'InvalidStateError') return 'exists';
  return 'failed';
}

/** navigator.credentials.create with the API's options; the new passkey as RegistrationResponseJSON. */
export async function createPasskey(options: CreationOptionsJSON): Promise<CeremonyResult> {
  if (!webauthnAvailable()) return { ok: false, refusal: 'unsupported' };
  try {
    const parse = helpers().parseCreationOptionsFromJSON;
    const publicKey = typeof parse === 'function' ? parse(options) : creationOptionsFromJSON(options);
    const credential = await navigator.credentials.create({ publicKey });
    if (!(credential instanceof PublicKeyCredential)) return { ok: false, refusal: 'failed' };
    return { ok: true, credential: toJSON(credential) };
  } catch (error) {
    return { ok: false, refusal: refusalOf(error) };
  }
}

/** navigator.credentials.get with the flow's options; the assertion as AuthenticationResponseJSON. */
export async function usePasskey(options: RequestOptionsJSON): Promise<CeremonyResult> {
  if (!webauthnAvailable()) return { ok: false, refusal: 'unsupported' };
  try {
    const parse = helpers().parseRequestOptionsFromJSON;
    const publicKey = typeof parse === 'function' ? parse(options) : requestOptionsFromJSON(options);
    const credential = await navigator.credentials.get({ publicKey });
    if (!(credential instanceof PublicKeyCredential)) return { ok: false, refusal: 'failed' };
    return { ok: true, credential: toJSON(credential) };
  } catch (error) {
    return { ok: false, refusal: refusalOf(error) };
  }
}
