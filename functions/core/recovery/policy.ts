/**
 * The recovery policy (docs/recovery.md): which methods prove who a user is in a reset or an unlock, and which
 * combinations of them pass. A policy is a list of alternatives; an alternative is a set of methods, asked in the order
 * it lists them. A flow passes once every method of one alternative the user can complete has passed.
 *
 * The seeds' "a code when the user has a channel" is an alternative that applies only to a user without some methods
 * (`onlyWithout`): `{ methods: ['questions'], onlyWithout: ['email', 'sms'] }` lets questions alone pass only for a user
 * with no channel, so a user with one is always asked for the code too.
 */

export const RECOVERY_METHODS = ['questions', 'email', 'sms', 'authenticator', 'passkey', 'recoveryCode'] as const;
export type RecoveryMethod = (typeof RECOVERY_METHODS)[number];

/** Methods that prove possession of something only the user holds, not a secret they remember or a mailbox. */
export const STRONG_METHODS: readonly RecoveryMethod[] = ['passkey', 'authenticator', 'recoveryCode'];

/** Methods sent as a code to a contact on file. */
export const CODE_METHODS: readonly RecoveryMethod[] = ['email', 'sms'];

export interface Alternative {
  /** Every one must pass, asked in this order. */
  methods: RecoveryMethod[];
  /** The alternative applies only to a user who has none of these. */
  onlyWithout: RecoveryMethod[];
}

/** The methods a policy can use at all: the ones offered at enrollment. */
export function offeredMethods(alternatives: readonly Alternative[]): Set<RecoveryMethod> {
  return new Set(alternatives.flatMap((a) => a.methods));
}

/** The alternatives a user can complete with the methods they hold. */
export function applicableAlternatives(
  alternatives: readonly Alternative[],
  held: ReadonlySet<RecoveryMethod>,
): Alternative[] {
  return alternatives.filter((a) => a.methods.every((m) => held.has(m)) && !a.onlyWithout.some((m) => held.has(m)));
}

/**
 * The methods that may come next, given those passed so far (in the order they passed): of every applicable
 * alternative whose first methods are exactly the passed ones, its next method. Empty once the flow passed or when no
 * alternative fits what passed.
 */
export function nextMethods(applicable: readonly Alternative[], passed: readonly RecoveryMethod[]): RecoveryMethod[] {
  if (isSatisfied(applicable, passed)) return [];
  const done = new Set(passed);
  const next = new Set<RecoveryMethod>();
  for (const a of applicable) {
    const prefix = a.methods.slice(0, passed.length);
    if (prefix.length !== done.size || !prefix.every((m) => done.has(m))) continue;
    const method = a.methods[passed.length];
    if (method) next.add(method);
  }
  return RECOVERY_METHODS.filter((m) => next.has(m));
}

/** Whether every method of one applicable alternative passed. */
export function isSatisfied(applicable: readonly Alternative[], passed: readonly RecoveryMethod[]): boolean {
  const done = new Set(passed);
  return applicable.some((a) => a.methods.every((m) => done.has(m)));
}

/**
 * The right answers the question step needs: `withoutOther` (reset.correctAnswersRequiredWithoutCode) when questions
 * alone can pass for this user, else `withOther` (reset.correctAnswersRequired). A policy that lets questions pass
 * alone and with another method asks for the stronger rule.
 */
export function correctAnswersNeeded(
  applicable: readonly Alternative[],
  rules: { withOther: number; withoutOther: number },
): number {
  const alone = applicable.some((a) => a.methods.length === 1 && a.methods[0] === 'questions');
  return alone ? Math.max(rules.withOther, rules.withoutOther) : rules.withOther;
}

/** Problems of a custom policy, by path under `recovery.alternatives` (listed at start with the rest of the config). */
export function alternativeProblems(
  alternatives: readonly Alternative[],
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  alternatives.forEach((a, i) => {
    if (a.methods.length === 0) problems.push({ path: [i, 'methods'], message: 'must name at least one method' });
    if (new Set(a.methods).size !== a.methods.length) {
      problems.push({ path: [i, 'methods'], message: 'must not name a method twice' });
    }
    const overlap = a.onlyWithout.filter((m) => a.methods.includes(m));
    if (overlap.length > 0) {
      problems.push({
        path: [i, 'onlyWithout'],
        message: `must not name a method the alternative uses (${overlap.join(', ')}): it could never apply`,
      });
    }
  });
  if (alternatives.length === 0) problems.push({ path: [], message: 'must list at least one alternative' });
  return problems;
}
