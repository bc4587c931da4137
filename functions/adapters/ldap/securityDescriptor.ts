/**
 * A reader for the self-relative SECURITY_DESCRIPTOR (MS-DTYP 2.4.6) in nTSecurityDescriptor, just deep enough to
 * find who is denied the Change-Password right ("user cannot change password" is such a deny, not a UAC bit).
 * Malformed input throws: a DACL that cannot be read must not be taken for one without denies.
 */
import { guidToString } from './guid.js';
import { sidLength, sidToString } from './sid.js';

export const ACE_TYPE = {
  ACCESS_ALLOWED: 0x00,
  ACCESS_DENIED: 0x01,
  ACCESS_ALLOWED_OBJECT: 0x05,
  ACCESS_DENIED_OBJECT: 0x06,
} as const;

/** ADS_RIGHT_DS_CONTROL_ACCESS: the extended rights, of which Change-Password is one. */
export const RIGHT_CONTROL_ACCESS = 0x100;
export const CHANGE_PASSWORD_RIGHT = 'ab721a53-1e2f-11d0-9819-00aa0040529b';

const SE_DACL_PRESENT = 0x0004;
const INHERIT_ONLY_ACE = 0x08;
const ACE_OBJECT_TYPE_PRESENT = 0x1;
const ACE_INHERITED_OBJECT_TYPE_PRESENT = 0x2;
/** Object ACEs carry object-type GUIDs between the mask and the SID: allowed, denied, audit, alarm and callbacks. */
const OBJECT_ACE_TYPES = new Set([0x05, 0x06, 0x07, 0x08, 0x0b, 0x0c, 0x0f, 0x10]);
const SD_HEADER_BYTES = 20;
const ACL_HEADER_BYTES = 8;
const ACE_HEADER_BYTES = 4;

export interface Ace {
  type: number;
  flags: number;
  mask: number;
  /** Canonical GUID of the right, property or class the ACE is limited to; absent = all of them. */
  objectType?: string;
  inheritedObjectType?: string;
  sid: string;
}

export interface SecurityDescriptor {
  control: number;
  /** null when the descriptor carries no DACL (not requested, or a NULL DACL). */
  dacl: Ace[] | null;
}

function need(buffer: Buffer, end: number, what: string): void {
  if (end > buffer.length) throw new RangeError(`security descriptor is truncated (${what})`);
}

export function parseSecurityDescriptor(bytes: Uint8Array): SecurityDescriptor {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  need(buffer, SD_HEADER_BYTES, 'header');
  if (buffer[0] !== 1) throw new RangeError(`security descriptor has revision ${buffer[0]}, expected 1`);
  const control = buffer.readUInt16LE(2);
  const daclOffset = buffer.readUInt32LE(16);
  const dacl = (control & SE_DACL_PRESENT) !== 0 && daclOffset !== 0 ? parseAcl(buffer, daclOffset) : null;
  return { control, dacl };
}

function parseAcl(buffer: Buffer, offset: number): Ace[] {
  need(buffer, offset + ACL_HEADER_BYTES, 'ACL header');
  const size = buffer.readUInt16LE(offset + 2);
  const count = buffer.readUInt16LE(offset + 4);
  const end = offset + size;
  need(buffer, end, 'ACL');
  const aces: Ace[] = [];
  let position = offset + ACL_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    need(buffer, position + ACE_HEADER_BYTES, 'ACE header');
    const type = buffer.readUInt8(position);
    const flags = buffer.readUInt8(position + 1);
    const aceSize = buffer.readUInt16LE(position + 2);
    const aceEnd = position + aceSize;
    if (aceSize < ACE_HEADER_BYTES + 4 || aceEnd > end) throw new RangeError(`ACE ${i} has an invalid size ${aceSize}`);
    const ace = parseAce(buffer.subarray(position, aceEnd), type, flags);
    if (ace) aces.push(ace);
    position = aceEnd;
  }
  return aces;
}

/** One ACE (its own bytes); null for types that carry no SID where expected (none AD writes today). */
function parseAce(ace: Buffer, type: number, flags: number): Ace | null {
  const mask = ace.readUInt32LE(4);
  let position = 8;
  const result: Partial<Ace> = { type, flags, mask };
  if (OBJECT_ACE_TYPES.has(type)) {
    need(ace, position + 4, 'object ACE flags');
    const objectFlags = ace.readUInt32LE(position);
    position += 4;
    if (objectFlags & ACE_OBJECT_TYPE_PRESENT) {
      need(ace, position + 16, 'object type');
      result.objectType = guidToString(ace.subarray(position, position + 16));
      position += 16;
    }
    if (objectFlags & ACE_INHERITED_OBJECT_TYPE_PRESENT) {
      need(ace, position + 16, 'inherited object type');
      result.inheritedObjectType = guidToString(ace.subarray(position, position + 16));
      position += 16;
    }
  } else if (type > 0x13) {
    return null;
  }
  need(ace, position + 8, 'SID');
  need(ace, position + sidLength(ace, position), 'SID');
  result.sid = sidToString(ace, position);
  return result as Ace;
}

/**
 * The SIDs denied the Change-Password right on the object itself: object denies for that right (or for every
 * extended right, when no object type is given), and plain denies of control access. Inherit-only ACEs are for
 * children and do not apply. Order kept, duplicates dropped.
 */
export function changePasswordDeniedTo(descriptor: SecurityDescriptor): string[] {
  const sids = new Set<string>();
  for (const ace of descriptor.dacl ?? []) {
    if (ace.flags & INHERIT_ONLY_ACE) continue;
    if ((ace.mask & RIGHT_CONTROL_ACCESS) === 0) continue;
    const denies =
      (ace.type === ACE_TYPE.ACCESS_DENIED_OBJECT &&
        (ace.objectType === undefined || ace.objectType === CHANGE_PASSWORD_RIGHT)) ||
      ace.type === ACE_TYPE.ACCESS_DENIED;
    if (denies) sids.add(ace.sid);
  }
  return [...sids];
}
