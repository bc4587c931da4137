/**
 * POST /api/reset/code: make a verification code for the flow and queue it to the chosen channel (DESIGN §3, §4).
 * A new code replaces the earlier one; sends are limited per flow, per user and per address.
 */
import { codeHmac, newCode } from '../codes.js';
import { SsprError, validationError } from '../errors.js';
import { actionLimits, admitAll } from '../limits.js';
import { maskDestination } from '../masking.js';
import { auditor, type RequestSource } from '../request.js';
import type { FlowPorts } from './ports.js';
import { liveFlow, tokenHashOf, writeFlow } from './shared.js';

export interface SendCodeInput {
  flowId: string;
  channelId: string;
}

export interface SendCodeResult {
  sent: true;
  destination: string;
  expiresInSeconds: number;
  resendAfterSeconds: number;
}

export async function sendCode(input: SendCodeInput, source: RequestSource, ports: FlowPorts): Promise<SendCodeResult> {
  const { config, clock, store } = ports;
  const tokenHash = tokenHashOf(input.flowId);
  const now = clock.now();
  const flow = await liveFlow(ports, tokenHash, now);
  if (flow.step !== 'code') throw new SsprError('WRONG_STEP');
  const channel = flow.channels.find((c) => c.id === input.channelId);
  if (!channel) throw validationError({ channelId: { message: 'channel.unknown' } });

  const audit = auditor(ports, source);
  const refuse = async (retryAfterSeconds: number) => {
    await audit(flow.subject, 'code-send', 'RATE_LIMITED');
    throw new SsprError('RATE_LIMITED', { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });
  };
  if (flow.sends >= config.codes.maxSends) await refuse((flow.expiresAt - now) / 1000);
  if (flow.lastSentAt !== null && now < flow.lastSentAt + config.codes.resendSeconds * 1000) {
    await refuse((flow.lastSentAt + config.codes.resendSeconds * 1000 - now) / 1000);
  }
  try {
    await admitAll(store, actionLimits('code-send', flow.subject, source.address, config), now);
  } catch (error) {
    if (error instanceof SsprError) await audit(flow.subject, 'code-send', error.code);
    throw error;
  }

  const code = newCode(config.codes.length);
  const pepper = await ports.secrets.pepper();
  const validMs = config.codes.validMinutes * 60_000;
  await writeFlow(ports, flow, {
    code: { hmac: codeHmac(pepper, flow.tokenHash, code), channelId: channel.id, expiresAt: now + validMs },
    sends: flow.sends + 1,
    lastSentAt: now,
  });
  await ports.outbox.enqueue({
    channel: channel.channel,
    to: channel.address,
    template: 'verification-code',
    params: { code, minutes: String(config.codes.validMinutes) },
    language: flow.language,
  });
  await audit(flow.subject, 'code-send', 'sent', channel.channel);

  return {
    sent: true,
    destination: maskDestination(channel.channel, channel.address),
    expiresInSeconds: validMs / 1000,
    resendAfterSeconds: config.codes.resendSeconds,
  };
}
