/** Deployed entry of the passkey begin route (functions/methodsPasskey.ts). */
import { createMethodsPasskeyBeginHandler } from '../methodsPasskey.js';
import { deployed } from './runtime/base.js';
import { methodsPorts } from './runtime/methodsPorts.js';

export const handler = deployed(createMethodsPasskeyBeginHandler(methodsPorts));
