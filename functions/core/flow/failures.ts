/**
 * Failures per user across flows (DESIGN §4 Reset and unlock, §5): a failure is reserved before the answer or code it
 * guards is checked, and given back when it was right, so however many flows an attacker races, at most
 * `block.maxWrongAnswers` answers (`codes.maxTries` codes) are checked per user and window. A reservation refused
 * (the user is blocked, or the window is full) is never checked. Every other step refuses once the user is blocked.
 */
import type { Config } from '../config.js';
import type { DirectoryAccount, DirectorySession } from '../directory.js';
import { SsprError } from '../errors.js';
import type { Audit, RequestSource } from '../request.js';
import type { RequestPorts } from '../requestPorts.js';
import type { FailureKind, FailureReservation, FailureWindow, Flow, FlowStep } from '../store.js';
import { blockSubject } from './blocks.js';
import { stillEligible, writeFlow } from './flowState.js';
import { stepAfter } from './steps.js';

/**
 * What one answer or code came to. `refused`: not checked at all, the user being blocked; `blocking`: the user is to be
 * blocked, because it was wrong and its reservation filled the window, or because the window was already full (not
 * checked then either).
 */
export type Verdict = 'right' | 'wrong' | 'blocking' | 'refused';

export function failureWindow(config: Config, kind: FailureKind): FailureWindow {
  return {
    limit: kind === 'answer' ? config.block.maxWrongAnswers : config.codes.maxTries,
    windowSeconds: config.block.windowHours * 3600,
    blockSeconds: config.block.hours * 3600,
  };
}

export function reserveFailure(ports: RequestPorts, flow: Flow, kind: FailureKind): Promise<FailureReservation> {
  return ports.store.reserveFailure(flow.subject, kind, failureWindow(ports.config, kind), ports.clock.now());
}

/**
 * The verdict on an answer or code, given the reservation made before the check (`right` is only looked at when it was
 * reserved). A full window with no live block blocks: the block its filling wrote lapsed (a block shorter than the
 * window), and this reservation wrote a new one; either way the user has used up the window's failures.
 */
export function verdictOf(reservation: FailureReservation, right: boolean, limit: number): Verdict {
  if (!reservation.reserved) return reservation.blockedUntil === null ? 'blocking' : 'refused';
  if (right) return 'right';
  return reservation.count >= limit ? 'blocking' : 'wrong';
}

/** How an answer that was not checked is audited: during a block, or with the window full. */
export function refusalReason(reservation: FailureReservation & { reserved: false }): string {
  return reservation.blockedUntil === null ? 'FAILURE_LIMIT' : 'BLOCKED';
}

/** How a settled check is audited: the event (`answer`, `code`, a method), and the outcome a right one is logged as. */
export interface CheckRecord {
  event: string;
  right: 'right' | 'verified';
  /** Logged with a checked answer (the question's id); a refused one logs its refusal's reason instead. */
  detail?: string;
}

/**
 * The one way every checked answer settles (a question, a sent code, an app code, a recovery code, a passkey): its
 * verdict from the reservation made before the check; the audit line; the failure given back when it was right, with
 * the block its reservation wrote by filling the window; the rest of a block this reservation wrote (flows ended,
 * told, audited: blocks.ts) when it was wrong, before the caller's flow records the failure.
 */
export async function settleCheck(
  ports: RequestPorts,
  flow: Flow,
  kind: FailureKind,
  reservation: FailureReservation,
  right: boolean,
  record: CheckRecord,
  audit: Audit,
  source: RequestSource,
): Promise<Verdict> {
  const verdict = verdictOf(reservation, right, failureWindow(ports.config, kind).limit);
  if (reservation.reserved) await audit(flow.subject, record.event, right ? record.right : 'wrong', record.detail);
  else await audit(flow.subject, record.event, 'refused', refusalReason(reservation));
  if (verdict === 'right') {
    await ports.store.giveBackFailure(flow.subject, kind, ports.clock.now(), reservation.block ?? undefined);
  }
  if (verdict === 'blocking' && reservation.block) await blockSubject(ports, flow, reservation.block, audit, source);
  return verdict;
}

