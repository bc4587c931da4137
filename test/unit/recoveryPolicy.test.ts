import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config.js';
import {
  applicableAlternatives,
  correctAnswersNeeded,
  isSatisfied,
  nextMethods,
  offeredMethods,
  type RecoveryMethod,
} from '../../functions/core/recovery/policy.js';
import { policyAlternatives } from '../../functions/core/recovery/presets.js';

const held = (...methods: RecoveryMethod[]) => new Set(methods);
const policyOf = (overrides: Record<string, unknown>) => policyAlternatives(parseConfig(overrides));

/** What a user holding `methods` is asked, step by step, when they always take the first method offered. */
function walk(alternatives: ReturnType<typeof policyOf>, methods: RecoveryMethod[]): RecoveryMethod[][] {
  const applicable = applicableAlternatives(alternatives, held(...methods));
  const passed: RecoveryMethod[] = [];
  const steps: RecoveryMethod[][] = [];
  for (let next = nextMethods(applicable, passed); next.length > 0; next = nextMethods(applicable, passed)) {
    steps.push(next);
    passed.push(next[0] as RecoveryMethod);
  }
  expect(isSatisfied(applicable, passed)).toBe(steps.length > 0);
  return steps;
}

describe('the default preset (the seeds plus the new methods)', () => {
  const alternatives = policyOf({});

  it('asks questions, then a code, of a user with a channel: questions alone never pass for them', () => {
    expect(walk(alternatives, ['questions', 'email'])).toEqual([['questions'], ['email']]);
    expect(walk(alternatives, ['questions', 'email', 'sms'])).toEqual([['questions'], ['email', 'sms']]);
    expect(isSatisfied(applicableAlternatives(alternatives, held('questions', 'email')), ['questions'])).toBe(false);
  });

  it('lets questions alone pass only for a user who holds nothing else, with the stronger rule', () => {
    const onlyQuestions = applicableAlternatives(alternatives, held('questions'));
    expect(walk(alternatives, ['questions'])).toEqual([['questions']]);
    expect(correctAnswersNeeded(onlyQuestions, { withOther: 1, withoutOther: 3 })).toBe(3);
    const withCode = applicableAlternatives(alternatives, held('questions', 'sms'));
    expect(correctAnswersNeeded(withCode, { withOther: 1, withoutOther: 3 })).toBe(1);
  });

  it('offers the user a choice where their methods start different alternatives', () => {
    const applicable = applicableAlternatives(alternatives, held('questions', 'email', 'authenticator'));
    expect(nextMethods(applicable, [])).toEqual(['questions', 'authenticator']);
    expect(nextMethods(applicable, ['questions'])).toEqual(['email', 'authenticator']);
    expect(nextMethods(applicable, ['authenticator'])).toEqual(['email']);
  });

  it('passes a passkey alone', () => {
    expect(walk(alternatives, ['passkey', 'questions', 'email'])[0]).toEqual(['questions', 'passkey']);
    expect(isSatisfied(applicableAlternatives(alternatives, held('passkey')), ['passkey'])).toBe(true);
  });

  it('has nothing for a user who holds nothing, or only a contact', () => {
    expect(walk(alternatives, [])).toEqual([]);
    expect(walk(alternatives, ['email', 'sms'])).toEqual([]);
  });

  it('follows codes.required: "never" drops every code, "always" drops questions alone', () => {
    const never = policyOf({ codes: { required: 'never' } });
    expect(never.some((a) => a.methods.includes('email') || a.methods.includes('sms'))).toBe(false);
    expect(walk(never, ['questions', 'email'])).toEqual([['questions']]);
    const always = policyOf({ codes: { required: 'always' } });
    expect(walk(always, ['questions'])).toEqual([]);
    expect(walk(always, ['questions', 'sms'])).toEqual([['questions'], ['sms']]);
  });
});

