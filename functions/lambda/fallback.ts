/** Deployed entry of the `$default` route (functions/fallback.ts): unknown routes and methods. */
import { createFallbackHandler } from '../fallback.js';
import { deployed, logger } from './runtime/base.js';

export const handler = deployed(createFallbackHandler({ logger }));
