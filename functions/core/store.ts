/**
 * The store port: everything the product keeps between requests.
 * Implemented over the DynamoDB DocumentClient (functions/adapters/store.ts), run on dynalite locally and in tests.
 * Every change is one conditional write on one item: no transactions (dynalite has none).
 */
import type { Language } from './language.js';
import type { Alternative, RecoveryMethod } from './recovery/policy.js';

export type ChannelKind = 'email' | 'sms';

/**
 * Where an outbox item goes: a user's e-mail or phone, or `alert`, the operators' alarm topic (a user reported a
 * notice's event as not theirs: core/repudiation.ts). Request functions never send: the notifier delivers all three.
 */
export type OutboxChannel = ChannelKind | 'alert';

/** A contact the user enrolled. Only verified ones are ever offered as code channels. */
export interface EnrolledContact {
  /** Opaque, server-issued. */
  id: string;
  channel: ChannelKind;
  /** E-mail address or E.164 phone number. */
  address: string;
  verified: boolean;
  addedAt: number;
}

/** A salted, peppered slow hash of one normalized answer; names its parameters so the cost can be raised later. */
export interface AnswerHash {
  algorithm: 'scrypt';
  N: number;
  r: number;
  p: number;
  keyLength: number;
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
  /** Version of core/answers normalization the hashed text went through. */
  normalization: number;
}

export interface EnrolledAnswer {
  questionId: string;
  hash: AnswerHash;
}

/**
 * An authenticator app's seed sealed with the authenticator key (core/methods/authenticator.ts): AES-256-GCM under a key
 * derived from that key, never the pepper, with the account's objectGuid as associated data, so a sealed seed copied
 * onto another account does not open. All binary fields base64url.
 */
export interface SealedAuthenticatorSecret {
  /** The format of this record. */
  v: 1;
  /** Which authenticator key sealed it, so the key can be rotated later while older seeds still open. */
  keyVersion: number;
  /** 12 bytes. */
  iv: string;
  /** The seed, encrypted. */
  ct: string;
  /** The GCM tag, 16 bytes. */
  tag: string;
}

/** The one authenticator app (TOTP, RFC 6238: SHA-1, 6 digits, 30 s) an account enrolled. */
export interface EnrolledAuthenticator {
  /** Opaque, server-issued: a replaced authenticator has a new id, so a use of the old one is refused. */
  id: string;
  sealed: SealedAuthenticatorSecret;
  addedAt: number;
  /** The newest time step a code was accepted for; a step at or before it is never accepted again. */
  lastUsedStep: number | null;
}

/** The account's current set of saved recovery codes, kept only as keyed hashes (core/methods/recoveryCodes.ts). */
export interface RecoveryCodeSet {
  /** Opaque, server-issued: a new set replaces the old one whole. */
  setId: string;
  /** The keyed hashes of the codes not used yet (base64url); a used code's hash is removed. */
  hashes: string[];
  /** How many codes the set had when issued. */
  issued: number;
  createdAt: number;
}

/** How many passkeys one account may hold. */
export const MAX_PASSKEYS = 5;

/** A passkey (WebAuthn credential) an account registered (core/methods/passkeys.ts); up to MAX_PASSKEYS, named. */
export interface EnrolledPasskey {
  /** The credential id, base64url. */
  id: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The signature counter last accepted (0 for authenticators that keep none). */
  counter: number;
  /** As the browser reported them at registration. */
  transports: string[];
  /** The user's name for it, 1–64 characters. */
  name: string;
  addedAt: number;
  lastUsedAt: number | null;
}

export interface Enrollment {
  objectGuid: string;
  sAMAccountName: string;
  answers: EnrolledAnswer[];
  contacts: EnrolledContact[];
  language: Language;
  enrolledAt: number;
  updatedAt: number;
  /** Absent on enrollments from before authenticators, null when none is enrolled. */
  authenticator?: EnrolledAuthenticator | null;
  /** Absent on enrollments from before recovery codes, null when none were issued. */
  recoveryCodes?: RecoveryCodeSet | null;
  /** Absent on enrollments from before passkeys; an empty list when none is registered. */
  passkeys?: EnrolledPasskey[];
}

