/**
 * POST /api/reset/code: make a verification code for the flow and queue it to the chosen channel (DESIGN §3, §4).
 * A new code replaces the earlier one; sends are limited per flow, per user and per address, and an SMS also by the
 * daily SMS caps (per user, per address, in total).
 */
import { codeHmac, newCode } from '../codes.js';
import { isSmsAllowed } from '../contacts.js';
import { SsprError, validationError } from '../errors.js';
import { actionLimits, admitAll, giveBackAll, smsEnabled, smsLimits, watchSmsVolume } from '../limits.js';
import { maskDestination } from '../masking.js';
import { auditor, type RequestSource } from '../request.js';
import type { RequestPorts } from '../requestPorts.js';
import { tokenHashOf } from '../tokens.js';
import { refuseWhenBlocked } from './failures.js';
import { openFlowName } from './flowName.js';
import { liveFlow, writeFlow } from './flowState.js';
import { codeKindsNext, nextSteps } from './steps.js';

export interface SendCodeInput {
  flowId: string;
  channelId: string;
}

export interface SendCodeResult {
  sent: true;
  /** The flow's name as typed, reduced (flowName.ts). */
  username: string;
  destination: string;
  expiresInSeconds: number;
  resendAfterSeconds: number;
}

export async function sendCode(
  input: SendCodeInput,
  source: RequestSource,
  ports: RequestPorts,
): Promise<SendCodeResult> {
  const { config, clock, store } = ports;
  const tokenHash = tokenHashOf(input.flowId, 'flowId');
  const now = clock.now();
  const flow = await liveFlow(ports, tokenHash, now);
  // At the code step, or at a choice that offers a code (sending one is choosing it).
  const codeNext = nextSteps(flow.alternatives, flow.passed).includes('code');
  if (flow.step !== 'code' && !(flow.step === 'choose' && codeNext)) throw new SsprError('WRONG_STEP');
  const kinds: readonly string[] = codeKindsNext(flow.alternatives, flow.passed);
  const channel = flow.channels.find((c) => c.id === input.channelId && kinds.includes(c.channel));
  if (!channel) throw validationError({ channelId: { message: 'channel.unknown' } });
  const sms = channel.channel === 'sms';
  // The flow's channels were chosen at start; SMS turned off or a country taken off the list since then wins.
  if (sms && !(smsEnabled(config) && isSmsAllowed(channel.address, config.codes.smsCountryCodes))) {
    throw validationError({ channelId: { message: 'channel.unknown' } });
  }

  const audit = auditor(ports, source);
  // Before any cap is spent: a blocked user gets no code, whichever flow the block came from.
  await refuseWhenBlocked(ports, flow, 'code-send', audit);
  const refuse = async (retryAfterSeconds: number) => {
    await audit(flow.subject, 'code-send', 'RATE_LIMITED');
    throw new SsprError('RATE_LIMITED', { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });
  };
  if (flow.sends >= config.codes.maxSends) await refuse((flow.expiresAt - now) / 1000);
  if (flow.lastSentAt !== null && now < flow.lastSentAt + config.codes.resendSeconds * 1000) {
    await refuse((flow.lastSentAt + config.codes.resendSeconds * 1000 - now) / 1000);
  }
  // One admission for all of them, so an SMS refused by a daily cap uses up none of the per-action code sends either.
  const limits = [
    ...actionLimits('code-send', flow.subject, source.address, config),
    ...(sms ? smsLimits(flow.subject, source.address, config) : []),
  ];
  try {
    await admitAll(store, limits, now);
  } catch (error) {
    if (error instanceof SsprError) await audit(flow.subject, 'code-send', error.code, channel.channel);
    throw error;
  }

  const code = newCode(config.codes.length);
  const pepper = await ports.secrets.pepper();
  const validMs = config.codes.validMinutes * 60_000;
  try {
    await writeFlow(ports, flow, {
      code: { hmac: codeHmac(pepper, flow.tokenHash, code), channelId: channel.id, expiresAt: now + validMs },
      sends: flow.sends + 1,
      lastSentAt: now,
      step: 'code',
    });
  } catch (error) {
    // A parallel send on this flow won: nothing goes out for this request, so it takes up none of the caps (an SMS
    // cap then counts texts sent, not requests that lost a race).
    await giveBackAll(store, limits, now);
    throw error;
  }
  await ports.outbox.enqueue({
    channel: channel.channel,
    to: channel.address,
    template: 'verification-code',
    params: { code, minutes: String(config.codes.validMinutes) },
    language: flow.language,
  });
  await audit(flow.subject, 'code-send', 'sent', channel.channel);
  if (sms) await watchSmsVolume(store, ports.logger, config, now);

  return {
    sent: true,
    username: openFlowName(input.flowId, flow.sealedName),
    destination: maskDestination(channel.channel, channel.address),
    expiresInSeconds: validMs / 1000,
    resendAfterSeconds: config.codes.resendSeconds,
  };
}
