/** Deployed entry of the contact verification route (functions/enrollVerify.ts): table and keys, no directory. */
import { systemClock } from '../core/clock.js';
import { createEnrollVerifyHandler } from '../enrollVerify.js';
import { deployed, logger } from './runtime/base.js';
import { config } from './runtime/config.js';
import { secrets } from './runtime/keys.js';
import { store } from './runtime/store.js';

export const handler = deployed(createEnrollVerifyHandler({ store, secrets, clock: systemClock, config, logger }));
