/** Deployed entry of the sendCode route (functions/sendCode.ts). */
import { createSendCodeHandler } from '../sendCode.js';
import { deployed } from './runtime/base.js';
import { requestPorts } from './runtime/requestPorts.js';

export const handler = deployed(createSendCodeHandler(requestPorts));
