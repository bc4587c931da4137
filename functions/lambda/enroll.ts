/** Deployed entry of the enroll route (functions/enroll.ts). */
import { createEnrollHandler } from '../enroll.js';
import { deployed } from './runtime/base.js';
import { requestPorts } from './runtime/requestPorts.js';

export const handler = deployed(createEnrollHandler(requestPorts));
