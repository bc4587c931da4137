/** Deployed entry of the changePassword route (functions/changePassword.ts). */
import { createChangePasswordHandler } from '../changePassword.js';
import { deployed } from './runtime/base.js';
import { requestPorts } from './runtime/requestPorts.js';

export const handler = deployed(createChangePasswordHandler(requestPorts));
