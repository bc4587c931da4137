/** Deployed entry of the methods session route (functions/methodsSession.ts). */
import { createMethodsSessionHandler } from '../methodsSession.js';
import { deployed } from './runtime/base.js';
import { requestPorts } from './runtime/requestPorts.js';

export const handler = deployed(createMethodsSessionHandler(requestPorts));
