/** Deployed entry of the unlock route (functions/unlock.ts). */
import { createUnlockHandler } from '../unlock.js';
import { deployed } from './runtime/base.js';
import { requestPorts } from './runtime/requestPorts.js';

export const handler = deployed(createUnlockHandler(requestPorts));
