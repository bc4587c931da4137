/** `npx sspr status <user>`: what a reset start would do now, by the same rules as start (the recovery policy). */
import { describe, expect, it } from 'vitest';
import { buildStatus, renderStatus } from '../../cli/status.js';
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

describe('status text under a policy without questions: where the user sets up a way back', () => {
  const text = (enrollment: Enrollment | null, overrides: object) => {
    const config = parseConfig(overrides);
    const groups = eligibilityGroupsFrom(config.eligibility, new Map());
    return renderStatus(
      buildStatus({ account, enrollment, block: null, failures: { answer: 0, code: 0 }, config, groups, now: NOW }),
    );
  };
  const standards = { recovery: { preset: 'standards' } };

  it('says questions are not asked, lists the methods held, and points to Your recovery methods', () => {
    const noWay = text({ ...withAnswers, answers: [] }, standards);
    expect(noWay).toMatch(/^Questions\s+not asked \(the recovery policy has none\)$/m);
    expect(noWay).toMatch(/^Methods\s+none$/m);
    expect(noWay).toMatch(/^Set up at\s+Your recovery methods \(no security questions under this policy\)$/m);
    const held = text(withCodes, standards);
    expect(held).toMatch(/^Methods\s+authenticator app, 2 recovery codes left$/m);
    expect(held).not.toMatch(/^Set up at/m);
  });

  it('with questions offered, a user never enrolled is pointed to the Enroll page', () => {
    expect(text(null, {})).toMatch(/^Set up at\s+the Enroll page/m);
    expect(text(withAnswers, {})).toMatch(/^Questions\s+q1, q2, q3$/m);
  });
});
