/**
 * Which questions enrolled users choose, as the weights of decoy questions (decoys.ts): a name that is not enrolled
 * gets questions drawn as real users draw theirs, so no single set of questions gives a decoy away.
 *
 * The tally is read at most once per CACHE_MS per store (one read on whichever start comes first, real or decoy: it
 * tells nothing about the name). Weights are the tally's shares rounded to LEVELS steps per average share, plus one
 * for every question, so a decoy's set only changes when a question's popularity moves by a whole step: a name asked
 * about again months later mostly sees the same questions, as a real user would.
 */
import type { Store } from './store.js';

const CACHE_MS = 15 * 60_000;
const LEVELS = 4;

const cache = new WeakMap<Store, { at: number; weights: Promise<Map<string, number>> }>();

/** Weights by question id for `catalog`, from the store's tally (kept for CACHE_MS). */
export function decoyWeights(store: Store, catalog: readonly string[], now: number): Promise<Map<string, number>> {
  const kept = cache.get(store);
  if (kept && now - kept.at < CACHE_MS) return kept.weights;
  const weights = store.questionChoiceTally().then((tally) => weightsFrom(tally, catalog));
  cache.set(store, { at: now, weights });
  // A failed read is not kept: the next start reads again.
  weights.catch(() => cache.delete(store));
  return weights;
}

/** The tally as weights: each question's share in steps of 1/(LEVELS × catalog size), never below 1. */
export function weightsFrom(tally: Readonly<Record<string, number>>, catalog: readonly string[]): Map<string, number> {
  const counts = catalog.map((id) => Math.max(0, tally[id] ?? 0) + 1);
  const total = counts.reduce((sum, n) => sum + n, 0);
  return new Map(
    catalog.map((id, i) => [id, Math.max(1, Math.round(((counts[i] ?? 1) / total) * catalog.length * LEVELS))]),
  );
}
