/** Deployed entry of the authenticator confirm route (functions/methodsAuthenticator.ts). */
import { createMethodsAuthenticatorConfirmHandler } from '../methodsAuthenticator.js';
import { deployed } from './runtime/base.js';
import { methodsPorts } from './runtime/methodsPorts.js';

export const handler = deployed(createMethodsAuthenticatorConfirmHandler(methodsPorts));
