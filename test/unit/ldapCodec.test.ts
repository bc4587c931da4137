import { describe, expect, it } from 'vitest';
import {
  FILETIME_UNIX_EPOCH,
  filetimeFromMs,
  INTERVAL_NEVER,
  intervalToSeconds,
  msFromFiletime,
  parseInteger8,
} from '../../functions/adapters/ldap/filetime.js';
import { guidToBytes, guidToString, isCanonicalGuid } from '../../functions/adapters/ldap/guid.js';
import { sidLength, sidToString } from '../../functions/adapters/ldap/sid.js';

/** A binary SID as AD stores it: revision, count, 48-bit big-endian authority, little-endian sub-authorities. */
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

describe('SID binary → string', () => {
  it('reads a domain account SID (authority big-endian, sub-authorities little-endian)', () => {
    const bytes = Buffer.from('01050000000000051500000057b178451540e4ba0b4857ad53040000', 'hex');
    expect(sidToString(bytes)).toBe('S-1-5-21-1165537623-3135520789-2908178443-1107');
    expect(sidLength(bytes)).toBe(28);
  });

  it('reads well-known SIDs: Everyone, SELF, BUILTIN\\Users', () => {
    expect(sidToString(Buffer.from('010100000000000100000000', 'hex'))).toBe('S-1-1-0');
    expect(sidToString(Buffer.from('01010000000000050a000000', 'hex'))).toBe('S-1-5-10');
    expect(sidToString(sidBytes('S-1-5-32-545'))).toBe('S-1-5-32-545');
  });

  it('round-trips sub-authorities up to 2^32-1 and reads at an offset', () => {
    const sid = 'S-1-5-21-4294967295-1-0-500';
    expect(sidToString(sidBytes(sid))).toBe(sid);
    const padded = Buffer.concat([Buffer.from([0xaa, 0xbb, 0xcc]), sidBytes(sid), Buffer.from([0xdd])]);
    expect(sidToString(padded, 3)).toBe(sid);
    expect(sidToString(new Uint8Array(sidBytes('S-1-1-0')))).toBe('S-1-1-0');
  });

  it('refuses truncated or malformed SIDs instead of guessing', () => {
    const sid = sidBytes('S-1-5-21-1-2-3-500');
    expect(() => sidToString(sid.subarray(0, sid.length - 1))).toThrow(/truncated/);
    expect(() => sidToString(Buffer.alloc(0))).toThrow(/truncated/);
    expect(() => sidToString(Buffer.from('0201000000000001000000000', 'hex'))).toThrow(/revision/);
    const tooMany = Buffer.alloc(8 + 4 * 16);
    tooMany.writeUInt8(1, 0);
    tooMany.writeUInt8(16, 1);
    expect(() => sidToString(tooMany)).toThrow(/sub-authorities/);
  });
});

describe('GUID binary ↔ canonical', () => {
  // The bytes as AD stores them; the canonical form reverses the first three groups.
  const wire = Buffer.from('b2cf079e82fb75448da0c6ab7b53b343', 'hex');
  const canonical = '9e07cfb2-fb82-4475-8da0-c6ab7b53b343';

  it('reverses the byte order of the first three groups only', () => {
    expect(guidToString(wire)).toBe(canonical);
    expect(guidToString(Buffer.from('00112233445566778899aabbccddeeff', 'hex'))).toBe(
      '33221100-5544-7766-8899-aabbccddeeff',
    );
  });

  it('turns a canonical string (any case) back into the stored bytes', () => {
    expect(guidToBytes(canonical)?.equals(wire)).toBe(true);
    expect(guidToBytes(canonical.toUpperCase())?.equals(wire)).toBe(true);
    expect(guidToString(guidToBytes('33221100-5544-7766-8899-aabbccddeeff') ?? Buffer.alloc(16))).toBe(
      '33221100-5544-7766-8899-aabbccddeeff',
    );
  });

  it('refuses anything that is not a canonical GUID', () => {
    for (const value of [
      '',
      '*',
      '*-*-*-*-*',
      '9e07cfb2fb8244758da0c6ab7b53b343',
      '{9e07cfb2-fb82-4475-8da0-c6ab7b53b343}',
      '9e07cfb2-fb82-4475-8da0-c6ab7b53b34',
      '9e07cfb2-fb82-4475-8da0-c6ab7b53b343 ',
      '9e07cfb2-fb82-4475-8da0-c6ab7b53b34g',
    ]) {
      expect(isCanonicalGuid(value), value).toBe(false);
      expect(guidToBytes(value), value).toBeNull();
    }
    expect(() => guidToString(Buffer.alloc(15))).toThrow(/16 bytes/);
  });
});

describe('Integer8, FILETIME and policy intervals', () => {
  it('parses Integer8 as BigInt without losing precision', () => {
    expect(parseInteger8('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseInteger8('134399461652188661')).toBe(134399461652188661n);
    expect(parseInteger8('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parseInteger8('0')).toBe(0n);
    expect(parseInteger8('-1')).toBe(-1n);
  });

  it('reads 0x8000000000000000 printed unsigned as the signed "never"', () => {
    expect(parseInteger8('9223372036854775808')).toBe(INTERVAL_NEVER);
  });

  it('refuses what is not an Integer8', () => {
    for (const value of ['', 'abc', '1.5', '1e9', '0x10', '18446744073709551616', '-9223372036854775809']) {
      expect(() => parseInteger8(value), value).toThrow(RangeError);
    }
  });

  it('converts FILETIME to and from Unix milliseconds', () => {
    expect(msFromFiletime(FILETIME_UNIX_EPOCH)).toBe(0);
    const ms = Date.UTC(2026, 2, 3, 10, 30);
    expect(msFromFiletime(filetimeFromMs(ms))).toBe(ms);
    expect(filetimeFromMs(0)).toBe(116444736000000000n);
  });

  it('turns negative 100-ns intervals into seconds, and "never" and 0 into 0', () => {
    expect(intervalToSeconds(-18000000000n)).toBe(30 * 60);
    expect(intervalToSeconds(-77760000000000n)).toBe(90 * 86_400);
    expect(intervalToSeconds(-864000000000n)).toBe(86_400);
    expect(intervalToSeconds(INTERVAL_NEVER)).toBe(0);
    expect(intervalToSeconds(parseInteger8('-9223372036854775808'))).toBe(0);
    expect(intervalToSeconds(0n)).toBe(0);
    expect(intervalToSeconds(18000000000n)).toBe(30 * 60);
  });
});