export interface RateWindow {
  limit: number;
  windowSeconds: number;
}

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

export interface AuditEvent {
  /** The limiter key of the user (resolved sAMAccountName lower-cased, else the reduced typed name). */
  subject: string;
  at: number;
  /** e.g. 'enroll' */
  event: string;
  /** e.g. 'success', 'BAD_CREDENTIALS', 'NOT_ELIGIBLE' */
  outcome: string;
  reason?: string;
  sourceAddress: string;
  userAgent: string;
  requestId: string;
  /** Who acted, for events an operator caused through the admin CLI (e.g. helpdesk-unblock); absent otherwise. */
  operator?: string;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed';

/**
 * The params of an outbox item sealed to the notifier's X25519 public key (functions/adapters/sealing.ts): an ephemeral
 * key, HKDF-SHA-256 bound to the item's id, AES-256-GCM. All fields base64url. Only the notifier can open it.
 */
export interface SealedParams {
  v: 1;
  /** The ephemeral X25519 public key, 32 bytes raw. */
  epk: string;
  /** 12 bytes. */
  iv: string;
  /** The params as JSON, encrypted. */
  ct: string;
  /** The GCM tag, 16 bytes. */
  tag: string;
}

export interface OutboxItem {
  id: string;
  channel: OutboxChannel;
  to: string;
  /** A template of core/notifications.ts */
  template: string;
  /**
   * The template's params in clear, for templates that carry no secret. Empty when the item is sealed: a template that
   * carries a secret (core/notifications.ts isSealedTemplate) has all of its params in `sealed` instead.
   */
  params: Record<string, string>;
  sealed?: SealedParams;
  language: Language;
  status: OutboxStatus;
  createdAt: number;
}

export type FlowPurpose = 'reset' | 'unlock';

/**
 * A method step (question, code, authenticator, recoveryCode, passkey) or a choice among them, as the recovery policy
 * has it (core/flow/steps.ts) → verified → done; failed when a method's tries are used up. `claimed` marks the one
 * request that is acting on a verified flow (setPassword, unlock).
 */
export type FlowStep =
  | 'choose'
  | 'question'
  | 'code'
  | 'authenticator'
  | 'recoveryCode'
  | 'passkey'
  | 'verified'
  | 'claimed'
  | 'failed'
  | 'done';

/** A code channel offered in a flow; `id` is opaque and stable within the flow. */
export interface FlowChannel {
  id: string;
  channel: ChannelKind;
  address: string;
}

export interface FlowCode {
  /** HMAC-SHA-256 of the code with the pepper, base64url. */
  hmac: string;
  channelId: string;
  expiresAt: number;
}

/** A reset or unlock flow. Stored under the hash of its token; the token itself is never stored. */
export interface Flow {
  /** SHA-256 of the flow token, base64url. */
  tokenHash: string;
  purpose: FlowPurpose;
  /** The limiter key of the user, as in counters, blocks and audit events. */
  subject: string;
  /**
   * The name as typed, reduced, sealed with the flow token (flow/flowName.ts); absent on a flow opened before names
   * were kept.
   */
  sealedName?: string;
  /** The account the flow is bound to; null for a decoy of a name that does not resolve. */
  objectGuid: string | null;
  /** A decoy flow never passes (enumeration protection). */
  decoy: boolean;
  language: Language;
  /** The questions in the order they are asked. */
  questionIds: string[];
  answered: number;
  correct: number;
  correctRequired: number;
  /** The policy's alternatives this user can complete, fixed at start (a decoy's look like a real user's). */
  alternatives: Alternative[];
  /** The methods that passed so far, in order. */
  passed: RecoveryMethod[];
  channels: FlowChannel[];
  step: FlowStep;
  /** Set while one request is checking an answer or a code: parallel requests get WRONG_STEP. */
  pending: string | null;
  code: FlowCode | null;
  codeTries: number;
  sends: number;
  lastSentAt: number | null;
  passwordTries: number;
  /**
   * The SHA-256 (base64url, tokens.ts hashToken) of the challenge of the passkey step shown last, never the challenge
   * itself; cleared by the answer that uses it; absent or null.
   */
  passkeyChallengeHash?: string | null;
  createdAt: number;
  expiresAt: number;
  /** Bumped by every write; each write is conditional on the version that was read. */
  version: number;
}

export type FailureKind = 'answer' | 'code';

/**
 * Why self-service is blocked: a failure window filled (`answer`, `code`), or the user reported a notice's event as not
 * theirs (`repudiated`, core/repudiation.ts). Every reason blocks the same way; only failures have windows.
 */
export type BlockReason = FailureKind | 'repudiated';

export interface Block {
  subject: string;
  until: number;
  reason: BlockReason;
}

/**
 * How many failures of a kind a subject may have in one window, how long a window lasts from its first failure, and
 * how long the block lasts that the failure filling it writes.
 */
export interface FailureWindow {
  limit: number;
  windowSeconds: number;
  blockSeconds: number;
}

/**
 * A failure reserved before the check it guards (DESIGN §5), or why none was: the subject is blocked (`blockedUntil`),
 * or the window already holds `limit` failures (counted ones and reservations still being checked). `block` is the
 * block this reservation wrote, in the same write: it filled the window, or found it full with no live block.
 */
export type FailureReservation =
  | { reserved: true; count: number; block: Block | null }
  | { reserved: false; blockedUntil: number | null; block: Block | null };

/** The code sent to one pending contact of an enrollment, kept only as an HMAC. */
export interface ContactCode {
  contactId: string;
  hmac: string;
  expiresAt: number;
}

/**
 * The pending contacts of one enrollment waiting for their codes (DESIGN §3 pinned details: the enrollment token lives
 * reset.flowMinutes; codes.maxTries wrong codes end it). Stored under the hash of the enrollment token.
 */
export interface ContactVerification {
  tokenHash: string;
  objectGuid: string;
  subject: string;
  language: Language;
  codes: ContactCode[];
  wrongTries: number;
  expiresAt: number;
  /** Bumped by every write; each write is conditional on the version that was read. */
  version: number;
}

/**
 * A methods session (issue 16, POST /api/methods/session): the password was proven, and for reset.flowMinutes the user
 * may add and remove recovery methods with its token. Stored under the hash of the token; the token is never stored.
 * codes.maxTries wrong authenticator codes end it.
 */
export interface MethodsSession {
  tokenHash: string;
  objectGuid: string;
  /** The limiter key of the user (sAMAccountName lower-cased), as in counters and audit events. */
  subject: string;
  language: Language;
  /** The authenticator seed made by begin and not yet confirmed, sealed with the authenticator key; null when none. */
  pendingAuthenticator: SealedAuthenticatorSecret | null;
  /**
   * The SHA-256 (base64url, tokens.ts hashToken) of the challenge of a passkey registration begun and not yet finished,
   * never the challenge itself; absent or null when none.
   */
  passkeyChallengeHash?: string | null;
  /** Wrong authenticator codes and failed passkey registrations, each counted before it is checked. */
  wrongTries: number;
  expiresAt: number;
  /** Bumped by every write; each write is conditional on the version that was read. */
  version: number;
}

/**
 * The "This wasn't me" link of one notice event (core/repudiation.ts): every message of the event carries the same
 * token, stored only as its hash. Single use: the one write that marks it used decides.
 */
export interface Repudiation {
  /** SHA-256 of the token, base64url. */
  tokenHash: string;
  objectGuid: string;
  /** The limiter key of the user (sAMAccountName lower-cased), as in blocks, flows and audit events. */
  subject: string;
  /** The notice's template (the event told), e.g. 'password-reset'. */
  event: string;
  createdAt: number;
  /** Compared with now on use (TTL deletion lags). */
  expiresAt: number;
  used: boolean;
  /** Bumped by every write. */
  version: number;
}

export interface Store {
  getEnrollment(objectGuid: string): Promise<Enrollment | null>;
  /**
   * Replaces any earlier enrollment of the same account, in one write; the recovery methods it leaves undefined
   * (`authenticator`, `recoveryCodes`) stay as stored, so re-enrolling answers keeps them (null removes one).
   */
  putEnrollment(enrollment: Enrollment): Promise<void>;
  /**
   * Creates the account's enrollment only if it has none (one conditional write): never overwrites one a concurrent
   * enroll wrote. False when one exists.
   */
  createEnrollment(enrollment: Enrollment): Promise<boolean>;
  /**
   * Removes the account's enrollment if it is still the one last updated at `updatedAt` (one conditional write), so a
   * re-enrollment that came in between is never removed unseen; false when it is gone or was replaced.
   */
  deleteEnrollment(objectGuid: string, updatedAt: number): Promise<boolean>;
  /**
   * Every enrollment, in no particular order: a scan of the whole table, for the admin CLI's reports (never a request
   * path). `onProgress` is told how many items were scanned so far after each page.
   */
  listEnrollments(onProgress?: (scanned: number) => void): Promise<Enrollment[]>;

