import { decoyObjectGuid, decoyQuestionIds, shuffled } from '../decoys.js';
import type { DirectoryAccount } from '../directory.js';
import { checkEligibility, type EligibilityGroups, isHiddenAccount } from '../eligibility.js';
import { type IneligibilityReason, SsprError, validationError } from '../errors.js';
import { eligibilityGroups } from '../groups.js';
import { addressLimit, admitAll, type Limit, userLimit } from '../limits.js';
import { decoyWeights } from '../questionPopularity.js';
import { QUESTION_CATALOG } from '../questions.js';
import type { Alternative } from '../recovery/policy.js';
import { auditor, type RequestSource } from '../request.js';
import type { RequestPorts } from '../requestPorts.js';
import type { Enrollment, Flow, FlowPurpose } from '../store.js';
import { accountSubject, nameKey, unresolvedSubject } from '../subjects.js';
import { hashToken, newToken } from '../tokens.js';
import { reduceUsername, usernameProblem } from '../username.js';
import type { Challenge } from './challenge.js';
import { codeChannels } from './channels.js';
import { sealFlowName } from './flowName.js';
import { showChallenge } from './passkeyStep.js';
import { correctRequiredFor, decoyAlternatives, flowAlternatives, stepAfter } from './steps.js';

export interface StartInput {
  username: string;
  purpose: FlowPurpose;
}

export interface StartResult {
  flowId: string;
  expiresInSeconds: number;
  /** The name as reduced from what was typed (flowName.ts), the same whether or not an account holds it. */
  username: string;
  challenge: Challenge;
}

type Refusal =
  | { code: 'NOT_ENROLLED' }
  | { code: 'NOT_ELIGIBLE'; reason: IneligibilityReason }
  | { code: 'BLOCKED'; retryAfterSeconds: number };

export async function startFlow(input: StartInput, source: RequestSource, ports: RequestPorts): Promise<StartResult> {
  const { config, store, clock } = ports;
  const typed = reduceUsername(input.username, config.domain);
  if (!typed.ok) throw validationError({ username: usernameProblem(config.domain) });

  const now = clock.now();
  const audit = auditor(ports, source);
  const decoyKey = await ports.secrets.decoyKey();
  // Until the directory says otherwise the name resolves to nothing: kept under its keyed hash, never as typed.
  let subject = unresolvedSubject(decoyKey, typed.name);
  const limited = async (limit: Limit) => {
    try {
      await admitAll(store, [limit], now);
    } catch (error) {
      if (error instanceof SsprError) await audit(subject, 'start', error.code);
      throw error;
    }
  };
  // The address first, before the directory is asked anything; the name once it is resolved, under its key
  // (subjects.ts), so every form of one name shares one bucket, whether or not an account holds it.
  await limited(addressLimit('start', source.address, config));

  const session = await ports.directory.openSession();
  let account: DirectoryAccount | null;
  try {
    const found = await session.findAccount(typed.lookup);
    account = found && !isHiddenAccount(found, ports.directory.serviceAccountDn) ? found : null;
  } finally {
    await session.close();
  }
  if (account) subject = accountSubject(account);
  await limited(userLimit('start', nameKey(decoyKey, account ? account.sAMAccountName : typed.name), config));

  // Every path asks the store the same questions, whatever it knows about the name; the decoy weights are asked on
  // every path too (and mostly answered from the cache), so a decoy costs what a real start costs.
  const catalog = QUESTION_CATALOG.map((q) => q.id);
  const [enrollment, block, weights] = await Promise.all([
    store.getEnrollment(account?.objectGuid ?? decoyObjectGuid(decoyKey, subject)),
    store.getBlock(subject, now),
    decoyWeights(store, catalog, now),
  ]);
  const channels = account ? codeChannels(account, enrollment, config, ports.newChannelId) : [];
  const alternatives = account ? flowAlternatives(enrollment, channels, config) : [];
  // The groups are resolved on every path, account or not, so a configuration error refuses every name alike.
  const groups = await eligibilityGroups(ports.directory, config.eligibility, { nowMs: now, logger: ports.logger });
  const refusal = refusalFor(account, enrollment, block?.until ?? null, alternatives, now, groups);

  if (refusal && config.revealAccountState) {
    await audit(subject, 'start', refusal.code, 'reason' in refusal ? refusal.reason : undefined);
    throw new SsprError(refusal.code, {
      ...('reason' in refusal ? { reason: refusal.reason } : {}),
      ...('retryAfterSeconds' in refusal ? { retryAfterSeconds: refusal.retryAfterSeconds } : {}),
    });
  }

  const asked = config.reset.questionsAsked;
  const decoy = refusal !== null;
  // A decoy's alternatives look like those of a real user under the same policy (steps.ts decoyAlternatives).
  const flowPaths = decoy ? decoyAlternatives(config) : alternatives;
  const questionIds =
    enrollment && enrollment.answers.length >= asked
      ? shuffled(enrollment.answers.map((a) => a.questionId)).slice(0, asked)
      : shuffled(decoyQuestionIds(decoyKey, subject, catalog, asked, weights));
  const correctRequired = correctRequiredFor(flowPaths, questionIds.length, config);

  const token = newToken();
  const flow: Flow = {
    tokenHash: hashToken(token),
    purpose: input.purpose,
    subject,
    sealedName: sealFlowName(token, typed.name),
    objectGuid: account?.objectGuid ?? null,
    decoy,
    language: source.language,
    questionIds,
    answered: 0,
    correct: 0,
    correctRequired,
    alternatives: flowPaths,
    passed: [],
    channels: decoy ? [] : channels,
    step: stepAfter(flowPaths, []),
    pending: null,
    code: null,
    codeTries: 0,
    sends: 0,
    lastSentAt: null,
    passwordTries: 0,
    createdAt: now,
    expiresAt: now + config.reset.flowMinutes * 60_000,
    version: 1,
  };
  await store.createFlow(flow);
  // The audit trail keeps the real reason; the response never shows it.
  await audit(subject, 'start', decoy ? 'decoy' : 'started', refusal?.code);

  return {
    flowId: token,
    expiresInSeconds: config.reset.flowMinutes * 60,
    username: typed.name,
    challenge: await showChallenge(flow, source.language, ports),
  };
}

function refusalFor(
  account: DirectoryAccount | null,
  enrollment: Enrollment | null,
  blockedUntil: number | null,
  alternatives: readonly Alternative[],
  now: number,
  groups: EligibilityGroups,
): Refusal | null {
  if (!account) return { code: 'NOT_ENROLLED' };
  const eligibility = checkEligibility('start', account, { nowMs: now, groups });
  if (!eligibility.eligible) return { code: 'NOT_ELIGIBLE', reason: eligibility.reason };
  // Never enrolled: only automatic enrollment (a code to a directory contact) gives such a user a way.
  if (!enrollment && alternatives.length === 0) return { code: 'NOT_ENROLLED' };
  if (blockedUntil !== null) return { code: 'BLOCKED', retryAfterSeconds: Math.ceil((blockedUntil - now) / 1000) };
  // Enrolled, but holding no set of methods the policy passes (codes "always" and no channel, say).
  if (alternatives.length === 0) return { code: 'NOT_ELIGIBLE', reason: 'NO_VERIFICATION_CHANNEL' };
  return null;
}
