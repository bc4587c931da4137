import { describe, expect, it } from 'vitest';
import { reduceUsername } from '../../functions/core/username.js';

const domain = { netbiosName: 'CORP', upnSuffixes: ['corp.example.test', 'example.com'] };

function reduce(input: string) {
  return reduceUsername(input, domain);
}

function sam(name: string, key = name.toLowerCase()) {
  return { ok: true, lookup: { by: 'sAMAccountName', value: name }, name: key };
}

/** A UPN's form-independent name is its prefix: `alice@…` is `alice`, as `alice` and `CORP\alice` are. */
function upn(value: string, key = value.slice(0, value.indexOf('@')).toLowerCase()) {
  return { ok: true, lookup: { by: 'userPrincipalName', value }, name: key };
}

const refused = { ok: false };

describe('reduceUsername', () => {
  it('gives every form of one name the same form-independent name', () => {
    const names = ['bob', 'CORP\\Bob', 'BOB@corp.example.test', 'bob@EXAMPLE.com'].map((typed) => {
      const reduced = reduce(typed);
      return reduced.ok ? reduced.name : null;
    });
    expect(names).toEqual(['bob', 'bob', 'bob', 'bob']);
  });

  it('takes a plain name as the sAMAccountName', () => {
    expect(reduce('alice')).toEqual(sam('alice'));
    expect(reduce('Alice.Archer')).toEqual(sam('Alice.Archer', 'alice.archer'));
    expect(reduce('  alice \t')).toEqual(sam('alice'));
  });

  it('reduces NETBIOS\\name of the configured domain, in any case', () => {
    expect(reduce('CORP\\alice')).toEqual(sam('alice'));
    expect(reduce('corp\\Alice')).toEqual(sam('Alice', 'alice'));
    expect(reduce('Corp\\alice')).toEqual(sam('alice'));
  });

  it("refuses another domain's NETBIOS name", () => {
    expect(reduce('OTHER\\alice')).toEqual(refused);
    expect(reduce('\\alice')).toEqual(refused);
    expect(reduce('corp.example.test\\alice')).toEqual(refused);
  });

  it('refuses NETBIOS\\ with a missing or invalid name', () => {
    expect(reduce('CORP\\')).toEqual(refused);
    expect(reduce('CORP\\al*ce')).toEqual(refused);
    expect(reduce('CORP\\alice\\bob')).toEqual(refused);
    expect(reduce('CORP\\alice@corp.example.test')).toEqual(refused);
  });

  it('looks name@configured-suffix up by userPrincipalName', () => {
    expect(reduce('alice@corp.example.test')).toEqual(upn('alice@corp.example.test'));
    expect(reduce('Alice.Archer@CORP.Example.Test')).toEqual(upn('Alice.Archer@corp.example.test', 'alice.archer'));
    expect(reduce('a.archer@example.com')).toEqual(upn('a.archer@example.com'));
    expect(reduce(' alice@corp.example.test ')).toEqual(upn('alice@corp.example.test'));
  });

  it('accepts a UPN prefix longer than a sAMAccountName may be', () => {
    const prefix = 'a'.repeat(64);
    expect(reduce(`${prefix}@corp.example.test`)).toEqual(upn(`${prefix}@corp.example.test`));
    expect(reduce(`${'a'.repeat(65)}@corp.example.test`)).toEqual(refused);
  });

  it('refuses another UPN suffix', () => {
    expect(reduce('alice@other.test')).toEqual(refused);
    expect(reduce('alice@sub.corp.example.test')).toEqual(refused);
    expect(reduce('alice@')).toEqual(refused);
    expect(reduce('alice@corp.example.test@corp.example.test')).toEqual(refused);
  });

  it('refuses an invalid UPN prefix', () => {
    expect(reduce('@corp.example.test')).toEqual(refused);
    expect(reduce('alice archer@corp.example.test')).toEqual(refused);
    expect(reduce('al*ce@corp.example.test')).toEqual(refused);
    expect(reduce('al\u0000ce@corp.example.test')).toEqual(refused);
    expect(reduce('al"ce@corp.example.test')).toEqual(refused);
  });

  it('refuses empty input', () => {
    expect(reduce('')).toEqual(refused);
    expect(reduce('   ')).toEqual(refused);
  });

  it('limits a sAMAccountName to 20 characters', () => {
    expect(reduce('a'.repeat(20))).toEqual(sam('a'.repeat(20)));
    expect(reduce('a'.repeat(21))).toEqual(refused);
    expect(reduce(`CORP\\${'a'.repeat(21)}`)).toEqual(refused);
    expect(reduce('ü'.repeat(20))).toEqual(sam('ü'.repeat(20)));
  });

  it.each([...'"/[]:;|=,+*?<>'])('refuses %s in a sAMAccountName', (c) => {
    expect(reduce(`al${c}ce`)).toEqual(refused);
    expect(reduce(`CORP\\al${c}ce`)).toEqual(refused);
    expect(reduce(`al${c}ce@corp.example.test`)).toEqual(refused);
  });

  it('refuses LDAP metacharacters AD forbids, and control characters', () => {
    expect(reduce('*')).toEqual(refused);
    expect(reduce('al*')).toEqual(refused);
    expect(reduce('al\\ce')).toEqual(refused);
    expect(reduce('al\u0000ce')).toEqual(refused);
    expect(reduce('al\u001fce')).toEqual(refused);
    expect(reduce('al\u007fce')).toEqual(refused);
    expect(reduce('al\u0085ce')).toEqual(refused);
    expect(reduce('al\nce')).toEqual(refused);
  });

  it("accepts parentheses as typed, since AD allows them (escaping is the adapter's job)", () => {
    expect(reduce('al(ce)')).toEqual(sam('al(ce)'));
    expect(reduce('CORP\\)(uid=*')).toEqual(refused);
    expect(reduce('CORP\\(alice)')).toEqual(sam('(alice)'));
  });

  it('refuses a name ending with a dot', () => {
    expect(reduce('alice.')).toEqual(refused);
    expect(reduce('CORP\\alice.')).toEqual(refused);
    expect(reduce('a.lice')).toEqual(sam('a.lice'));
  });

  it('allows inner spaces in a sAMAccountName, but not at the ends of the name part', () => {
    expect(reduce('alice archer')).toEqual(sam('alice archer'));
    expect(reduce('CORP\\ alice')).toEqual(refused);
    expect(reduce('CORP\\   ')).toEqual(refused);
  });
});
