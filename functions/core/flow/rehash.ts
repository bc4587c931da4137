/**
 * DESIGN §5: an answer hash names its parameters so they can be raised later; an answer hashed with older ones (a lower
 * cost, an older normalization) is hashed again with the current ones after it was answered right, the only time the
 * answer itself is at hand.
 */

import type { RequestPorts } from '../requestPorts.js';
import type { AnswerHash, Flow } from '../store.js';

/**
 * Re-hashes the answer just verified against `stored` when the hasher says it is outdated, and replaces it in the
 * enrollment with one conditional write that leaves a re-enrollment made in between alone. A best effort: whatever
 * fails is logged (no answer, no hash) and never fails the answer.
 */
export async function rehashIfOutdated(
  ports: RequestPorts,
  flow: Flow,
  questionId: string,
  normalizedAnswer: string,
  stored: AnswerHash,
): Promise<void> {
  if (flow.objectGuid === null || !ports.hasher.needsRehash(stored)) return;
  try {
    const next = await ports.hasher.hash(normalizedAnswer);
    const replaced = await ports.store.replaceAnswerHash(flow.objectGuid, questionId, stored, next);
    ports.logger.info(replaced ? 'answer hash raised to the current parameters' : 'answer hash left: re-enrolled', {
      event: 'answer-rehash',
      outcome: replaced ? 'replaced' : 'enrollment-changed',
      subject: flow.subject,
    });
  } catch (error) {
    ports.logger.warn('answer hash could not be raised to the current parameters', {
      event: 'answer-rehash',
      outcome: 'failed',
      subject: flow.subject,
      errorName: error instanceof Error ? error.name : typeof error,
    });
  }
}