  /**
   * Atomically admits one more event into the fixed window that holds `now` for `counter`, or refuses it when
   * `window.limit` were already admitted. Parallel callers can never together exceed the limit.
   */
  admit(counter: string, window: RateWindow, now: number): Promise<Admission>;
  /** Gives back one admitted event of the window that holds `now` (never below zero). */
  giveBack(counter: string, window: RateWindow, now: number): Promise<void>;
  /** How many events the window that holds `now` admitted so far (expired windows count 0). */
  count(counter: string, window: RateWindow, now: number): Promise<number>;

  /**
   * Moves the tally of the catalog questions enrolled users chose (decoy questions are drawn from it): each id in
   * `chosen` counts one more, each in `unchosen` one less. One update of one item.
   */
  tallyQuestionChoices(chosen: string[], unchosen: string[]): Promise<void>;
  /** How many enrollments chose each question id (an id no one chose is absent). */
  questionChoiceTally(): Promise<Record<string, number>>;

  /**
   * Takes the named lease for `holder` until `until` (ms) unless another holder's lease is still live (its stored
   * `until` compared with `now`: TTL deletion lags); one conditional write. True when taken.
   */
  takeLease(name: string, holder: string, until: number, now: number): Promise<boolean>;
  /** Ends the lease if `holder` still holds it: one that ran out and was taken by another stays theirs. */
  releaseLease(name: string, holder: string): Promise<void>;

