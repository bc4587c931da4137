/** Deployed entry of the startReset route (functions/startReset.ts). */
import { createStartResetHandler } from '../startReset.js';
import { deployed } from './runtime/base.js';
import { flowPorts } from './runtime/flowPorts.js';

export const handler = deployed(createStartResetHandler(flowPorts));
