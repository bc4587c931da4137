/**
 * GET /api/config: the questions, the answer rules, the methods the recovery policy offers and the domain password
 * policy, in the request's language.
 */
import type { DirectoryPolicy } from './core/directory.js';
import { describePolicy } from './core/passwordPolicy.js';
import { questionsFor } from './core/questions.js';
import { offeredMethods, RECOVERY_METHODS } from './core/recovery/policy.js';
import { policyAlternatives } from './core/recovery/presets.js';
import type { RequestPorts } from './core/requestPorts.js';
import type { ConfigResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

/** The domain policy changes rarely; reading it once per warm instance every few minutes is plenty. */
const POLICY_CACHE_MS = 5 * 60_000;

export function createConfigHandler(
  deps: Pick<RequestPorts, 'config' | 'directory' | 'clock' | 'logger'>,
): HttpHandler {
  const { config } = deps;
  const offered = offeredMethods(policyAlternatives(config));
  let cached: { policy: DirectoryPolicy; until: number } | undefined;
  const domainPolicy = async (): Promise<DirectoryPolicy> => {
    const now = deps.clock.now();
    if (cached && cached.until > now) return cached.policy;
    const session = await deps.directory.openSession();
    try {
      const policy = await session.domainPolicy();
      cached = { policy, until: now + POLICY_CACHE_MS };
      return policy;
    } finally {
      await session.close();
    }
  };

  return httpRoute('config', deps.logger, async (_event, source) => ({
    statusCode: 200,
    body: {
      questions: questionsFor(source.language),
      enrollment: {
        questionsRequired: config.enrollment.questionsRequired,
        answerMinLength: config.enrollment.answerMinLength,
        answerMaxLength: config.enrollment.answerMaxLength,
        email: config.enrollment.email,
        phone: config.enrollment.phone,
      },
      reset: { questionsAsked: config.reset.questionsAsked, codeLength: config.codes.length },
      recovery: { offered: RECOVERY_METHODS.filter((method) => offered.has(method)) },
      passwordPolicy: describePolicy(await domainPolicy(), source.language),
    } satisfies ConfigResponse,
  }));
}