  /** Creates a flow (never overwrites) and makes it the subject's one open flow: a later start replaces it. */
  createFlow(flow: Flow): Promise<void>;
  /** The flow, or null when unknown, expired (compared with `now`) or no longer the subject's open flow. */
  getFlow(tokenHash: string, now: number): Promise<Flow | null>;
  /** Replaces the flow if its stored version is still `flow.version - 1`; false when another write came first. */
  updateFlow(flow: Flow): Promise<boolean>;

  /** Creates the verification of an enrollment's new contacts (never overwrites). */
  createContactVerification(verification: ContactVerification): Promise<void>;
  /** The verification, or null when unknown or expired (compared with `now`). */
  getContactVerification(tokenHash: string, now: number): Promise<ContactVerification | null>;
  /** Replaces it if its stored version is still `version - 1`; false when another write came first. */
  updateContactVerification(verification: ContactVerification): Promise<boolean>;
  /** Creates a methods session (never overwrites). */
  createMethodsSession(session: MethodsSession): Promise<void>;
  /** The session, or null when unknown, expired (compared with `now`) or ended by endMethodsSessions. */
  getMethodsSession(tokenHash: string, now: number): Promise<MethodsSession | null>;
  /** Replaces it if its stored version is still `version - 1`; false when another write came first. */
  updateMethodsSession(session: MethodsSession): Promise<boolean>;
  /**
   * Marks one contact of the account's current enrollment verified, in one conditional write; false when the
   * enrollment or that contact is gone (a newer enrollment replaced it).
   */
  markContactVerified(objectGuid: string, contactId: string): Promise<boolean>;
  /**
   * Replaces the hash of one answer of the account's enrollment with `next` if it is still `previous` (one conditional
   * write), so a re-enrollment that came in between is never overwritten; false when the enrollment or that hash is
   * gone.
   */
  replaceAnswerHash(objectGuid: string, questionId: string, previous: AnswerHash, next: AnswerHash): Promise<boolean>;
  /**
   * Sets (or, with null, removes) the account's authenticator if the enrollment is still the one last updated at
   * `updatedAt` (one conditional write), so a re-enrollment or another change that came in between is never
   * overwritten unseen; the enrollment's updatedAt becomes max(`now`, `updatedAt` + 1). False when the enrollment is
   * gone or was changed.
   */
  setAuthenticator(
    objectGuid: string,
    updatedAt: number,
    authenticator: EnrolledAuthenticator | null,
    now: number,
  ): Promise<boolean>;
  /** As setAuthenticator, for the account's set of recovery codes: a new set replaces the old one whole. */
  setRecoveryCodes(objectGuid: string, updatedAt: number, codes: RecoveryCodeSet | null, now: number): Promise<boolean>;
  /**
   * Uses one recovery code: removes exactly that hash from the account's current set in one conditional write, so of
   * parallel uses of one code exactly one is true. False when the hash is not (or no longer) in the set. A use is not a
   * change of the enrollment: updatedAt stays.
   */
  useRecoveryCode(objectGuid: string, hash: string): Promise<boolean>;
  /**
   * Records that a code of the time step `step` was accepted: sets the authenticator's lastUsedStep to `step` in one
   * conditional write, only while the account's authenticator is still `authenticatorId` and its lastUsedStep is null
   * or before `step`, so of parallel uses of one step exactly one is true. A use is not a change of the enrollment:
   * updatedAt stays.
   */
  useAuthenticatorStep(objectGuid: string, authenticatorId: string, step: number): Promise<boolean>;
  /**
   * Adds a passkey to the account's passkeys if the enrollment is still the one last updated at `updatedAt` and holds
   * fewer than MAX_PASSKEYS (5) and none with the same id (one conditional write); updatedAt moves on as in
   * setAuthenticator. False otherwise.
   */
  addPasskey(objectGuid: string, updatedAt: number, passkey: EnrolledPasskey, now: number): Promise<boolean>;
  /** Removes the passkey `id` as addPasskey adds one; false when the enrollment changed or holds no such passkey. */
  removePasskey(objectGuid: string, updatedAt: number, id: string, now: number): Promise<boolean>;
  /**
   * Records a use of the passkey `id`: its counter becomes `nextCounter` and lastUsedAt `now`, in one conditional write,
   * only while its stored counter is still `previousCounter`, so of parallel uses of one assertion exactly one is true.
   * A use is not a change of the enrollment: updatedAt stays.
   */
  usePasskey(
    objectGuid: string,
    id: string,
    previousCounter: number,
    nextCounter: number,
    now: number,
  ): Promise<boolean>;

