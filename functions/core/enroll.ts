/**
 * Enroll (DESIGN §3 POST /api/enroll, §4 Password proofs and Enrollment): prove the AD password, check the account,
 * store the hashed answers and contacts bound to objectGUID, tell the user.
 *
 * Under a recovery policy without questions (`standards`, or a custom one that never names them) enroll is the
 * contacts only: it neither asks for nor accepts answers (`answers` sent is VALIDATION naming it), needs an e-mail
 * address or a phone, and stores the enrollment with no answers (any earlier ones are dropped: a policy that never
 * asks them keeps none). The other methods are set up with a methods session (core/methods).
 */
import { checkAnswers, normalizeAnswer } from './answers.js';
import { codeHmac, newCode } from './codes.js';
import type { Config } from './config.js';
import { isSmsAllowed, isValidEmail, isValidPhone, sameAddress } from './contacts.js';
import type { DirectoryAccount } from './directory.js';
import { type FieldProblem, SsprError, validationError } from './errors.js';
import { admitAll, smsLimits, watchSmsVolume } from './limits.js';
import { maskDestination } from './masking.js';
import { provePassword } from './passwordProof.js';
import type { OutboxMessage } from './ports.js';
import { questionsOffered } from './recovery/presets.js';
import { issueRepudiation, refusalWhileReported } from './repudiation.js';
import { auditor, type RequestSource } from './request.js';
import type { RequestPorts } from './requestPorts.js';
import type { ChannelKind, ContactVerification, EnrolledContact, Enrollment } from './store.js';
import { hashToken, newToken } from './tokens.js';
import { reduceUsername, usernameProblem } from './username.js';

export interface EnrollInput {
  username: string;
  password: string;
  /** Required when the policy asks questions; refused when it does not. */
  answers?: { questionId: string; answer: string }[] | undefined;
  email?: string | undefined;
  phone?: string | undefined;
}

export interface MaskedChannel {
  id: string;
  channel: ChannelKind;
  destination: string;
}

export interface EnrollResult {
  enrolled: true;
  questionIds: string[];
  pendingContacts: MaskedChannel[];
  /** For POST /api/enroll/verify; present when a new contact waits for its code. */
  enrollmentToken?: string;
}

export async function enroll(input: EnrollInput, source: RequestSource, ports: RequestPorts): Promise<EnrollResult> {
  const typed = validate(input, ports.config);
  // Named by provePassword before it can refuse anything (only a failed secret read comes earlier: not audited).
  let subject: string | null = null;

  const record = auditor(ports, source);
  const audit = async (outcome: string, reason?: string) => {
    if (subject !== null) await record(subject, 'enroll', outcome, reason);
  };

  try {
    const { account, session, slotsGivenBack } = await provePassword(
      { action: 'enroll', purpose: 'enroll', typed, password: input.password },
      source,
      ports,
      (resolved) => {
        subject = resolved;
      },
    );
    try {
      const reported = await refusalWhileReported(ports, account);
      if (reported) {
        await slotsGivenBack;
        throw reported;
      }
      const result = await saveEnrollment(account, input, source, ports, {
        slotsGivenBack,
        recordSuccess: () => audit('success'),
      });
      ports.logger.info('enrolled', { event: 'enroll', outcome: 'success', requestId: source.requestId, subject });
      return result;
    } finally {
      await session.close();
    }
  } catch (error) {
    if (error instanceof SsprError) await audit(error.code, error.details.reason);
    throw error;
  }
}

