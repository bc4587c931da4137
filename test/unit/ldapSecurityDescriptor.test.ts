import { describe, expect, it } from 'vitest';
import { guidToBytes } from '../../functions/adapters/ldap/guid.js';
import {
  CHANGE_PASSWORD_RIGHT,
  changePasswordDeniedTo,
  parseSecurityDescriptor,
} from '../../functions/adapters/ldap/securityDescriptor.js';

const EVERYONE = 'S-1-1-0';
const SELF = 'S-1-5-10';
const AUTHENTICATED_USERS = 'S-1-5-11';
const DOMAIN_ADMINS = 'S-1-5-21-1165537623-3135520789-2908178443-512';
/** Reset-Password, another extended right: a deny for it is no deny of Change-Password. */
const RESET_PASSWORD_RIGHT = '00299570-246d-11d0-a768-00aa006e0529';
/** The user class, as an inherited object type. */
const USER_CLASS = 'bf967aba-0de6-11d0-a285-00aa003049e2';
const CONTROL_ACCESS = 0x100;
const READ_PROPERTY = 0x10;
const INHERIT_ONLY = 0x08;
const INHERITED = 0x10;

function sidBytes(sid: string): Buffer {
  const [, revision, authority, ...subs] = sid.split('-');
  const buffer = Buffer.alloc(8 + 4 * subs.length);
  buffer.writeUInt8(Number(revision), 0);
  buffer.writeUInt8(subs.length, 1);
  buffer.writeUIntBE(Number(authority), 2, 6);
  subs.forEach((sub, i) => {
    buffer.writeUInt32LE(Number(sub), 8 + 4 * i);
  });
  return buffer;
}

function guid(value: string): Buffer {
  const bytes = guidToBytes(value);
  if (!bytes) throw new Error(`bad GUID ${value}`);
  return bytes;
}

interface AceSpec {
  type: number;
  mask: number;
  sid: string;
  flags?: number;
  objectType?: string;
  inheritedObjectType?: string;
}

function ace(spec: AceSpec): Buffer {
  const parts: Buffer[] = [];
  const mask = Buffer.alloc(4);
  mask.writeUInt32LE(spec.mask >>> 0);
  parts.push(mask);
  if (spec.type === 5 || spec.type === 6) {
    const objectFlags = Buffer.alloc(4);
    objectFlags.writeUInt32LE((spec.objectType ? 1 : 0) | (spec.inheritedObjectType ? 2 : 0));
    parts.push(objectFlags);
    if (spec.objectType) parts.push(guid(spec.objectType));
    if (spec.inheritedObjectType) parts.push(guid(spec.inheritedObjectType));
  }
  parts.push(sidBytes(spec.sid));
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(4);
  header.writeUInt8(spec.type, 0);
  header.writeUInt8(spec.flags ?? 0, 1);
  header.writeUInt16LE(4 + body.length, 2);
  return Buffer.concat([header, body]);
}

/** A self-relative descriptor with an owner, a group and the DACL, laid out as AD returns it (DACL last). */
function descriptor(aces: AceSpec[], options: { daclPresent?: boolean } = {}): Buffer {
  const owner = sidBytes(DOMAIN_ADMINS);
  const group = sidBytes(DOMAIN_ADMINS);
  const aceBytes = Buffer.concat(aces.map(ace));
  const acl = Buffer.alloc(8);
  acl.writeUInt8(4, 0);
  acl.writeUInt16LE(8 + aceBytes.length, 2);
  acl.writeUInt16LE(aces.length, 4);
  const header = Buffer.alloc(20);
  header.writeUInt8(1, 0);
  header.writeUInt16LE(0x8000 | (options.daclPresent === false ? 0 : 0x0004), 2);
  header.writeUInt32LE(20, 4);
  header.writeUInt32LE(20 + owner.length, 8);
  header.writeUInt32LE(0, 12);
  header.writeUInt32LE(20 + owner.length + group.length, 16);
  return Buffer.concat([header, owner, group, acl, aceBytes]);
}

const denyChange = (sid: string, extra: Partial<AceSpec> = {}): AceSpec => ({
  type: 6,
  mask: CONTROL_ACCESS,
  sid,
  objectType: CHANGE_PASSWORD_RIGHT,
  ...extra,
});

