/**
 * objectGUID: 16 bytes on the wire; the canonical string AD prints reverses the byte order of the first three
 * groups (they are little-endian integers in the GUID structure), and keeps the last two as they are.
 */

const CANONICAL_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isCanonicalGuid(value: string): boolean {
  return CANONICAL_GUID.test(value);
}

/** 16 bytes as stored → lower-case canonical string with dashes. */
export function guidToString(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`a GUID has 16 bytes, got ${bytes.length}`);
  const hex = (start: number, end: number, reverse: boolean) => {
    const part = Buffer.from(bytes.subarray(start, end));
    return (reverse ? part.reverse() : part).toString('hex');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)].join('-');
}

/** Canonical string (any case) → the 16 bytes AD stores, for an objectGUID equality filter. Null when not a GUID. */
export function guidToBytes(value: string): Buffer | null {
  if (!isCanonicalGuid(value)) return null;
  const hex = value.replaceAll('-', '');
  const part = (start: number, end: number) => Buffer.from(hex.slice(start, end), 'hex');
  return Buffer.concat([part(0, 8).reverse(), part(8, 12).reverse(), part(12, 16).reverse(), part(16, 32)]);
}
