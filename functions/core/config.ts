/**
 * The one configuration schema (DESIGN §6), used by the Lambdas (SSPR_CONFIG in their environment), the local stack
 * and the CDK app. Operators override any key; everything else takes the defaults below. A bad config fails at
 * start (or synth) with every problem listed, never at request time.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { alternativeProblems, CODE_METHODS, RECOVERY_METHODS } from './recovery/policy.js';
import { PRESET_NAMES, withPresetDefaults } from './recovery/presets.js';

// zod/mini carries no messages of its own (a third of classic zod's size in every bundle); config problems are read by
// operators, so they get the English ones.
z.config(en());

const int = (min: number, max?: number) =>
  max === undefined ? z.int().check(z.minimum(min)) : z.int().check(z.minimum(min), z.maximum(max));

const rateWindow = z.strictObject({
  limit: int(1),
  windowSeconds: int(1),
});

const contactSetting = z.enum(['optional', 'required', 'off']);

/** attr=value RDNs separated by commas, values with backslash escapes (`CN=Smith\, J`), spaces around separators. */
const DN_SHAPE = /^\s*[A-Za-z][\w-]*\s*=(?:[^,\\]|\\.)+(?:,\s*[A-Za-z][\w-]*\s*=(?:[^,\\]|\\.)+)*$/;
/** A group's DN ends in its domain's DC= components; one that does not is a typo (a bare CN=…), not a group. */
const ENDS_IN_DOMAIN = /(?:^|,)\s*DC\s*=(?:[^,\\]|\\.)+$/i;

/**
 * A group: a SID (S-1-…), or its distinguished name, which is resolved to its SID through the directory at first use
 * (core/groups.ts). Only the shape is checked here; a DN that names no group refuses every request until fixed.
 */
const groupRef = z.string().check(
  z.superRefine((v, ctx) => {
    if (/^S-1-\d+(-\d+)+$/.test(v)) return;
    if (!DN_SHAPE.test(v)) {
      ctx.addIssue({
        code: 'custom',
        message: "must be a group's SID (S-1-5-…) or its distinguished name (CN=…,OU=…,DC=…)",
        input: v,
      });
    } else if (!ENDS_IN_DOMAIN.test(v)) {
      ctx.addIssue({
        code: 'custom',
        message: "must be a group's full distinguished name, ending in its domain's DC= parts (CN=…,OU=…,DC=…)",
        input: v,
      });
    }
  }),
);

const distinguishedName = z
  .string()
  .check(z.regex(/^[A-Za-z]+=[^,]+(,[A-Za-z]+=[^,]+)*$/, 'must be a distinguished name'));

const section = <S extends z.ZodMiniType>(schema: S) => z.prefault(schema, {} as z.input<S>);
const withDefault = <S extends z.ZodMiniType>(schema: S, value: z.output<S>) =>
  z._default(schema, value as z.util.NoUndefined<z.output<S>>);

const recoveryMethod = z.enum(RECOVERY_METHODS);

/** `["questions", "email"]`, or `{ "methods": [...], "onlyWithout": [...] }` for one that applies only to some users. */
const alternative = z.pipe(
  z.union(
    [
      z.array(recoveryMethod),
      z.strictObject({ methods: z.array(recoveryMethod), onlyWithout: withDefault(z.array(recoveryMethod), []) }),
    ],
    {
      error: `must be a list of methods (${RECOVERY_METHODS.join(', ')}), or { "methods": [...], "onlyWithout": [...] }`,
    },
  ),
  z.transform((a) => (Array.isArray(a) ? { methods: a, onlyWithout: [] } : a)),
);

