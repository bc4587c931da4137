import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isUnresolvedSubject, nameKey, unresolvedSubject } from '../../functions/core/subjects.js';
import { reduceUsername } from '../../functions/core/username.js';

const domain = { netbiosName: 'CORP', upnSuffixes: ['corp.example.test'] };
const key = randomBytes(32);
const nameOf = (typed: string) => {
  const reduced = reduceUsername(typed, domain);
  if (!reduced.ok) throw new Error(`not a name: ${typed}`);
  return reduced.name;
};

describe('subjects: one key per name whatever its form, none in clear', () => {
  it('gives every form of a made-up name the same subject and counter key', () => {
    const forms = ['zed-nobody', 'CORP\\Zed-Nobody', 'ZED-NOBODY@corp.example.test'];
    expect(new Set(forms.map((typed) => unresolvedSubject(key, nameOf(typed)))).size).toBe(1);
    expect(new Set(forms.map((typed) => nameKey(key, nameOf(typed)))).size).toBe(1);
  });

  it('keeps no part of the typed name (people type passwords there)', () => {
    const typed = 'Summer2026!x';
    const subject = unresolvedSubject(key, typed);
    expect(subject).toMatch(/^unresolved:[0-9a-f]{32}$/);
    expect(subject.toLowerCase()).not.toContain('summer');
    expect(nameKey(key, typed)).toMatch(/^[0-9a-f]{32}$/);
    expect(isUnresolvedSubject(subject)).toBe(true);
    expect(isUnresolvedSubject('alice')).toBe(false);
  });

  it('depends on the decoy key, and keeps subjects and counter keys apart', () => {
    expect(unresolvedSubject(randomBytes(32), 'bob')).not.toBe(unresolvedSubject(key, 'bob'));
    expect(unresolvedSubject(key, 'bob')).not.toContain(nameKey(key, 'bob'));
  });
});
