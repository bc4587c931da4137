/** Deployed entry of the config route (functions/config.ts): rules and the domain policy, no table, no secrets. */
import { createConfigHandler } from '../config.js';
import { systemClock } from '../core/clock.js';
import { deployed, logger } from './runtime/base.js';
import { config } from './runtime/config.js';
import { directory } from './runtime/directory.js';

export const handler = deployed(createConfigHandler({ config, directory, clock: systemClock, logger }));
