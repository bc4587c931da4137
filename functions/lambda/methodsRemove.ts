/** Deployed entry of the remove-a-method route (functions/methodsRemove.ts). */
import { createMethodsRemoveHandler } from '../methodsRemove.js';
import { deployed } from './runtime/base.js';
import { requestPorts } from './runtime/requestPorts.js';

export const handler = deployed(createMethodsRemoveHandler(requestPorts));
