/**
 * Deployed entry of the "This wasn't me" route (functions/repudiate.ts): the table and the outbox (the notifier's public
 * key), no directory and no key of its own.
 */
import { notifierPublicKeyFromEnv } from '../adapters/sealing.js';
import { StoreOutbox } from '../adapters/storeOutbox.js';
import { systemClock } from '../core/clock.js';
import { createRepudiateHandler } from '../repudiate.js';
import { deployed, logger } from './runtime/base.js';
import { config } from './runtime/config.js';
import { store } from './runtime/store.js';

export const handler = deployed(
  createRepudiateHandler({
    store,
    outbox: new StoreOutbox(store, notifierPublicKeyFromEnv(process.env), systemClock),
    clock: systemClock,
    config,
    logger,
  }),
);
