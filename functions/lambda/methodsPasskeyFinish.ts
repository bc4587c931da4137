/** Deployed entry of the passkey finish route (functions/methodsPasskey.ts). */
import { createMethodsPasskeyFinishHandler } from '../methodsPasskey.js';
import { deployed } from './runtime/base.js';
import { methodsPorts } from './runtime/methodsPorts.js';

export const handler = deployed(createMethodsPasskeyFinishHandler(methodsPorts));