  /** Creates the record of a notice event's "This wasn't me" token (never overwrites). */
  createRepudiation(repudiation: Repudiation): Promise<void>;
  /**
   * Uses the token: one conditional write marks the record used if it exists, is unused and its stored expiry is after
   * `now`, so of parallel uses exactly one gets the record (as it is after the write); null for every other.
   */
  useRepudiation(tokenHash: string, now: number): Promise<Repudiation | null>;

  /** The failures of a kind in the subject's current window (0 when the window has passed). */
  failureCount(subject: string, kind: FailureKind, now: number): Promise<number>;
  /** Clears both failure counts of a subject (success, re-enrollment). */
  clearFailures(subject: string): Promise<void>;
  putBlock(block: Block): Promise<void>;
  /**
   * Reserves one failure of a kind for a subject before the answer or code it guards is checked: one read and one
   * conditional write, blocked or not, that counts it in the window opened by the subject's first failure
   * (`window.windowSeconds` long), unless the subject has a live block (nothing is counted during a block; the write's
   * condition refuses it) or the window already holds `window.limit`. Parallel callers can never together hold more
   * than the limit. The write that fills the window (or finds it full with no live block) also writes the subject's
   * block (`window.blockSeconds` long), so no reservation after it, in this window or the next, is counted.
   */
  reserveFailure(subject: string, kind: FailureKind, window: FailureWindow, now: number): Promise<FailureReservation>;
  /**
   * Gives back a reservation whose check passed (never below zero, never into a window that has ended), with the block
   * it wrote (`written`, the reservation's `block`) in the same write, if that block is still the subject's.
   */
  giveBackFailure(subject: string, kind: FailureKind, now: number, written?: Block): Promise<void>;
  /**
   * Writes the block unless the subject has a live one (its stored `until` compared with `now`): one conditional write,
   * so parallel blocking failures write one block and a live block is never extended. True when this call wrote it.
   */
  putNewBlock(block: Block, now: number): Promise<boolean>;
  /** Ends the subject's open flow: no flow of the subject is live until its next start. */
  endOpenFlows(subject: string): Promise<void>;
  /**
   * Ends every methods session of the subject (a repudiation): getMethodsSession answers null for each one created
   * before this call, and updates never bring one back; sessions created after it work as before. One write.
   */
  endMethodsSessions(subject: string): Promise<void>;
  /** The subject's block, or null when there is none or its `until` has passed (TTL deletion lags). */
  getBlock(subject: string, now: number): Promise<Block | null>;
  /** A fresh start (the helpdesk's unblock): the block and both failure counts go together. */
  clearBlockAndFailures(subject: string): Promise<void>;
  /**
   * A fresh start by a new enrollment: both failure counts go, and the block goes unless it is a `repudiated` one (the
   * user's own report, which only the helpdesk lifts). The block's reason is checked by the delete itself, one
   * conditional write, so a report that lands while the enrollment is saved is never undone.
   */
  clearFailuresAndUnreportedBlock(subject: string): Promise<void>;

  recordAudit(event: AuditEvent, retentionDays: number): Promise<void>;
  listAudit(subject: string): Promise<AuditEvent[]>;
  /**
   * Every subject's audit events at or after `since`, oldest first: a scan of the whole table, for the admin CLI's
   * reports and exports (never a request path). `onProgress` as in listEnrollments.
   */
  scanAudit(since: number, onProgress?: (scanned: number) => void): Promise<AuditEvent[]>;

  /**
   * Refuses an item whose template carries a secret unless its params are sealed and `params` is empty, and an item
   * with both readable and sealed params: the table (and its stream) never holds a code in clear.
   */
  putOutboxItem(item: OutboxItem): Promise<void>;
  getOutboxItem(id: string): Promise<OutboxItem | null>;
  /**
   * Conditional on the item being pending, so a redelivered stream record never sends twice. Removes the params and the
   * sealed params: what a message carried does not outlive its send.
   */
  markOutboxItem(id: string, status: Exclude<OutboxStatus, 'pending'>, now: number): Promise<boolean>;
}