/**
 * The flow after one answer to a question. A refused answer moves the flow on as a wrong one does (it can never pass),
 * so the point of failure stays the last question for every user, decoy, blocked or not; only a blocking answer ends
 * the flow at once. Questions that pass go on as the policy says (steps.ts): verified, or the next method.
 */
export function afterQuestion(flow: Flow, verdict: Verdict): Pick<Flow, 'answered' | 'correct' | 'step' | 'passed'> {
  const answered = flow.answered + 1;
  const correct = flow.correct + (verdict === 'right' ? 1 : 0);
  if (!flow.decoy && correct >= flow.correctRequired) {
    const passed = [...flow.passed, 'questions' as const];
    return { answered, correct, passed, step: stepAfter(flow.alternatives, passed) };
  }
  const step: FlowStep = verdict === 'blocking' || answered >= flow.questionIds.length ? 'failed' : 'question';
  return { answered, correct, passed: flow.passed, step };
}

/**
 * The flow after one code answer. Only a real flow with a sent code gets here (no decoy to look alike), so a code
 * refused during a block ends it at once, with no try counted. A right code passes the method of its channel.
 */
export function afterCode(
  flow: Flow,
  verdict: Verdict,
  maxTries: number,
): Pick<Flow, 'codeTries' | 'step' | 'code' | 'passed'> {
  if (verdict === 'right') {
    const channel = flow.channels.find((c) => c.id === flow.code?.channelId);
    const passed = channel ? [...flow.passed, channel.channel] : flow.passed;
    return { codeTries: flow.codeTries, step: stepAfter(flow.alternatives, passed), code: null, passed };
  }
  if (verdict === 'refused') return { codeTries: flow.codeTries, step: 'failed', code: flow.code, passed: flow.passed };
  const codeTries = flow.codeTries + 1;
  const step: FlowStep = verdict === 'blocking' || codeTries >= maxTries ? 'failed' : 'code';
  return { codeTries, step, code: flow.code, passed: flow.passed };
}

/**
 * Every step of a flow refuses once its user is blocked, whichever flow the block came from (DESIGN §5): the flow
 * ends as a failed one and the request gets VERIFICATION_FAILED. `flow` is the version this request holds.
 */
export async function refuseWhenBlocked(ports: RequestPorts, flow: Flow, event: string, audit: Audit): Promise<void> {
  if (!(await ports.store.getBlock(flow.subject, ports.clock.now()))) return;
  await endRefused(ports, flow, event, audit, 'BLOCKED');
}

/**
 * The set-password and unlock steps read the account again and refuse one that may no longer use self-service
 * (disabled, protected, in a deny group since the flow started): the flow ends; the reason is told only in reveal mode,
 * as at start.
 */
export async function refuseWhenIneligible(
  ports: RequestPorts,
  session: DirectorySession,
  account: DirectoryAccount,
  flow: Flow,
  event: string,
  audit: Audit,
): Promise<void> {
  const eligibility = await stillEligible(ports, session, account);
  if (eligibility.eligible) return;
  const { reason } = eligibility;
  await endRefused(
    ports,
    flow,
    event,
    audit,
    reason,
    ports.config.revealAccountState ? new SsprError('NOT_ELIGIBLE', { reason }) : undefined,
  );
}

/** Ends the flow for a refusal of its current step, audits why, and throws `error` (VERIFICATION_FAILED). */
export async function endRefused(
  ports: RequestPorts,
  flow: Flow,
  event: string,
  audit: Audit,
  reason: string,
  error = new SsprError('VERIFICATION_FAILED'),
): Promise<never> {
  // A write that lost (another request moved the flow on) changes nothing: this request is refused either way.
  await writeFlow(ports, flow, { step: 'failed', pending: null }).catch(() => undefined);
  await audit(flow.subject, event, 'refused', reason);
  throw error;
}
