/** Deployed entry of the sendCode route (functions/sendCode.ts). */
import { createSendCodeHandler } from '../sendCode.js';
import { deployed } from './runtime/base.js';
import { flowPorts } from './runtime/flowPorts.js';

export const handler = deployed(createSendCodeHandler(flowPorts));
