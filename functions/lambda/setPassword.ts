/** Deployed entry of the setPassword route (functions/setPassword.ts). */
import { createSetPasswordHandler } from '../setPassword.js';
import { deployed } from './runtime/base.js';
import { requestPorts } from './runtime/requestPorts.js';

export const handler = deployed(createSetPasswordHandler(requestPorts));
