/**
 * The named recovery policies (docs/recovery.md has a table per preset: what it meets, with the test that shows it).
 * A preset is its alternatives plus defaults for other keys; any key the operator sets wins over a preset's default.
 */
import { type Alternative, CODE_METHODS, offeredMethods, type RecoveryMethod } from './policy.js';

export const PRESET_NAMES = ['default', 'adpwr', 'netwrix', 'standards', 'custom'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export type CodesRequired = 'when-available' | 'always' | 'never';

const alt = (methods: RecoveryMethod[], onlyWithout: RecoveryMethod[] = []): Alternative => ({ methods, onlyWithout });

/**
 * NIST SP 800-63B-4 AAL2 recovery and ASVS 5.0 V6 L2: no questions; a passkey alone (it is multi-factor), or two
 * different methods of which at least one is a possession the user holds (an authenticator app or a saved code). The
 * possession is asked first, so a contact's masked address is shown only after it passed.
 */
const STANDARDS: Alternative[] = [
  alt(['passkey']),
  alt(['authenticator', 'recoveryCode']),
  alt(['authenticator', 'email']),
  alt(['authenticator', 'sms']),
  alt(['recoveryCode', 'email']),
  alt(['recoveryCode', 'sms']),
];

/**
 * The alternatives of a preset. `codesRequired` (codes.required, the seeds' knob) shapes the question alternatives of
 * `default`: "never" drops every alternative with a code, "always" drops questions alone.
 */
export function presetAlternatives(preset: Exclude<PresetName, 'custom'>, codesRequired: CodesRequired): Alternative[] {
  switch (preset) {
    case 'adpwr':
      // The HealthCast seed: one right answer of three, no code.
      return [alt(['questions'])];
    case 'netwrix':
      // The Netwrix seed: every question right, then a code when the user has a channel.
      return [alt(['questions', 'email']), alt(['questions', 'sms']), alt(['questions'], ['email', 'sms'])];
    case 'standards':
      return STANDARDS;
    case 'default': {
      // Today's behaviour (questions, then a code when there is a channel; questions alone only for a user with
      // nothing else) plus the new methods.
      const all = [
        alt(['questions', 'email']),
        alt(['questions', 'sms']),
        alt(['questions', 'authenticator']),
        alt(['questions', 'recoveryCode']),
        ...(codesRequired === 'always'
          ? []
          : [alt(['questions'], ['email', 'sms', 'authenticator', 'passkey', 'recoveryCode'])]),
        ...STANDARDS,
      ];
      if (codesRequired !== 'never') return all;
      return all
        .filter((a) => !a.methods.some((m) => CODE_METHODS.includes(m)))
        .map((a) => ({ ...a, onlyWithout: a.onlyWithout.filter((m) => !CODE_METHODS.includes(m)) }));
    }
  }
}

/** What a preset sets besides its alternatives, as config overrides beneath the operator's own. */
export const PRESET_DEFAULTS: Record<PresetName, Record<string, Record<string, unknown>>> = {
  default: {},
  custom: {},
  adpwr: { reset: { questionsAsked: 3, correctAnswersRequired: 1, correctAnswersRequiredWithoutCode: 1 } },
  netwrix: {
    reset: { correctAnswersRequired: 3, correctAnswersRequiredWithoutCode: 3 },
    recovery: { automaticEnrollment: true },
  },
  standards: {},
};

/**
 * The operator's overrides over the preset's defaults, one level deep per section (a key the operator set wins; a
 * section the operator set keeps the preset's keys it did not name). Input that is not an object is left to the schema.
 */
export function withPresetDefaults(overrides: unknown): unknown {
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) return overrides;
  const input = overrides as Record<string, unknown>;
  const recovery = input.recovery as Record<string, unknown> | undefined;
  const preset = typeof recovery?.preset === 'string' ? recovery.preset : 'default';
  const defaults = PRESET_DEFAULTS[preset as PresetName];
  if (!defaults) return overrides;
  const merged: Record<string, unknown> = { ...input };
  for (const [section, values] of Object.entries(defaults)) {
    const own = input[section];
    merged[section] =
      own === undefined
        ? values
        : typeof own === 'object' && own !== null && !Array.isArray(own)
          ? { ...values, ...own }
          : own;
  }
  return merged;
}

/** The alternatives in force: the custom ones, else the preset's. */
export function policyAlternatives(config: {
  recovery: { preset: PresetName; alternatives?: Alternative[] | undefined };
  codes: { required: CodesRequired };
}): Alternative[] {
  const { preset, alternatives } = config.recovery;
  if (preset === 'custom') return alternatives ?? [];
  return presetAlternatives(preset, config.codes.required);
}

/**
 * Whether the policy in force asks security questions at all. When it does not (`standards`, or a custom policy whose
 * alternatives never name `questions`), enrollment neither asks for nor accepts answers (core/enroll.ts).
 */
export function questionsOffered(config: Parameters<typeof policyAlternatives>[0]): boolean {
  return offeredMethods(policyAlternatives(config)).has('questions');
}
