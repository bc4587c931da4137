/**
 * Verification codes: digits from a CSPRNG, kept only as an HMAC with the pepper, bound to the flow they were made for
 * (a code can never be replayed into another flow), compared in constant time.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

export function newCode(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

export function codeHmac(pepper: Buffer, flowTokenHash: string, code: string): string {
  return createHmac('sha256', pepper).update(`code:${flowTokenHash}:${code}`, 'utf8').digest('base64url');
}

export function codeMatches(pepper: Buffer, flowTokenHash: string, code: string, storedHmac: string): boolean {
  const expected = Buffer.from(codeHmac(pepper, flowTokenHash, code), 'base64url');
  const stored = Buffer.from(storedHmac, 'base64url');
  return expected.length === stored.length && timingSafeEqual(expected, stored);
}

export function isCodeFormat(value: string, length: number): boolean {
  return value.length === length && /^\d+$/.test(value);
}
