/** Deployed entry of the authenticator confirm route (functions/methodsAuthenticator.ts). */
import { createMethodsAuthenticatorConfirmHandler } from '../methodsAuthenticator.js';
import { deployed } from './runtime/base.js';
import { requestPorts } from './runtime/requestPorts.js';

export const handler = deployed(createMethodsAuthenticatorConfirmHandler(requestPorts));
