/**
 * Questions for flows that will never pass (DESIGN §4 Enumeration protection): a name that is not enrolled gets the
 * same questions on every start, chosen with the decoy key (never the pepper), as a real user would.
 */
import { createHmac, randomInt } from 'node:crypto';

/** `count` distinct ids of `catalog`, the same for the same key and name. */
export function decoyQuestionIds(
  decoyKey: Buffer,
  subject: string,
  catalog: readonly string[],
  count: number,
): string[] {
  const ranked = catalog
    .map((id) => ({ id, rank: createHmac('sha256', decoyKey).update(`decoy:${subject}:${id}`, 'utf8').digest('hex') }))
    .sort((a, b) => (a.rank < b.rank ? -1 : 1));
  return ranked.slice(0, count).map((entry) => entry.id);
}

/** A uniformly random order (Fisher–Yates with a CSPRNG): the order must not hint at anything. */
export function shuffled<T>(items: readonly T[]): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

/** A stable stand-in objectGUID for a name that does not resolve, so the store is asked the same question. */
export function decoyObjectGuid(decoyKey: Buffer, subject: string): string {
  const hex = createHmac('sha256', decoyKey).update(`guid:${subject}`, 'utf8').digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
