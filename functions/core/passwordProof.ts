/**
 * Password proofs for enroll and change (DESIGN §4): they never lock anyone out of Windows and never tell whether a
 * name exists. In this order: (1) failed proofs per name and per address, reserved before any directory call;
 * (2) a locked account answered like a wrong password, without a bind; (3) no bind when the DC already counts
 * threshold − 2 bad passwords; (4) a bind as the user on a connection of its own. The account's state is told only
 * once the password is proven.
 */
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Directory, DirectoryAccount, DirectoryPolicy, DirectorySession } from './directory.js';
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
  addressLimit,
  admitAll,
  admitTogether,
  failedPasswordLimitForAddress,
  failedPasswordLimitForUser,
  giveBackAll,
  type Limit,
  type LimitedAction,
  userLimit,
} from './limits.js';
import type { Logger } from './log.js';
import type { RequestSource } from './request.js';
import type { Store } from './store.js';
import type { ReducedUsername } from './username.js';

export interface ProofPorts {
  directory: Directory;
  store: Store;
  clock: Clock;
  config: Config;
  logger: Logger;
}

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
   * The failed-proof slots going back; the caller awaits it before the request's outcome is final. It never rejects:
   * a slot that could not go back is logged and stays taken until its window ends (the safe side).
   */
  slotsGivenBack: Promise<void>;
  /** ProofRequest.beside's result (undefined without it). */
  beside: Promise<Beside | undefined>;
}

export async function provePassword<Beside = undefined>(
  request: ProofRequest<Beside>,
  source: RequestSource,
  ports: ProofPorts,
  onResolved: (subject: string) => void,
): Promise<Proven<Beside>> {
  const { config, store, clock } = ports;
  const { typed } = request;
  const now = clock.now();

  // The failed-proof slots are reserved before the bind and given back once the password is proven, so parallel
  // guesses never exceed the limit; the request itself counts per address and per user. All four are taken side by
  // side, the per-user ones on the name as typed: for the usual forms (alice, CORP\alice) that is the account's own
  // name, and a form that resolves to another name moves its counts there once the account is found.
  const proofLimits: Limit[] = [
    failedPasswordLimitForUser(typed.limiterKey, config),
    failedPasswordLimitForAddress(source.address, config),
  ];
  const typedUserLimit = userLimit(request.action, typed.limiterKey, config);
  await admitTogether(
    store,
    [addressLimit(request.action, source.address, config), typedUserLimit, ...proofLimits],
    now,
  );

  const session = await ports.directory.openSession({ verifiesPassword: true });
  let beside: Promise<Beside | undefined> = Promise.resolve(undefined);
  try {
    const found = await session.findAccount(typed.lookup);
    const account = found && !isHiddenAccount(found, ports.directory.serviceAccountDn) ? found : null;
    const subject = account ? account.sAMAccountName.toLowerCase() : typed.limiterKey;
    onResolved(subject);
    if (subject !== typed.limiterKey) {
      // Requests per user count on the resolved name, so every form of one account's name shares one bucket; the
      // typed form's counts go back. Refused there, the failed-proof slots go back too: nothing was tried.
      const resolvedLimits = [userLimit(request.action, subject, config), failedPasswordLimitForUser(subject, config)];
      await Promise.all([
        giveBackAll(store, [typedUserLimit], now),
        admitAll(store, resolvedLimits, now).catch(async (error: unknown) => {
          await giveBackAll(store, proofLimits, now);
          throw error;
        }),
      ]);
      proofLimits.push(resolvedLimits[1] as Limit);
    }
    if (!account) throw new SsprError('BAD_CREDENTIALS');

    // A locked account is answered like a wrong password, without a bind that would tell AD about it.
    if (isLockedOut(account)) throw new SsprError('BAD_CREDENTIALS');

    const policy = await session.effectivePolicy(account);
    if (policy.lockoutThreshold > 0 && account.badPwdCount >= policy.lockoutThreshold - 2) {
      throw new SsprError('RATE_LIMITED', {
        retryAfterSeconds: policy.lockoutObservationSeconds || config.rateLimits.failedPasswordsPerUser.windowSeconds,
      });
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
    // slots go back while the caller goes on (enroll hashes its answers meanwhile); a refusal here waits for them.
    const slotsGivenBack = giveBackAll(store, proofLimits, now).catch((error: unknown) => {
      ports.logger.warn('failed-proof slots not given back', {
        event: request.action,
        subject,
        errorName: (error as Error).name,
      });
    });
    const eligibility = checkEligibility(request.purpose, account, {
      nowMs: now,
      groups: await eligibilityGroups(ports.directory, config.eligibility, {
        nowMs: now,
        logger: ports.logger,
        session,
      }),
    });
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
    await Promise.all([session.close(), beside.catch(() => undefined)]);
    throw error;
  }
}
