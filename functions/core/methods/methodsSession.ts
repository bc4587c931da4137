/**
 * The methods session (issue 16, POST /api/methods/session): "your recovery methods" starts with the same password
 * proof as enroll (core/passwordProof.ts: its limits, bind lease and lockout guard, and its refusals). A proven,
 * eligible user gets a token that lets them add and remove methods for reset.flowMinutes; the token is stored only as
 * its hash (core/tokens.ts), in a record with the objectGuid, the language, the authenticator seed begun and not yet
 * confirmed (sealed) and the wrong codes so far. Every step with the token reads the account again.
 */
import type { DirectoryAccount } from '../directory.js';
import { checkEligibility, isHiddenAccount } from '../eligibility.js';
import { SsprError, validationError } from '../errors.js';
import { eligibilityGroups } from '../groups.js';
import { addressLimit, admitAll, userLimit } from '../limits.js';
import { notify } from '../notices.js';
import type { NoticeMethod } from '../notifications.js';
import { provePassword } from '../passwordProof.js';
import { offeredMethods, RECOVERY_METHODS, type RecoveryMethod } from '../recovery/policy.js';
import { policyAlternatives } from '../recovery/presets.js';
import { refusalWhileReported } from '../repudiation.js';
import { auditor, type RequestSource } from '../request.js';
import type { RequestPorts } from '../requestPorts.js';
import type { Enrollment, MethodsSession } from '../store.js';
import { hashToken, newToken, tokenHashOf } from '../tokens.js';
import { reduceUsername, usernameProblem } from '../username.js';
import { canRecover } from './recoverability.js';

/** What the account holds and what the policy offers (no secret of any method). */
export interface MethodsSummary {
  /** The methods of the recovery policy in force, in RECOVERY_METHODS order. */
  offered: RecoveryMethod[];
  questions: { enrolled: boolean };
  authenticator: { enrolled: boolean; addedAt?: string };
  recoveryCodes: { remaining: number; issuedAt?: string };
  /** The account's passkeys by id and name (never a key). */
  passkeys: { id: string; name: string; addedAt: string; lastUsedAt?: string }[];
  /**
   * Whether the account can complete some alternative of the policy with what it holds now (core/methods/
   * recoverability.ts): false means no reset or unlock can pass for it, so the page warns.
   */
  canRecover: boolean;
}

export interface MethodsSessionResult {
  methodsToken: string;
  expiresInSeconds: number;
  methods: MethodsSummary;
}

/** The methods the deployment's recovery policy uses at all (core/recovery). */
export function offeredByPolicy(config: RequestPorts['config']): RecoveryMethod[] {
  const offered = offeredMethods(policyAlternatives(config));
  return RECOVERY_METHODS.filter((method) => offered.has(method));
}

/** Refuses, before anything is counted, a method the policy does not offer: VALIDATION naming the whole body. */
export function requireOffered(config: RequestPorts['config'], method: RecoveryMethod): void {
  if (!offeredByPolicy(config).includes(method)) {
    throw validationError({ body: { message: 'method.notOffered', params: { method } } });
  }
}

export function methodsSummary(
  config: RequestPorts['config'],
  account: DirectoryAccount,
  enrollment: Enrollment | null,
): MethodsSummary {
  const authenticator = enrollment?.authenticator ?? null;
  const codes = enrollment?.recoveryCodes ?? null;
  return {
    offered: offeredByPolicy(config),
    questions: { enrolled: (enrollment?.answers.length ?? 0) > 0 },
    authenticator: authenticator
      ? { enrolled: true, addedAt: new Date(authenticator.addedAt).toISOString() }
      : { enrolled: false },
    recoveryCodes: codes
      ? { remaining: codes.hashes.length, issuedAt: new Date(codes.createdAt).toISOString() }
      : { remaining: 0 },
    passkeys: (enrollment?.passkeys ?? []).map((p) => ({
      id: p.id,
      name: p.name,
      addedAt: new Date(p.addedAt).toISOString(),
      ...(p.lastUsedAt === null ? {} : { lastUsedAt: new Date(p.lastUsedAt).toISOString() }),
    })),
    canRecover: canRecover(account, enrollment, config),
  };
}

