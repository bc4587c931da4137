/** Deployed entry of the authenticator begin route (functions/methodsAuthenticator.ts). */
import { createMethodsAuthenticatorBeginHandler } from '../methodsAuthenticator.js';
import { deployed } from './runtime/base.js';
import { methodsPorts } from './runtime/methodsPorts.js';

export const handler = deployed(createMethodsAuthenticatorBeginHandler(methodsPorts));