/** Every input rule, before anything is counted or looked up: a request refused here changes nothing. */
function validate(input: EnrollInput, config: Config) {
  const fields: Record<string, FieldProblem> = {};
  const typed = reduceUsername(input.username, config.domain);
  if (!typed.ok) fields.username = usernameProblem(config.domain);
  if (input.password.length === 0) fields.password = { message: 'password.required' };
  const withQuestions = questionsOffered(config);
  if (!withQuestions) {
    if (input.answers !== undefined) fields.answers = { message: 'answers.notOffered' };
  } else if (input.answers === undefined) {
    fields.answers = { message: 'answers.count', params: { count: config.enrollment.questionsRequired } };
  } else {
    Object.assign(fields, checkAnswers(input.answers, config.enrollment));
  }

  const contactProblem = (
    channel: 'email' | 'phone',
    value: string | undefined,
    valid: (v: string) => boolean,
  ): FieldProblem | null => {
    const setting = config.enrollment[channel];
    if (value === undefined) return setting === 'required' ? { message: `${channel}.required` } : null;
    if (setting === 'off') return { message: `${channel}.off` };
    return valid(value) ? null : { message: `${channel}.invalid` };
  };
  const emailProblem = contactProblem('email', input.email, isValidEmail);
  const phoneProblem =
    contactProblem('phone', input.phone, isValidPhone) ??
    (input.phone !== undefined && !isSmsAllowed(input.phone, config.codes.smsCountryCodes)
      ? { message: 'phone.country', params: { countries: config.codes.smsCountryCodes.join(', ') } }
      : null);
  if (emailProblem) fields.email = emailProblem;
  if (phoneProblem) fields.phone = phoneProblem;
  if (config.codes.required === 'always' && input.email === undefined && input.phone === undefined) {
    fields[config.enrollment.email === 'off' ? 'phone' : 'email'] = { message: 'contact.requiredForCodes' };
  }
  // Without questions the contacts are all an enrollment holds: one without any would store nothing.
  if (!withQuestions && input.email === undefined && input.phone === undefined) {
    const offered = (['email', 'phone'] as const).find((c) => config.enrollment[c] !== 'off');
    if (!offered) fields.body = { message: 'enroll.nothingToEnroll' };
    else fields[offered] ??= { message: 'contact.requiredWithoutQuestions' };
  }

  if (!typed.ok || Object.keys(fields).length > 0) throw validationError(fields);
  return typed;
}

interface SaveSteps {
  /** The password proof's slots going back (provePassword; it never rejects): awaited beside the hashes. */
  slotsGivenBack: Promise<void>;
  /** The success audit event, written once the enrollment is stored. */
  recordSuccess: () => Promise<void>;
}

async function saveEnrollment(
  account: DirectoryAccount,
  input: EnrollInput,
  source: RequestSource,
  ports: RequestPorts,
  steps: SaveSteps,
): Promise<EnrollResult> {
  const { store, clock } = ports;
  const now = clock.now();
  // The answers hash while everything that does not need them is done: the earlier enrollment is read, the proof's
  // slots go back, the old channels are told and the new contacts' codes go out (ContactsPrepared). Both are waited
  // for even when one fails (an SMS cap reached, say), so no hash runs on after the response.
  const [prepared, hashed] = await Promise.allSettled([
    prepareContacts(account, input, source, ports, steps.slotsGivenBack, now),
    Promise.all(
      (input.answers ?? []).map(async ({ questionId, answer }) => ({
        questionId,
        hash: await ports.hasher.hash(normalizeAnswer(answer)),
      })),
    ),
  ]);
  if (prepared.status === 'rejected') throw prepared.reason;
  if (hashed.status === 'rejected') throw hashed.reason;
  const { previous, contacts, pending, verification } = prepared.value;
  const answers = hashed.value;

  const enrollment: Enrollment = {
    objectGuid: account.objectGuid,
    sAMAccountName: account.sAMAccountName,
    answers,
    contacts,
    language: source.language,
    enrolledAt: previous?.enrolledAt ?? now,
    updatedAt: now,
  };
  // The tally of question choices (decoy weights) moves beside the write; should the write fail after it, the tally is
  // one enrollment off, which only shades a weight.
  await Promise.all([
    store.putEnrollment(enrollment),
    store.tallyQuestionChoices(
      enrollment.answers.map((a) => a.questionId),
      previous?.answers.map((a) => a.questionId) ?? [],
    ),
  ]);
  // The enrollment is stored: that is the success the audit records. A new enrollment is a fresh start: it lifts a
  // self-service block and forgets earlier failures. Not a block the user asked for ("This wasn't me"): whoever made
  // the change they reported may know the password, and enrolling proves no more than that; only the helpdesk lifts it.
  // The store checks the block's reason in the delete itself: a report made while this enroll runs is never undone.
  const subject = account.sAMAccountName.toLowerCase();
  await Promise.all([store.clearFailuresAndUnreportedBlock(subject), steps.recordSuccess()]);
  return {
    enrolled: true,
    questionIds: answers.map((a) => a.questionId),
    pendingContacts: pending.map((c) => ({
      id: c.id,
      channel: c.channel,
      destination: maskDestination(c.channel, c.address),
    })),
    ...(verification ? { enrollmentToken: verification.token } : {}),
  };
}

interface ContactsPrepared {
  previous: Enrollment | null;
  contacts: EnrolledContact[];
  /** The contacts that wait for their verification code. */
  pending: EnrolledContact[];
  verification: Awaited<ReturnType<typeof contactVerification>> | null;
}

/**
 * Everything of an enrollment that does not need the answers' hashes: the contacts (an unchanged, already verified one
 * stays verified; anything new waits for its code), the SMS caps for a new phone, the notices to the old channels
 * before the enrollment is replaced, and the new contacts' verification record and codes, inert until the enrollment
 * naming those contacts is stored.
 */
