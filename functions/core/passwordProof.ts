/**
 * Password proofs for enroll and change (DESIGN §4): they never lock anyone out of Windows and never tell whether a
 * name exists. In this order: (1) failed proofs per name and per address, reserved before any directory call, beside
 * the name's bind lease (lockoutGuard.ts: one password bind per account in flight); (2) a locked account answered like
 * a wrong password, without a bind; (3) no bind when the DC's count, read as AD reads it, leaves no room for a wrong
 * one; (4) a bind as the user on a connection of its own. Every path that does not bind the account binds a name
 * that does not exist instead, so unknown, locked, guarded and wrong cost the same directory work. The account's state
 * is told only once the password is proven.
 */
import { randomUUID } from 'node:crypto';
import type { BadPasswords, DirectoryAccount, DirectoryPolicy, DirectorySession } from './directory.js';
import {
  checkEligibility,
  isHiddenAccount,
  isLockedOut,
  type Purpose,
  purposeAllows,
  reasonForBindFailure,
} from './eligibility.js';
import { SsprError } from './errors.js';
import { eligibilityGroups } from './groups.js';
import {
  admitAll,
  failedPasswordLimitForUser,
  giveBackAll,
  type Limit,
  type LimitedAction,
  userLimit,
} from './limits.js';
import { badPasswordsNow, bindLeaseMs, bindLeaseName, mayBind } from './lockoutGuard.js';
import { admitProof } from './proofLimits.js';
import type { RequestSource } from './request.js';
import type { RequestPorts } from './requestPorts.js';
import type { Store } from './store.js';
import { accountSubject, nameKey, unresolvedSubject } from './subjects.js';
import type { ReducedUsername } from './username.js';

export interface ProofRequest<Beside = undefined> {
  action: Extract<LimitedAction, 'enroll' | 'change'>;
  /** Which account states may go on after the proof (enroll refuses all; change allows must-change and expired). */
  purpose: Purpose;
  typed: Extract<ReducedUsername, { ok: true }>;
  password: string;
  /**
   * Work the caller needs once the password is proven, started beside the bind of an account that passed every check
   * before it (a read: it decides nothing, and nothing of it is told unless the proof succeeds). A failed proof waits
   * for it, so nothing runs on after the request.
   */
  beside?: (account: DirectoryAccount) => Promise<Beside>;
}

/** The proven, eligible account and the session pinned to the DC that proved it; the caller closes the session. */
export interface Proven<Beside = undefined> {
  account: DirectoryAccount;
  session: DirectorySession;
  /** The account's own password policy (PSO or domain), read for the lockout check: a change applies it too. */
  policy: DirectoryPolicy;
  /**
   * The failed-proof slots going back and the bind lease ending; the caller awaits it before the request's outcome is
   * final. It never rejects: a slot that could not go back is logged and stays taken until its window ends, a lease
   * that could not end runs out (the safe side both).
   */
  slotsGivenBack: Promise<void>;
  /** ProofRequest.beside's result (undefined without it). */
  beside: Promise<Beside | undefined>;
}

