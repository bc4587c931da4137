/**
 * The ports of the recovery methods functions (functions/methods*.ts): those of requestPorts.ts, with only the keys
 * each function was given (grantedKeys.ts): the methods session the decoy key (the password proof), recovery codes the
 * pepper, the authenticator steps the authenticator key, remove none.
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
import { grantedSecrets } from './grantedKeys.js';
import { store } from './store.js';

const newId = (): string => randomBytes(9).toString('base64url');

export const methodsPorts: RequestPorts = {
  directory,
  store,
  // No methods route hashes an answer; the hasher would ask for the pepper only when one did.
  hasher: new ScryptAnswerHasher(grantedSecrets),
  outbox: new StoreOutbox(store, notifierPublicKeyFromEnv(process.env), systemClock),
  secrets: grantedSecrets,
  clock: systemClock,
  config,
  logger,
  newChannelId: newId,
  newContactId: newId,
};