describe('the seed presets', () => {
  it('adpwr: one right answer of three, no code, even for a user with a channel', () => {
    const config = parseConfig({ recovery: { preset: 'adpwr' } });
    const alternatives = policyAlternatives(config);
    expect(walk(alternatives, ['questions', 'email'])).toEqual([['questions']]);
    const rules = {
      withOther: config.reset.correctAnswersRequired,
      withoutOther: config.reset.correctAnswersRequiredWithoutCode,
    };
    expect(correctAnswersNeeded(applicableAlternatives(alternatives, held('questions', 'email')), rules)).toBe(1);
    expect(offeredMethods(alternatives)).toEqual(new Set(['questions']));
  });

  it('netwrix: every question right, then a code when there is a channel; automatic enrollment on', () => {
    const config = parseConfig({ recovery: { preset: 'netwrix' } });
    const alternatives = policyAlternatives(config);
    expect(config.reset.correctAnswersRequired).toBe(3);
    expect(config.recovery.automaticEnrollment).toBe(true);
    expect(walk(alternatives, ['questions', 'sms'])).toEqual([['questions'], ['sms']]);
    expect(walk(alternatives, ['questions'])).toEqual([['questions']]);
  });

  it("keeps the operator's own keys over a preset's defaults", () => {
    const config = parseConfig({ recovery: { preset: 'netwrix' }, reset: { correctAnswersRequired: 2 } });
    expect(config.reset.correctAnswersRequired).toBe(2);
    expect(config.reset.correctAnswersRequiredWithoutCode).toBe(3);
  });
});

describe('the standards preset (NIST SP 800-63B-4 AAL2, ASVS 5.0 V6 L2)', () => {
  const alternatives = policyOf({ recovery: { preset: 'standards' } });

  it('never uses questions', () => {
    expect(offeredMethods(alternatives).has('questions')).toBe(false);
    expect(walk(alternatives, ['questions', 'email'])).toEqual([]);
  });

  it('needs two different methods, one of them a possession, asked first; or a passkey alone', () => {
    for (const a of alternatives) {
      if (a.methods.length === 1) expect(a.methods).toEqual(['passkey']);
      else {
        expect(new Set(a.methods).size).toBe(2);
        expect(['authenticator', 'recoveryCode']).toContain(a.methods[0]);
      }
    }
    expect(walk(alternatives, ['authenticator', 'email'])).toEqual([['authenticator'], ['email']]);
    expect(walk(alternatives, ['email', 'sms'])).toEqual([]);
    expect(walk(alternatives, ['recoveryCode'])).toEqual([]);
  });
});

describe('a custom policy', () => {
  it('is read from plain lists and objects with onlyWithout', () => {
    const alternatives = policyOf({
      recovery: {
        preset: 'custom',
        alternatives: [['recoveryCode', 'email'], { methods: ['email'], onlyWithout: ['recoveryCode'] }],
      },
    });
    expect(walk(alternatives, ['email'])).toEqual([['email']]);
    expect(walk(alternatives, ['email', 'recoveryCode'])).toEqual([['recoveryCode'], ['email']]);
  });

  it('lists every problem at start', () => {
    const problems = () =>
      parseConfig({
        recovery: {
          preset: 'custom',
          alternatives: [[], { methods: ['questions'], onlyWithout: ['questions'] }, ['email', 'email'], ['pin']],
          automaticEnrollment: true,
        },
        codes: { required: 'never', useDirectoryContacts: false },
      });
    expect(problems).toThrow(
      /recovery\.alternatives\.3: must be a list of methods \(questions, email, sms, authenticator, passkey, recoveryCode\)/,
    );
    const withoutBadName = () =>
      parseConfig({
        recovery: {
          preset: 'custom',
          alternatives: [[], { methods: ['questions'], onlyWithout: ['questions'] }, ['email', 'email']],
          automaticEnrollment: true,
        },
        codes: { required: 'never', useDirectoryContacts: false },
      });
    let message = '';
    try {
      withoutBadName();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('recovery.alternatives.0.methods: must name at least one method');
    expect(message).toContain('recovery.alternatives.1.onlyWithout: must not name a method the alternative uses');
    expect(message).toContain('recovery.alternatives.2.methods: must not name a method twice');
    expect(message).toContain('codes.required: is "never", but recovery.alternatives use an e-mail or SMS code');
    expect(message).toContain('recovery.automaticEnrollment: needs codes.useDirectoryContacts');
  });

  it('is the only preset that takes alternatives, and must have them', () => {
    expect(() => parseConfig({ recovery: { preset: 'standards', alternatives: [['passkey']] } })).toThrow(
      /recovery\.alternatives: belong to recovery\.preset "custom"/,
    );
    expect(() => parseConfig({ recovery: { preset: 'custom' } })).toThrow(
      /recovery\.alternatives: a custom policy lists them/,
    );
    expect(() => parseConfig({ recovery: { preset: 'fancy' } })).toThrow(/recovery\.preset/);
  });
});
