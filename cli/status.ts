/**
 * `sspr status <user>`: what the helpdesk needs to know about one user, as a pure report (buildStatus) and its two
 * renderings (text and JSON). Contacts are masked as the reset page masks them: the helpdesk confirms a contact with
 * the caller, it does not read it out.
 */
import type { Config } from '../functions/core/config.js';
import type { DirectoryAccount } from '../functions/core/directory.js';
import { checkEligibility, type EligibilityGroups, isLockedOut, type Purpose } from '../functions/core/eligibility.js';
import type { IneligibilityReason } from '../functions/core/errors.js';
import { codeChannels } from '../functions/core/flow/channels.js';
import { flowAlternatives } from '../functions/core/flow/steps.js';
import { maskDestination } from '../functions/core/masking.js';
import { questionsOffered } from '../functions/core/recovery/presets.js';
import type { Block, Enrollment } from '../functions/core/store.js';
import { formatDuration, formatTime, printable } from './format.js';

export interface StatusInput {
  account: DirectoryAccount;
  enrollment: Enrollment | null;
  block: Block | null;
  failures: { answer: number; code: number };
  config: Config;
  /** The configured eligibility groups, resolved (core/groups.ts). */
  groups: EligibilityGroups;
  now: number;
}

export interface StatusReport {
  user: string;
  displayName: string | null;
  dn: string;
  objectGuid: string;
  enrolled: null | {
    at: string;
    updatedAt: string;
    language: string;
    questionIds: string[];
    contacts: { channel: 'email' | 'sms'; destination: string; verified: boolean }[];
    /** The methods held beside answers and contacts (never anything of them). */
    methods: { authenticator: boolean; recoveryCodes: number; passkeys: number };
  };
  /** Whether the recovery policy asks questions at all; without them the user sets up methods, not answers. */
  questionsAsked: boolean;
  blocked: null | { until: string; reason: string; remainingSeconds: number };
  failures: { answer: number; code: number; maxWrongAnswers: number; maxCodeTries: number };
  lockedInDirectory: boolean;
  badPwdCount: number;
  /** Per purpose: null when allowed, else the reason self-service refuses. */
  eligibility: Record<'enroll' | 'reset' | 'change', IneligibilityReason | null>;
  /** Where a reset code could go right now (masked). */
  codeChannels: string[];
  /** What a reset start would do now: `ok`, or why it would be refused (as the audit trail names it). */
  selfServiceReset: 'ok' | 'NOT_ENROLLED' | 'BLOCKED' | `NOT_ELIGIBLE:${IneligibilityReason}`;
}

const PURPOSES: [keyof StatusReport['eligibility'], Purpose][] = [
  ['enroll', 'enroll'],
  ['reset', 'start'],
  ['change', 'change'],
];

/** The masked destinations a reset code could go to, as start offers them (core/flow/channels.ts). */
export function codeDestinations(account: DirectoryAccount, enrollment: Enrollment | null, config: Config): string[] {
  return resetChannels(account, enrollment, config).map((c) => maskDestination(c.channel, c.address));
}

/** The channels a start would offer: none for a user never enrolled, unless automatic enrollment is on. */
function resetChannels(account: DirectoryAccount, enrollment: Enrollment | null, config: Config) {
  if (!enrollment && !config.recovery.automaticEnrollment) return [];
  return codeChannels(account, enrollment, config, () => '');
}

