/**
 * The decisions of flow/failures.ts without I/O: what a reservation and a check come to, and what that does to a flow
 * (DESIGN §4 Reset and unlock, §5: reserve before the check, refuse during a block, fail only at the last question).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config.js';
import {
  afterCode,
  afterQuestion,
  failureWindow,
  refusalReason,
  verdictOf,
} from '../../functions/core/flow/failures.js';
import type { Flow } from '../../functions/core/store.js';

const reserved = (count: number) => ({ reserved: true as const, count, block: null });
const blocked = { reserved: false as const, blockedUntil: 1_700_000_000_000, block: null };
const full = { reserved: false as const, blockedUntil: null, block: null };

function flow(overrides: Partial<Flow> = {}): Flow {
  return {
    tokenHash: 't',
    purpose: 'reset',
    subject: 'bob',
    objectGuid: 'guid',
    decoy: false,
    language: 'en',
    questionIds: ['q1', 'q2', 'q3'],
    answered: 0,
    correct: 0,
    correctRequired: 1,
    alternatives: [{ methods: ['questions', 'email'], onlyWithout: [] }],
    passed: [],
    channels: [{ id: 'c', channel: 'email', address: 'bob@corp.example.test' }],
    step: 'question',
    pending: null,
    code: { hmac: 'h', channelId: 'c', expiresAt: 1 },
    codeTries: 0,
    sends: 1,
    lastSentAt: 0,
    passwordTries: 0,
    createdAt: 0,
    expiresAt: 1,
    version: 1,
    ...overrides,
  };
}

describe('verdictOf', () => {
  it('a reserved check: right, wrong, or blocking when its reservation filled the window', () => {
    expect(verdictOf(reserved(1), true, 3)).toBe('right');
    expect(verdictOf(reserved(3), true, 3)).toBe('right');
    expect(verdictOf(reserved(2), false, 3)).toBe('wrong');
    expect(verdictOf(reserved(3), false, 3)).toBe('blocking');
  });

  it('no reservation: refused during a block (never counted, never blocking again); blocking on a full window', () => {
    expect(verdictOf(blocked, true, 3)).toBe('refused');
    expect(verdictOf(blocked, false, 3)).toBe('refused');
    expect(verdictOf(full, true, 3)).toBe('blocking');
    expect(refusalReason(blocked)).toBe('BLOCKED');
    expect(refusalReason(full)).toBe('FAILURE_LIMIT');
  });
});

describe('afterQuestion', () => {
  it('a right answer passes the questions, to the code or straight to verified', () => {
    expect(afterQuestion(flow(), 'right')).toEqual({ answered: 1, correct: 1, step: 'code', passed: ['questions'] });
    expect(
      afterQuestion(flow({ alternatives: [{ methods: ['questions'], onlyWithout: [] }], correctRequired: 1 }), 'right')
        .step,
    ).toBe('verified');
    expect(afterQuestion(flow({ correctRequired: 3 }), 'right')).toEqual({
      answered: 1,
      correct: 1,
      step: 'question',
      passed: [],
    });
  });

  it('a refused answer moves on as a wrong one: the flow fails at the last question, never passes', () => {
    for (const verdict of ['wrong', 'refused'] as const) {
      expect(afterQuestion(flow(), verdict)).toEqual({ answered: 1, correct: 0, step: 'question', passed: [] });
      expect(afterQuestion(flow({ answered: 2 }), verdict)).toEqual({
        answered: 3,
        correct: 0,
        step: 'failed',
        passed: [],
      });
    }
    // Two right of three required, then refused: it can no longer pass.
    expect(afterQuestion(flow({ correctRequired: 3, answered: 2, correct: 2 }), 'refused').step).toBe('failed');
  });

  it('a blocking answer ends the flow at once; a decoy never passes', () => {
    expect(afterQuestion(flow(), 'blocking')).toEqual({ answered: 1, correct: 0, step: 'failed', passed: [] });
    expect(afterQuestion(flow({ decoy: true }), 'right').step).toBe('question');
  });
});

describe('afterCode', () => {
  it('right: verified, the code used up; wrong: one try more, failed at the last one or when blocking', () => {
    expect(afterCode(flow({ step: 'code', passed: ['questions'] }), 'right', 5)).toEqual({
      codeTries: 0,
      step: 'verified',
      code: null,
      passed: ['questions', 'email'],
    });
    expect(afterCode(flow({ step: 'code' }), 'wrong', 5)).toMatchObject({ codeTries: 1, step: 'code' });
    expect(afterCode(flow({ step: 'code', codeTries: 4 }), 'wrong', 5)).toMatchObject({ codeTries: 5, step: 'failed' });
    expect(afterCode(flow({ step: 'code' }), 'blocking', 5)).toMatchObject({ codeTries: 1, step: 'failed' });
  });

  it('refused (the user is blocked): the flow ends without a try counted', () => {
    expect(afterCode(flow({ step: 'code', codeTries: 2 }), 'refused', 5)).toMatchObject({
      codeTries: 2,
      step: 'failed',
    });
  });
});

describe('failureWindow', () => {
  it('answers and codes have their own limits in the same window length, and the same block length', () => {
    const config = parseConfig({
      block: { maxWrongAnswers: 4, windowHours: 2, hours: 3 },
      codes: { maxTries: 6 },
    });
    expect(failureWindow(config, 'answer')).toEqual({ limit: 4, windowSeconds: 7200, blockSeconds: 10_800 });
    expect(failureWindow(config, 'code')).toEqual({ limit: 6, windowSeconds: 7200, blockSeconds: 10_800 });
  });
});
