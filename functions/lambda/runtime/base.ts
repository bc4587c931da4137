/**
 * What every deployed request function holds for its whole life: the logger and the origin check (DESIGN §1).
 * Created once per instance, at cold start.
 */

import { createLogger } from '../../adapters/logger.js';
import { CachedSecretString } from '../../adapters/secretsManager.js';
import { behindCloudFront } from '../../http/origin.js';
import type { HttpHandler } from '../../http/route.js';
import { requireEnv } from './env.js';
import { secretsClient } from './secretsClient.js';

const env = requireEnv('SSPR_ORIGIN_SECRET_ID');

export const logger = createLogger();
export const version = process.env.SSPR_VERSION ?? 'unknown';

const originSecret = new CachedSecretString(env.SSPR_ORIGIN_SECRET_ID, 'origin secret', secretsClient);

/** The route as deployed: reachable only through CloudFront. */
export function deployed(handler: HttpHandler): HttpHandler {
  return behindCloudFront(handler, { secret: originSecret.value, logger });
}