describe('security descriptor: Change-Password denies', () => {
  it('finds the denies "user cannot change password" writes (Everyone and SELF), in order', () => {
    const sd = descriptor([
      denyChange(EVERYONE),
      denyChange(SELF),
      { type: 5, mask: CONTROL_ACCESS, sid: EVERYONE, objectType: CHANGE_PASSWORD_RIGHT },
      { type: 0, mask: 0x000f01ff, sid: DOMAIN_ADMINS },
    ]);
    expect(changePasswordDeniedTo(parseSecurityDescriptor(sd))).toEqual([EVERYONE, SELF]);
  });

  it('parses every ACE with its type, mask, object types and SID', () => {
    const sd = descriptor([
      denyChange(SELF, { inheritedObjectType: USER_CLASS, flags: INHERITED }),
      { type: 5, mask: READ_PROPERTY, sid: AUTHENTICATED_USERS, inheritedObjectType: USER_CLASS },
      { type: 0, mask: 0x20094, sid: AUTHENTICATED_USERS },
    ]);
    const parsed = parseSecurityDescriptor(sd);
    expect(parsed.dacl).toEqual([
      {
        type: 6,
        flags: INHERITED,
        mask: CONTROL_ACCESS,
        objectType: CHANGE_PASSWORD_RIGHT,
        inheritedObjectType: USER_CLASS,
        sid: SELF,
      },
      { type: 5, flags: 0, mask: READ_PROPERTY, inheritedObjectType: USER_CLASS, sid: AUTHENTICATED_USERS },
      { type: 0, flags: 0, mask: 0x20094, sid: AUTHENTICATED_USERS },
    ]);
    // An inherited deny (flag 0x10) applies to the object like an explicit one.
    expect(changePasswordDeniedTo(parsed)).toEqual([SELF]);
  });

  it('ignores allows, other extended rights, other masks and inherit-only entries', () => {
    const sd = descriptor([
      { type: 5, mask: CONTROL_ACCESS, sid: EVERYONE, objectType: CHANGE_PASSWORD_RIGHT },
      { type: 6, mask: CONTROL_ACCESS, sid: EVERYONE, objectType: RESET_PASSWORD_RIGHT },
      { type: 6, mask: READ_PROPERTY, sid: EVERYONE, objectType: CHANGE_PASSWORD_RIGHT },
      { type: 6, mask: 0x20 /* write property */, sid: SELF, objectType: CHANGE_PASSWORD_RIGHT },
      denyChange(SELF, { flags: INHERIT_ONLY | 0x02 }),
      { type: 1, mask: READ_PROPERTY, sid: EVERYONE },
      { type: 0, mask: CONTROL_ACCESS, sid: SELF },
    ]);
    expect(changePasswordDeniedTo(parseSecurityDescriptor(sd))).toEqual([]);
  });

  it('counts a mask with more rights than control access, and denies of every extended right', () => {
    const sd = descriptor([
      denyChange(EVERYONE, { mask: CONTROL_ACCESS | READ_PROPERTY | 0x20 }),
      { type: 6, mask: CONTROL_ACCESS, sid: SELF },
      { type: 1, mask: 0x000f01ff, sid: DOMAIN_ADMINS },
      denyChange(EVERYONE),
    ]);
    expect(changePasswordDeniedTo(parseSecurityDescriptor(sd))).toEqual([EVERYONE, SELF, DOMAIN_ADMINS]);
  });

  it('reads a descriptor without a DACL as having no denies', () => {
    const parsed = parseSecurityDescriptor(descriptor([denyChange(EVERYONE)], { daclPresent: false }));
    expect(parsed.dacl).toBeNull();
    expect(changePasswordDeniedTo(parsed)).toEqual([]);
    expect(changePasswordDeniedTo(parseSecurityDescriptor(descriptor([])))).toEqual([]);
  });

  it('throws on a truncated or inconsistent descriptor rather than reading it as "no denies"', () => {
    const sd = descriptor([denyChange(EVERYONE), denyChange(SELF)]);
    expect(() => parseSecurityDescriptor(sd.subarray(0, sd.length - 3))).toThrow(RangeError);
    expect(() => parseSecurityDescriptor(sd.subarray(0, 12))).toThrow(/truncated/);
    const badSize = Buffer.from(sd);
    // First ACE's size field claims more than the ACL holds.
    const firstAce = 20 + 2 * sidBytes(DOMAIN_ADMINS).length + 8;
    badSize.writeUInt16LE(0xfff0, firstAce + 2);
    expect(() => parseSecurityDescriptor(badSize)).toThrow(/invalid size/);
    const badRevision = Buffer.from(sd);
    badRevision.writeUInt8(2, 0);
    expect(() => parseSecurityDescriptor(badRevision)).toThrow(/revision/);
  });
});
