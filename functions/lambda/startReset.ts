/** Deployed entry of the startReset route (functions/startReset.ts). */
import { createStartResetHandler } from '../startReset.js';
import { deployed } from './runtime/base.js';
import { requestPorts } from './runtime/requestPorts.js';

export const handler = deployed(createStartResetHandler(requestPorts));
