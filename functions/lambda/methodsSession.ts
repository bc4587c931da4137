/** Deployed entry of the methods session route (functions/methodsSession.ts). */
import { createMethodsSessionHandler } from '../methodsSession.js';
import { deployed } from './runtime/base.js';
import { methodsPorts } from './runtime/methodsPorts.js';

export const handler = deployed(createMethodsSessionHandler(methodsPorts));
