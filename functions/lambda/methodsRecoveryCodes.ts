/** Deployed entry of the recovery codes route (functions/methodsRecoveryCodes.ts). */
import { createMethodsRecoveryCodesHandler } from '../methodsRecoveryCodes.js';
import { deployed } from './runtime/base.js';
import { methodsPorts } from './runtime/methodsPorts.js';

export const handler = deployed(createMethodsRecoveryCodesHandler(methodsPorts));
