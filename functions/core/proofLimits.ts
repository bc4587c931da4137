/**
 * The limits a password proof is admitted into (DESIGN §4 Password proofs (1), Rate limits): the request counts per
 * address and per name, and its failed-proof slots are reserved before any directory call and given back once the
 * password is proven, so parallel guesses never exceed a limit.
 */
import type { Config } from './config.js';
import { SsprError } from './errors.js';
import {
  addressLimit,
  failedPasswordLimitForAddress,
  failedPasswordLimitForUser,
  failedPasswordNameAtAddress,
  giveBackAll,
  type Limit,
  type LimitedAction,
  userLimit,
} from './limits.js';
import type { Store } from './store.js';

export interface ProofAdmission {
  /** The request's own count per name: moves when the name resolves to another key. */
  nameRequest: Limit;
  /** The failed-proof slots this proof holds: given back when the password is proven, kept when it is not. */
  slots: Limit[];
}

/**
 * Admits one proof of `nameKey` from `address`, every limit side by side in one round. The address counts the names
 * that failed from it, not the failures: a name's first failure in the window takes a place there (the latch says
 * whether it is the first), a name already counted takes none, so one name's failures never refuse the others at an
 * office's address while a spray of new names is refused. Refused: what was admitted goes back, RATE_LIMITED.
 */
export async function admitProof(
  store: Store,
  action: Extract<LimitedAction, 'enroll' | 'change'>,
  nameKey: string,
  address: string,
  config: Config,
  now: number,
): Promise<ProofAdmission> {
  const nameRequest = userLimit(action, nameKey, config);
  const counted = [
    addressLimit(action, address, config),
    nameRequest,
    failedPasswordLimitForUser(nameKey, config),
  ] as const;
  const latch = failedPasswordNameAtAddress(address, nameKey, config);
  const names = failedPasswordLimitForAddress(address, config);
  const all = [...counted, latch, names];
  const admissions = await Promise.all(all.map((limit) => store.admit(limit.counter, limit.window, now)));
  const admitted = (limit: Limit) => admissions[all.indexOf(limit)]?.admitted === true;

  const newName = admitted(latch);
  const refused = all.find((limit) => !admitted(limit) && limit !== latch && (limit !== names || newName));
  if (refused) {
    await giveBackAll(store, all.filter(admitted), now);
    const admission = admissions[all.indexOf(refused)];
    throw new SsprError('RATE_LIMITED', {
      retryAfterSeconds: admission && !admission.admitted ? admission.retryAfterSeconds : 1,
    });
  }
  // A name already counted at this address takes no second place there.
  if (!newName && admitted(names)) await giveBackAll(store, [names], now);
  return { nameRequest, slots: [counted[2], ...(newName ? [latch, names] : [])] };
}
