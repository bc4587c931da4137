/**
 * What an LDAP error means for the product: an AD bind sub-code, a domain controller that did not answer, a
 * dropped connection worth one retry, or a TLS certificate that failed verification (a configuration or security
 * problem, never a reason to fall back to an unverified connection).
 */
import { InvalidCredentialsError, ResultCodeError } from 'ldapts';
import { BIND_SUB_CODES, type BindSubCode } from '../../core/directory.js';

const KNOWN_SUB_CODES = new Set<string>(BIND_SUB_CODES);

/** "…AcceptSecurityContext error, data 775, v4563" → "775"; null when the message names no sub-code. */
export function subCodeFromMessage(message: string): string | null {
  const match = /\bdata ([0-9a-f]{1,8})\b/i.exec(message);
  if (!match?.[1]) return null;
  // Some DCs pad the value (data 0000052e); the product compares the short form AD documents.
  return match[1].toLowerCase().replace(/^0+(?=[0-9a-f]{3})/, '');
}

export type BindFailure = { kind: 'subCode'; subCode: BindSubCode } | { kind: 'unknownSubCode'; subCode: string };

/**
 * The sub-code of a failed simple bind (InvalidCredentials, 49). A 49 without data is a plain wrong password;
 * a sub-code the product does not know is reported as such so the caller can fail closed.
 * Null when the error is not an InvalidCredentials error at all.
 */
export function bindFailureOf(error: unknown): BindFailure | null {
  if (!(error instanceof InvalidCredentialsError) && !(error instanceof ResultCodeError && error.code === 49)) {
    return null;
  }
  const subCode = subCodeFromMessage(error.message);
  if (subCode === null) return { kind: 'subCode', subCode: '52e' };
  if (KNOWN_SUB_CODES.has(subCode)) return { kind: 'subCode', subCode: subCode as BindSubCode };
  return { kind: 'unknownSubCode', subCode };
}

/** OpenSSL and Node codes for a certificate that could not be verified (chain, name, dates). */
const CERTIFICATE_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_CERT_ALTNAME_FORMAT',
]);

/** Socket and resolver codes that mean the domain controller is not reachable right now. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isCertificateError(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && CERTIFICATE_ERROR_CODES.has(code);
}

/**
 * The connection went away under an operation, or before it (ldapts' own messages): the DC may be fine and a
 * fresh connection worth one more try.
 */
export function isDroppedConnection(error: unknown): boolean {
  const code = codeOf(error);
  if (code === 'ECONNRESET' || code === 'EPIPE') return true;
  if (!(error instanceof Error) || error instanceof ResultCodeError) return false;
  return /^(Connection closed before message response was received|Socket error\.|Socket connection not established)/.test(
    error.message,
  );
}

/** The DC did not answer in time or could not be reached; LDAP Busy (51) and Unavailable (52) count too. */
export function isUnavailable(error: unknown): boolean {
  if (isCertificateError(error)) return false;
  if (error instanceof ResultCodeError) return error.code === 51 || error.code === 52;
  const code = codeOf(error);
  if (code !== undefined && UNREACHABLE_CODES.has(code)) return true;
  if (isDroppedConnection(error)) return true;
  return error instanceof Error && /^(Connection timeout|\w+: Operation timed out)$/.test(error.message);
}
