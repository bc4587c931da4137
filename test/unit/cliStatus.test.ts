/** `npx sspr status <user>`: what a reset start would do now, by the same rules as start (the recovery policy). */
import { describe, expect, it } from 'vitest';
import { buildStatus } from '../../cli/status.js';
import { parseConfig } from '../../functions/core/config.js';
import { eligibilityGroupsFrom } from '../../functions/core/groups.js';
import type { Enrollment } from '../../functions/core/store.js';
import { directoryAccount, NOW } from '../support/accounts.js';

// Alice with a mail and no mobile: one channel.
const account = directoryAccount({ mobile: null });

const hash = { algorithm: 'scrypt', N: 2, r: 1, p: 1, keyLength: 32, salt: 's', hash: 'h', normalization: 1 } as const;
const withAnswers: Enrollment = {
  objectGuid: account.objectGuid,
  sAMAccountName: 'alice',
  answers: ['q1', 'q2', 'q3'].map((questionId) => ({ questionId, hash })),
  contacts: [],
  language: 'en',
  enrolledAt: NOW,
  updatedAt: NOW,
};
const withCodes: Enrollment = {
  ...withAnswers,
  answers: [],
  recoveryCodes: { setId: 'set', hashes: ['a', 'b'], issued: 10, createdAt: NOW },
  authenticator: {
    id: 'auth',
    sealed: { v: 1, keyVersion: 1, iv: 'i', ct: 'c', tag: 't' },
    addedAt: NOW,
    lastUsedStep: null,
  },
};

function reset(enrollment: Enrollment | null, overrides: object = {}) {
  const config = parseConfig(overrides);
  const groups = eligibilityGroupsFrom(config.eligibility, new Map());
  return buildStatus({ account, enrollment, block: null, failures: { answer: 0, code: 0 }, config, groups, now: NOW })
    .selfServiceReset;
}

describe('status: what a reset start would do, under the recovery policy', () => {
  it('default: answers pass; a user never enrolled is NOT_ENROLLED', () => {
    expect(reset(withAnswers)).toBe('ok');
    expect(reset(null)).toBe('NOT_ENROLLED');
  });

  it('standards: answers alone give no way; an authenticator and recovery codes do', () => {
    const standards = { recovery: { preset: 'standards' } };
    expect(reset(withAnswers, standards)).toBe('NOT_ELIGIBLE:NO_VERIFICATION_CHANNEL');
    expect(reset(withCodes, standards)).toBe('ok');
  });

  it('netwrix: a user never enrolled with a directory mail may reset (automatic enrollment)', () => {
    expect(reset(null, { recovery: { preset: 'netwrix' } })).toBe('ok');
    expect(reset(null, { recovery: { preset: 'netwrix', automaticEnrollment: false } })).toBe('NOT_ENROLLED');
  });

  it('codes "always": answers without a channel give no way', () => {
    const always = { codes: { required: 'always' } };
    expect(reset({ ...withAnswers }, { ...always, codes: { required: 'always', useDirectoryContacts: false } })).toBe(
      'NOT_ELIGIBLE:NO_VERIFICATION_CHANNEL',
    );
    expect(reset(withAnswers, always)).toBe('ok');
  });
});
