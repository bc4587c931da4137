/**
 * Questions for flows that will never pass (DESIGN §4 Enumeration protection): a name that is not enrolled gets the
 * same questions on every start, chosen with the decoy key (never the pepper), as a real user would.
 */
import { createHmac, randomInt } from 'node:crypto';

/**
 * `count` distinct ids of `catalog`, the same for the same key, name and weights, drawn in proportion to `weights`
 * (how often enrolled users chose each question; questionPopularity.ts), so a decoy's questions look like a real
 * user's choice rather than a uniform draw. A weighted draw without replacement (Efraimidis–Spirakis): each id's
 * uniform number comes from an HMAC of the name, its rank is u^(1/weight), the highest ranks win. An id without a
 * weight weighs 1.
 */
export function decoyQuestionIds(
  decoyKey: Buffer,
  subject: string,
  catalog: readonly string[],
  count: number,
  weights: ReadonlyMap<string, number> = new Map(),
): string[] {
  const ranked = catalog
    .map((id) => {
      const digest = createHmac('sha256', decoyKey).update(`decoy:${subject}:${id}`, 'utf8').digest();
      // 48 bits of the digest as a number strictly between 0 and 1.
      const u = (digest.readUIntBE(0, 6) + 1) / (2 ** 48 + 2);
      const weight = Math.max(weights.get(id) ?? 1, Number.MIN_VALUE);
      // log(u^(1/w)) = log(u)/w: the same order as u^(1/w), without underflow for small weights.
      return { id, rank: Math.log(u) / weight };
    })
    .sort((a, b) => b.rank - a.rank);
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
