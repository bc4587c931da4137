/**
 * The store port: everything the product keeps between requests.
 * Implemented over the DynamoDB DocumentClient (functions/adapters/store.ts), run on dynalite locally and in tests.
 * Every change is one conditional write on one item: no transactions (dynalite has none).
 */
import type { Language } from './language.js';

export type ChannelKind = 'email' | 'sms';

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

export interface Enrollment {
  objectGuid: string;
  sAMAccountName: string;
  answers: EnrolledAnswer[];
  contacts: EnrolledContact[];
  language: Language;
  enrolledAt: number;
  updatedAt: number;
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
}

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface OutboxItem {
  id: string;
  channel: ChannelKind;
  to: string;
  /** A template of core/notifications.ts */
  template: string;
  params: Record<string, string>;
  language: Language;
  status: OutboxStatus;
  createdAt: number;
}

export interface Store {
  getEnrollment(objectGuid: string): Promise<Enrollment | null>;
  /** Replaces any earlier enrollment of the same account. */
  putEnrollment(enrollment: Enrollment): Promise<void>;

  /**
   * Atomically admits one more event into the fixed window that holds `now` for `counter`, or refuses it when
   * `window.limit` were already admitted. Parallel callers can never together exceed the limit.
   */
  admit(counter: string, window: RateWindow, now: number): Promise<Admission>;
  /** Gives back one admitted event of the window that holds `now` (never below zero). */
  giveBack(counter: string, window: RateWindow, now: number): Promise<void>;
  /** How many events the window that holds `now` admitted so far (expired windows count 0). */
  count(counter: string, window: RateWindow, now: number): Promise<number>;

  recordAudit(event: AuditEvent, retentionDays: number): Promise<void>;
  listAudit(subject: string): Promise<AuditEvent[]>;

  putOutboxItem(item: OutboxItem): Promise<void>;
  getOutboxItem(id: string): Promise<OutboxItem | null>;
  /** Conditional on the item being pending, so a redelivered stream record never sends twice. */
  markOutboxItem(id: string, status: Exclude<OutboxStatus, 'pending'>, now: number): Promise<boolean>;
}
