/** Deployed entry of the choose route (functions/chooseMethod.ts). */
import { createChooseMethodHandler } from '../chooseMethod.js';
import { deployed } from './runtime/base.js';
import { requestPorts } from './runtime/requestPorts.js';

export const handler = deployed(createChooseMethodHandler(requestPorts));