export function buildStatus(input: StatusInput): StatusReport {
  const { account, enrollment, block, failures, config, groups, now } = input;
  const eligibility = Object.fromEntries(
    PURPOSES.map(([name, purpose]) => {
      const result = checkEligibility(purpose, account, { nowMs: now, groups });
      return [name, result.eligible ? null : result.reason];
    }),
  ) as StatusReport['eligibility'];
  const channels = resetChannels(account, enrollment, config);
  // The rules of a start (core/flow/start.ts refusalFor): the alternatives of the recovery policy this user can complete.
  const alternatives = flowAlternatives(enrollment, channels, config);
  let selfServiceReset: StatusReport['selfServiceReset'] = 'ok';
  if (eligibility.reset) selfServiceReset = `NOT_ELIGIBLE:${eligibility.reset}`;
  else if (!enrollment && alternatives.length === 0) selfServiceReset = 'NOT_ENROLLED';
  else if (block) selfServiceReset = 'BLOCKED';
  else if (alternatives.length === 0) selfServiceReset = 'NOT_ELIGIBLE:NO_VERIFICATION_CHANNEL';
  return {
    user: account.sAMAccountName,
    displayName: account.displayName,
    dn: account.dn,
    objectGuid: account.objectGuid,
    enrolled: enrollment && {
      at: new Date(enrollment.enrolledAt).toISOString(),
      updatedAt: new Date(enrollment.updatedAt).toISOString(),
      language: enrollment.language,
      questionIds: enrollment.answers.map((a) => a.questionId),
      contacts: enrollment.contacts.map((c) => ({
        channel: c.channel,
        destination: maskDestination(c.channel, c.address),
        verified: c.verified,
      })),
      methods: {
        authenticator: Boolean(enrollment.authenticator),
        recoveryCodes: enrollment.recoveryCodes?.hashes.length ?? 0,
        passkeys: enrollment.passkeys?.length ?? 0,
      },
    },
    questionsAsked: questionsOffered(config),
    blocked: block && {
      until: new Date(block.until).toISOString(),
      reason: { answer: 'wrong answers', code: 'wrong codes', repudiated: "the user's report (This wasn't me)" }[
        block.reason
      ],
      remainingSeconds: Math.ceil((block.until - now) / 1000),
    },
    failures: {
      ...failures,
      maxWrongAnswers: config.block.maxWrongAnswers,
      maxCodeTries: config.codes.maxTries,
    },
    lockedInDirectory: isLockedOut(account),
    badPwdCount: account.badPwdCount,
    eligibility,
    codeChannels: channels.map((c) => maskDestination(c.channel, c.address)),
    selfServiceReset,
  };
}

export function renderStatus(report: StatusReport): string {
  const rows: [string, string][] = [];
  rows.push(['User', `${report.user}${report.displayName ? ` (${report.displayName})` : ''}`]);
  rows.push(['DN', report.dn]);
  if (report.enrolled) {
    const e = report.enrolled;
    rows.push([
      'Enrolled',
      `yes, since ${formatTime(Date.parse(e.at))} UTC (last change ${formatTime(Date.parse(e.updatedAt))} UTC), language ${e.language}`,
    ]);
    rows.push([
      'Questions',
      report.questionsAsked ? e.questionIds.join(', ') : 'not asked (the recovery policy has none)',
    ]);
    const held = [
      e.methods.authenticator && 'authenticator app',
      e.methods.recoveryCodes > 0 && `${e.methods.recoveryCodes} recovery codes left`,
      e.methods.passkeys > 0 && `${e.methods.passkeys} passkey${e.methods.passkeys === 1 ? '' : 's'}`,
    ].filter(Boolean);
    rows.push(['Methods', held.length > 0 ? held.join(', ') : 'none']);
    rows.push([
      'Contacts',
      e.contacts.length === 0
        ? 'none enrolled'
        : e.contacts
            .map((c) => `${c.channel} ${c.destination} (${c.verified ? 'verified' : 'not verified'})`)
            .join(', '),
    ]);
  } else {
    rows.push(['Enrolled', 'no']);
  }
  rows.push(['Code goes to', report.codeChannels.length > 0 ? report.codeChannels.join(', ') : 'nowhere']);
  rows.push([
    'Blocked',
    report.blocked
      ? `yes, until ${formatTime(Date.parse(report.blocked.until))} UTC (${formatDuration(report.blocked.remainingSeconds * 1000)} left), after ${report.blocked.reason}`
      : 'no',
  ]);
  rows.push([
    'Failures',
    `${report.failures.answer} wrong answers (blocks at ${report.failures.maxWrongAnswers}), ${report.failures.code} wrong codes (blocks at ${report.failures.maxCodeTries}) in the current window`,
  ]);
  rows.push([
    'Locked in AD',
    `${report.lockedInDirectory ? 'yes' : 'no'} (bad password count ${report.badPwdCount} on the DC asked)`,
  ]);
  const reason = (r: IneligibilityReason | null) => (r ? `no (${r})` : 'yes');
  rows.push([
    'Eligible',
    `enroll: ${reason(report.eligibility.enroll)}; reset/unlock: ${reason(report.eligibility.reset)}; change: ${reason(report.eligibility.change)}`,
  ]);
  rows.push(['Self-service', report.selfServiceReset === 'ok' ? 'can reset or unlock now' : report.selfServiceReset]);
  if (
    report.selfServiceReset === 'NOT_ENROLLED' ||
    report.selfServiceReset === 'NOT_ELIGIBLE:NO_VERIFICATION_CHANNEL'
  ) {
    // Where the user sets up a way back: the page's own names, so the helpdesk can read them out.
    rows.push([
      'Set up at',
      report.questionsAsked
        ? 'the Enroll page (security questions and contacts), or Your recovery methods'
        : 'Your recovery methods (no security questions under this policy)',
    ]);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${printable(value)}\n`).join('');
}
