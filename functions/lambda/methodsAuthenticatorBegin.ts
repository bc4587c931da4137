/** Deployed entry of the authenticator begin route (functions/methodsAuthenticator.ts). */
import { createMethodsAuthenticatorBeginHandler } from '../methodsAuthenticator.js';
import { deployed } from './runtime/base.js';
import { requestPorts } from './runtime/requestPorts.js';

export const handler = deployed(createMethodsAuthenticatorBeginHandler(requestPorts));