export async function provePassword<Beside = undefined>(
  request: ProofRequest<Beside>,
  source: RequestSource,
  ports: Pick<RequestPorts, 'directory' | 'store' | 'clock' | 'config' | 'logger' | 'secrets'>,
  onResolved: (subject: string) => void,
): Promise<Proven<Beside>> {
  const { config, store, clock } = ports;
  const { typed } = request;
  const now = clock.now();
  const decoyKey = await ports.secrets.decoyKey();
  const typedKey = nameKey(decoyKey, typed.name);
  // Until the directory says otherwise the name is one that resolves to nothing: a refusal before the lookup is
  // audited under its keyed hash, never under what was typed.
  onResolved(unresolvedSubject(decoyKey, typed.name));

  // The limits and the name's bind lease side by side: the lease is held before the account is read, so the
  // badPwdCount that read returns is the one the bind will add to (no other proof of this name binds meanwhile).
  const leases = new BindLeases(store, `${source.requestId}:${randomUUID()}`, now + bindLeaseMs(config), now);
  const [admission, typedLease] = await Promise.allSettled([
    admitProof(store, request.action, typedKey, source.address, config, now),
    leases.take(typedKey),
  ]);
  if (admission.status === 'rejected' || typedLease.status === 'rejected') {
    await leases.endAll();
    if (admission.status === 'fulfilled') await giveBackAll(store, admission.value.slots, now);
    throw admission.status === 'rejected' ? admission.reason : (typedLease as PromiseRejectedResult).reason;
  }
  const proofSlots = admission.value.slots;
  let leased = typedLease.value;

  const session = await ports.directory.openSession({ verifiesPassword: true }).catch(async (error: unknown) => {
    await leases.endAll();
    throw error;
  });
  let beside: Promise<Beside | undefined> = Promise.resolve(undefined);
  try {
    const found = await session.findAccount(typed.lookup);
    const account = found && !isHiddenAccount(found, ports.directory.serviceAccountDn) ? found : null;
    const subject = account ? accountSubject(account) : unresolvedSubject(decoyKey, typed.name);
    onResolved(subject);
    // The badPwdCount to judge: the lookup's, read under the lease, unless the name moved to another lease below.
    let badPasswords: Promise<BadPasswords | null> = Promise.resolve(account);
    const accountKey = account ? nameKey(decoyKey, account.sAMAccountName) : typedKey;
    if (accountKey !== typedKey && account) {
      // A UPN whose prefix is not the sAMAccountName: the counts and the lease are the account's, under its own
      // name's key. The typed key's request count goes back; refused there, the failed-proof slots go back too:
      // nothing was tried. The count is read again once the account's lease is held.
      const resolvedLimits = [
        userLimit(request.action, accountKey, config),
        failedPasswordLimitForUser(accountKey, config),
      ];
      // Settled together, so a refusal is thrown only once the account's lease is known (and ended with the rest).
      const moved = await Promise.allSettled([
        giveBackAll(store, [admission.value.nameRequest], now),
        admitAll(store, resolvedLimits, now).catch(async (error: unknown) => {
          await giveBackAll(store, proofSlots, now);
          throw error;
        }),
        leases.take(accountKey),
      ]);
      const refused = moved.find((outcome) => outcome.status === 'rejected');
      if (refused) throw refused.reason;
      proofSlots.push(resolvedLimits[1] as Limit);
      leased = leased && (moved[2] as PromiseFulfilledResult<boolean>).value;
      badPasswords = session.readBadPasswords(account);
    }

    // The eligibility groups are resolved before the bind (mostly from a cache), on every path, so a configuration
    // error refuses before anything is proven or given back.
    const [policy, counted, groups] = await Promise.all([
      account ? session.effectivePolicy(account) : session.domainPolicy(),
      badPasswords,
      eligibilityGroups(ports.directory, config.eligibility, { nowMs: now, logger: ports.logger, session }),
    ]);
    // A locked account is answered like a wrong password, without a bind that would tell AD about it; so is one whose
    // count leaves no room for a wrong guess, and a name whose lease another proof holds.
    const binds =
      account !== null &&
      leased &&
      !isLockedOut(account) &&
      counted !== null &&
      mayBind(badPasswordsNow(counted, policy, now), policy);
    if (!account || !binds) {
      await session.bindNobody(request.password);
      throw new SsprError('BAD_CREDENTIALS');
    }

    if (request.beside) {
      beside = request.beside(account);
      // Handled at once: a rejection during the bind is the caller's to see, not an unhandled one.
      beside.catch(() => undefined);
    }
    const bind = await session.verifyPassword(account, request.password);
    const bindReason = bind.ok ? null : reasonForBindFailure(bind.subCode);
    if (bindReason === 'BAD_CREDENTIALS' || bindReason === 'LOCKED') throw new SsprError('BAD_CREDENTIALS');

    // The password is proven: from here on the account's state may be told, and the guess was not a failure. The
    // slots go back and the lease ends while the caller goes on (enroll hashes its answers meanwhile); a refusal here
    // waits for them.
    const slotsGivenBack = Promise.all([
      giveBackAll(store, proofSlots, now).catch((error: unknown) => {
        ports.logger.warn('failed-proof slots not given back', {
          event: request.action,
          subject,
          errorName: (error as Error).name,
        });
      }),
      leases.endAll(),
    ]).then(() => undefined);
    const eligibility = checkEligibility(request.purpose, account, { nowMs: now, groups });
    // A bind refused for a state the purpose allows (773 must-change, 532 expired, for a change) still proved it.
    const refusedReason = !eligibility.eligible
      ? eligibility.reason
      : bindReason && !purposeAllows(request.purpose, bindReason)
        ? bindReason
        : null;
    if (refusedReason !== null) {
      await slotsGivenBack;
      throw new SsprError('NOT_ELIGIBLE', { reason: refusedReason });
    }
    return { account, session, policy, slotsGivenBack, beside };
  } catch (error) {
    await Promise.all([session.close(), beside.catch(() => undefined), leases.endAll()]);
    throw error;
  }
}

/**
 * The bind leases one proof holds (one, or two when a UPN resolves to another name): each taken with one conditional
 * write, all ended together. Ending never fails the request: a lease that could not end runs out on its own.
 */
class BindLeases {
  private readonly taken: string[] = [];

  constructor(
    private readonly store: Store,
    private readonly holder: string,
    private readonly until: number,
    private readonly now: number,
  ) {}

  async take(key: string): Promise<boolean> {
    const name = bindLeaseName(key);
    const taken = await this.store.takeLease(name, this.holder, this.until, this.now);
    if (taken) this.taken.push(name);
    return taken;
  }

  async endAll(): Promise<void> {
    const names = this.taken.splice(0);
    await Promise.all(names.map((name) => this.store.releaseLease(name, this.holder).catch(() => undefined)));
  }
}