export async function startMethodsSession(
  input: { username: string; password: string },
  source: RequestSource,
  ports: RequestPorts,
): Promise<MethodsSessionResult> {
  const { config, store, clock } = ports;
  const typed = reduceUsername(input.username, config.domain);
  if (!typed.ok || input.password.length === 0) {
    throw validationError({
      ...(typed.ok ? {} : { username: usernameProblem(config.domain) }),
      ...(input.password.length === 0 ? { password: { message: 'password.required' } } : {}),
    });
  }
  // Named by provePassword before it can refuse anything (as enroll does).
  let subject: string | null = null;
  const record = auditor(ports, source);
  const audit = async (outcome: string, reason?: string) => {
    if (subject !== null) await record(subject, 'methods-session', outcome, reason);
  };
  try {
    const proven = await provePassword(
      {
        action: 'enroll',
        purpose: 'enroll',
        typed,
        password: input.password,
        // A read beside the bind: nothing of it is told unless the password is proven.
        beside: (account) => store.getEnrollment(account.objectGuid),
      },
      source,
      ports,
      (resolved) => {
        subject = resolved;
      },
    );
    try {
      const [enrollment, , reported] = await Promise.all([
        proven.beside,
        proven.slotsGivenBack,
        refusalWhileReported(ports, proven.account),
      ]);
      if (reported) throw reported;
      const now = clock.now();
      const token = newToken();
      const session: MethodsSession = {
        tokenHash: hashToken(token),
        objectGuid: proven.account.objectGuid,
        subject: proven.account.sAMAccountName.toLowerCase(),
        language: source.language,
        pendingAuthenticator: null,
        wrongTries: 0,
        expiresAt: now + config.reset.flowMinutes * 60_000,
        version: 1,
      };
      await store.createMethodsSession(session);
      await audit('success');
      return {
        methodsToken: token,
        expiresInSeconds: config.reset.flowMinutes * 60,
        methods: methodsSummary(config, proven.account, enrollment ?? null),
      };
    } finally {
      await proven.session.close();
    }
  } catch (error) {
    if (error instanceof SsprError) await audit(error.code, error.details.reason);
    throw error;
  }
}

/** A live methods session with the account it speaks for, read again now. */
export interface OpenedSession {
  tokenHash: string;
  session: MethodsSession;
  account: DirectoryAccount;
  now: number;
}

/**
 * The session of a token, for a step: the token's shape (VALIDATION naming `methodsToken`), the per-address limit,
 * the session (410 when unknown, expired or ended by wrong codes), the per-user limit, and the account read again by
 * its objectGUID (410 when it is gone, NOT_ELIGIBLE with the reason when it can no longer use self-service).
 */
export async function openMethodsSession(
  token: string,
  source: RequestSource,
  ports: RequestPorts,
): Promise<OpenedSession> {
  const { store, clock, config } = ports;
  const tokenHash = tokenHashOf(token, 'methodsToken');
  const now = clock.now();
  await admitAll(store, [addressLimit('methods', source.address, config)], now);
  const session = await store.getMethodsSession(tokenHash, now);
  if (!session || session.wrongTries >= config.codes.maxTries) throw new SsprError('FLOW_EXPIRED');
  await admitAll(store, [userLimit('methods', session.subject, config)], now);

  const directory = await ports.directory.openSession();
  try {
    const found = await directory.findAccount({ by: 'objectGuid', value: session.objectGuid });
    if (!found || isHiddenAccount(found, ports.directory.serviceAccountDn)) throw new SsprError('FLOW_EXPIRED');
    const groups = await eligibilityGroups(ports.directory, config.eligibility, {
      nowMs: now,
      logger: ports.logger,
      session: directory,
    });
    const eligibility = checkEligibility('enroll', found, { nowMs: now, groups });
    if (!eligibility.eligible) throw new SsprError('NOT_ELIGIBLE', { reason: eligibility.reason });
    return { tokenHash, session, account: found, now };
  } finally {
    await directory.close();
  }
}

/**
 * The account's enrollment, created empty (no answers, no contacts, the request's language) when it has none, as
 * under a policy without questions: with one conditional write that never overwrites an enrollment a concurrent enroll
 * wrote (then that one is used).
 */
export async function enrollmentFor(
  account: DirectoryAccount,
  source: RequestSource,
  ports: Pick<RequestPorts, 'store'>,
  now: number,
): Promise<Enrollment> {
  const { store } = ports;
  const existing = await store.getEnrollment(account.objectGuid);
  if (existing) return existing;
  const empty: Enrollment = {
    objectGuid: account.objectGuid,
    sAMAccountName: account.sAMAccountName,
    answers: [],
    contacts: [],
    language: source.language,
    enrolledAt: now,
    updatedAt: now,
    authenticator: null,
    recoveryCodes: null,
  };
  if (await store.createEnrollment(empty)) return empty;
  const concurrent = await store.getEnrollment(account.objectGuid);
  // Created and removed again in between: a race for the caller to report, not to guess about.
  if (!concurrent) throw new SsprError('WRONG_STEP');
  return concurrent;
}

const AUDIT_EVENT: Record<NoticeMethod, string> = {
  authenticator: 'authenticator',
  recoveryCodes: 'recovery-codes',
  passkey: 'passkey',
};

/**
 * An added or removed method: one audit event, and a notice to every address on file (e-mail and SMS, notices.ts) in
 * the enrollment's language. The notice names the method only, never anything of it.
 */
export async function tellMethodChange(
  ports: RequestPorts,
  opened: OpenedSession,
  source: RequestSource,
  change: 'added' | 'removed',
  method: NoticeMethod,
): Promise<void> {
  const enrollment = await ports.store.getEnrollment(opened.account.objectGuid);
  await Promise.all([
    auditor(ports, source)(opened.session.subject, AUDIT_EVENT[method], change),
    notify(ports, opened.account, enrollment, source, change === 'added' ? 'method-added' : 'method-removed', {
      method,
    }),
  ]);
}
