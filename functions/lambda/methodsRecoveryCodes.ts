/** Deployed entry of the recovery codes route (functions/methodsRecoveryCodes.ts). */
import { createMethodsRecoveryCodesHandler } from '../methodsRecoveryCodes.js';
import { deployed } from './runtime/base.js';
import { requestPorts } from './runtime/requestPorts.js';

export const handler = deployed(createMethodsRecoveryCodesHandler(requestPorts));