const baseConfigSchema = z
  .strictObject({
    revealAccountState: withDefault(z.boolean(), false),
    /**
     * Which methods prove who a user is in a reset or an unlock (core/recovery/policy.ts, docs/recovery.md). A named
     * preset, or `custom` with its own alternatives.
     */
    recovery: section(
      z.strictObject({
        preset: withDefault(z.enum(PRESET_NAMES), 'default'),
        alternatives: z.optional(z.array(alternative)),
        /** Netwrix's automatic enrollment: a user never enrolled may reset with a code to a directory contact. */
        automaticEnrollment: withDefault(z.boolean(), false),
      }),
    ),
    enrollment: section(
      z.strictObject({
        questionsRequired: withDefault(int(1, 10), 3),
        answerMinLength: withDefault(int(1, 128), 4),
        answerMaxLength: withDefault(int(1, 1024), 128),
        email: withDefault(contactSetting, 'optional'),
        phone: withDefault(contactSetting, 'optional'),
      }),
    ),
    reset: section(
      z.strictObject({
        questionsAsked: withDefault(int(1, 10), 3),
        correctAnswersRequired: withDefault(int(1, 10), 1),
        correctAnswersRequiredWithoutCode: withDefault(int(1, 10), 3),
        flowMinutes: withDefault(int(1, 120), 15),
        passwordTries: withDefault(int(1, 20), 5),
      }),
    ),
    codes: section(
      z.strictObject({
        required: withDefault(z.enum(['when-available', 'always', 'never']), 'when-available'),
        length: withDefault(int(6, 10), 6),
        validMinutes: withDefault(int(1, 60), 10),
        maxTries: withDefault(int(1, 20), 5),
        maxSends: withDefault(int(1, 10), 3),
        resendSeconds: withDefault(int(0, 3600), 60),
        useDirectoryContacts: withDefault(z.boolean(), true),
        smsCountryCodes: withDefault(z.array(z.string().check(z.regex(/^\+\d{1,3}$/, 'must look like +1 or +49'))), []),
      }),
    ),
    block: section(
      z.strictObject({
        hours: withDefault(z.number().check(z.positive(), z.maximum(24 * 30)), 24),
        windowHours: withDefault(z.number().check(z.positive(), z.maximum(24 * 30)), 24),
        maxWrongAnswers: withDefault(int(1, 100), 3),
        lockDirectoryAccount: withDefault(z.boolean(), false),
      }),
    ),
    rateLimits: section(
      z.strictObject({
        perUser: withDefault(rateWindow, { limit: 10, windowSeconds: 3600 }),
        perAddress: withDefault(rateWindow, { limit: 300, windowSeconds: 300 }),
        failedPasswordsPerUser: withDefault(rateWindow, { limit: 3, windowSeconds: 1800 }),
        failedPasswordsPerAddress: withDefault(rateWindow, { limit: 20, windowSeconds: 3600 }),
        smsPerUserPerDay: withDefault(int(0), 5),
        smsPerAddressPerDay: withDefault(int(0), 50),
        smsPerDay: withDefault(int(0), 1000),
      }),
    ),
    eligibility: section(
      z.strictObject({
        denyGroups: withDefault(z.array(groupRef), []),
        allowGroups: withDefault(z.array(groupRef), []),
      }),
    ),
    audit: section(z.strictObject({ retentionDays: withDefault(int(1, 3650), 400) })),
    helpdesk: section(
      z.strictObject({
        contact: withDefault(z.string().check(z.minLength(1), z.maxLength(200)), 'your IT helpdesk'),
      }),
    ),
    /** The Active Directory domain. Defaults are the demo domain of the local stack. */
    domain: section(
      z.strictObject({
        dnsName: withDefault(z.string().check(z.minLength(1)), 'corp.example.test'),
        netbiosName: withDefault(
          z
            .string()
            .check(z.regex(/^[A-Za-z0-9-]{1,15}$/, 'must be a NetBIOS domain name (1–15 letters, digits or -)')),
          'CORP',
        ),
        baseDn: withDefault(distinguishedName, 'DC=corp,DC=example,DC=test'),
        upnSuffixes: withDefault(z.array(z.string().check(z.minLength(1))).check(z.minLength(1)), [
          'corp.example.test',
        ]),
        searchBases: withDefault(z.array(distinguishedName).check(z.minLength(1)), [
          'OU=People,DC=corp,DC=example,DC=test',
        ]),
      }),
    ),
    /**
     * The domain controllers, tried in order; one is pinned per request. LDAPS only: the CA bundle and the bind account
     * come from the deployment's secrets (or SSPR_LDAP_* for the local stack), never from this object.
     */
    directory: section(
      z.strictObject({
        urls: withDefault(z.array(z.url({ protocol: /^ldaps$/, error: 'must be an ldaps:// URL' })), []),
        connectTimeoutMs: withDefault(int(100, 30_000), 3000),
        operationTimeoutMs: withDefault(int(100, 60_000), 5000),
      }),
    ),
    /** Messages to users: where links point and who sends. */
    notifications: section(
      z.strictObject({
        baseUrl: withDefault(z.url({ protocol: /^https?$/ }), 'http://127.0.0.1:8787'),
        emailFrom: withDefault(z.email(), 'no-reply@corp.example.test'),
        /** How long a notice's "This wasn't me" link works (issue 16; core/repudiation.ts). */
        repudiationDays: withDefault(int(1, 30), 7),
        /**
         * The alphanumeric sender id SMS show where the destination country supports one (SNS AWS.SNS.SMS.SenderID).
         * Without it the carrier's default shows. SNS refuses an id of digits only, so a letter is required here.
         */
        smsSenderId: z.optional(
          z
            .string()
            .check(
              z.regex(/^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/, 'must be 1–11 letters or digits, at least one a letter'),
            ),
        ),
      }),
    ),
  })
  .check(
    z.superRefine((config, ctx) => {
      if (config.enrollment.answerMinLength > config.enrollment.answerMaxLength) {
        ctx.addIssue({
          code: 'custom',
          path: ['enrollment', 'answerMinLength'],
          message: 'must not exceed enrollment.answerMaxLength',
        });
      }
      if (config.reset.questionsAsked > config.enrollment.questionsRequired) {
        ctx.addIssue({
          code: 'custom',
          path: ['reset', 'questionsAsked'],
          message: 'must not exceed enrollment.questionsRequired (a user has only that many answers)',
        });
      }
      const { recovery } = config;
      if (recovery.preset === 'custom') {
        if (!recovery.alternatives) {
          ctx.addIssue({ code: 'custom', path: ['recovery', 'alternatives'], message: 'a custom policy lists them' });
        } else {
          for (const problem of alternativeProblems(recovery.alternatives)) {
            ctx.addIssue({
              code: 'custom',
              path: ['recovery', 'alternatives', ...problem.path],
              message: problem.message,
            });
          }
          const usesCodes = recovery.alternatives.some((a) => a.methods.some((m) => CODE_METHODS.includes(m)));
          if (usesCodes && config.codes.required === 'never') {
            ctx.addIssue({
              code: 'custom',
              path: ['codes', 'required'],
              message: 'is "never", but recovery.alternatives use an e-mail or SMS code',
            });
          }
        }
      } else if (recovery.alternatives) {
        ctx.addIssue({
          code: 'custom',
          path: ['recovery', 'alternatives'],
          message: `belong to recovery.preset "custom" (preset "${recovery.preset}" has its own)`,
        });
      }
      if (recovery.automaticEnrollment && !config.codes.useDirectoryContacts) {
        ctx.addIssue({
          code: 'custom',
          path: ['recovery', 'automaticEnrollment'],
          message: "needs codes.useDirectoryContacts: codes go to the directory's mail and mobile",
        });
      }
      for (const key of ['correctAnswersRequired', 'correctAnswersRequiredWithoutCode'] as const) {
        if (config.reset[key] > config.reset.questionsAsked) {
          ctx.addIssue({ code: 'custom', path: ['reset', key], message: 'must not exceed reset.questionsAsked' });
        }
      }
    }),
  );

/** The schema with a preset's defaults beneath the operator's overrides (core/recovery/presets.ts). */
export const configSchema = z.pipe(z.transform(withPresetDefaults), baseConfigSchema);

export type Config = z.output<typeof baseConfigSchema>;
export type ConfigInput = z.input<typeof baseConfigSchema>;

/** Thrown at start when the configuration is invalid; its message lists every problem, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates an override object over the defaults; throws ConfigError listing every problem. */
export function parseConfig(overrides: unknown): Config {
  const result = configSchema.safeParse(overrides ?? {});
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`),
  );
}

/** The one loader: SSPR_CONFIG holds the overrides as JSON (empty or absent = all defaults). */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const raw = env.SSPR_CONFIG?.trim();
  if (!raw) return parseConfig({});
  let overrides: unknown;
  try {
    overrides = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError([`SSPR_CONFIG: not valid JSON (${(error as Error).message})`]);
  }
  return parseConfig(overrides);
}