async function prepareContacts(
  account: DirectoryAccount,
  input: EnrollInput,
  source: RequestSource,
  ports: RequestPorts,
  slotsGivenBack: Promise<void>,
  now: number,
): Promise<ContactsPrepared> {
  const { store } = ports;
  const [previous] = await Promise.all([store.getEnrollment(account.objectGuid), slotsGivenBack]);

  const contactFor = (channel: ChannelKind, address: string | undefined): EnrolledContact[] => {
    if (address === undefined) return [];
    const kept = previous?.contacts.find((c) => c.channel === channel && sameAddress(channel, c.address, address));
    if (kept?.verified) return [kept];
    return [{ id: ports.newContactId(), channel, address, verified: false, addedAt: now }];
  };
  const contacts = [...contactFor('email', input.email), ...contactFor('sms', input.phone)];

  // A new phone's code is a text message: it counts in the SMS caps, checked before anything is sent or stored.
  const newPhone = contacts.some((c) => c.channel === 'sms' && !c.verified);
  if (newPhone) {
    await admitAll(store, smsLimits(account.sAMAccountName.toLowerCase(), source.address, ports.config), now);
  }

  const recipients = new Map<string, string>();
  for (const address of [
    account.mail,
    ...(previous?.contacts ?? []).filter((c) => c.channel === 'email' && c.verified).map((c) => c.address),
  ]) {
    if (address && isValidEmail(address)) recipients.set(address.toLowerCase(), address);
  }
  const pending = contacts.filter((c) => !c.verified);
  const verification = pending.length > 0 ? await contactVerification(account, pending, source, ports) : null;
  // Answers (re)enrolled change who can reset the password, and so do contacts: the notice carries the event's "This
  // wasn't me" link. Under a policy without questions it speaks of the contacts only.
  const template = questionsOffered(ports.config) ? 'enrolled' : 'contacts-saved';
  const notMeToken = recipients.size > 0 ? await issueRepudiation(ports, account, template) : undefined;
  // The new contacts' codes go out with the notices: a code is of no use until the enrollment naming its contact is
  // stored (POST /api/enroll/verify needs it, and the token is only in this response).
  await Promise.all([
    ...(verification?.messages ?? []).map((message) => ports.outbox.enqueue(message)),
    ...[...recipients.values()].map((to) =>
      ports.outbox.enqueue({
        channel: 'email',
        to,
        template,
        params: {
          displayName: account.displayName ?? account.sAMAccountName,
          at: new Date(now).toISOString(),
          ...(notMeToken === undefined ? {} : { notMeToken }),
        },
        language: source.language,
      }),
    ),
    verification ? store.createContactVerification(verification.record) : undefined,
    newPhone ? watchSmsVolume(store, ports.logger, ports.config, now) : undefined,
  ]);
  return { previous, contacts, pending, verification };
}

/**
 * Each new contact gets a code through the outbox; POST /api/enroll/verify with the enrollment token makes it usable.
 * A new code needs a new enrollment. The record holds only the codes' HMACs; the messages carry the codes.
 */
async function contactVerification(
  account: DirectoryAccount,
  pending: EnrolledContact[],
  source: RequestSource,
  ports: RequestPorts,
): Promise<{ token: string; record: ContactVerification; messages: OutboxMessage[] }> {
  const { config, clock } = ports;
  const now = clock.now();
  const token = newToken();
  const tokenHash = hashToken(token);
  const pepper = await ports.secrets.pepper();
  const expiresAt = now + config.codes.validMinutes * 60_000;
  const codes = pending.map((contact) => ({ contact, code: newCode(config.codes.length) }));
  return {
    token,
    record: {
      tokenHash,
      objectGuid: account.objectGuid,
      subject: account.sAMAccountName.toLowerCase(),
      language: source.language,
      codes: codes.map(({ contact, code }) => ({
        contactId: contact.id,
        hmac: codeHmac(pepper, contactCodeScope(tokenHash, contact.id), code),
        expiresAt,
      })),
      wrongTries: 0,
      expiresAt: now + config.reset.flowMinutes * 60_000,
      version: 1,
    },
    messages: codes.map(({ contact, code }) => ({
      channel: contact.channel,
      to: contact.address,
      template: 'verification-code',
      params: { code, minutes: String(config.codes.validMinutes) },
      language: source.language,
    })),
  };
}

/** A contact's code is bound to its enrollment token and to the contact, so it proves only that one address. */
export function contactCodeScope(tokenHash: string, contactId: string): string {
  return `contact:${tokenHash}:${contactId}`;
}
