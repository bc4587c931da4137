/** Deployed entry of the passkey answer route (functions/resetPasskey.ts). */

import { createResetPasskeyHandler } from '../resetPasskey.js';
import { deployed } from './runtime/base.js';
import { requestPorts } from './runtime/requestPorts.js';

export const handler = deployed(createResetPasskeyHandler(requestPorts));
