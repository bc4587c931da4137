/**
 * POST /api/reset/answer: check the answer to the current challenge, a question or a code (DESIGN §3, §4).
 * Each answer is claimed with a conditional write first, so parallel answers on one flow never count twice; a failure
 * is counted (and a block written) before the flow records it.
 */
import { normalizeAnswer } from '../answers.js';
import { codeMatches, isCodeFormat } from '../codes.js';
import { decoyObjectGuid } from '../decoys.js';
import { SsprError, validationError } from '../errors.js';
import { describePolicy } from '../passwordPolicy.js';
import { auditor, type RequestSource } from '../request.js';
import type { Flow } from '../store.js';
import { tokenHashOf } from '../tokens.js';
import { type Challenge, codeChallenge, questionChallenge } from './challenge.js';
import type { FlowPorts } from './ports.js';
import { countFailure, liveFlow, writeFlow } from './shared.js';

export interface AnswerInput {
  flowId: string;
  answer: string;
}

export async function answerChallenge(
  input: AnswerInput,
  source: RequestSource,
  ports: FlowPorts,
): Promise<{ challenge: Challenge }> {
  const tokenHash = tokenHashOf(input.flowId, 'flowId');
  const flow = await liveFlow(ports, tokenHash, ports.clock.now());
  if (flow.step === 'question') return { challenge: await answerQuestion(flow, input.answer, source, ports) };
  if (flow.step === 'code') return { challenge: await answerCode(flow, input.answer, source, ports) };
  throw new SsprError('WRONG_STEP');
}

async function answerQuestion(flow: Flow, answer: string, source: RequestSource, ports: FlowPorts) {
  if (normalizeAnswer(answer) === '') throw validationError({ answer: { message: 'answer.required' } });
  const audit = auditor(ports, source);
  const claimed = await writeFlow(ports, flow, { pending: source.requestId });

  // The same reads and one slow hash on every path: a decoy compares with a dummy and never passes.
  const decoyKey = await ports.secrets.decoyKey();
  const enrollment = await ports.store.getEnrollment(flow.objectGuid ?? decoyObjectGuid(decoyKey, flow.subject));
  const questionId = flow.questionIds[flow.answered];
  const stored = flow.decoy ? undefined : enrollment?.answers.find((a) => a.questionId === questionId)?.hash;
  const matches = await ports.hasher.verify(normalizeAnswer(answer), stored ?? null);
  const right = stored !== undefined && matches;

  await audit(flow.subject, 'answer', right ? 'right' : 'wrong', questionId);
  const blocked = !right && (await countFailure(ports, flow, 'answer', audit, source));

  const answered = flow.answered + 1;
  const correct = flow.correct + (right ? 1 : 0);
  const passed = !flow.decoy && correct >= flow.correctRequired;
  const step = passed
    ? flow.codeRequired
      ? 'code'
      : 'verified'
    : blocked || answered >= flow.questionIds.length
      ? 'failed'
      : 'question';
  const next = await writeFlow(ports, claimed, { pending: null, answered, correct, step });
  return challengeAfter(next, source, ports);
}

async function answerCode(flow: Flow, answer: string, source: RequestSource, ports: FlowPorts) {
  const { config, clock } = ports;
  if (!flow.code) throw new SsprError('WRONG_STEP');
  // Not a code at all: refused and not counted, so a typo never costs a try.
  if (!isCodeFormat(answer, config.codes.length)) {
    throw validationError({ answer: { message: 'code.format', params: { length: config.codes.length } } });
  }
  const audit = auditor(ports, source);
  const claimed = await writeFlow(ports, flow, { pending: source.requestId });

  const pepper = await ports.secrets.pepper();
  // An expired code counts as a wrong one.
  const right = clock.now() < flow.code.expiresAt && codeMatches(pepper, flow.tokenHash, answer, flow.code.hmac);
  await audit(flow.subject, 'code', right ? 'verified' : 'wrong');
  if (right) {
    const next = await writeFlow(ports, claimed, { pending: null, code: null, step: 'verified' });
    return challengeAfter(next, source, ports);
  }

  const blocked = await countFailure(ports, flow, 'code', audit, source);
  const codeTries = flow.codeTries + 1;
  const step = blocked || codeTries >= config.codes.maxTries ? 'failed' : 'code';
  const next = await writeFlow(ports, claimed, { pending: null, codeTries, step });
  return challengeAfter(next, source, ports);
}

async function challengeAfter(flow: Flow, source: RequestSource, ports: FlowPorts): Promise<Challenge> {
  switch (flow.step) {
    case 'question':
      return questionChallenge(flow, source.language);
    case 'code':
      return codeChallenge(flow);
    case 'verified': {
      await auditor(ports, source)(flow.subject, flow.purpose, 'verified');
      if (flow.purpose !== 'reset') return { type: 'verified' };
      return { type: 'verified', passwordPolicy: await policyOf(flow, source, ports) };
    }
    default:
      await auditor(ports, source)(flow.subject, flow.purpose, 'failed');
      throw new SsprError('VERIFICATION_FAILED');
  }
}

/** The user's own policy (PSO or domain), which the reset will be checked against. */
async function policyOf(flow: Flow, source: RequestSource, ports: FlowPorts) {
  const session = await ports.directory.openSession();
  try {
    const account = flow.objectGuid ? await session.findAccount({ by: 'objectGuid', value: flow.objectGuid }) : null;
    if (!account) throw new SsprError('FLOW_EXPIRED');
    return describePolicy(await session.effectivePolicy(account), source.language);
  } finally {
    await session.close();
  }
}
