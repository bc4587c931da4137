/**
 * POST /api/reset/answer: check the answer to the current challenge, a question or a code (DESIGN §3, §4).
 * Each answer is claimed with a conditional write first, so parallel answers on one flow never count twice; then a
 * failure is reserved for the user before the check (flow/failures.ts), so parallel flows never get more answers
 * checked than the limit, and given back when the answer was right. A failure that fills the window blocks (the block
 * is written before the flow records the failure).
 */
import { normalizeAnswer } from '../answers.js';
import { codeMatches, isCodeFormat } from '../codes.js';
import { decoyObjectGuid } from '../decoys.js';
import { SsprError, validationError } from '../errors.js';
import { describePolicy } from '../passwordPolicy.js';
import { auditor, type RequestSource } from '../request.js';
import type { RequestPorts } from '../requestPorts.js';
import type { Flow } from '../store.js';
import { tokenHashOf } from '../tokens.js';
import type { Challenge } from './challenge.js';
import { afterCode, afterQuestion, reserveFailure, settleCheck } from './failures.js';
import { openFlowName } from './flowName.js';
import { liveFlow, writeFlow } from './flowState.js';
import { showChallenge } from './passkeyStep.js';
import { answerPossession, isPossessionStep } from './possession.js';
import { rehashIfOutdated } from './rehash.js';

export interface AnswerInput {
  flowId: string;
  answer: string;
}

export async function answerChallenge(
  input: AnswerInput,
  source: RequestSource,
  ports: RequestPorts,
): Promise<{ username: string; challenge: Challenge }> {
  const tokenHash = tokenHashOf(input.flowId, 'flowId');
  const flow = await liveFlow(ports, tokenHash, ports.clock.now());
  const username = openFlowName(input.flowId, flow.sealedName);
  if (flow.step === 'question') return { username, challenge: await answerQuestion(flow, input.answer, source, ports) };
  if (flow.step === 'code') return { username, challenge: await answerCode(flow, input.answer, source, ports) };
  if (isPossessionStep(flow)) {
    return {
      username,
      challenge: await challengeAfter(await answerPossession(flow, input.answer, source, ports), source, ports),
    };
  }
  throw new SsprError('WRONG_STEP');
}

async function answerQuestion(flow: Flow, answer: string, source: RequestSource, ports: RequestPorts) {
  const normalized = normalizeAnswer(answer);
  if (normalized === '') throw validationError({ answer: { message: 'answer.required' } });
  const audit = auditor(ports, source);
  const claimed = await writeFlow(ports, flow, { pending: source.requestId });

  // The same reads and one slow hash on every path: a decoy, and an answer whose failure could not be reserved (not
  // checked at all), compare with a dummy and never pass.
  const decoyKey = await ports.secrets.decoyKey();
  const [enrollment, reservation] = await Promise.all([
    ports.store.getEnrollment(flow.objectGuid ?? decoyObjectGuid(decoyKey, flow.subject)),
    reserveFailure(ports, flow, 'answer'),
  ]);
  const questionId = flow.questionIds[flow.answered];
  const checked = !flow.decoy && reservation.reserved;
  const stored = checked ? enrollment?.answers.find((a) => a.questionId === questionId)?.hash : undefined;
  const matches = await ports.hasher.verify(normalized, stored ?? null);
  const right = stored !== undefined && matches;
  const record = { event: 'answer', right: 'right', ...(questionId ? { detail: questionId } : {}) } as const;
  const verdict = await settleCheck(ports, flow, 'answer', reservation, right, record, audit, source);
  if (verdict === 'right' && stored) await rehashIfOutdated(ports, flow, questionId ?? '', normalized, stored);

  const next = await writeFlow(ports, claimed, { pending: null, ...afterQuestion(flow, verdict) });
  return challengeAfter(next, source, ports);
}

async function answerCode(flow: Flow, answer: string, source: RequestSource, ports: RequestPorts) {
  const { config, clock } = ports;
  if (!flow.code) throw new SsprError('WRONG_STEP');
  // Not a code at all: refused and not counted, so a typo never costs a try.
  if (!isCodeFormat(answer, config.codes.length)) {
    throw validationError({ answer: { message: 'code.format', params: { length: config.codes.length } } });
  }
  const audit = auditor(ports, source);
  const claimed = await writeFlow(ports, flow, { pending: source.requestId });

  const [pepper, reservation] = await Promise.all([ports.secrets.pepper(), reserveFailure(ports, flow, 'code')]);
  // An expired code counts as a wrong one; a code whose failure could not be reserved is not checked.
  const right =
    reservation.reserved &&
    clock.now() < flow.code.expiresAt &&
    codeMatches(pepper, flow.tokenHash, answer, flow.code.hmac);
  const record = { event: 'code', right: 'verified' } as const;
  const verdict = await settleCheck(ports, flow, 'code', reservation, right, record, audit, source);

  const next = await writeFlow(ports, claimed, { pending: null, ...afterCode(flow, verdict, config.codes.maxTries) });
  return challengeAfter(next, source, ports);
}

/** What the flow asks after an answer: verified (with the user's policy for a reset), the next step, or an end. */
export async function challengeAfter(flow: Flow, source: RequestSource, ports: RequestPorts): Promise<Challenge> {
  switch (flow.step) {
    case 'verified': {
      await auditor(ports, source)(flow.subject, flow.purpose, 'verified', flow.passed.join('+'));
      if (flow.purpose !== 'reset') return { type: 'verified' };
      return { type: 'verified', passwordPolicy: await policyOf(flow, source, ports) };
    }
    case 'failed':
    case 'done':
    case 'claimed':
      await auditor(ports, source)(flow.subject, flow.purpose, 'failed');
      throw new SsprError('VERIFICATION_FAILED');
    default:
      return showChallenge(flow, source.language, ports);
  }
}

/** The user's own policy (PSO or domain), which the reset will be checked against. */
async function policyOf(flow: Flow, source: RequestSource, ports: RequestPorts) {
  const session = await ports.directory.openSession();
  try {
    const account = flow.objectGuid ? await session.findAccount({ by: 'objectGuid', value: flow.objectGuid }) : null;
    if (!account) throw new SsprError('FLOW_EXPIRED');
    return describePolicy(await session.effectivePolicy(account), source.language);
  } finally {
    await session.close();
  }
}
