/** Deployed entry of the remove-a-method route (functions/methodsRemove.ts). */
import { createMethodsRemoveHandler } from '../methodsRemove.js';
import { deployed } from './runtime/base.js';
import { methodsPorts } from './runtime/methodsPorts.js';

export const handler = deployed(createMethodsRemoveHandler(methodsPorts));
