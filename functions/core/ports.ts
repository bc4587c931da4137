/** Small ports the domain takes as arguments. */
import type { Language } from './language.js';
import type { AnswerHash, ChannelKind, OutboxItem } from './store.js';

/** Keys held in Secrets Manager (deployed) or generated into SSPR_DATA_DIR (local). */
export interface Secrets {
  /** Keys answer hashes and code HMACs. */
  pepper(): Promise<Buffer>;
  /** Chooses decoy questions for names that are not enrolled; never the pepper. */
  decoyKey(): Promise<Buffer>;
}

/** Slow, peppered hashing of normalized answers (functions/adapters/answerHasher.ts). */
export interface AnswerHasher {
  hash(normalizedAnswer: string): Promise<AnswerHash>;
  /**
   * Constant-time comparison; false for a hash it cannot read. With null (no enrolled answer: a decoy) it does the
   * same work against a dummy and returns false, so both paths cost the same.
   */
  verify(normalizedAnswer: string, stored: AnswerHash | null): Promise<boolean>;
}

/** Where request functions hand messages over; they never send mail or SMS themselves. */
export interface Outbox {
  enqueue(message: OutboxMessage): Promise<void>;
}

export interface OutboxMessage {
  channel: ChannelKind;
  to: string;
  template: string;
  params: Record<string, string>;
  language: Language;
}

/** A rendered message, ready for a transport. */
export interface RenderedMessage {
  channel: ChannelKind;
  to: string;
  subject?: string;
  body: string;
}

/** Sends one rendered message (SES, SNS, or the local outbox file). */
export interface MessageTransport {
  send(message: RenderedMessage, item: OutboxItem): Promise<void>;
}
