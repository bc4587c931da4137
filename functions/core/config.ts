/**
 * The one configuration schema (DESIGN §6), used by the Lambdas (SSPR_CONFIG in their environment), the local stack
 * and the CDK app. Operators override any key; everything else takes the defaults below. A bad config fails at
 * start (or synth) with every problem listed, never at request time.
 */
import * as z from 'zod';

const rateWindow = z.strictObject({
  limit: z.int().min(1),
  windowSeconds: z.int().min(1),
});

const contactSetting = z.enum(['optional', 'required', 'off']);

/** A SID (S-1-…) or a distinguished name. */
const groupRef = z.string().refine((v) => /^S-1-\d+(-\d+)+$/.test(v) || /^[A-Za-z]+=.+/.test(v), {
  message: 'must be a SID (S-1-5-…) or a distinguished name (CN=…,DC=…)',
});

const distinguishedName = z.string().regex(/^[A-Za-z]+=[^,]+(,[A-Za-z]+=[^,]+)*$/, 'must be a distinguished name');

export const configSchema = z
  .strictObject({
    revealAccountState: z.boolean().default(false),
    enrollment: z
      .strictObject({
        questionsRequired: z.int().min(1).max(10).default(3),
        answerMinLength: z.int().min(1).max(128).default(4),
        answerMaxLength: z.int().min(1).max(1024).default(128),
        email: contactSetting.default('optional'),
        phone: contactSetting.default('optional'),
      })
      .prefault({}),
    reset: z
      .strictObject({
        questionsAsked: z.int().min(1).max(10).default(3),
        correctAnswersRequired: z.int().min(1).max(10).default(1),
        correctAnswersRequiredWithoutCode: z.int().min(1).max(10).default(3),
        flowMinutes: z.int().min(1).max(120).default(15),
        passwordTries: z.int().min(1).max(20).default(5),
      })
      .prefault({}),
    codes: z
      .strictObject({
        required: z.enum(['when-available', 'always', 'never']).default('when-available'),
        length: z.int().min(6).max(10).default(6),
        validMinutes: z.int().min(1).max(60).default(10),
        maxTries: z.int().min(1).max(20).default(5),
        maxSends: z.int().min(1).max(10).default(3),
        resendSeconds: z.int().min(0).max(3600).default(60),
        useDirectoryContacts: z.boolean().default(true),
        smsCountryCodes: z.array(z.string().regex(/^\+\d{1,3}$/, 'must look like +1 or +49')).default([]),
      })
      .prefault({}),
    block: z
      .strictObject({
        hours: z
          .number()
          .positive()
          .max(24 * 30)
          .default(24),
        windowHours: z
          .number()
          .positive()
          .max(24 * 30)
          .default(24),
        maxWrongAnswers: z.int().min(1).max(100).default(3),
        lockDirectoryAccount: z.boolean().default(false),
      })
      .prefault({}),
    rateLimits: z
      .strictObject({
        perUser: rateWindow.default({ limit: 10, windowSeconds: 3600 }),
        perAddress: rateWindow.default({ limit: 300, windowSeconds: 300 }),
        failedPasswordsPerUser: rateWindow.default({ limit: 3, windowSeconds: 1800 }),
        failedPasswordsPerAddress: rateWindow.default({ limit: 20, windowSeconds: 3600 }),
        smsPerUserPerDay: z.int().min(0).default(5),
        smsPerAddressPerDay: z.int().min(0).default(50),
        smsPerDay: z.int().min(0).default(1000),
      })
      .prefault({}),
    eligibility: z
      .strictObject({
        denyGroups: z.array(groupRef).default([]),
        allowGroups: z.array(groupRef).default([]),
      })
      .prefault({}),
    audit: z.strictObject({ retentionDays: z.int().min(1).max(3650).default(400) }).prefault({}),
    helpdesk: z.strictObject({ contact: z.string().min(1).max(200).default('your IT helpdesk') }).prefault({}),
    /** The Active Directory domain. Defaults are the demo domain of the local stack. */
    domain: z
      .strictObject({
        dnsName: z.string().min(1).default('corp.example.test'),
        netbiosName: z
          .string()
          .regex(/^[A-Za-z0-9-]{1,15}$/, 'must be a NetBIOS domain name (1–15 letters, digits or -)')
          .default('CORP'),
        baseDn: distinguishedName.default('DC=corp,DC=example,DC=test'),
        upnSuffixes: z.array(z.string().min(1)).min(1).default(['corp.example.test']),
        searchBases: z.array(distinguishedName).min(1).default(['OU=People,DC=corp,DC=example,DC=test']),
      })
      .prefault({}),
    /**
     * The domain controllers, tried in order; one is pinned per request. LDAPS only: the CA bundle and the bind account
     * come from the deployment's secrets (or SSPR_LDAP_* for the local stack), never from this object.
     */
    directory: z
      .strictObject({
        urls: z.array(z.url({ protocol: /^ldaps$/, error: 'must be an ldaps:// URL' })).default([]),
        connectTimeoutMs: z.int().min(100).max(30_000).default(3000),
        operationTimeoutMs: z.int().min(100).max(60_000).default(5000),
      })
      .prefault({}),
    /** Messages to users: where links point and who sends. */
    notifications: z
      .strictObject({
        baseUrl: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8787'),
        emailFrom: z.email().default('no-reply@corp.example.test'),
        /**
         * The alphanumeric sender id SMS show where the destination country supports one (SNS AWS.SNS.SMS.SenderID).
         * Without it the carrier's default shows. SNS refuses an id of digits only, so a letter is required here.
         */
        smsSenderId: z
          .string()
          .regex(/^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/, 'must be 1–11 letters or digits, at least one a letter')
          .optional(),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
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
    for (const key of ['correctAnswersRequired', 'correctAnswersRequiredWithoutCode'] as const) {
      if (config.reset[key] > config.reset.questionsAsked) {
        ctx.addIssue({ code: 'custom', path: ['reset', key], message: 'must not exceed reset.questionsAsked' });
      }
    }
  });

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

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
