/** Small ports the domain takes as arguments. */
import type { Language } from './language.js';
import type { AnswerHash, OutboxChannel, OutboxItem, SealedParams } from './store.js';

/** Keys held in Secrets Manager (deployed) or generated into SSPR_DATA_DIR (local). */
export interface Secrets {
  /** Keys answer hashes and code HMACs. */
  pepper(): Promise<Buffer>;
  /** Chooses decoy questions for names that are not enrolled; never the pepper. */
  decoyKey(): Promise<Buffer>;
}

/**
 * The keys of request functions: Secrets, and the authenticator key, which seals authenticator app seeds
 * (core/methods/authenticator.ts): a secret of its own, so one leaked secret never both forges code hashes and reads
 * every seed.
 */
export interface RequestSecrets extends Secrets {
  authenticatorKey(): Promise<Buffer>;
}

/** Slow, peppered hashing of normalized answers (functions/adapters/answerHasher.ts). */
export interface AnswerHasher {
  hash(normalizedAnswer: string): Promise<AnswerHash>;
  /**
   * Constant-time comparison; false for a hash it cannot read. With null (no enrolled answer: a decoy) it does the
   * same work against a dummy and returns false, so both paths cost the same.
   */
  verify(normalizedAnswer: string, stored: AnswerHash | null): Promise<boolean>;
  /** Whether a record that just verified was made with older parameters than `hash` uses now (DESIGN §5 rehash). */
  needsRehash(stored: AnswerHash): boolean;
}

/**
 * Where request functions hand messages over; they never send mail or SMS themselves. The outbox seals the params of
 * templates that carry a secret before anything is written (functions/adapters/storeOutbox.ts).
 */
export interface Outbox {
  enqueue(message: OutboxMessage): Promise<void>;
}

export interface OutboxMessage {
  channel: OutboxChannel;
  to: string;
  template: string;
  /** In clear here, in memory only: sealed by the outbox when the template carries a secret. */
  params: Record<string, string>;
  language: Language;
}

/**
 * The notifier's private key, as a port (functions/adapters/sealing.ts sealedParamsOpener): opens an item's sealed
 * params. Resolves to null when the seal does not open for this item (tampered, moved from another item, sealed to
 * another key); rejects only when the key itself cannot be had, which is not the item's fault.
 */
export type OpenSealedParams = (sealed: SealedParams, itemId: string) => Promise<Record<string, string> | null>;

/** A rendered message, ready for a transport. */
export interface RenderedMessage {
  channel: OutboxChannel;
  to: string;
  subject?: string;
  body: string;
}

/** Sends one rendered message (SES, SNS to a phone or to the alarm topic, or the local outbox file). */
export interface MessageTransport {
  /** `item` is the item as delivered: its params opened (in memory only), without `sealed`. */
  send(message: RenderedMessage, item: OutboxItem): Promise<void>;
}
