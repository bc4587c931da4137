/**
 * Binary SIDs (MS-DTYP 2.4.2) as AD returns them in objectSid, tokenGroups and ACEs, read into the string form
 * the rest of the product compares (S-1-5-21-…).
 */

/** Revision, sub-authority count and a 48-bit authority come before the 32-bit sub-authorities. */
const SID_HEADER_BYTES = 8;
/** MS-DTYP caps a SID at 15 sub-authorities; more means the bytes are not a SID. */
const MAX_SUB_AUTHORITIES = 15;

/** The length in bytes of the SID that starts at offset, as its header declares it. */
export function sidLength(bytes: Uint8Array, offset = 0): number {
  const count = bytes[offset + 1];
  if (count === undefined) throw new RangeError('SID is truncated');
  return SID_HEADER_BYTES + 4 * count;
}

/** Reads one binary SID at offset. Throws on anything malformed rather than guessing, since SIDs decide access. */
export function sidToString(bytes: Uint8Array, offset = 0): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const revision = buffer[offset];
  const count = buffer[offset + 1];
  if (revision === undefined || count === undefined) throw new RangeError('SID is truncated');
  if (revision !== 1) throw new RangeError(`SID has revision ${revision}, expected 1`);
  if (count > MAX_SUB_AUTHORITIES) throw new RangeError(`SID has ${count} sub-authorities, at most 15 allowed`);
  const end = offset + SID_HEADER_BYTES + 4 * count;
  if (end > buffer.length) throw new RangeError('SID is truncated');
  // The authority is big-endian, the sub-authorities little-endian (MS-DTYP 2.4.2).
  const authority = buffer.readUIntBE(offset + 2, 6);
  let sid = `S-${revision}-${authority}`;
  for (let i = 0; i < count; i++) sid += `-${buffer.readUInt32LE(offset + SID_HEADER_BYTES + 4 * i)}`;
  return sid;
}
