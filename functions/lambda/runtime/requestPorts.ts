/**
 * The ports of every request function (flows, enrollments, change): directory, table, peppered hashing, the sealed outbox.
 * The notifier's private key is not among them: request functions only ever hold its public key.
 */
import { randomBytes } from 'node:crypto';
import { ScryptAnswerHasher } from '../../adapters/answerHasher.js';
import { notifierPublicKeyFromEnv } from '../../adapters/sealing.js';
import { StoreOutbox } from '../../adapters/storeOutbox.js';
import { systemClock } from '../../core/clock.js';
import type { RequestPorts } from '../../core/requestPorts.js';
import { logger } from './base.js';
import { config } from './config.js';
import { directory } from './directory.js';
import { secrets } from './keys.js';
import { store } from './store.js';

/** An opaque random id (code channels of a flow, contacts of an enrollment). */
const newId = (): string => randomBytes(9).toString('base64url');

export const requestPorts: RequestPorts = {
  directory,
  store,
  hasher: new ScryptAnswerHasher(secrets),
  outbox: new StoreOutbox(store, notifierPublicKeyFromEnv(process.env), systemClock),
  secrets,
  clock: systemClock,
  config,
  logger,
  newChannelId: newId,
  newContactId: newId,
};
