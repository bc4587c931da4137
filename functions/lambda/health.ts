/** Deployed entry of the health route (functions/health.ts): touches nothing behind it. */
import { createHealthHandler } from '../health.js';
import { deployed, logger, version } from './runtime/base.js';

export const handler = deployed(createHealthHandler({ logger, version }));
